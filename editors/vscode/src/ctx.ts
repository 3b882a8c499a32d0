// Owns the language client's lifecycle (start, stop, restart), the server log channel and settings sync.

import * as fs from "node:fs";
import * as os from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from "vscode-languageclient/node";
import { restartTriggeredBy, serverSettings, settingKeysFromPackageJson, SETTINGS_PREFIX } from "./config";
import { COMMANDS_NEEDING_TRUST } from "./lsp_ext";
import { chooseServerPath, hostTarget } from "./server_path";

export const UNTRUSTED_MESSAGE =
  "Weco: optimizing runs this workspace's code, so it is disabled in an untrusted workspace. Trust the workspace to optimize.";

export class Ctx {
  readonly outputChannel: vscode.LogOutputChannel;
  private clientInstance: LanguageClient | undefined;
  private readonly settingKeys: string[];
  private readonly onClientStartedHandlers: Array<(client: LanguageClient) => void> = [];

  constructor(private readonly extensionContext: vscode.ExtensionContext) {
    this.outputChannel = vscode.window.createOutputChannel("Weco Language Server", { log: true });
    extensionContext.subscriptions.push(this.outputChannel);
    this.settingKeys = settingKeysFromPackageJson(extensionContext.extension.packageJSON);
    extensionContext.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((event) => this.onConfigurationChanged(event)),
    );
  }

  get client(): LanguageClient | undefined {
    return this.clientInstance;
  }

  /** The running client, or a message to the user and `undefined`. */
  runningClient(): LanguageClient | undefined {
    if (this.clientInstance?.state === State.Running) {
      return this.clientInstance;
    }
    void vscode.window.showWarningMessage("Weco: the language server is not running (Weco: Restart Server).");
    return undefined;
  }

  /** Registers per-client setup (notification and request handlers); it runs for every new client. */
  onClientStarted(handler: (client: LanguageClient) => void): void {
    this.onClientStartedHandlers.push(handler);
  }

  pushCleanup(disposable: vscode.Disposable): void {
    this.extensionContext.subscriptions.push(disposable);
  }

  currentSettings(): Record<string, unknown> {
    const config = vscode.workspace.getConfiguration("weco");
    return serverSettings(this.settingKeys, (key) => config.get(key));
  }

  async start(): Promise<void> {
    const config = vscode.workspace.getConfiguration("weco");
    const choice = chooseServerPath({
      envOverride: process.env.WECO_LSP_PATH,
      setting: config.get<string | null>("server.path"),
      extensionPath: this.extensionContext.extensionPath,
      pathEnv: process.env.PATH,
      homeDir: os.homedir(),
      isExecutable,
      bundledTarget: readBundledTarget(this.extensionContext.extensionPath),
      host: hostTarget(),
    });
    if (choice.kind === "missing") {
      const open = "Open Settings";
      const message = choice.wrongPlatform
        ? `Weco: this extension was packaged with a weco-lsp server for ${choice.wrongPlatform.bundled}, and this machine is ${choice.wrongPlatform.host}. ` +
          `Install the weco-${choice.wrongPlatform.host}.vsix (\`npm run package:bundled\` in editors/vscode on such a machine), ` +
          "or install the server with `cargo install --locked --path server` so that it is found on PATH, or set weco.server.path."
        : `Weco: cannot find the weco-lsp server (tried ${choice.tried.join(", ")}). ` +
          "Install it with `cargo install --locked --path server` from a checkout of weco-lsp, or set weco.server.path.";
      const picked = await vscode.window.showErrorMessage(message, open);
      if (picked === open) {
        await vscode.commands.executeCommand("workbench.action.openSettings", "weco.server.path");
      }
      return;
    }
    this.outputChannel.appendLine(`Starting ${choice.path} (from ${choice.source})`);
    const serverOptions: ServerOptions = {
      command: choice.path,
      transport: TransportKind.stdio,
      options: { env: { ...process.env, RUST_BACKTRACE: process.env.RUST_BACKTRACE ?? "1" } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "python" },
        { scheme: "file", language: "rust" },
      ],
      outputChannel: this.outputChannel,
      initializationOptions: () => this.currentSettings(),
      middleware: {
        // Code lenses and code actions run server commands through here too, so one gate covers every path.
        executeCommand: async (command, args, next) => {
          if (COMMANDS_NEEDING_TRUST.includes(command) && !vscode.workspace.isTrusted) {
            void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE);
            return undefined;
          }
          return next(command, args);
        },
      },
    };
    const client = new LanguageClient("weco", "Weco", serverOptions, clientOptions);
    this.clientInstance = client;
    for (const handler of this.onClientStartedHandlers) {
      handler(client);
    }
    try {
      await client.start();
    } catch (error) {
      this.outputChannel.appendLine(`Failed to start the server: ${String(error)}`);
      void vscode.window.showErrorMessage(`Weco: the language server failed to start: ${String(error)}`);
    }
  }

  async stop(): Promise<void> {
    const client = this.clientInstance;
    this.clientInstance = undefined;
    if (client?.needsStop()) {
      await client.stop();
    }
    await client?.dispose();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (!event.affectsConfiguration("weco")) {
      return;
    }
    const trigger = restartTriggeredBy((section) => event.affectsConfiguration(section));
    if (trigger !== undefined) {
      this.outputChannel.appendLine(`${SETTINGS_PREFIX}${trigger} changed: restarting the server`);
      void this.restart();
      return;
    }
    const client = this.clientInstance;
    if (client?.state === State.Running) {
      void client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { weco: this.currentSettings() },
      });
    }
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The target the bundled server was built for (`server/target`, one line), when the package has one. */
function readBundledTarget(extensionPath: string): string | undefined {
  try {
    return fs.readFileSync(`${extensionPath}/server/target`, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
