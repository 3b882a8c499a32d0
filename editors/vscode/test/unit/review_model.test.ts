import * as assert from "node:assert/strict";
import { test } from "node:test";
import type { ResultHunk } from "../../src/lsp_ext";
import { answerForSelection, hunkChoices, lineSpan } from "../../src/review_model";

function hunk(
  id: number,
  startLine: number,
  endLine: number,
  label: string,
  oldText = "a\n",
  newText = "b\nc\n",
): ResultHunk {
  return {
    id,
    label,
    oldText,
    newText,
    range: { start: { line: startLine, character: 0 }, end: { line: endLine, character: 0 } },
  };
}

const result = {
  taskId: "slow_sum",
  hunks: [hunk(1, 10, 12, "use a set"), hunk(0, 3, 4, "hoist len()"), hunk(2, 20, 20, "")],
};

test("hunk choices are in document order, all checked, with 1-based line spans and change sizes", () => {
  const choices = hunkChoices(result.hunks);
  assert.deepEqual(
    choices.map((choice) => choice.hunkId),
    [0, 1, 2],
  );
  assert.ok(choices.every((choice) => choice.picked));
  assert.deepEqual(
    choices.map((choice) => choice.description),
    ["line 4", "lines 11–12", "line 21"],
  );
  assert.equal(choices[0].detail, "−1 +2");
  assert.equal(choices[2].label, "Hunk 2", "an empty label gets a fallback");
});

test("a range ending mid-line includes that line", () => {
  assert.equal(
    lineSpan({ ...hunk(0, 3, 5, "x"), range: { start: { line: 3, character: 0 }, end: { line: 5, character: 7 } } }),
    "lines 4–6",
  );
});

test("keeping every hunk applies the whole result without a hunk list", () => {
  assert.deepEqual(answerForSelection(result, [2, 0, 1]), { kind: "apply", args: { taskId: "slow_sum" } });
});

test("keeping some hunks sends their sorted ids, ignoring unknown and repeated ids", () => {
  assert.deepEqual(answerForSelection(result, [2, 7, 0, 2]), {
    kind: "apply",
    args: { taskId: "slow_sum", hunks: [0, 2] },
  });
});

test("keeping no hunk sends nothing", () => {
  assert.equal(answerForSelection(result, []).kind, "nothing");
  assert.equal(answerForSelection(result, [9]).kind, "nothing");
});
