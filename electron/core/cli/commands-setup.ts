// `aup config …`, `aup policy …`, `aup school-year`, `aup roster hash-pin`: the commands that read
// the config and the catalog and change nothing.
import { configJsonSchema } from '../config/schema.ts';
import { loadSetup } from '../setup.ts';
import { decisionRulesFrom } from '../kiosk/rules.ts';
import { locateConfig } from '../config/locate.ts';
import { resolvePolicy, versionInForce } from '../policy/resolve.ts';
import { schoolYearOf } from '../school-year.ts';
import { hashPin, pinProblem } from '../directory/pin.ts';
import { AUDIENCE_ROLES } from '../policy/catalog.ts';
import { EXIT, UsageError, parse, parseAt, printProblems, setupFor, type CliIo } from './io.ts';
import { directoryFor } from '../setup.ts';
import type { KioskSetup } from '../setup.ts';

export async function configValidate(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { config: { type: 'string' }, json: { type: 'boolean' } });
  const location = locateConfig(values.config, io.env);
  const setup = await loadSetup(location.file, { bundledCatalog: io.resources.policies });
  if (values.json) {
    io.out(
      JSON.stringify(
        setup.ok
          ? { ok: true, source: setup.source, foundBy: location.how, problems: [], warnings: setup.warnings }
          : { ok: false, source: setup.source, foundBy: location.how, problems: setup.problems, warnings: [] },
        null,
        2,
      ) + '\n',
    );
    return setup.ok ? EXIT.ok : EXIT.badInput;
  }
  if (!setup.ok) {
    io.err(`${setup.source}: ${setup.problems.length} problem${setup.problems.length === 1 ? '' : 's'}\n`);
    printProblems(io, setup.problems);
    return EXIT.badInput;
  }
  io.out(`${setup.source}: valid (${setup.catalog.policies.length} policies, directory: ${setup.config.directory.type})\n`);
  for (const w of setup.warnings) io.err(`  warning: ${w.path}: ${w.message}\n`);
  return EXIT.ok;
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
  const rows = setup.catalog.policies.map((p) => {
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
  });
  if (values.json) {
    io.out(JSON.stringify({ catalog: setup.catalog.folder, at: at.toISOString(), policies: rows }, null, 2) + '\n');
    return EXIT.ok;
  }
  for (const r of rows) {
    const who = r.audience.roles.join(', ') + (r.audience.gradeBands ? ` (${r.audience.gradeBands.join(', ')})` : '');
    io.out(`${r.id}  ${r.kind}  "${r.title}"  for ${who}\n`);
    for (const v of r.versions) {
      const langs = v.languages.map((l) => (l.reviewed ? l.language : `${l.language} (translation awaiting review)`)).join(', ');
      io.out(`  ${v.version === r.inForce ? '*' : ' '} ${v.version}  effective ${v.effective}  ${langs}\n`);
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
      const g = values.grade.toUpperCase() === 'K' ? 0 : Number(values.grade);
      if (!Number.isInteger(g) || g < 0 || g > 12) throw new UsageError('--grade: expected K or a grade from 0 to 12');
      grade = g;
    } else if (role === 'student') throw new UsageError('--grade: a student needs a grade (K or 0 to 12)');
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
