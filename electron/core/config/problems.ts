// Zod issues turned into the problems a technician reads: a dotted path and a plain sentence.
import type { z } from 'zod';
import type { ConfigProblem } from '../api/contract.ts';

/** `lock.bellSchedule[2].end`; a prefix names the file or section the value came from. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out && !/[:\s]$/.test(out) ? `.${String(key)}` : String(key);
  }
  return out || '(top level)';
}

/** What was found, with its value where it is short (`the number 55.5`, `text "55"`): "got a number" told a technician nothing. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length <= 40 ? `text ${JSON.stringify(value)}` : 'text';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}

/** Zod's type names, in a technician's words. */
const EXPECTED: Record<string, string> = {
  object: 'an object { … }',
  array: 'a list [ … ]',
  string: 'text in "quotes"',
  number: 'a number',
  boolean: 'true or false',
};

function message(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (a typo?)`;
    case 'invalid_type': {
      // Zod's own wording ("Invalid input: expected object, received undefined") said as a person would.
      const expected = /^Invalid input: expected (\w+)/.exec(issue.message)?.[1];
      const what = expected ? `expected ${EXPECTED[expected] ?? expected}` : issue.message;
      if (valueAt(input, issue.path) === undefined) return expected ? `is required (${what.replace(/^expected /, '')})` : `is required: ${what}`;
      return `${what}, got ${describe(valueAt(input, issue.path))}`;
    }
    default:
      return issue.message;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

type JsonSchemaNode = {
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  oneOf?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
};

/** The setting names a JSON Schema allows at `path` (every branch of a oneOf: roster or LDAP). */
function settingsAt(schema: JsonSchemaNode, path: readonly PropertyKey[]): string[] {
  let nodes = [schema];
  const branches = (n: JsonSchemaNode): JsonSchemaNode[] => [n, ...[...(n.oneOf ?? []), ...(n.anyOf ?? []), ...(n.allOf ?? [])].flatMap(branches)];
  for (const key of path) {
    nodes = nodes.flatMap(branches).flatMap((n) => {
      const next = typeof key === 'number' ? n.items : n.properties?.[String(key)];
      return next ? [next] : [];
    });
  }
  return [...new Set(nodes.flatMap(branches).flatMap((n) => Object.keys(n.properties ?? {})))];
}

/** Edits (insert, delete, change, swap two neighbours) from one word to another, ignoring case. */
function distance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  const d = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++)
    for (let j = 1; j <= y.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[x.length]![y.length]!;
}

/** "unknown setting (a typo of unlockMinutes?)": the allowed name nearest to the one written, if one is near. */
function unknownSetting(key: string, allowed: string[]): string {
  const near = allowed
    .map((name) => ({ name, d: distance(key, name) }))
    .filter(({ name, d }) => d <= Math.max(1, Math.floor(name.length / 4)))
    .sort((a, b) => a.d - b.d)[0];
  return near ? `unknown setting (a typo of "${near.name}"?)` : 'unknown setting (a typo?)';
}

/**
 * One problem per issue; unknown keys are reported at the key itself, with the nearest allowed name
 * when `jsonSchema` (the JSON Schema of what was parsed) says which names are allowed there.
 */
export function problemsFromZod(error: z.ZodError, input: unknown, prefix = '', jsonSchema?: object): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = jsonSchema ? settingsAt(jsonSchema as JsonSchemaNode, issue.path) : [];
      for (const key of issue.keys) {
        problems.push({ path: formatPath([...issue.path, key], prefix), message: unknownSetting(key, allowed) });
      }
      continue;
    }
    problems.push({ path: formatPath(issue.path, prefix), message: message(issue, input) });
  }
  return problems;
}

/**
 * Why a file could not be read, in words ("there is no file there", not ENOENT): every reader of a
 * file a technician or a clerk names (the config, the roster, an export, a policy text) says it alike.
 */
export function fileErrorWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'there is no file there';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (this account may not read it: run the command as root, or as an administrator)';
    case 'ENOTDIR':
      return 'a part of that path is a file, not a folder';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EROFS':
      return 'the disk is read-only';
    default:
      return code ?? String((error as Error)?.message ?? error);
  }
}

/** Where in a JSON text a parse error sits, as `line L, column C`, with what is usually wrong there. */
export function jsonErrorPosition(textContent: string, error: unknown): string {
  const text = String((error as Error)?.message ?? error);
  if (/Unexpected end of JSON input/.test(text)) {
    return textContent.trim() === '' ? 'empty (it must hold one JSON object: { … })' : 'not valid JSON: it ends too soon (a } or ] missing?)';
  }
  const pos = errorOffset(textContent, text);
  if (pos === null) return `not valid JSON (${text.replace(/ is not valid JSON$/, '')})`;
  const before = textContent.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  const at = textContent[pos];
  const hint =
    at === '/'
      ? ' (JSON allows no comments)'
      : at === "'"
        ? ' (JSON takes "double quotes")'
        : (at === '}' || at === ']') && /,\s*$/.test(before)
          ? ' (a comma before the closing bracket: JSON allows none)'
          : /Expected ',' or '[}\]]'/.test(text)
            ? ' (a comma missing before it?)'
            : '';
  return `not valid JSON at line ${line}, column ${column}${hint}`;
}

/**
 * The offset a JSON.parse error names: "… at position N", or for V8's "Unexpected token 'x', …"
 * (no position) the place its quoted context shows (10 characters either side, "..." where cut).
 */
function errorOffset(source: string, message: string): number | null {
  const m = /position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  const t = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*?)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (!t) return null;
  const [, token, cutBefore, context, cutAfter] = t as unknown as [string, string, string | undefined, string, string | undefined];
  const start = cutBefore ? source.indexOf(context) : 0;
  if (start < 0) return null;
  const pos = cutBefore ? start + 10 : cutAfter ? context.length - 10 : source.indexOf(token);
  return pos >= 0 && source[pos] === token ? pos : source.indexOf(token, start);
}
