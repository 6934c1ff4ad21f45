#!/usr/bin/env node
// `npm run build:cli` (and `prepare`, so `npm ci` leaves it built): the `aup` CLI of a checkout as one
// CommonJS file, out/cli/aup.cjs, bundled by esbuild like the machine service (build-service.mjs), so
// `npx aup` starts without compiling TypeScript. Beside it, out/cli/inputs.json lists every file the
// bundle was made from (its sources and the packages it took in) with their size and modification
// time: bin/aup.mjs compares them before each run and rebuilds when any differs or is gone, so a
// checkout never runs code older than its sources. The packaged app runs the CLI from its own main
// process (electron/main/cli.ts), not from this file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const ENTRY = 'electron/core/cli/main.ts';
export const BUNDLE = path.join(root, 'out/cli/aup.cjs');
const MANIFEST = path.join(root, 'out/cli/inputs.json');

const fingerprint = (file) => {
  const s = fs.statSync(path.join(root, file));
  return [s.size, s.mtimeMs];
};

const identity = (stat) => [stat.ino, stat.size, stat.mtimeMs];

/** Why the bundle cannot be run as it is (missing, or a file it was made from changed), or null. */
export function staleReason() {
  let manifest;
  let bundle;
  try {
    manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
    bundle = fs.statSync(BUNDLE);
  } catch {
    return 'not built yet';
  }
  // The manifest is the one written with this very bundle (two builds at once may each have renamed theirs).
  if (JSON.stringify(identity(bundle)) !== JSON.stringify(manifest.bundle)) return 'the bundle is not the one its manifest describes';
  for (const [file, [size, mtime]] of Object.entries(manifest.inputs)) {
    let now;
    try {
      now = fingerprint(file);
    } catch {
      return `${file} is gone`;
    }
    if (now[0] !== size || now[1] !== mtime) return `${file} changed`;
  }
  return null;
}

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch {
    throw new Error('the CLI needs building and esbuild (a devDependency) is not installed here: run npm ci');
  }
}

/** esbuild's options; `sourceDir`: JavaScript for the folder of config/resources.ts at run time. */
function bundleOptions(outfile, sourceDir) {
  return {
    absWorkingDir: root,
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    write: true,
    logLevel: 'silent',
    // The one `import.meta.dirname` (config/resources.ts: where the checkout's catalog, migrations and
    // demo config are) is its source folder, as under tsx: the bundle finds them where they are.
    define: { 'import.meta.dirname': '__aupSourceDir' },
    banner: { js: `var __aupSourceDir = ${sourceDir};` },
    logOverride: { 'empty-import-meta': 'error' },
  };
}

/**
 * For a checkout this user cannot write (read-only, or another account's): the current sources
 * bundled into a file of the temp folder, which the caller loads and removes. Never the stale one.
 */
export async function buildCliElsewhere() {
  const esbuild = await loadEsbuild();
  const file = path.join(os.tmpdir(), `aup-cli-${process.pid}-${Date.now()}.cjs`);
  await esbuild.build(bundleOptions(file, JSON.stringify(path.join(root, 'electron/core/config'))));
  return file;
}

/** Bundles the CLI and records what it was made from. */
export async function buildCli() {
  const esbuild = await loadEsbuild();
  const started = Date.now() - 50; // file times come from a coarser clock: a little before counts as "during"
  const dir = path.dirname(BUNDLE);
  fs.mkdirSync(dir, { recursive: true });
  fs.accessSync(dir, fs.constants.W_OK); // EACCES or EROFS (with its code) before esbuild tries
  // Unique names: several `aup` started at once after an edit may each build; the last rename wins, and
  // every one of them is a whole bundle of the same sources.
  const temp = path.join(dir, `.aup.${process.pid}.${Date.now()}.cjs`);
  const result = await esbuild.build(bundleOptions(temp, 'require("node:path").join(__dirname, "../../electron/core/config")'));
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs), path.relative(root, import.meta.filename), 'package.json']) {
    const [size, mtime] = fingerprint(file);
    // Changed while esbuild ran: which version it read is unknown, so the next run builds again.
    inputs[file] = [size, mtime >= started ? -1 : mtime];
  }
  const bundle = identity(fs.statSync(temp)); // a rename keeps the file's identity
  fs.renameSync(temp, BUNDLE);
  const manifestTemp = `${MANIFEST}.${process.pid}.tmp`;
  fs.writeFileSync(manifestTemp, JSON.stringify({ entry: ENTRY, bundle, inputs }));
  fs.renameSync(manifestTemp, MANIFEST);
  return { files: Object.keys(inputs).length, bytes: fs.statSync(BUNDLE).size };
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  try {
    const started = performance.now();
    const { files, bytes } = await buildCli();
    process.stdout.write(
      `build-cli: ${path.relative(root, BUNDLE)} from ${files} files, ${(bytes / 1e6).toFixed(1)} MB, in ${Math.round(performance.now() - started)} ms\n`,
    );
  } catch (error) {
    if (process.env.npm_lifecycle_event === 'prepare' && /esbuild .*is not installed/.test(error?.message)) {
      // `npm ci --omit=dev`: no build tools, so no CLI of the checkout; nothing else is stopped by it.
      process.stderr.write(`build-cli: skipped: ${error.message}\n`);
      process.exit(0);
    }
    const where = (m) => (m.location ? `${m.location.file}:${m.location.line}: ` : '');
    const detail = error?.errors?.length ? error.errors.map((m) => `\n  ${where(m)}${m.text}`).join('') : ` ${error?.message ?? error}`;
    process.stderr.write(`build-cli: failed:${detail}\n`);
    process.exitCode = 1;
  }
}
