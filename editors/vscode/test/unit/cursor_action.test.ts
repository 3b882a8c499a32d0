import * as assert from "node:assert/strict";
import { test } from "node:test";
import { findActionCommand, findUnresolvedAction } from "../../src/cursor_action";

const target = { uri: "file:///p/mod.py", function: "slow_sum" };

test("the code action titled Optimize with Weco yields its command and arguments", () => {
  const actions = [
    {
      title: "Consolidate for optimization",
      command: { title: "c", command: "weco.consolidate", arguments: [target] },
    },
    {
      title: "Optimize with Weco",
      kind: "refactor",
      command: { title: "o", command: "weco.optimize", arguments: [target] },
    },
  ];
  assert.deepEqual(findActionCommand(actions, "Optimize with Weco"), {
    title: "o",
    command: "weco.optimize",
    arguments: [target],
  });
  assert.equal(findActionCommand(actions, "Consolidate for optimization")?.command, "weco.consolidate");
});

test("a bare LSP Command is accepted and a title with a suffix matches, but the exact title is preferred", () => {
  const actions = [
    { title: "Optimize with Weco: helper", command: "weco.optimize", arguments: [{ ...target, function: "helper" }] },
    { title: "Optimize with Weco", command: "weco.optimize", arguments: [target] },
  ];
  assert.deepEqual(findActionCommand(actions, "Optimize with Weco")?.arguments, [target]);
  assert.deepEqual(findActionCommand(actions.slice(0, 1), "Optimize with Weco")?.arguments, [
    { ...target, function: "helper" },
  ]);
});

test("unrelated titles, empty answers and junk entries find nothing", () => {
  assert.equal(findActionCommand([{ title: "Optimize with Wecovery", command: "x" }], "Optimize with Weco"), undefined);
  assert.equal(findActionCommand(null, "Optimize with Weco"), undefined);
  assert.equal(findActionCommand([null, 3, "Optimize with Weco", {}], "Optimize with Weco"), undefined);
});

test("a matching action without a command is reported for codeAction/resolve", () => {
  const lazy = { title: "Optimize with Weco", data: { id: 1 } };
  assert.equal(findActionCommand([lazy], "Optimize with Weco"), undefined);
  assert.equal(findUnresolvedAction([lazy], "Optimize with Weco"), lazy);
});
