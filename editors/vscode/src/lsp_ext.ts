// Typed mirror of the server's custom protocol (server/src/lsp/ext.rs); the contract is docs/lsp-extensions.md.
// Only types and string constants live here so that pure modules and unit tests can import it without VS Code.

export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

export interface ResultHunk {
  id: number;
  range: LspRange;
  oldText: string;
  newText: string;
  label: string;
}

export interface ResultMetric {
  name: string;
  goal: "max" | "min";
  baseline: number;
  best: number;
}

/** Params of the `weco/showResult` request (server → client); the response is `null`. */
export interface ShowResultParams {
  taskId: string;
  uri: string;
  version: number | null;
  function: string;
  original: string;
  proposed: string;
  hunks: ResultHunk[];
  metric: ResultMetric;
  summary: string;
  reportUri?: string | null;
}

export type RunState = "preparing" | "running" | "finished" | "failed" | "cancelled";

/** Params of the `weco/runStatus` notification, sent on every state change of a task. */
export interface RunStatusParams {
  taskId: string;
  uri: string;
  function: string;
  state: RunState;
  step?: number | null;
  totalSteps?: number | null;
  metricName?: string | null;
  best?: number | null;
  backend?: string | null;
  message?: string | null;
}

export const SHOW_RESULT_METHOD = "weco/showResult";
export const RUN_STATUS_METHOD = "weco/runStatus";

/** Server commands, run through `workspace/executeCommand`. */
export const ServerCommand = {
  optimize: "weco.optimize",
  consolidate: "weco.consolidate",
  cancel: "weco.cancel",
  showResult: "weco.showResult",
  applyResult: "weco.applyResult",
  discardResult: "weco.discardResult",
  showReport: "weco.showReport",
} as const;

/** Server commands that run the user's code, so they are refused in an untrusted workspace. */
export const COMMANDS_NEEDING_TRUST: readonly string[] = [ServerCommand.optimize, ServerCommand.consolidate];

/** Titles of the server's code actions that the cursor commands look for. */
export const CodeActionTitle = {
  optimize: "Optimize with Weco",
  consolidate: "Consolidate for optimization",
} as const;

export interface FunctionTarget {
  uri: string;
  function: string;
}

export interface TaskRef {
  taskId: string;
}

export interface ApplyResultArgs {
  taskId: string;
  hunks?: number[];
}
