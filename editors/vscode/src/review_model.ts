// Pure decisions of the result review: what the hunk picker lists and which server command answers it.

import type { ApplyResultArgs, ResultHunk, ShowResultParams } from "./lsp_ext";

export interface HunkChoice {
  hunkId: number;
  label: string;
  description: string;
  detail: string;
  picked: boolean;
}

/** One picker entry per hunk, all picked, in document order. */
export function hunkChoices(hunks: readonly ResultHunk[]): HunkChoice[] {
  return [...hunks]
    .sort((a, b) => a.range.start.line - b.range.start.line || a.id - b.id)
    .map((hunk) => ({
      hunkId: hunk.id,
      label: hunk.label.trim() === "" ? `Hunk ${hunk.id}` : hunk.label,
      description: lineSpan(hunk),
      detail: changeSize(hunk),
      picked: true,
    }));
}

/** "line 4" or "lines 4–7", 1-based, for the picker. */
export function lineSpan(hunk: ResultHunk): string {
  const first = hunk.range.start.line + 1;
  // An LSP range ending at column 0 ends before that line.
  const endLine =
    hunk.range.end.character === 0 && hunk.range.end.line > hunk.range.start.line
      ? hunk.range.end.line
      : hunk.range.end.line + 1;
  return endLine <= first ? `line ${first}` : `lines ${first}–${endLine}`;
}

function changeSize(hunk: ResultHunk): string {
  const removed = countLines(hunk.oldText);
  const added = countLines(hunk.newText);
  return `−${removed} +${added}`;
}

function countLines(text: string): number {
  if (text === "") {
    return 0;
  }
  const lines = text.split(/\r\n|\r|\n/);
  return text.endsWith("\n") || text.endsWith("\r") ? lines.length - 1 : lines.length;
}

export type ReviewAnswer =
  | { kind: "apply"; args: ApplyResultArgs }
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

/** A short title for the diff editor tab. */
export function diffTitle(result: Pick<ShowResultParams, "function" | "metric">, formattedBest: string): string {
  return `Weco: ${result.function} (original ↔ optimized, ${formattedBest})`;
}
