// package.json's contributed settings must match editors/settings.json (generated from server/src/lsp/config.rs)
// and the table in docs/lsp-extensions.md, so the three never drift apart.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { SETTINGS_PREFIX, settingKeysFromPackageJson } from "../../src/config";
import { EXTENSION_ROOT, REPO_ROOT } from "./paths";

interface SettingSpec {
  /** Full key, `weco.` included. */
  key: string;
  type: string | string[];
  default: unknown;
  enum?: unknown[];
  minimum?: number;
  description: string;
  editorOnly: boolean;
}

const packageJson = JSON.parse(fs.readFileSync(path.join(EXTENSION_ROOT, "package.json"), "utf8"));
const settingsList: SettingSpec[] = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "editors/settings.json"), "utf8"));
const shortKey = (spec: SettingSpec) => spec.key.slice(SETTINGS_PREFIX.length);
const properties: Record<string, Record<string, unknown>> = packageJson.contributes.configuration.properties;

test("package.json contributes exactly the settings of editors/settings.json, in the same order", () => {
  assert.deepEqual(settingKeysFromPackageJson(packageJson), settingsList.map(shortKey));
  assert.ok(
    Object.keys(properties).every((key) => key.startsWith(SETTINGS_PREFIX)),
    "every setting is under weco.",
  );
});

for (const spec of settingsList) {
  test(`setting ${spec.key} has the listed type, default, enum, minimum and description`, () => {
    const property = properties[spec.key];
    assert.ok(property, `package.json lacks ${spec.key}`);
    assert.deepEqual(property.minimum, spec.minimum);
    assert.deepEqual(property.type, spec.type);
    assert.deepEqual(property.default, spec.default);
    assert.deepEqual(property.enum, spec.enum);
    assert.equal(property.description, spec.description);
  });
}

test("every default is valid for its own type and enum", () => {
  for (const spec of settingsList) {
    const types = Array.isArray(spec.type) ? spec.type : [spec.type];
    const actual = spec.default === null ? "null" : Number.isInteger(spec.default) ? "integer" : typeof spec.default;
    assert.ok(types.includes(actual), `${spec.key}: default ${JSON.stringify(spec.default)} is not ${types.join("|")}`);
    if (spec.enum) {
      assert.ok(spec.enum.includes(spec.default), `${spec.key}: default not in enum`);
    }
  }
});

test("the settings table in docs/lsp-extensions.md lists the same keys and defaults", () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, "docs/lsp-extensions.md"), "utf8");
  const section = doc.split("## Settings")[1].split("\n## ")[0];
  const rows = section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => line.split(/(?<!\\)\|/).map((cell) => cell.trim()));
  const documented = rows.map((cells) => ({ key: cells[1].replace(/`/g, ""), default: cells[3].replace(/`/g, "") }));
  assert.deepEqual(
    documented.map((row) => row.key),
    settingsList.map(shortKey),
  );
  for (const row of documented) {
    const spec = settingsList.find((candidate) => shortKey(candidate) === row.key)!;
    const expected = typeof spec.default === "string" ? `"${spec.default}"` : String(spec.default);
    assert.equal(row.default, expected, `default of ${row.key}`);
  }
});
