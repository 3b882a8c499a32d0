import * as assert from "node:assert/strict";
import { test } from "node:test";
import type { MetricSummary, ResultHunk } from "../../src/lsp_ext";
import { answerForSelection, diffTitle, hunkChoices } from "../../src/review_model";

/** A hunk as the server sends it: the line fields are the server's, the picker only shows them. */
function hunk(
  id: number,
  oldStart: number,
  oldLines: number,
  newLines: number,
  lines: string,
  label: string,
): ResultHunk {
  return {
    id,
    label,
    oldText: "a\n".repeat(oldLines),
    newText: "b\n".repeat(newLines),
    range: { start: { line: oldStart, character: 0 }, end: { line: oldStart + oldLines, character: 0 } },
    oldStart,
    oldLines,
    newStart: oldStart,
    newLines,
    lines,
  };
}

const result = {
  taskId: "slow_sum",
  hunks: [
    hunk(1, 10, 2, 1, "lines 11–12", "use a set"),
    hunk(0, 3, 1, 2, "line 4", "hoist len()"),
    hunk(2, 20, 0, 3, "line 21", ""),
  ],
};

test("hunk choices are in document order, all checked, with the server's line spans and change sizes", () => {
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
  assert.deepEqual(
    choices.map((choice) => choice.detail),
    ["−1 +2", "−2 +1", "−0 +3"],
  );
  assert.equal(choices[2].label, "Hunk 2", "an empty label gets a fallback");
});

test("the picker shows the server's lines text as it is, not a span computed from the range", () => {
  const [choice] = hunkChoices([{ ...hunk(0, 3, 3, 1, "lines 4–6 (moved)", "x") }]);
  assert.equal(choice.description, "lines 4–6 (moved)");
});

test("the diff title carries the server's best metric text, and nothing when it is null", () => {
  const metric: MetricSummary = {
    name: "latency_ms",
    goal: "min",
    baseline: 12.34,
    best: 3.6,
    baselineText: "12.3 ms",
    bestText: "3.60 ms",
  };
  assert.equal(diffTitle({ function: "slow_sum", metric }), "Weco: slow_sum (original ↔ optimized, 3.60 ms)");
  assert.equal(
    diffTitle({ function: "slow_sum", metric: { ...metric, best: null, bestText: null } }),
    "Weco: slow_sum (original ↔ optimized)",
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
