// Locations the unit tests read, resolved from the compiled file (out/unit/test/unit/*.js).

import * as path from "node:path";

export const EXTENSION_ROOT = path.resolve(__dirname, "../../../..");
export const REPO_ROOT = path.resolve(EXTENSION_ROOT, "../..");
