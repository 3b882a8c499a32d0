// Maps the `weco.*` settings VS Code holds to the object the server expects (docs/lsp-extensions.md, Settings).
// Pure: the keys come from package.json's `contributes.configuration`, the values from a getter.

export const SETTINGS_PREFIX = "weco.";

/** Settings whose change needs a new server process rather than `workspace/didChangeConfiguration`. */
export const SETTINGS_REQUIRING_RESTART: readonly string[] = ["server.path"];

/** The setting keys (without the `weco.` prefix) that a package.json contributes, in declaration order. */
export function settingKeysFromPackageJson(packageJson: unknown): string[] {
  const properties = (packageJson as PackageJsonShape)?.contributes?.configuration?.properties ?? {};
  return Object.keys(properties)
    .filter((key) => key.startsWith(SETTINGS_PREFIX))
    .map((key) => key.slice(SETTINGS_PREFIX.length));
}

/**
 * Builds the settings object for `initializationOptions` and `didChangeConfiguration`:
 * dotted keys become nested objects (`llm.baseUrl` → `{ llm: { baseUrl } }`), unset values become `null`.
 */
export function serverSettings(keys: readonly string[], get: (key: string) => unknown): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of keys) {
    const parts = key.split(".");
    let node = settings;
    for (const part of parts.slice(0, -1)) {
      const child = node[part];
      if (typeof child !== "object" || child === null) {
        node[part] = {};
      }
      node = node[part] as Record<string, unknown>;
    }
    const value = get(key);
    node[parts[parts.length - 1]] = value === undefined ? null : value;
  }
  return settings;
}

/** The first setting among `keys` whose change needs a restart, if any. */
export function restartTriggeredBy(
  affects: (section: string) => boolean,
  keys: readonly string[] = SETTINGS_REQUIRING_RESTART,
): string | undefined {
  return keys.find((key) => affects(SETTINGS_PREFIX + key));
}

interface PackageJsonShape {
  contributes?: { configuration?: { properties?: Record<string, unknown> } };
}
