// src/lsp_ext.ts must match editors/protocol.json, which the server generates from server/src/lsp/ext.rs, so that
// a field renamed, added, made optional or nullable on one side fails here instead of at run time.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { EXTENSION_ROOT, REPO_ROOT } from "./paths";
import {
  type ProtocolSchema,
  protocolProblems,
  typeProblems,
  parseSource,
  undefinedSchemaTypes,
} from "./protocol_check";

const protocol: ProtocolSchema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "editors/protocol.json"), "utf8"));
const lspExt = fs.readFileSync(path.join(EXTENSION_ROOT, "src/lsp_ext.ts"), "utf8");

test("editors/protocol.json defines every type it uses", () => {
  assert.deepEqual(undefinedSchemaTypes(protocol), []);
});

for (const [name, schema] of Object.entries(protocol.types)) {
  test(`lsp_ext.ts declares ${name} as the schema does`, () => {
    assert.deepEqual(typeProblems(name, schema, parseSource(lspExt)), []);
  });
}

test("lsp_ext.ts declares nothing but schema types, and its method and command names are the schema's", () => {
  assert.deepEqual(protocolProblems(protocol, lspExt), []);
});

// The check itself: each kind of drift is reported (so a green run above means something).
const drifts: Array<[string, (text: string) => string, RegExp]> = [
  [
    "a nullable field made required",
    (text) => text.replace("bestText: string | null;\n}", "bestText: string;\n}"),
    /MetricSummary\.bestText: nullable in the schema/,
  ],
  [
    "an optional field made required",
    (text) => text.replace("function?: string | null;", "function: string | null;"),
    /OptimizeArgs\.function: optional in the schema/,
  ],
  [
    "a renamed field",
    (text) => text.replace("oldLines: number;", "oldCount: number;"),
    /ResultHunk\.oldLines: in the schema but not/,
  ],
  [
    "a wrong base type",
    (text) => text.replace("newStart: number;", "newStart: string;"),
    /ResultHunk\.newStart: type string/,
  ],
  ["a changed enum", (text) => text.replace('| "cancelled"', '| "canceled"'), /RunState: enum/],
  [
    "a missing command",
    (text) => text.replace('installPackage: "weco.installPackage",', ""),
    /ServerCommand: lacks "weco.installPackage"/,
  ],
  ["a renamed type", (text) => text.replace(/\bMetricSummary\b/g, "ResultMetric"), /MetricSummary: no interface/],
];
for (const [what, mutate, expected] of drifts) {
  test(`the contract check reports ${what}`, () => {
    const mutated = mutate(lspExt);
    assert.notEqual(mutated, lspExt, "the mutation applies to lsp_ext.ts");
    const problems = protocolProblems(protocol, mutated);
    assert.ok(
      problems.some((problem) => expected.test(problem)),
      `expected a problem matching ${expected}, got ${JSON.stringify(problems)}`,
    );
  });
}
