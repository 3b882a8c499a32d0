import * as assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { chooseServerPath, hostTarget, SERVER_BINARY } from "../../src/server_path";

const extensionPath = "/ext";
const bundled = path.join(extensionPath, "server", SERVER_BINARY);

test("the environment override wins over the setting and the bundled binary", () => {
  const choice = chooseServerPath({
    envOverride: "/dev/weco-lsp",
    setting: "/setting/weco-lsp",
    extensionPath,
    isExecutable: () => true,
  });
  assert.deepEqual(choice, { kind: "found", path: "/dev/weco-lsp", source: "env" });
});

test("the setting expands ~ and is used before the bundled binary", () => {
  const choice = chooseServerPath({
    setting: "~/bin/weco-lsp",
    homeDir: "/home/u",
    extensionPath,
    isExecutable: () => true,
  });
  assert.deepEqual(choice, { kind: "found", path: "/home/u/bin/weco-lsp", source: "setting" });
});

test("a setting that points nowhere is reported, not silently replaced by another binary", () => {
  const choice = chooseServerPath({
    setting: "/missing/weco-lsp",
    extensionPath,
    isExecutable: (file) => file === bundled,
  });
  assert.deepEqual(choice, { kind: "missing", tried: ["/missing/weco-lsp"] });
});

test("without a setting the bundled binary is used, then PATH", () => {
  assert.deepEqual(chooseServerPath({ setting: null, extensionPath, isExecutable: (file) => file === bundled }), {
    kind: "found",
    path: bundled,
    source: "bundled",
  });
  const onPath = path.join("/usr/local/bin", SERVER_BINARY);
  assert.deepEqual(
    chooseServerPath({
      extensionPath,
      pathEnv: ["/nope", "/usr/local/bin"].join(path.delimiter),
      isExecutable: (file) => file === onPath,
    }),
    { kind: "found", path: onPath, source: "path" },
  );
});

test("nothing found lists what was tried", () => {
  const choice = chooseServerPath({ setting: "  ", extensionPath, pathEnv: "/a", isExecutable: () => false });
  assert.equal(choice.kind, "missing");
  assert.deepEqual(choice.kind === "missing" && choice.tried, [bundled, `${SERVER_BINARY} on PATH`]);
});

test("a bundled server built for another platform is not started, and the choice says why", () => {
  const choice = chooseServerPath({
    extensionPath,
    isExecutable: (file) => file === bundled,
    bundledTarget: "linux-x64",
    host: "darwin-arm64",
    pathEnv: "",
  });
  assert.equal(choice.kind, "missing");
  assert.deepEqual(choice.kind === "missing" && choice.wrongPlatform, { bundled: "linux-x64", host: "darwin-arm64" });
  const matching = chooseServerPath({
    extensionPath,
    isExecutable: (file) => file === bundled,
    bundledTarget: "linux-x64",
    host: "linux-x64",
  });
  assert.deepEqual(matching, { kind: "found", path: bundled, source: "bundled" });
  assert.equal(hostTarget("linux", "x64"), "linux-x64");
});
