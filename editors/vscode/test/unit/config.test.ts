import * as assert from "node:assert/strict";
import { test } from "node:test";
import { restartTriggeredBy, serverSettings, settingKeysFromPackageJson } from "../../src/config";

test("dotted setting keys become nested objects and unset values become null", () => {
  const values: Record<string, unknown> = { backend: "local", steps: 5, "llm.baseUrl": "http://localhost:8000/v1" };
  const settings = serverSettings(
    ["backend", "steps", "model", "llm.baseUrl", "llm.apiKeyEnv", "server.path"],
    (key) => values[key],
  );
  assert.deepEqual(settings, {
    backend: "local",
    steps: 5,
    model: null,
    llm: { baseUrl: "http://localhost:8000/v1", apiKeyEnv: null },
    server: { path: null },
  });
});

test("setting keys are read from package.json without the weco. prefix, ignoring foreign keys", () => {
  const packageJson = {
    contributes: { configuration: { properties: { "weco.backend": {}, "weco.llm.model": {}, "other.thing": {} } } },
  };
  assert.deepEqual(settingKeysFromPackageJson(packageJson), ["backend", "llm.model"]);
  assert.deepEqual(settingKeysFromPackageJson({}), []);
});

test("only a change of weco.server.path asks for a server restart", () => {
  assert.equal(
    restartTriggeredBy((section) => section === "weco.server.path"),
    "server.path",
  );
  assert.equal(
    restartTriggeredBy((section) => section === "weco.steps"),
    undefined,
  );
});
