// `aup config …`, `aup policy …`, `aup school-year`, `aup roster hash-pin`: the commands that read
// the config and the catalog and change nothing.
import { configJsonSchema } from '../config/schema.ts';
import { loadSetup } from '../setup.ts';
import { decisionRulesFrom } from '../kiosk/rules.ts';
import { locateConfig, type ConfigLocation } from '../config/locate.ts';
import { readSystemValues, serviceConfigLocation, serviceFolders } from '../machine/folders.ts';
import { mergeProblems, serviceProblems } from '../machine/permissions.ts';
import { resolvePolicy, versionInForce } from '../policy/resolve.ts';
import { schoolYearOf } from '../school-year.ts';
import { hashPin, pinProblem } from '../directory/pin.ts';
import { AUDIENCE_ROLES } from '../policy/catalog.ts';
import { EXIT, UsageError, parse, parseAt, printProblems, setupFor, type CliIo } from './io.ts';
import { directoryFor } from '../setup.ts';
import type { KioskSetup } from '../setup.ts';
import { parseGrade } from '../people.ts';

/**
 * `aup config validate [--config F] [--service] [--json]`. `--service` adds what the machine service
 * needs: the config and its folder owned by root and changeable by root alone, every secret readable
 * by root alone (a group- or world-readable one fails here, where the CLI otherwise only warns), and
 * the service's folders. Root validating the machine location gets these checks without asking: that
 * file is the one the service reads, and "valid" must not be said of a config the service would refuse.
 */
export async function configValidate(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, json: { type: 'boolean' }, service: { type: 'boolean' } });
  const asService = values.service === true || (!values.config && !io.env.AUP_KIOSK_CONFIG && process.getuid?.() === 0);
  const service = asService ? await serviceLocation(values.config, io) : null;
  const location = service?.location ?? locateConfig(values.config, io.env);
  const setup = await loadSetup(location.file, { bundledCatalog: io.resources.policies });
  if (!service && location.how === 'managed')
    io.err(`note: reading the managed preferences ${location.file} (a configuration profile), not config.json\n`);
  let problems = setup.ok ? [] : setup.problems;
  let warnings = setup.ok ? setup.warnings : [];
  if (service) {
    // At the machine location the service's own folders too; for another file, the ledger and state folders it names.
    let found = await serviceProblems(service.folders, location.file, setup.ok ? setup.config : null, {
      foldersToCheck: location.how === 'os' || location.how === 'managed' ? 'all' : 'named',
    });
    // A config that cannot be read is already said once.
    if (!setup.ok && setup.problems.some((p) => p.path === '(file)')) found = found.filter((p) => p.path !== location.file);
    problems = mergeProblems(problems, found);
    // The CLI's "readable by every user" warning is a problem here, with a different fix.
    warnings = warnings.filter((w) => !(/read by every user/.test(w.message) && found.some((p) => p.path === w.path)));
  }
  const notes = service?.notes ?? [];
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          ok: !problems.length,
          source: setup.source,
          foundBy: location.how,
          service: !!service,
          problems,
          warnings: problems.length ? [] : warnings,
          notes,
        },
        null,
        2,
      ) + '\n',
    );
    return problems.length ? EXIT.badInput : EXIT.ok;
  }
  for (const n of notes) io.err(`note: ${n}\n`);
  if (!setup.ok || problems.length) {
    io.err(`${setup.source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}${service ? ' for the machine service' : ''}\n`);
    printProblems(io, problems);
    return EXIT.badInput;
  }
  io.out(
    `${setup.source}: valid${service ? ' for the machine service' : ''} (${setup.catalog.policies.length} policies, directory: ${setup.config.directory.type})\n`,
  );
  for (const w of warnings) io.err(`  warning: ${w.path}: ${w.message}\n`);
  return EXIT.ok;
}

/** The config the service reads (the machine location, from the system's values), or the one `--config` names, checked by its rules. */
async function serviceLocation(flag: string | undefined, io: CliIo) {
  const notes: string[] = [];
  const system = await readSystemValues(process.platform, { log: { write: (_level, message) => notes.push(message) } });
  const folders = serviceFolders(process.platform, system);
  const given = serviceConfigLocation(folders, { env: io.env });
  notes.push(...given.notes);
  const location: ConfigLocation = flag ? locateConfig(flag, io.env) : { file: given.file, how: given.managed ? 'managed' : 'os' };
  if (flag) notes.push(`checking ${location.file} by the machine service's rules; the service itself reads only ${given.file}`);
  return { location, folders, notes };
}

export async function configSchema(args: string[], io: CliIo): Promise<number> {
  parse(args, {});
  io.out(JSON.stringify(configJsonSchema(), null, 2) + '\n');
  return EXIT.ok;
}

export async function schoolYear(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, at: { type: 'string' } });
  const setup = await setupFor(io, values.config, true);
  const at = parseAt(values.at, setup.config.district.timeZone, io.now());
  io.out(schoolYearOf(at, { timeZone: setup.config.district.timeZone, start: setup.config.district.schoolYearStart }) + '\n');
  return EXIT.ok;
}

export const policyRules = (setup: KioskSetup) => decisionRulesFrom(setup.config);

export async function policyList(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' } });
  const setup = await setupFor(io, values.config, true);
  const at = parseAt(values.at, setup.config.district.timeZone, io.now());
  const row = (p: (typeof setup.catalog.policies)[number]) => {
    const inForce = versionInForce(p, at, setup.config.district.timeZone);
    return {
      id: p.id,
      kind: p.kind,
      title: p.title[setup.config.languages.default] ?? Object.values(p.title)[0],
      audience: p.audience,
      inForce: inForce?.version ?? null,
      versions: p.versions.map((v) => ({
        version: v.version,
        effective: v.effective,
        languages: [...v.documents.values()].map((d) => ({ language: d.language, sha256: d.sha256, reviewed: d.reviewed })),
      })),
    };
  };
  // A plain-words summary (K-5) is part of the policy it summarises: listed under it, not as a policy of its own.
  const isSummaryOfListed = (p: (typeof setup.catalog.policies)[number]) =>
    p.summarizes !== undefined && setup.catalog.policies.some((q) => q.id === p.summarizes);
  const rows = setup.catalog.policies
    .filter((p) => !isSummaryOfListed(p))
    .map((p) => {
      const summaries = setup.catalog.policies.filter((s) => s.summarizes === p.id).map(row);
      return { ...row(p), ...(summaries.length ? { summaries } : {}) };
    });
  if (values.json) {
    io.out(JSON.stringify({ catalog: setup.catalog.folder, at: at.toISOString(), policies: rows }, null, 2) + '\n');
    return EXIT.ok;
  }
  const who = (r: ReturnType<typeof row>) => r.audience.roles.join(', ') + (r.audience.gradeBands ? ` (${r.audience.gradeBands.join(', ')})` : '');
  const versions = (r: ReturnType<typeof row>, indent: string) => {
    for (const v of r.versions) {
      // The district's own text in its default language is not a translation, even while it awaits review (a new summary).
      const awaiting = (l: string) => (l === setup.config.languages.default ? 'awaiting review' : 'translation awaiting review');
      const langs = v.languages.map((l) => (l.reviewed ? l.language : `${l.language} (${awaiting(l.language)})`)).join(', ');
      io.out(`${indent}${v.version === r.inForce ? '*' : ' '} ${v.version}  effective ${v.effective}  ${langs}\n`);
    }
  };
  for (const r of rows) {
    io.out(`${r.id}  ${r.kind}  "${r.title}"  for ${who(r)}\n`);
    versions(r, '  ');
    for (const s of r.summaries ?? []) {
      io.out(`  plain-words summary, shown above it: ${s.id}  "${s.title}"  for ${who(s)}\n`);
      versions(s, '    ');
    }
  }
  io.out('(* = in force)\n');
  return EXIT.ok;
}

export async function policyResolve(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    config: { type: 'string' },
    user: { type: 'string' },
    role: { type: 'string' },
    grade: { type: 'string' },
    lang: { type: 'string' },
    kind: { type: 'string', default: 'aup' },
    at: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!values.user === !values.role) throw new UsageError('give either --user USERNAME or --role ROLE (with --grade for a student)');
  if (!['aup', 'safety-rules', 'agreement'].includes(values.kind!)) throw new UsageError('--kind: expected aup, safety-rules or agreement');
  const setup = await setupFor(io, values.config, true);
  const at = parseAt(values.at, setup.config.district.timeZone, io.now());

  let role: (typeof AUDIENCE_ROLES)[number];
  let grade: number | undefined;
  let language = values.lang;
  if (values.user) {
    const directory = await directoryFor(setup);
    try {
      const user = await directory.findUser(values.user);
      if (!user) throw new UsageError(`--user: "${values.user}" is not in the ${directory.kind}`);
      role = user.role;
      grade = user.grade;
      language ??= user.language;
    } finally {
      await directory.close();
    }
  } else {
    if (!(AUDIENCE_ROLES as readonly string[]).includes(values.role!)) throw new UsageError(`--role: expected one of ${AUDIENCE_ROLES.join(', ')}`);
    role = values.role as typeof role;
    if (values.grade !== undefined) {
      grade = parseGrade(values.grade);
      if (grade === undefined) throw new UsageError('--grade: expected PK, K or a grade from 1 to 12');
    } else if (role === 'student') throw new UsageError('--grade: a student needs a grade (PK, K or 1 to 12)');
  }
  if (language !== undefined && !/^[a-z]{2}$/.test(language)) throw new UsageError('--lang: expected a two-letter language code like en or es');

  const resolved = resolvePolicy(
    setup.catalog,
    values.kind as 'aup',
    { role, ...(grade !== undefined ? { grade } : {}) },
    at,
    policyRules(setup),
    language,
  );
  const year = schoolYearOf(at, { timeZone: setup.config.district.timeZone, start: setup.config.district.schoolYearStart });
  if (!resolved) {
    io.err(`no ${values.kind} policy is in force for ${role}${grade !== undefined ? ` grade ${grade}` : ''} on ${at.toISOString()}\n`);
    return EXIT.failure;
  }
  const answer = {
    policyId: resolved.policy.id,
    version: resolved.version.version,
    effective: resolved.version.effective,
    language: resolved.language,
    sha256: resolved.document.sha256,
    schoolYear: year,
  };
  if (values.json) io.out(JSON.stringify(answer, null, 2) + '\n');
  else {
    io.out(`${answer.policyId} ${answer.version} (effective ${answer.effective}) in ${answer.language}, school year ${answer.schoolYear}\n`);
    io.out(`sha256 ${answer.sha256}  ${resolved.document.file}\n`);
    if (language && language !== resolved.language) io.out(`(no ${language} document in this version; fell back to ${resolved.language})\n`);
  }
  return EXIT.ok;
}

export async function rosterHashPin(args: string[], io: CliIo): Promise<number> {
  parse(args, {});
  const input = (await io.readStdin()).split(/\r?\n/)[0] ?? '';
  const problem = pinProblem(input.trim());
  if (problem) throw new UsageError(`the PIN on standard input: ${problem}`);
  io.out((await hashPin(input.trim())) + '\n');
  return EXIT.ok;
}
