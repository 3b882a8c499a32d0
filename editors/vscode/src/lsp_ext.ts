// Typed mirror of the server's custom protocol (editors/protocol.json, generated from server/src/lsp/ext.rs); the
// contract is docs/lsp-extensions.md. test/unit/protocol_contract.test.ts fails when this file drifts from the schema.
// Only types and string constants live here so that pure modules and unit tests can import it without VS Code.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Arguments of `weco.optimize` and `weco.consolidate`: a function by name, or the innermost one at `position`. */
export interface OptimizeArgs {
  uri: string;
  function?: string | null;
  position?: Position | null;
}

/** Arguments of the cancel and result commands; no `taskId` means every task (cancel) or the latest. */
export interface TaskTarget {
  taskId?: string | null;
  hunks?: number[] | null;
}

export interface InstallPackageArgs {
  taskId: string;
  package: string;
}

/** Arguments of `weco.profileTests`: a file or folder of the project whose tests to profile. */
export interface ProfileTestsArgs {
  uri: string;
}

export interface ResultHunk {
  id: number;
  range: Range;
  oldText: string;
  newText: string;
  label: string;
  /** 0-based first line of the hunk in `original`, and its line count there. */
  oldStart: number;
  oldLines: number;
  /** 0-based first line of the hunk in `proposed`, and its line count there. */
  newStart: number;
  newLines: number;
  /** "line 4" or "lines 4–7", 1-based, for pickers. */
  lines: string;
}

export interface MetricSummary {
  name: string;
  goal: string;
  baseline: number | null;
  best: number | null;
  /** The server's formatting of the values ("3.40x", "12.3 ms"). */
  baselineText: string | null;
  bestText: string | null;
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
  metric: MetricSummary;
  summary: string;
  reportUri: string | null;
}

export type RunState = "preparing" | "running" | "finished" | "failed" | "cancelled";

/** Params of the `weco/runStatus` notification, sent on every state change of a task. */
export interface RunStatusParams {
  taskId: string;
  uri: string;
  function: string;
  state: RunState;
  step: number;
  totalSteps: number;
  metricName: string;
  best: number | null;
  /** The server's formatting of `best` ("3.40x"). */
  bestText: string | null;
  backend: string;
  message: string;
}

/** Server → client methods. */
export const Method = {
  showResult: "weco/showResult",
  runStatus: "weco/runStatus",
} as const;

/** Server commands, run through `workspace/executeCommand`. */
export const ServerCommand = {
  optimize: "weco.optimize",
  consolidate: "weco.consolidate",
  cancel: "weco.cancel",
  showResult: "weco.showResult",
  applyResult: "weco.applyResult",
  discardResult: "weco.discardResult",
  showReport: "weco.showReport",
  installPackage: "weco.installPackage",
  profileTests: "weco.profileTests",
} as const;

/** Server commands that run the user's code, so they are refused in an untrusted workspace. */
export const COMMANDS_NEEDING_TRUST: readonly string[] = [
  ServerCommand.optimize,
  ServerCommand.consolidate,
  ServerCommand.profileTests,
];
