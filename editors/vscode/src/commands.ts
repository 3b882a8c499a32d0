// The palette commands. They stay thin: each one asks the server (executeCommand) or the review.

import * as vscode from "vscode";
import { ExecuteCommandRequest } from "vscode-languageclient/node";
import { type Ctx, UNTRUSTED_MESSAGE } from "./ctx";
import { type OptimizeArgs, type ProfileTestsArgs, ServerCommand, type TaskTarget } from "./lsp_ext";
import type { ResultReview } from "./review";
import { isActive, type RunTracker } from "./run_tracker";
import { STATUS_CLICK_COMMAND } from "./status";

export function registerCommands(ctx: Ctx, review: ResultReview, tracker: RunTracker): vscode.Disposable[] {
  const register = (id: string, run: () => Promise<void>) =>
    vscode.commands.registerCommand(id, async () => {
      try {
        await run();
      } catch (error) {
        void vscode.window.showErrorMessage(`Weco: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  return [
    register("weco.client.optimizeAtCursor", () => runAtCursor(ctx, ServerCommand.optimize)),
    register("weco.client.consolidateAtCursor", () => runAtCursor(ctx, ServerCommand.consolidate)),
    register("weco.client.cancel", () => cancelRun(ctx, tracker)),
    register("weco.client.showResult", () => showResult(ctx, review, tracker)),
    register("weco.client.applyResult", async () => {
      const taskId =
        review.taskOfActiveTab() ??
        (await pickTask(
          review.pending().map((r) => [r.taskId, r.function]),
          "Result to apply",
        ));
      if (taskId !== undefined) {
        const hunkCount = review.pending().find((result) => result.taskId === taskId)?.hunks.length ?? 0;
        await (hunkCount > 1 ? review.chooseHunks(taskId) : review.apply({ taskId }));
      }
    }),
    register("weco.client.discardResult", async () => {
      const taskId =
        review.taskOfActiveTab() ??
        (await pickTask(
          review.pending().map((r) => [r.taskId, r.function]),
          "Result to discard",
        ));
      if (taskId !== undefined) {
        await review.discard(taskId);
      }
    }),
    register("weco.client.showReport", async () => {
      const taskId =
        review.taskOfActiveTab() ?? (await pickTask(knownTasks(review, tracker), "Task whose report to open", true));
      if (taskId !== undefined) {
        await executeServerCommand(ctx, ServerCommand.showReport, [{ taskId }]);
      }
    }),
    register("weco.client.profileTests", () => profileTests(ctx)),
    register("weco.client.restartServer", () => ctx.restart()),
    register("weco.client.showLogs", async () => ctx.outputChannel.show(true)),
    register(STATUS_CLICK_COMMAND, async () => {
      if (tracker.active().length > 0) {
        await cancelRun(ctx, tracker);
      } else {
        await showResult(ctx, review, tracker);
      }
    }),
  ];
}

/**
 * Runs `weco.optimize` or `weco.consolidate` for the cursor position: the server picks the innermost function there
 * (and says so when there is none). The position is converted like every LSP position of this client.
 */
async function runAtCursor(ctx: Ctx, command: string): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
    return;
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage("Weco: open a Python or Rust file and put the cursor in a function.");
    return;
  }
  const client = ctx.runningClient();
  if (!client) {
    return;
  }
  const c2p = client.code2ProtocolConverter;
  const args: OptimizeArgs = {
    uri: c2p.asTextDocumentIdentifier(editor.document).uri,
    position: c2p.asPosition(editor.selection.active),
  };
  await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args] });
}

/** Runs the project's tests under cProfile (it runs the user's code, so only in a trusted workspace). */
async function profileTests(ctx: Ctx): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
    return;
  }
  const target = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!target) {
    void vscode.window.showInformationMessage("Weco: open a folder or a file of the project whose tests to profile.");
    return;
  }
  const client = ctx.runningClient();
  if (!client) {
    return;
  }
  const args: ProfileTestsArgs = { uri: client.code2ProtocolConverter.asUri(target) };
  await client.sendRequest(ExecuteCommandRequest.type, { command: ServerCommand.profileTests, arguments: [args] });
}

async function cancelRun(ctx: Ctx, tracker: RunTracker): Promise<void> {
  const active = tracker.active();
  if (active.length <= 1) {
    // With no known run, an empty list asks the server to stop whatever it is running.
    await executeServerCommand(ctx, ServerCommand.cancel, active.length === 1 ? [{ taskId: active[0].taskId }] : []);
    return;
  }
  const all = "$(close-all) All runs";
  const picked = await vscode.window.showQuickPick(
    [
      { label: all, taskId: undefined as string | undefined },
      ...active.map((task) => ({
        label: task.function,
        description: task.message ?? "",
        taskId: task.taskId as string | undefined,
      })),
    ],
    { title: "Weco: cancel which run?" },
  );
  if (picked) {
    await executeServerCommand(
      ctx,
      ServerCommand.cancel,
      picked.taskId === undefined ? [] : [{ taskId: picked.taskId }],
    );
  }
}

async function showResult(ctx: Ctx, review: ResultReview, tracker: RunTracker): Promise<void> {
  const finished = tracker.all().filter((task) => task.state === "finished" && !review.has(task.taskId));
  const candidates: Array<[string, string]> = [
    ...review.pending().map((result): [string, string] => [result.taskId, result.function]),
    ...finished.map((task): [string, string] => [task.taskId, task.function]),
  ];
  const taskId = review.taskOfActiveTab() ?? (await pickTask(candidates, "Result to show", true));
  if (taskId === undefined) {
    return;
  }
  if (review.has(taskId)) {
    await review.openDiff(taskId);
    void review.offer(taskId);
  } else {
    // The server answers with a fresh `weco/showResult` request.
    await executeServerCommand(ctx, ServerCommand.showResult, [{ taskId }]);
  }
}

function knownTasks(review: ResultReview, tracker: RunTracker): Array<[string, string]> {
  const seen = new Map<string, string>();
  for (const result of review.pending()) {
    seen.set(result.taskId, result.function);
  }
  for (const task of tracker.all()) {
    if (!isActive(task)) {
      seen.set(task.taskId, task.function);
    }
  }
  return [...seen.entries()];
}

/** One candidate is taken as is; several are offered in a picker; none falls back to typing a task id. */
async function pickTask(
  candidates: Array<[string, string]>,
  title: string,
  allowTyping = false,
): Promise<string | undefined> {
  if (candidates.length === 1) {
    return candidates[0][0];
  }
  if (candidates.length === 0) {
    if (!allowTyping) {
      void vscode.window.showInformationMessage("Weco: there is no result to act on.");
      return undefined;
    }
    return vscode.window.showInputBox({ title: `Weco: ${title}`, prompt: "Task id (the folder name under .weco/)" });
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map(([taskId, functionName]) => ({ label: functionName, description: taskId, taskId })),
    { title: `Weco: ${title}` },
  );
  return picked?.taskId;
}

async function executeServerCommand(ctx: Ctx, command: string, args: TaskTarget[]): Promise<void> {
  const client = ctx.runningClient();
  if (client) {
    await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }
}
