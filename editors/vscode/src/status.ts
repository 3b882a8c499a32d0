// The status bar item: running optimizations and their best metric, fed by `weco/runStatus`.

import * as vscode from "vscode";
import { type RunTracker, statusView } from "./run_tracker";

export const STATUS_CLICK_COMMAND = "weco.client.statusClicked";

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("weco.runs", vscode.StatusBarAlignment.Left, 10);

  constructor(private readonly tracker: RunTracker) {
    this.item.name = "Weco optimizations";
    this.item.command = STATUS_CLICK_COMMAND;
  }

  refresh(): void {
    const view = statusView(this.tracker);
    if (!view.visible) {
      this.item.hide();
      return;
    }
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
