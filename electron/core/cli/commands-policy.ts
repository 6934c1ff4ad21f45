// `aup policy add | check | show`: the district office publishes next year's policy into its own
// catalog folder, checks a catalog folder alone, and sees a document exactly as the kiosk will render
// it. The deployment guide's "A new policy version" section is these three commands.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { renderPolicyMarkdown } from '../api/policy-markdown.ts';
import { loadCatalog } from '../policy/catalog.ts';
import { documentProblem, publishDocument, PublishError } from '../policy/publish.ts';
import { versionInForce } from '../policy/resolve.ts';
import { localDate } from '../time.ts';
import { esc, htmlPage, localDay } from '../reports/page.ts';
import { underHeading } from '../reports/evidence-page.ts';
import { loadSetup } from '../setup.ts';
import { EXIT, UsageError, parse, parseAt, writeOutput, type CliIo } from './io.ts';

export const POLICY_ADD_OPTIONS = {
  catalog: { type: 'string' },
  id: { type: 'string' },
  version: { type: 'string' },
  effective: { type: 'string' },
  lang: { type: 'string' },
  reviewed: { type: 'boolean' },
  'effective-now': { type: 'boolean' },
  config: { type: 'string' },
  at: { type: 'string' },
  json: { type: 'boolean' },
} as const;
export const POLICY_CHECK_OPTIONS = { catalog: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } } as const;
export const POLICY_SHOW_OPTIONS = {
  catalog: { type: 'string' },
  id: { type: 'string' },
  version: { type: 'string' },
  lang: { type: 'string' },
  out: { type: 'string' },
} as const;

/** The district's time zone from --config, else this computer's: what "today" means for "has taken effect". */
async function timeZoneFor(io: CliIo, config: string | undefined): Promise<string> {
  if (!config) return io.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const setup = await loadSetup(config, { bundledCatalog: io.resources.policies });
  if (!setup.ok) throw new UsageError(`the config ${setup.source} has ${setup.problems.length} problem(s)`, setup.problems);
  return setup.config.district.timeZone;
}

const need = (value: string | undefined, flag: string, example: string): string => {
  if (!value) throw new UsageError(`${flag} is required (${example})`);
  return value;
};

export async function policyAdd(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, POLICY_ADD_OPTIONS, true);
  if (positionals.length !== 1) throw new UsageError('give one Markdown file: aup policy add --catalog DIR --id ID --version V --lang L FILE.md');
  const catalogDir = path.resolve(need(values.catalog, '--catalog DIR', 'the district catalog folder; made from the bundled one the first time'));
  const policyId = need(values.id, '--id', 'e.g. --id student-aup');
  const version = need(values.version, '--version', 'e.g. --version 2027-28');
  const language = need(values.lang, '--lang', 'e.g. --lang en');
  if (!/^[a-z]{2}$/.test(language)) throw new UsageError(`--lang: expected a two-letter language code like en or es, not "${language}"`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(version)) throw new UsageError(`--version: "${version}" is not a version label like 2027-28`);
  const timeZone = await timeZoneFor(io, values.config);
  const today = localDate(parseAt(values.at, timeZone, io.now()), timeZone);
  try {
    const r = await publishDocument({
      catalogDir,
      bundled: io.resources.policies,
      policyId,
      version,
      ...(values.effective ? { effective: values.effective } : {}),
      language,
      file: positionals[0]!,
      reviewed: Boolean(values.reviewed),
      today,
      effectiveNow: Boolean(values['effective-now']),
    });
    if (values.json) io.out(JSON.stringify(r, null, 2) + '\n');
    else {
      for (const n of r.notes) io.out(`note: ${n}\n`);
      const what = {
        'added-version': `added ${policyId} ${version} (${language})`,
        'added-language': `added ${language} to ${policyId} ${version}`,
        'replaced-text': `replaced the ${language} text of ${policyId} ${version} (not yet in force)`,
        unchanged: `${policyId} ${version} (${language}) already holds this exact text; nothing changed`,
      }[r.action];
      io.out(`${what}: ${r.file}\n  sha256 ${r.sha256}\n`);
      io.out(
        `Check it: aup policy check --catalog "${catalogDir}"; see it: aup policy show --catalog "${catalogDir}" --id ${policyId} --version ${version} --lang ${language} --out ${policyId}-${version}.${language}.html\n`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof PublishError) throw new UsageError(error.message);
    throw error;
  }
}

export async function policyCheck(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, POLICY_CHECK_OPTIONS);
  const dir = path.resolve(need(values.catalog, '--catalog DIR', 'the catalog folder to check'));
  let gradeBands: string[] | undefined;
  if (values.config) {
    const setup = await loadSetup(values.config, { bundledCatalog: io.resources.policies });
    if (setup.ok) gradeBands = Object.keys(setup.config.district.gradeBands);
    else throw new UsageError(`the config ${setup.source} has ${setup.problems.length} problem(s)`, setup.problems);
  }
  const loaded = await loadCatalog(dir, { prefix: 'catalog', ...(gradeBands ? { gradeBands } : {}) });
  const problems = loaded.ok ? [] : loaded.problems;
  let documents = 0;
  if (loaded.ok) {
    for (const p of loaded.catalog.policies)
      for (const v of p.versions)
        for (const d of v.documents.values()) {
          documents++;
          const problem = documentProblem(await readFile(path.join(dir, d.file)), d.file);
          if (problem) problems.push({ path: `catalog: ${p.id} ${v.version} ${d.language}`, message: problem });
        }
  }
  if (problems.length) throw new UsageError(`the catalog ${dir} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);
  const policies = loaded.ok ? loaded.catalog.policies : [];
  const summary = { catalog: dir, ok: true, policies: policies.length, versions: policies.reduce((n, p) => n + p.versions.length, 0), documents };
  if (values.json) io.out(JSON.stringify(summary, null, 2) + '\n');
  else io.out(`catalog OK: ${summary.policies} policies, ${summary.versions} versions, ${documents} documents, every hash matches (${dir})\n`);
  return EXIT.ok;
}

/** The words around a document `aup policy show` prints (the Spanish is held to docs/glossary-es.md by its test). */
export const SHOW_WORDS = {
  en: {
    version: 'Version',
    effective: 'In force from',
    sha: 'SHA-256',
    unreviewed: 'Translation awaiting the district’s review.',
    as: 'As the kiosk shows it.',
  },
  es: {
    version: 'Versión',
    effective: 'Vigente desde',
    sha: 'SHA-256',
    unreviewed: 'Traducción pendiente de revisión por el distrito.',
    as: 'Como lo muestra el quiosco.',
  },
} as const;

export async function policyShow(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, POLICY_SHOW_OPTIONS);
  const dir = path.resolve(need(values.catalog, '--catalog DIR', 'the catalog folder'));
  const id = need(values.id, '--id', 'e.g. --id student-aup');
  const language = values.lang ?? 'en';
  const loaded = await loadCatalog(dir, { prefix: 'catalog' });
  if (!loaded.ok) throw new UsageError(`the catalog ${dir} has problems; run aup policy check --catalog "${dir}"`, loaded.problems);
  const policy = loaded.catalog.policies.find((p) => p.id === id);
  if (!policy) throw new UsageError(`--id: no policy "${id}" in ${dir} (there are: ${loaded.catalog.policies.map((p) => p.id).join(', ')})`);
  const version = values.version
    ? policy.versions.find((v) => v.version === values.version)
    : (versionInForce(policy, io.now(), io.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone) ?? policy.versions.at(-1));
  if (!version)
    throw new UsageError(`--version: ${id} has no version "${values.version}" (there are: ${policy.versions.map((v) => v.version).join(', ')})`);
  const doc = version.documents.get(language);
  if (!doc)
    throw new UsageError(`--lang: ${id} ${version.version} has no "${language}" document (there are: ${[...version.documents.keys()].join(', ')})`);
  const lang = language === 'es' ? 'es' : 'en';
  const title = policy.title[language] ?? policy.title.en ?? id;
  const words = SHOW_WORDS[lang];
  const html = htmlPage({
    lang,
    title: `${title} ${version.version}`,
    header: `<h1>${esc(title)}</h1>
<dl class="meta"><dt>${esc(words.version)}</dt><dd>${esc(version.version)}</dd><dt>${esc(words.effective)}</dt><dd>${esc(localDay(version.effective, lang))}</dd><dt>${esc(words.sha)}</dt><dd class="hash">${esc(doc.sha256)}</dd></dl>
<p class="muted">${esc(words.as)}${doc.reviewed ? '' : ` ${esc(words.unreviewed)}`}</p>`,
    main: `<div class="document" lang="${esc(language)}">${underHeading(renderPolicyMarkdown(doc.markdown), 1)}</div>`,
    footer: `<p>${esc(doc.file)}</p>`,
  });
  if (values.out) {
    await writeOutput(path.resolve(values.out), html);
    io.out(`wrote ${path.resolve(values.out)}\n`);
  } else io.out(html);
  return EXIT.ok;
}
