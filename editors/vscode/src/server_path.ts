// Decides which `weco-lsp` binary to start. Pure: the file system is passed in, so tests need no VS Code.

import * as path from "node:path";

export const SERVER_BINARY = process.platform === "win32" ? "weco-lsp.exe" : "weco-lsp";

export interface ServerPathInputs {
  /** `WECO_LSP_PATH`: an override for tests and development. */
  envOverride?: string;
  /** The `weco.server.path` setting. */
  setting?: string | null;
  /** Root folder of the installed extension; a bundled binary lives at `server/weco-lsp` in it. */
  extensionPath: string;
  /** The `PATH` environment variable. */
  pathEnv?: string;
  homeDir?: string;
  isExecutable: (file: string) => boolean;
  /** The VS Code target the bundled binary was built for (`server/target`, written by the packaging script). */
  bundledTarget?: string;
  /** This machine as a VS Code target (`linux-x64`, `darwin-arm64`, ...): see {@link hostTarget}. */
  host?: string;
}

export type ServerPathChoice =
  | { kind: "found"; path: string; source: "env" | "setting" | "bundled" | "path" }
  | { kind: "missing"; tried: string[]; wrongPlatform?: { bundled: string; host: string } };

/** This machine in VS Code's platform-specific extension names (`process.platform`-`process.arch`). */
export function hostTarget(platform: string = process.platform, arch: string = process.arch): string {
  return `${platform}-${arch}`;
}

/** Order: `WECO_LSP_PATH`, then `weco.server.path`, then the bundled binary, then `PATH`. */
export function chooseServerPath(inputs: ServerPathInputs): ServerPathChoice {
  const tried: string[] = [];
  const explicit: Array<["env" | "setting", string | null | undefined]> = [
    ["env", inputs.envOverride],
    ["setting", inputs.setting],
  ];
  for (const [source, raw] of explicit) {
    if (!raw || raw.trim() === "") {
      continue;
    }
    const file = expandHome(raw.trim(), inputs.homeDir);
    // An explicit path is the user's choice: when it is wrong, say so instead of silently using another binary.
    if (inputs.isExecutable(file)) {
      return { kind: "found", path: file, source };
    }
    return { kind: "missing", tried: [file] };
  }
  const bundled = path.join(inputs.extensionPath, "server", SERVER_BINARY);
  tried.push(bundled);
  let wrongPlatform: { bundled: string; host: string } | undefined;
  if (inputs.isExecutable(bundled)) {
    // A binary for another platform is executable as a file but cannot run here: look further, and say why.
    if (!inputs.bundledTarget || !inputs.host || inputs.bundledTarget === inputs.host) {
      return { kind: "found", path: bundled, source: "bundled" };
    }
    wrongPlatform = { bundled: inputs.bundledTarget, host: inputs.host };
  }
  for (const dir of (inputs.pathEnv ?? "").split(path.delimiter)) {
    if (dir === "") {
      continue;
    }
    const candidate = path.join(dir, SERVER_BINARY);
    if (inputs.isExecutable(candidate)) {
      return { kind: "found", path: candidate, source: "path" };
    }
  }
  tried.push(`${SERVER_BINARY} on PATH`);
  return { kind: "missing", tried, wrongPlatform };
}

function expandHome(file: string, homeDir: string | undefined): string {
  if (homeDir && (file === "~" || file.startsWith("~/"))) {
    return path.join(homeDir, file.slice(1));
  }
  return file;
}
