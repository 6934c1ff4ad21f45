// package.json `engines` says the Node.js the tools really need: every Node version it admits is one
// that each installed package (package-lock.json) declares it runs on. Electron, @electron/get and
// @electron/rebuild declare Node >= 22.12 and ESLint ^22.13 || >=24, so ">=20.19.0" fails here.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO } from '../../support/fixtures.ts';

// npm's own range arithmetic (semver, already installed); its package carries no types.
const semver = createRequire(import.meta.url)('semver') as { subset(sub: string, dom: string): boolean; validRange(r: string): string | null };

interface LockEntry {
  engines?: { node?: string };
  optional?: boolean;
}

describe('engines.node', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

  it('is a range, and the lockfile records the same one', () => {
    expect(semver.validRange(pkg.engines.node)).not.toBeNull();
    expect(lock.packages['']?.engines?.node).toBe(pkg.engines.node);
  });

  it('admits only Node versions every installed package declares it supports (no EBADENGINE on a supported Node)', () => {
    const outside = Object.entries(lock.packages)
      .filter(([name, entry]) => name && entry.engines?.node && !semver.subset(pkg.engines.node, entry.engines.node))
      .map(([name, entry]) => `${name.replace(/^.*node_modules\//, '')} wants ${entry.engines!.node}`);
    expect(outside, `engines.node is "${pkg.engines.node}"`).toEqual([]);
  });
});
