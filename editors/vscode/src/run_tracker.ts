// Keeps the last `weco/runStatus` per task and renders the status bar text. Pure, so it is unit tested.

import type { RunStatusParams } from "./lsp_ext";

const ACTIVE_STATES = new Set(["preparing", "running"]);

export class RunTracker {
  private readonly tasks = new Map<string, RunStatusParams>();

  update(status: RunStatusParams): void {
    // Re-insert so that iteration order is "least recently updated first".
    this.tasks.delete(status.taskId);
    this.tasks.set(status.taskId, status);
  }

  forget(taskId: string): void {
    this.tasks.delete(taskId);
  }

  get(taskId: string): RunStatusParams | undefined {
    return this.tasks.get(taskId);
  }

  active(): RunStatusParams[] {
    return this.all().filter(isActive);
  }

  /** All known tasks, most recently updated first. */
  all(): RunStatusParams[] {
    return [...this.tasks.values()].reverse();
  }
}

export function isActive(status: RunStatusParams): boolean {
  return ACTIVE_STATES.has(status.state);
}

/** "3.40x", "12.1 ms", "35.2 MB"; unknown metrics get the plain number. */
export function formatMetric(name: string | null | undefined, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return "–";
  }
  switch (name) {
    case "speedup":
      return `${value.toFixed(2)}x`;
    case "latency_ms":
      return `${value.toPrecision(3)} ms`;
    case "peak_memory_mb":
      return `${value.toPrecision(3)} MB`;
    default:
      return `${Number(value.toPrecision(4))}`;
  }
}

export interface StatusView {
  visible: boolean;
  text: string;
  tooltip: string;
}

/**
 * Running tasks come first: one task shows its function, step and best metric; several show a count and the
 * best speedup-like number of the most recent one. Without running tasks the latest finished task is shown.
 */
export function statusView(tracker: RunTracker): StatusView {
  const all = tracker.all();
  if (all.length === 0) {
    return { visible: false, text: "", tooltip: "" };
  }
  const tooltip = all.map(describe).join("\n");
  const active = all.filter(isActive);
  if (active.length === 1) {
    const task = active[0];
    return { visible: true, text: `$(sync~spin) Weco: ${task.function} ${progressOf(task)}`.trimEnd(), tooltip };
  }
  if (active.length > 1) {
    const best = active.find((task) => task.best !== null && task.best !== undefined);
    const bestText = best ? ` · best ${formatMetric(best.metricName, best.best)}` : "";
    return { visible: true, text: `$(sync~spin) Weco: ${active.length} running${bestText}`, tooltip };
  }
  const latest = all[0];
  const icon = latest.state === "finished" ? "$(pass)" : latest.state === "failed" ? "$(error)" : "$(circle-slash)";
  const outcome = latest.state === "finished" ? formatMetric(latest.metricName, latest.best) : latest.state;
  return { visible: true, text: `${icon} Weco: ${latest.function} ${outcome}`, tooltip };
}

function progressOf(task: RunStatusParams): string {
  const parts: string[] = [];
  if (task.state === "preparing") {
    parts.push("preparing");
  } else if (task.step !== null && task.step !== undefined) {
    parts.push(task.totalSteps ? `${task.step}/${task.totalSteps}` : `step ${task.step}`);
  }
  if (task.best !== null && task.best !== undefined) {
    parts.push(`best ${formatMetric(task.metricName, task.best)}`);
  }
  return parts.join(" · ");
}

/** One tooltip line per task: the server's own message when it sent one. */
export function describe(task: RunStatusParams): string {
  const detail = task.message && task.message.trim() !== "" ? task.message : progressOf(task) || task.state;
  return `${task.function} (${task.state}): ${detail}`;
}
