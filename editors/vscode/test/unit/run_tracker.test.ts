import * as assert from "node:assert/strict";
import { test } from "node:test";
import type { RunStatusParams } from "../../src/lsp_ext";
import { RunTracker, statusView } from "../../src/run_tracker";

/** A `weco/runStatus` as the server sends it: every field present, `best`/`bestText` null until known. */
function status(
  taskId: string,
  state: RunStatusParams["state"],
  extra: Partial<RunStatusParams> = {},
): RunStatusParams {
  return {
    taskId,
    uri: `file:///p/${taskId}.py`,
    function: taskId,
    state,
    step: 0,
    totalSteps: 20,
    metricName: "speedup",
    best: null,
    bestText: null,
    backend: "local",
    message: "",
    ...extra,
  };
}

test("the status bar is hidden until a run is reported", () => {
  assert.equal(statusView(new RunTracker()).visible, false);
});

test("one running task shows its function, step and the server's best metric text", () => {
  const tracker = new RunTracker();
  tracker.update(status("slow_sum", "preparing"));
  assert.equal(statusView(tracker).text, "$(sync~spin) Weco: slow_sum preparing");
  tracker.update(
    status("slow_sum", "running", { step: 3, best: 1.84, bestText: "1.84x", message: "step 3/20 · best 1.84x" }),
  );
  const view = statusView(tracker);
  assert.equal(view.text, "$(sync~spin) Weco: slow_sum 3/20 · best 1.84x");
  assert.equal(view.tooltip, "slow_sum (running): step 3/20 · best 1.84x");
});

test("a metric is shown as the server formats it, and not at all without its text", () => {
  const tracker = new RunTracker();
  tracker.update(status("lat", "running", { step: 2, metricName: "latency_ms", best: 12.34, bestText: "12.3 ms" }));
  assert.equal(statusView(tracker).text, "$(sync~spin) Weco: lat 2/20 · best 12.3 ms");
  tracker.update(status("lat", "running", { step: 3, metricName: "latency_ms", best: 12.34, bestText: null }));
  assert.equal(statusView(tracker).text, "$(sync~spin) Weco: lat 3/20");
  assert.equal(statusView(tracker).tooltip, "lat (running): 3/20", "an empty message falls back to the progress");
});

test("several running tasks show a count and the latest best", () => {
  const tracker = new RunTracker();
  tracker.update(status("a", "running", { step: 1, best: 1.2, bestText: "1.20x" }));
  tracker.update(status("b", "running", { step: 2, best: 2.5, bestText: "2.50x" }));
  tracker.update(status("c", "finished", { best: 9, bestText: "9.00x" }));
  assert.equal(statusView(tracker).text, "$(sync~spin) Weco: 2 running · best 2.50x");
  assert.deepEqual(
    tracker.active().map((task) => task.taskId),
    ["b", "a"],
  );
});

test("without running tasks the latest outcome is shown, and forgetting it hides the item", () => {
  const tracker = new RunTracker();
  tracker.update(status("a", "failed"));
  tracker.update(status("b", "finished", { best: 3.4, bestText: "3.40x" }));
  assert.equal(statusView(tracker).text, "$(pass) Weco: b 3.40x");
  tracker.update(status("c", "finished"));
  assert.equal(statusView(tracker).text, "$(pass) Weco: c finished", "no best text: the state instead");
  tracker.forget("c");
  tracker.forget("b");
  assert.equal(statusView(tracker).text, "$(error) Weco: a failed");
  tracker.forget("a");
  assert.equal(statusView(tracker).visible, false);
});
