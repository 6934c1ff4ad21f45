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

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

function message(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown setting${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (a typo?)`;
    case 'invalid_type':
      if (valueAt(input, issue.path) === undefined) return `is required: ${issue.message}`;
      return `${issue.message}, got ${describe(valueAt(input, issue.path))}`;
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

/** One problem per issue; unknown keys are reported at the key itself. */
export function problemsFromZod(error: z.ZodError, input: unknown, prefix = ''): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ path: formatPath([...issue.path, key], prefix), message: 'unknown setting (a typo?)' });
      }
      continue;
    }
    problems.push({ path: formatPath(issue.path, prefix), message: message(issue, input) });
  }
  return problems;
}

/** Where in a JSON text a parse error sits, as `line L, column C`. */
export function jsonErrorPosition(textContent: string, error: unknown): string {
  const m = /position (\d+)/.exec(String((error as Error)?.message ?? ''));
  if (!m) return String((error as Error)?.message ?? error);
  const pos = Number(m[1]);
  const before = textContent.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `not valid JSON at line ${line}, column ${column}`;
}
