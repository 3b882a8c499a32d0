// Picks the server command behind a code action title, so palette commands reuse the server's own function lookup.

export interface ServerCommandCall {
  title: string;
  command: string;
  arguments: unknown[];
}

interface CommandShape {
  title?: unknown;
  command?: unknown;
  arguments?: unknown;
}

interface CodeActionShape {
  title?: unknown;
  command?: unknown;
  data?: unknown;
}

/**
 * Finds the code action whose title is `title` (or starts with it, e.g. "Optimize with Weco: slow_sum")
 * and returns the command it runs. Accepts both LSP `Command` and `CodeAction` entries.
 */
export function findActionCommand(
  actions: readonly unknown[] | null | undefined,
  title: string,
): ServerCommandCall | undefined {
  const matching = (actions ?? []).filter((action) => titleMatches(action, title));
  // An exact title wins over a longer one, so "Optimize with Weco" beats "Optimize with Weco (in place)".
  matching.sort((a, b) => Number(titleOf(b) === title) - Number(titleOf(a) === title));
  for (const action of matching) {
    const call = commandOf(action);
    if (call) {
      return call;
    }
  }
  return undefined;
}

/** The first matching code action that carries no command yet and needs `codeAction/resolve`. */
export function findUnresolvedAction(actions: readonly unknown[] | null | undefined, title: string): unknown {
  return (actions ?? []).find((action) => titleMatches(action, title) && commandOf(action) === undefined);
}

export function commandOf(action: unknown): ServerCommandCall | undefined {
  if (typeof action !== "object" || action === null) {
    return undefined;
  }
  const shape = action as CodeActionShape & CommandShape;
  if (typeof shape.command === "string") {
    return {
      title: String(shape.title ?? ""),
      command: shape.command,
      arguments: Array.isArray(shape.arguments) ? shape.arguments : [],
    };
  }
  if (typeof shape.command === "object" && shape.command !== null) {
    return commandOf(shape.command);
  }
  return undefined;
}

function titleOf(action: unknown): string | undefined {
  if (typeof action !== "object" || action === null) {
    return undefined;
  }
  const title = (action as CodeActionShape).title;
  return typeof title === "string" ? title : undefined;
}

function titleMatches(action: unknown, title: string): boolean {
  const actual = titleOf(action);
  return actual !== undefined && (actual === title || actual.startsWith(title + ":") || actual.startsWith(title + " "));
}
