#!/usr/bin/env node
// StyLua for this repository without a native binary: the official WASM build from npm
// (@johnnymorganz/stylua, installed by `scripts/setup.sh format-tools` into .tools/stylua).
//
//   node scripts/stylua.mjs [--check] [--config-path FILE] PATH...
//
// PATHs are Lua files or folders (searched for *.lua). The configuration is FILE, else the nearest
// stylua.toml or .stylua.toml above each path; its keys are StyLua's own, so the real `stylua` CLI
// reads the same file. --check prints the first differing lines of each unformatted file and exits 1;
// without it, files are rewritten in place. Exit 2: bad usage, configuration or Lua syntax.

import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MODULE_DIR = path.join(ROOT, ".tools/stylua/node_modules/@johnnymorganz/stylua");

function fail(message, code = 2) {
  process.stderr.write(`stylua: ${message}\n`);
  process.exit(code);
}

let stylua;
try {
  stylua = createRequire(import.meta.url)(MODULE_DIR);
} catch (error) {
  fail(`cannot load ${path.relative(ROOT, MODULE_DIR)} (run: bash scripts/setup.sh format-tools): ${error.message}`);
}

// Each key of stylua.toml: how its TOML value becomes the WASM Config's field.
const ENUMS = {
  line_endings: stylua.LineEndings,
  indent_type: stylua.IndentType,
  quote_style: stylua.QuoteStyle,
  call_parentheses: stylua.CallParenType,
  collapse_simple_statement: stylua.CollapseSimpleStatement,
  space_after_function_names: stylua.SpaceAfterFunctionNames,
  block_newline_gaps: stylua.BlockNewlineGaps,
  syntax: stylua.LuaVersion,
};
const NUMBERS = new Set(["column_width", "indent_width"]);
const BOOLEANS = new Set(["no_call_parentheses"]);

/** The subset of TOML that stylua.toml uses: `key = value` (string, integer, boolean) and `[sort_requires]`. */
function parseToml(text, file) {
  const settings = {};
  let table = settings;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/\s+#.*$/, "").replace(/^#.*$/, "").trim();
    if (line === "") continue;
    const where = `${file}:${index + 1}`;
    const header = /^\[([A-Za-z_]+)\]$/.exec(line);
    if (header) {
      table = settings[header[1]] = {};
      continue;
    }
    const pair = /^([A-Za-z_]+)\s*=\s*(.+)$/.exec(line);
    if (!pair) fail(`${where}: cannot read ${JSON.stringify(raw)}`);
    const [, key, value] = pair;
    if (/^"[^"]*"$/.test(value) || /^'[^']*'$/.test(value)) table[key] = value.slice(1, -1);
    else if (/^-?\d+$/.test(value)) table[key] = Number(value);
    else if (value === "true" || value === "false") table[key] = value === "true";
    else fail(`${where}: unsupported value ${value}`);
  }
  return settings;
}

function makeConfig(settings, file) {
  const config = stylua.Config.new();
  for (const [key, value] of Object.entries(settings)) {
    if (key === "sort_requires") {
      config.sort_requires = stylua.SortRequiresConfig.new().set_enabled(Boolean(value.enabled));
    } else if (key in ENUMS) {
      if (!(value in ENUMS[key]) || typeof ENUMS[key][value] !== "number") {
        fail(`${file}: ${key} = ${JSON.stringify(value)} is not one of ${Object.keys(ENUMS[key]).filter((k) => isNaN(Number(k))).join(", ")}`);
      }
      config[key] = ENUMS[key][value];
    } else if (NUMBERS.has(key) && Number.isInteger(value)) {
      config[key] = value;
    } else if (BOOLEANS.has(key) && typeof value === "boolean") {
      config[key] = value;
    } else {
      fail(`${file}: unknown or mistyped key ${key}`);
    }
  }
  return config;
}

function findConfig(start) {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    for (const name of ["stylua.toml", ".stylua.toml"]) {
      const candidate = path.join(dir, name);
      if (fs.existsSync(candidate)) return candidate;
    }
    if (dir === path.dirname(dir)) return undefined;
  }
}

function luaFiles(target) {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) fail(`${target}: no such file or folder`);
  if (stat.isFile()) return [target];
  return fs
    .readdirSync(target, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith(".") && entry.name !== "node_modules")
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = path.join(target, entry.name);
      return entry.isDirectory() ? luaFiles(child) : entry.name.endsWith(".lua") ? [child] : [];
    });
}

/** Up to `limit` differing lines, `-` what is there and `+` what StyLua writes. */
function firstDifferences(before, after, limit = 6) {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const lines = [`  @@ line ${start + 1}`];
  a.slice(start, Math.min(endA, start + limit)).forEach((line) => lines.push(`  -${line}`));
  b.slice(start, Math.min(endB, start + limit)).forEach((line) => lines.push(`  +${line}`));
  return lines.join("\n");
}

const args = process.argv.slice(2);
let check = false;
let configPath;
const targets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--check") check = true;
  else if (args[i] === "--config-path") configPath = args[++i];
  else if (args[i].startsWith("-")) fail(`unknown option ${args[i]}`);
  else targets.push(args[i]);
}
if (targets.length === 0) fail("usage: stylua.mjs [--check] [--config-path FILE] PATH...");

const configs = new Map();
function settingsFor(file) {
  const source = configPath ?? findConfig(path.dirname(file));
  if (!source) return {};
  if (!configs.has(source)) configs.set(source, parseToml(fs.readFileSync(source, "utf8"), source));
  return { settings: configs.get(source), source };
}

let unformatted = 0;
let broken = 0;
const files = targets.flatMap(luaFiles);
for (const file of files) {
  const before = fs.readFileSync(file, "utf8");
  const { settings = {}, source = "defaults" } = settingsFor(file);
  let after;
  try {
    // StyLua is not always idempotent in one pass (a call's table argument can move again), so format
    // until the text is stable. The WASM side takes ownership of the config: each pass gets a fresh one.
    after = before;
    for (let pass = 0; pass < 4; pass++) {
      const next = stylua.formatCode(after, makeConfig(settings, source), undefined, stylua.OutputVerification.Full);
      if (next === after) break;
      after = next;
    }
  } catch (error) {
    broken++;
    process.stderr.write(`stylua: ${path.relative(process.cwd(), file)}: ${String(error.message ?? error)}\n`);
    continue;
  }
  if (after === before) continue;
  unformatted++;
  if (check) {
    process.stdout.write(`Diff in ${path.relative(process.cwd(), file)}:\n${firstDifferences(before, after)}\n`);
  } else {
    fs.writeFileSync(file, after);
  }
}
if (broken > 0) process.exit(2);
if (check && unformatted > 0) {
  process.stdout.write(`${unformatted} of ${files.length} Lua file(s) not formatted (fix: node scripts/stylua.mjs PATH)\n`);
  process.exit(1);
}
if (!check) process.stdout.write(`stylua: ${unformatted} of ${files.length} file(s) reformatted\n`);
