#!/usr/bin/env node
// node scripts/preview-district.mjs --config F [--port N] [--now ISO] [--test-hooks] [--no-build]
//
// The preview (scripts/preview.mjs) on a throwaway district database, for trying the room unlock
// (issue 11) in a browser and for its browser tests: starts a PostgreSQL of its own
// (harness/postgres.ts: initdb in a temp folder), sets it up with the real `aup db migrate` as a DBA
// would, writes a copy of --config beside it with `central.postgres` pointing there (the aup_kiosk
// role, its password in a file), then serves the preview on that copy. SIGINT or SIGTERM stops the
// preview, then the database, and removes its folder. Needs PostgreSQL installed (the error says how).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(import.meta.dirname, '..');
const DATABASE = 'aup';

function usage(message) {
  process.stderr.write(
    `preview-district: ${message}\nusage: node scripts/preview-district.mjs --config F [--port N] [--now ISO] [--test-hooks] [--no-build]\n`,
  );
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      config: { type: 'string' },
      port: { type: 'string', default: '4173' },
      now: { type: 'string' },
      'test-hooks': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
    },
  }));
} catch (error) {
  usage(error.message);
}
if (!values.config) usage('--config names the machine config to copy (its campus and room are the room opened)');

const { startPostgres } = await tsImport('../harness/postgres.ts', import.meta.url);
const db = await startPostgres();
let preview = null;
let stopping = false;

async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (preview && preview.exitCode === null && preview.signalCode === null) {
    const exited = new Promise((resolve) => preview.once('exit', resolve));
    preview.kill('SIGTERM');
    await exited;
  }
  await db.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  await db.createDatabase(DATABASE);
  const kioskPasswordFile = db.secretFile('aup_kiosk.password', `kiosk-${randomBytes(12).toString('hex')}\n`);
  const source = path.resolve(values.config);
  const config = JSON.parse(readFileSync(source, 'utf8'));
  config.central = { postgres: { connectionString: db.url(DATABASE, 'aup_kiosk'), passwordFile: kioskPasswordFile } };
  const withDatabase = path.join(path.dirname(source), `${path.basename(source, '.json')}.district-db.json`);
  writeFileSync(withDatabase, JSON.stringify(config, null, 2));

  // The real CLI, as the district's DBA runs it: schema, SECURITY DEFINER functions, aup_kiosk's password.
  const { stdout } = await promisify(execFile)(process.execPath, [
    path.join(root, 'bin/aup.mjs'),
    'db',
    'migrate',
    '--config',
    withDatabase,
    '--admin-url',
    db.url(DATABASE),
    '--admin-password-file',
    db.superPasswordFile,
    '--kiosk-password-file',
    kioskPasswordFile,
  ]);
  process.stdout.write(stdout);

  preview = spawn(
    process.execPath,
    [
      path.join(root, 'scripts/preview.mjs'),
      '--port',
      values.port,
      '--config',
      withDatabase,
      ...(values.now ? ['--now', values.now] : []),
      ...(values['test-hooks'] ? ['--test-hooks'] : []),
      ...(values['no-build'] ? ['--no-build'] : []),
    ],
    { stdio: 'inherit' },
  );
  preview.once('exit', (code) => void stop(code ?? 1));
} catch (error) {
  process.stderr.write(`preview-district: ${error.stderr || error.message}\n`);
  await stop(1);
}
