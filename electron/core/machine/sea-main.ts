// `aup-service`: the machine service's single executable (scripts/build-service.mjs), a Node.js
// runtime with this entry injected, so a lab PC needs no Node.js. It runs the `aup` CLI, so whatever
// command the CLI gains (`service run`, the service itself) the executable has, with no change here.
// A bundle has no source tree: what ships beside the code is read from resources/ next to the
// executable, which the installer lays down with the executable's own permissions.
import path from 'node:path';
import { runCli, processIo } from '../cli/main.ts';
import type { Resources } from '../config/resources.ts';

/** The layout scripts/build-service.mjs writes: `<folder of the executable>/resources/{policies,migrations}`. */
function serviceResources(executable: string): Resources {
  const resources = path.join(path.dirname(executable), 'resources');
  // No demo config: an installed service says the machine config is missing rather than guess.
  return { policies: path.join(resources, 'policies'), migrations: path.join(resources, 'migrations'), demoConfig: null };
}

/**
 * The environment must not weaken the service: Node.js obeys NODE_TLS_REJECT_UNAUTHORIZED=0 (no
 * certificate checks against the directory and the database) and NODE_ICU_DATA (other time zone
 * rules, by which the lock decides). A service manager never sets them; from a shell they are refused,
 * not obeyed. NODE_OPTIONS and OPENSSL_CONF the executable ignores itself (build/service/README.md).
 */
function refusedEnvironment(env: NodeJS.ProcessEnv): string | null {
  if (env.NODE_TLS_REJECT_UNAUTHORIZED === '0') return 'NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment turns certificate checks off';
  if (env.NODE_ICU_DATA !== undefined) return 'NODE_ICU_DATA in the environment replaces the time zone rules';
  return null;
}

const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));

async function main(): Promise<number> {
  const refused = refusedEnvironment(process.env);
  if (refused) {
    process.stderr.write(`aup-service: refusing to start: ${refused}\n`);
    return 1;
  }
  const resources = serviceResources(process.execPath);
  try {
    return await runCli(process.argv.slice(2), processIo(resources));
  } catch (error) {
    process.stderr.write(`aup-service: failed: ${(error as Error)?.message ?? error}\n`);
    return 1;
  }
}

// The bundle is CommonJS (what a single executable runs), so no top-level await.
void main().then(async (code) => {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
});
