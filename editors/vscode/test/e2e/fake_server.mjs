#!/usr/bin/env node
// A stand-in for weco-lsp that speaks exactly the protocol of docs/lsp-extensions.md for the fixture's
// `count_known`, so the e2e test can check the extension's whole optimize → review → apply flow before (or
// independently of) the real server's optimizer. Run the e2e test with `--fake-server` to use it.

import * as fs from "node:fs";

const FUNCTION = "count_known";
const documents = new Map();
const pending = new Map();
let nextId = 1;
let result;

function send(message) {
  const body = JSON.stringify({ jsonrpc: "2.0", ...message });
  process.stdout.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

function request(method, params) {
  const id = `fake-${nextId++}`;
  send({ id, method, params });
  return new Promise((resolve) => pending.set(id, resolve));
}

const notify = (method, params) => send({ method, params });
const log = (text) => process.stderr.write(`fake weco-lsp: ${text}\n`);

function lineOf(text, needle) {
  return text.split("\n").findIndex((line) => line.includes(needle));
}

function functionLines(text) {
  const lines = text.split("\n");
  const start = lineOf(text, `def ${FUNCTION}`);
  let end = start;
  while (end + 1 < lines.length && (lines[end + 1].startsWith(" ") || lines[end + 1] === "") && !lines[end + 1].startsWith("def")) {
    end += 1;
  }
  return { start, end };
}

function publishDiagnostics(uri) {
  const text = documents.get(uri);
  const line = lineOf(text, "if item in known");
  const diagnostics = [];
  if (line >= 0) {
    const character = text.split("\n")[line].indexOf("item in known");
    diagnostics.push({
      range: { start: { line, character }, end: { line, character: character + "item in known".length } },
      severity: 4,
      source: "weco",
      code: "list-membership-in-loop",
      message: `\`item in known\` scans a list on every iteration (in \`${FUNCTION}\`, score 35/100)`,
    });
  }
  notify("textDocument/publishDiagnostics", { uri, diagnostics });
}

/** Two hunks for the fixture: a set for `known`, and `sum` instead of the counting loop. */
function buildResult(uri) {
  const original = documents.get(uri) ?? fs.readFileSync(new URL(uri), "utf8");
  const lines = original.split("\n");
  const knownLine = lineOf(original, "known = list(");
  const countLine = lineOf(original, "count = 0");
  const returnLine = lineOf(original, "return count");
  const specs = [
    { id: 0, label: "use a set for `known` (step 2)", start: knownLine, end: knownLine + 1, newText: "    known = set(range(0, limit, 3))\n" },
    { id: 1, label: "count with sum() (step 3)", start: countLine, end: returnLine + 1, newText: "    return sum(1 for item in items if item in known)\n" },
  ];
  // The line fields the real server computes: 0-based starts and counts on both sides, and a 1-based label.
  let shift = 0;
  const hunks = specs.map((hunk) => {
    const oldLines = hunk.end - hunk.start;
    const newLines = hunk.newText.replace(/\n$/, "").split("\n").length;
    const newStart = hunk.start + shift;
    shift += newLines - oldLines;
    return {
      id: hunk.id,
      label: hunk.label,
      range: { start: { line: hunk.start, character: 0 }, end: { line: hunk.end, character: 0 } },
      oldText: lines.slice(hunk.start, hunk.end).join("\n") + "\n",
      newText: hunk.newText,
      oldStart: hunk.start,
      oldLines,
      newStart,
      newLines,
      lines: oldLines <= 1 ? `line ${hunk.start + 1}` : `lines ${hunk.start + 1}–${hunk.end}`,
    };
  });
  let proposedLines = [...lines];
  for (const hunk of [...hunks].reverse()) {
    proposedLines.splice(hunk.range.start.line, hunk.range.end.line - hunk.range.start.line, ...hunk.newText.replace(/\n$/, "").split("\n"));
  }
  return {
    taskId: FUNCTION,
    uri,
    version: null,
    function: FUNCTION,
    original,
    proposed: proposedLines.join("\n"),
    hunks,
    metric: { name: "speedup", goal: "max", baseline: 1, best: 3.4, baselineText: "1.00x", bestText: "3.40x" },
    summary: "3.4x faster: 12.1 ms -> 3.6 ms per call",
    reportUri: null,
  };
}

/** OptimizeArgs → {uri, function}: with `position`, the function whose lines contain it (else undefined, and the server says so). */
function resolveTarget(args) {
  if (typeof args?.function === "string") return { uri: args.uri, function: args.function };
  const { start, end } = functionLines(documents.get(args?.uri) ?? "");
  const line = args?.position?.line;
  if (typeof line !== "number" || start < 0 || line < start || line > end) {
    notify("window/showMessage", { type: 1, message: "weco: the cursor is not inside a function." });
    return undefined;
  }
  return { uri: args.uri, function: FUNCTION };
}

async function optimize(target) {
  const mode = await request("window/showMessageRequest", {
    type: 3,
    message: `weco: how should \`${target.function}\` be optimized?`,
    actions: [{ title: "Vibe Mode" }, { title: "Assistant Scientist Mode" }],
  });
  if (!mode) return;
  const workspace = await request("window/showMessageRequest", {
    type: 3,
    message: "weco: where should the optimization run?",
    actions: [{ title: "Isolated directory (recommended)" }, { title: "In-place" }],
  });
  if (!workspace) return;
  const token = "weco-run-1";
  await request("window/workDoneProgress/create", { token });
  notify("$/progress", { token, value: { kind: "begin", title: `weco: optimizing ${target.function}`, cancellable: true, percentage: 0 } });
  const status = { taskId: FUNCTION, uri: target.uri, function: target.function, totalSteps: 3, metricName: "speedup", backend: "local" };
  notify("weco/runStatus", { ...status, state: "running", step: 1, best: 1.0, bestText: "1.00x", message: "step 1/3 · best 1.00x" });
  for (const step of [2, 3]) {
    notify("$/progress", { token, value: { kind: "report", message: `step ${step}/3 · best 3.40x`, percentage: step * 33 } });
    notify("weco/runStatus", { ...status, state: "running", step, best: 3.4, bestText: "3.40x", message: `step ${step}/3 · best 3.40x` });
  }
  notify("$/progress", { token, value: { kind: "end", message: "best 3.40x" } });
  notify("weco/runStatus", { ...status, state: "finished", step: 3, best: 3.4, bestText: "3.40x", message: "finished · best 3.40x" });
  result = buildResult(target.uri);
  const answer = await request("window/showMessageRequest", {
    type: 3,
    message: `weco: ${target.function} is 3.4x faster.`,
    actions: [{ title: "Apply" }, { title: "Review diff" }, { title: "Keep separate" }],
  });
  if (answer?.title === "Review diff") {
    await request("weco/showResult", result);
  } else if (answer?.title === "Apply") {
    await applyResult({ taskId: FUNCTION });
  }
}

async function applyResult(args) {
  if (!result || args.taskId !== result.taskId) {
    throw new Error(`no result for ${args.taskId}`);
  }
  const chosen = result.hunks.filter((hunk) => args.hunks === undefined || args.hunks.includes(hunk.id));
  log(`applying hunks ${chosen.map((hunk) => hunk.id).join(",")}`);
  const edit = { changes: { [result.uri]: chosen.map((hunk) => ({ range: hunk.range, newText: hunk.newText })) } };
  const response = await request("workspace/applyEdit", { label: `weco: ${result.function}`, edit });
  if (response?.applied) {
    result = undefined;
  }
}

async function handle(message) {
  const { method, params } = message;
  switch (method) {
    case "initialize":
      return {
        capabilities: {
          textDocumentSync: 1,
          hoverProvider: true,
          codeLensProvider: {},
          codeActionProvider: true,
          executeCommandProvider: {
            commands: ["weco.optimize", "weco.consolidate", "weco.cancel", "weco.showResult", "weco.applyResult", "weco.discardResult", "weco.showReport", "weco.installPackage"],
          },
        },
        serverInfo: { name: "fake-weco-lsp" },
      };
    case "textDocument/didOpen":
      documents.set(params.textDocument.uri, params.textDocument.text);
      publishDiagnostics(params.textDocument.uri);
      return undefined;
    case "textDocument/didChange":
      documents.set(params.textDocument.uri, params.contentChanges.at(-1).text);
      publishDiagnostics(params.textDocument.uri);
      return undefined;
    case "textDocument/hover": {
      const text = documents.get(params.textDocument.uri) ?? "";
      if (params.position.line !== lineOf(text, `def ${FUNCTION}`)) return null;
      return { contents: { kind: "markdown", value: `**weco** · \`${FUNCTION}\` · optimization score **35/100**` } };
    }
    case "textDocument/codeLens": {
      const line = lineOf(documents.get(params.textDocument.uri) ?? "", `def ${FUNCTION}`);
      if (line < 0) return [];
      const target = { uri: params.textDocument.uri, function: FUNCTION };
      return [{ range: { start: { line, character: 4 }, end: { line, character: 15 } }, command: { title: "⚡ Optimize with Weco", command: "weco.optimize", arguments: [target] } }];
    }
    case "textDocument/codeAction": {
      const { start, end } = functionLines(documents.get(params.textDocument.uri) ?? "");
      const line = params.range.start.line;
      if (start < 0 || line < start || line > end) return [];
      const target = { uri: params.textDocument.uri, function: FUNCTION };
      return [{ title: "Optimize with Weco", kind: "refactor.rewrite", command: { title: "Optimize with Weco", command: "weco.optimize", arguments: [target] } }];
    }
    case "workspace/executeCommand": {
      const [args] = params.arguments ?? [];
      log(`executeCommand ${params.command} ${JSON.stringify(args)}`);
      if (params.command === "weco.optimize") {
        // Like the real server: a function by name, or the one at `position`; answer at once, run in the background.
        const target = resolveTarget(args);
        if (target) optimize(target).catch((error) => log(`optimize failed: ${error}`));
        return null;
      }
      if (params.command === "weco.applyResult") {
        // Like the real server: the edit follows the answer.
        setImmediate(() => applyResult(args).catch((error) => log(`apply failed: ${error}`)));
        return null;
      }
      if (params.command === "weco.discardResult") {
        result = undefined;
        return null;
      }
      return null;
    }
    case "shutdown":
      return null;
    case "exit":
      process.exit(0);
    default:
      return message.id === undefined ? undefined : null;
  }
}

let buffer = Buffer.alloc(0);
process.stdin.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())?.[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
    buffer = buffer.subarray(headerEnd + 4 + length);
    if (message.method === undefined && pending.has(message.id)) {
      pending.get(message.id)(message.result);
      pending.delete(message.id);
      continue;
    }
    Promise.resolve(handle(message)).then(
      (value) => message.id !== undefined && message.method !== undefined && send({ id: message.id, result: value ?? null }),
      (error) => message.id !== undefined && send({ id: message.id, error: { code: -32603, message: String(error) } }),
    );
  }
});
process.stdin.on("end", () => process.exit(0));
