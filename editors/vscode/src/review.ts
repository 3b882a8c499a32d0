// Result review: `weco/showResult` opens a diff of two virtual documents (original ↔ proposed) and offers
// Apply all / Choose hunks / Discard. The server applies the chosen hunks itself (`weco.applyResult`).

import * as vscode from "vscode";
import { ExecuteCommandRequest } from "vscode-languageclient/node";
import type { Ctx } from "./ctx";
import { ServerCommand, type ShowResultParams } from "./lsp_ext";
import { type ApplyArgs, answerForSelection, diffTitle, hunkChoices } from "./review_model";

export const RESULT_SCHEME = "weco-result";

/** How long Apply waits for the server's edit to reach the document. */
const APPLY_DEADLINE_MS = 30_000;

type Side = "original" | "proposed";

interface PendingResult {
  params: ShowResultParams;
  /** Makes every shown result's URIs unique, so VS Code never serves a cached older text. */
  generation: number;
}

export class ResultReview implements vscode.TextDocumentContentProvider {
  private readonly results = new Map<string, PendingResult>();
  private generation = 0;
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly ctx: Ctx,
    private readonly onResolved: (taskId: string) => void,
  ) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const ref = parseResultUri(uri);
    const pending = ref && this.results.get(ref.taskId);
    if (!ref || !pending || pending.generation !== ref.generation) {
      return "This Weco result is no longer available.\n";
    }
    return ref.side === "original" ? pending.params.original : pending.params.proposed;
  }

  pending(): ShowResultParams[] {
    return [...this.results.values()].map((result) => result.params);
  }

  has(taskId: string): boolean {
    return this.results.has(taskId);
  }

  /** Handles `weco/showResult`: remember, show the diff, then ask (without blocking the server's request). */
  async show(params: ShowResultParams): Promise<void> {
    this.results.set(params.taskId, { params, generation: ++this.generation });
    await this.openDiff(params.taskId);
    void this.offer(params.taskId);
  }

  async openDiff(taskId: string): Promise<void> {
    const pending = this.results.get(taskId);
    if (!pending) {
      return;
    }
    const { params, generation } = pending;
    const title = diffTitle(params);
    await vscode.commands.executeCommand(
      "vscode.diff",
      resultUri(params, "original", generation),
      resultUri(params, "proposed", generation),
      title,
      { preview: false },
    );
  }

  /** The notification with the three answers; it stays answerable later through the palette commands. */
  async offer(taskId: string): Promise<void> {
    const params = this.results.get(taskId)?.params;
    if (!params) {
      return;
    }
    const count = params.hunks.length;
    const applyAll = "Apply All";
    const choose = "Choose Hunks…";
    const discard = "Discard";
    const buttons = count > 1 ? [applyAll, choose, discard] : [applyAll, discard];
    const picked = await vscode.window.showInformationMessage(
      `Weco: ${params.function}: ${params.summary} (${count} hunk${count === 1 ? "" : "s"}).`,
      ...buttons,
    );
    if (picked === applyAll) {
      await this.apply({ taskId });
    } else if (picked === choose) {
      await this.chooseHunks(taskId);
    } else if (picked === discard) {
      await this.discard(taskId);
    }
  }

  /** A checkbox list of hunks (all checked); Enter applies the checked ones. */
  async chooseHunks(taskId: string): Promise<void> {
    const params = this.results.get(taskId)?.params;
    if (!params) {
      return;
    }
    const items = hunkChoices(params.hunks).map((choice) => ({ ...choice, alwaysShow: true }));
    const selected = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      ignoreFocusOut: true,
      title: `Weco: hunks to apply to ${params.function}`,
      placeHolder: "Uncheck the hunks to reject, then press Enter",
    });
    if (selected === undefined) {
      return;
    }
    const answer = answerForSelection(
      params,
      selected.map((item) => item.hunkId),
    );
    if (answer.kind === "nothing") {
      void vscode.window.showInformationMessage(`Weco: ${answer.reason}`);
      return;
    }
    if (answer.kind === "apply") {
      await this.apply(answer.args);
    }
  }

  async apply(args: ApplyArgs): Promise<void> {
    const params = this.results.get(args.taskId)?.params;
    const target = params ? vscode.Uri.parse(params.uri).toString() : undefined;
    const wasDirty = (target && openDocument(target)?.isDirty) ?? false;
    // The server answers the command at once and sends `workspace/applyEdit` afterwards (or a message saying why
    // not), so the outcome is the document changing within a deadline.
    const edited = target ? nextChangeOf(target, APPLY_DEADLINE_MS) : undefined;
    if (!(await this.runServerCommand(ServerCommand.applyResult, args))) {
      edited?.cancel?.();
      return;
    }
    const document = edited ? await edited : undefined;
    if (target && !document) {
      // Not applied (the server has said why); keep the result so that Apply Result can try again.
      return;
    }
    // The user chose to apply, so write the file unless it already held unsaved edits of their own.
    if (document && !wasDirty && document.isDirty) {
      await document.save();
    }
    await this.forget(args.taskId);
  }

  async discard(taskId: string): Promise<void> {
    if (await this.runServerCommand(ServerCommand.discardResult, { taskId })) {
      await this.forget(taskId);
    }
  }

  /** The task of the result diff in the active tab, if that is one. */
  taskOfActiveTab(): string | undefined {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (input instanceof vscode.TabInputTextDiff) {
      return parseResultUri(input.modified)?.taskId;
    }
    const uri = vscode.window.activeTextEditor?.document.uri;
    return uri ? parseResultUri(uri)?.taskId : undefined;
  }

  private async forget(taskId: string): Promise<void> {
    this.results.delete(taskId);
    const tabs = vscode.window.tabGroups.all.flatMap((group) =>
      group.tabs.filter(
        (tab) => tab.input instanceof vscode.TabInputTextDiff && parseResultUri(tab.input.modified)?.taskId === taskId,
      ),
    );
    await vscode.window.tabGroups.close(tabs);
    this.onResolved(taskId);
  }

  private async runServerCommand(command: string, args: object): Promise<boolean> {
    const client = this.ctx.runningClient();
    if (!client) {
      return false;
    }
    try {
      const response: unknown = await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [args] });
      if (typeof response === "object" && response !== null && (response as { applied?: unknown }).applied === false) {
        const reason = (response as { failureReason?: unknown }).failureReason;
        void vscode.window.showWarningMessage(
          `Weco: the result was not applied${reason ? `: ${String(reason)}` : "."}`,
        );
        return false;
      }
      return true;
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Weco: ${command} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    }
  }
}

function resultUri(params: ShowResultParams, side: Side, generation: number): vscode.Uri {
  // Keep the file name so the diff gets the right language and a readable tab label.
  const fileName = vscode.Uri.parse(params.uri).path.split("/").pop() || "result";
  const query = new URLSearchParams({ task: params.taskId, side, gen: String(generation) }).toString();
  return vscode.Uri.from({ scheme: RESULT_SCHEME, path: `/${side}/${fileName}`, query });
}

function parseResultUri(uri: vscode.Uri): { taskId: string; side: Side; generation: number } | undefined {
  if (uri.scheme !== RESULT_SCHEME) {
    return undefined;
  }
  const query = new URLSearchParams(uri.query);
  const taskId = query.get("task");
  const side = query.get("side");
  if (!taskId || (side !== "original" && side !== "proposed")) {
    return undefined;
  }
  return { taskId, side, generation: Number(query.get("gen")) };
}

function openDocument(uri: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri);
}

/** Resolves with the document at its next content change, or `undefined` after `timeoutMs` or `cancel()`. */
function nextChangeOf(
  uri: string,
  timeoutMs: number,
): Promise<vscode.TextDocument | undefined> & { cancel?: () => void } {
  let finish: (document: vscode.TextDocument | undefined) => void = () => undefined;
  const promise: Promise<vscode.TextDocument | undefined> & { cancel?: () => void } = new Promise((resolve) => {
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const listener = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document.uri.toString() === uri && event.contentChanges.length > 0) {
        finish(event.document);
      }
    });
    finish = (document) => {
      clearTimeout(timer);
      listener.dispose();
      resolve(document);
    };
  });
  promise.cancel = () => finish(undefined);
  return promise;
}
