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

export interface StatusView {
  visible: boolean;
  text: string;
  tooltip: string;
}

/**
 * Running tasks come first: one task shows its function, step and best metric; several show a count and the
 * best metric of the most recent one that has one. Without running tasks the latest finished task is shown.
 * Metric values are the server's text (`bestText`); without one, none is shown.
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
    const best = active.find((task) => hasText(task.bestText));
    const bestText = best ? ` · best ${best.bestText}` : "";
    return { visible: true, text: `$(sync~spin) Weco: ${active.length} running${bestText}`, tooltip };
  }
  const latest = all[0];
  const icon = latest.state === "finished" ? "$(pass)" : latest.state === "failed" ? "$(error)" : "$(circle-slash)";
  const outcome = latest.state === "finished" && hasText(latest.bestText) ? latest.bestText : latest.state;
  return { visible: true, text: `${icon} Weco: ${latest.function} ${outcome}`, tooltip };
}

function progressOf(task: RunStatusParams): string {
  const parts: string[] = [];
  if (task.state === "preparing") {
    parts.push("preparing");
  } else if (typeof task.step === "number") {
    parts.push(task.totalSteps > 0 ? `${task.step}/${task.totalSteps}` : `step ${task.step}`);
  }
  if (hasText(task.bestText)) {
    parts.push(`best ${task.bestText}`);
  }
  return parts.join(" · ");
}

/** One tooltip line per task: the server's own message when it sent one. */
export function describe(task: RunStatusParams): string {
  const detail = hasText(task.message) ? task.message : progressOf(task) || task.state;
  return `${task.function} (${task.state}): ${detail}`;
}

/** A non-empty string; also guards against a field an older server did not send. */
function hasText(text: string | null | undefined): text is string {
  return typeof text === "string" && text.trim() !== "";
}
