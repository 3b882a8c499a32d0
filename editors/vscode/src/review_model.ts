// Pure decisions of the result review: what the hunk picker lists and which server command answers it.

import type { ResultHunk, ShowResultParams, TaskTarget } from "./lsp_ext";

export interface HunkChoice {
  hunkId: number;
  label: string;
  description: string;
  detail: string;
  picked: boolean;
}

/** What Apply sends for one result: `weco.applyResult` arguments with the task always named. */
export type ApplyArgs = TaskTarget & { taskId: string };

/** One picker entry per hunk, all picked, in document order; line spans and sizes are the server's. */
export function hunkChoices(hunks: readonly ResultHunk[]): HunkChoice[] {
  return [...hunks]
    .sort((a, b) => a.oldStart - b.oldStart || a.id - b.id)
    .map((hunk) => ({
      hunkId: hunk.id,
      label: hunk.label.trim() === "" ? `Hunk ${hunk.id}` : hunk.label,
      description: hunk.lines,
      detail: `−${hunk.oldLines} +${hunk.newLines}`,
      picked: true,
    }));
}

export type ReviewAnswer =
  | { kind: "apply"; args: ApplyArgs }
  | { kind: "discard"; args: { taskId: string } }
  | { kind: "nothing"; reason: string };

/**
 * Turns the hunks the user kept into the server call. All hunks → `weco.applyResult` without a list;
 * some → with the sorted ids; none → nothing (the result stays available; discarding is its own choice).
 */
export function answerForSelection(
  result: Pick<ShowResultParams, "taskId" | "hunks">,
  selectedIds: readonly number[],
): ReviewAnswer {
  const known = new Set(result.hunks.map((hunk) => hunk.id));
  const chosen = [...new Set(selectedIds)].filter((id) => known.has(id)).sort((a, b) => a - b);
  if (chosen.length === 0) {
    return { kind: "nothing", reason: "No hunk selected; the result is still available (Weco: Apply Result)." };
  }
  if (chosen.length === known.size) {
    return { kind: "apply", args: { taskId: result.taskId } };
  }
  return { kind: "apply", args: { taskId: result.taskId, hunks: chosen } };
}

/** A short title for the diff editor tab, with the server's best metric when it has one. */
export function diffTitle(result: Pick<ShowResultParams, "function" | "metric">): string {
  const best = result.metric.bestText;
  return `Weco: ${result.function} (original ↔ optimized${best ? `, ${best}` : ""})`;
}
