// Extension entry: wires the client context, the result review, the status bar and the commands.

import * as vscode from "vscode";
import { registerCommands } from "./commands";
import { Ctx } from "./ctx";
import { Method, type RunStatusParams, type ShowResultParams } from "./lsp_ext";
import { RESULT_SCHEME, ResultReview } from "./review";
import { RunTracker } from "./run_tracker";
import { RunStatusBar } from "./status";

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  try {
    ctx = new Ctx(context);
    const tracker = new RunTracker();
    const statusBar = new RunStatusBar(tracker);
    const review = new ResultReview(ctx, (taskId) => {
      tracker.forget(taskId);
      statusBar.refresh();
    });
    context.subscriptions.push(
      statusBar,
      vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, review),
      ...registerCommands(ctx, review, tracker),
    );
    ctx.onClientStarted((client) => {
      client.onNotification(Method.runStatus, (status: RunStatusParams) => {
        tracker.update(status);
        statusBar.refresh();
      });
      client.onRequest(Method.showResult, (params: ShowResultParams) => {
        // Answer at once: the review waits on the user, the server must not.
        review.show(params).catch((error: unknown) => {
          void vscode.window.showErrorMessage(`Weco: cannot show the result: ${String(error)}`);
        });
        return null;
      });
    });
    await ctx.start();
  } catch (error) {
    // VS Code does not tell the user when activation fails, so we do.
    void vscode.window.showErrorMessage(
      `Weco failed to activate: ${error instanceof Error ? error.message : String(error)}`,
    );
    throw error;
  }
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
  ctx = undefined;
}
