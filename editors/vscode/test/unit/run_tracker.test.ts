import * as assert from "node:assert/strict";
import { test } from "node:test";
import type { RunStatusParams } from "../../src/lsp_ext";
import { formatMetric, RunTracker, statusView } from "../../src/run_tracker";

function status(
  taskId: string,
  state: RunStatusParams["state"],
  extra: Partial<RunStatusParams> = {},
): RunStatusParams {
  return { taskId, uri: `file:///p/${taskId}.py`, function: taskId, state, metricName: "speedup", ...extra };
}

test("metrics are formatted by kind", () => {
  assert.equal(formatMetric("speedup", 3.4), "3.40x");
  assert.equal(formatMetric("latency_ms", 12.1234), "12.1 ms");
  assert.equal(formatMetric("peak_memory_mb", 35.24), "35.2 MB");
  assert.equal(formatMetric("score", 0.123456), "0.1235");
  assert.equal(formatMetric("speedup", null), "–");
});

test("the status bar is hidden until a run is reported", () => {
  assert.equal(statusView(new RunTracker()).visible, false);
});

test("one running task shows its function, step and best metric", () => {
  const tracker = new RunTracker();
  tracker.update(status("slow_sum", "preparing"));
  assert.equal(statusView(tracker).text, "$(sync~spin) Weco: slow_sum preparing");
  tracker.update(
    status("slow_sum", "running", { step: 3, totalSteps: 20, best: 1.84, message: "step 3/20 · best 1.84x" }),
  );
  const view = statusView(tracker);
  assert.equal(view.text, "$(sync~spin) Weco: slow_sum 3/20 · best 1.84x");
  assert.equal(view.tooltip, "slow_sum (running): step 3/20 · best 1.84x");
});

test("several running tasks show a count and the latest best", () => {
  const tracker = new RunTracker();
  tracker.update(status("a", "running", { step: 1, best: 1.2 }));
  tracker.update(status("b", "running", { step: 2, best: 2.5 }));
  tracker.update(status("c", "finished", { best: 9 }));
  assert.equal(statusView(tracker).text, "$(sync~spin) Weco: 2 running · best 2.50x");
  assert.deepEqual(
    tracker.active().map((task) => task.taskId),
    ["b", "a"],
  );
});

test("without running tasks the latest outcome is shown, and forgetting it hides the item", () => {
  const tracker = new RunTracker();
  tracker.update(status("a", "failed"));
  tracker.update(status("b", "finished", { best: 3.4 }));
  assert.equal(statusView(tracker).text, "$(pass) Weco: b 3.40x");
  tracker.forget("b");
  assert.equal(statusView(tracker).text, "$(error) Weco: a failed");
  tracker.forget("a");
  assert.equal(statusView(tracker).visible, false);
});
