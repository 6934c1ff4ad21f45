// The policy catalog (docs/design.md "Policy catalog"): which policies exist, for whom, which versions
// and when each takes effect, and the exact bytes of every document. A district can replace the
// bundled one with a folder of its own; a missing file or a hash that does not match is a config error.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ConfigProblem } from '../api/contract.ts';
import { ROLES } from '../api/contract.ts';
import { jsonErrorPosition, problemsFromZod } from '../config/problems.ts';
import { parseLocalDate } from '../time.ts';

export const AUDIENCE_ROLES = [...ROLES, 'guardian'] as const;
export type AudienceRole = (typeof AUDIENCE_ROLES)[number];

const insideFolder = (f: string) => !path.isAbsolute(f) && !f.split(/[\\/]/).includes('..');
const sha256Field = z.string({ error: 'expected the SHA-256 of the file' }).regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lower-case hex digits' });

/** The media types of the recordings a kiosk plays (Chromium plays each), by file extension. */
export const AUDIO_TYPES: Record<string, string> = {
  '.opus': 'audio/ogg; codecs=opus',
  '.ogg': 'audio/ogg',
  '.webm': 'audio/webm',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
};

/** A recording of the document read aloud (issue 14): shipped and hashed like the text, so no voice need be installed. */
const audioSchema = z.strictObject({
  file: z
    .string({ error: 'expected the recording file, relative to the catalog folder' })
    .min(1)
    .refine(insideFolder, { error: 'a recording must be inside the catalog folder' })
    .refine((f) => path.extname(f).toLowerCase() in AUDIO_TYPES, { error: `expected a recording ending in ${Object.keys(AUDIO_TYPES).join(', ')}` }),
  sha256: sha256Field,
});

const documentSchema = z.strictObject({
  file: z
    .string({ error: 'expected the document file, relative to the catalog folder' })
    .min(1)
    .refine(insideFolder, { error: 'a document file must be inside the catalog folder' }),
  sha256: sha256Field,
  /** A translation the district has not reviewed yet (shown with a notice). */
  reviewed: z.boolean().optional(),
  audio: audioSchema.optional(),
});

const versionSchema = z.strictObject({
  version: z.string().trim().min(1, { error: 'expected a version label like "2026-27"' }).max(40),
  effective: z.string().refine((d) => parseLocalDate(d) !== null, { error: 'expected a local date like "2026-08-01"' }),
  documents: z
    .record(z.string().regex(/^[a-z]{2}$/, { error: 'expected a two-letter language code' }), documentSchema)
    .refine((d) => Object.keys(d).length > 0, { error: 'a version needs at least one document' }),
});

const policySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'an id is lower-case letters, digits and dashes' }),
  kind: z.enum(['aup', 'safety-rules', 'agreement', 'summary'], { error: 'expected "aup", "safety-rules", "agreement" or "summary"' }),
  /**
   * A "summary" (issue 14): the plain-words version of the policy with this id, shown above its full
   * text to the summary's audience. Its versions carry the labels of the versions they summarise.
   */
  summarizes: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected the id of the policy summarised' })
    .optional(),
  title: z.record(z.string(), z.string().min(1)).refine((t) => Object.keys(t).length > 0, { error: 'a policy needs a title' }),
  audience: z.strictObject({
    roles: z.array(z.enum(AUDIENCE_ROLES, { error: `expected a role: ${AUDIENCE_ROLES.join(', ')}` })).min(1),
    gradeBands: z.array(z.string()).min(1).optional(),
  }),
  versions: z.array(versionSchema).min(1, { error: 'a policy needs at least one version' }),
});

export const catalogSchema = z.strictObject({ $schema: z.string().optional(), policies: z.array(policySchema) }).superRefine((catalog, ctx) => {
  const ids = new Set<string>();
  catalog.policies.forEach((p, i) => {
    if (ids.has(p.id)) ctx.addIssue({ code: 'custom', path: ['policies', i, 'id'], message: `"${p.id}" appears twice` });
    ids.add(p.id);
    if ((p.kind === 'summary') !== (p.summarizes !== undefined)) {
      const message = p.kind === 'summary' ? 'a summary names the policy it summarises ("summarizes")' : '"summarizes" is only for kind "summary"';
      ctx.addIssue({ code: 'custom', path: ['policies', i, 'summarizes'], message });
    }
    if (p.summarizes !== undefined) {
      const target = catalog.policies.find((q) => q.id === p.summarizes);
      if (!target || target.kind === 'summary') {
        ctx.addIssue({ code: 'custom', path: ['policies', i, 'summarizes'], message: `"${p.summarizes}" is not a policy of this catalog` });
      } else {
        p.versions.forEach((v, j) => {
          if (!target.versions.some((t) => t.version === v.version))
            ctx.addIssue({
              code: 'custom',
              path: ['policies', i, 'versions', j, 'version'],
              message: `"${p.summarizes}" has no version "${v.version}" to summarise`,
            });
        });
      }
    }
    const seen = new Set<string>();
    p.versions.forEach((v, j) => {
      if (seen.has(v.version))
        ctx.addIssue({ code: 'custom', path: ['policies', i, 'versions', j, 'version'], message: `version "${v.version}" appears twice` });
      seen.add(v.version);
    });
  });
});

export type CatalogJson = z.infer<typeof catalogSchema>;
export type CatalogPolicy = CatalogJson['policies'][number];
export type CatalogVersion = CatalogPolicy['versions'][number];

export interface LoadedDocument {
  language: string;
  file: string;
  sha256: string;
  reviewed: boolean;
  /** The exact text; its UTF-8 bytes hash to `sha256`. */
  markdown: string;
  /** The text read aloud, shipped with it: its bytes hash to `audio.sha256`. */
  audio?: LoadedAudio;
}

export interface LoadedAudio {
  file: string;
  sha256: string;
  /** The media type, from the file's extension (AUDIO_TYPES). */
  type: string;
  bytes: Buffer;
}

export interface PolicyVersion {
  version: string;
  effective: string;
  documents: Map<string, LoadedDocument>;
}

export interface Policy {
  id: string;
  kind: CatalogPolicy['kind'];
  title: Record<string, string>;
  audience: { roles: AudienceRole[]; gradeBands?: string[] };
  /** Kind "summary": the id of the policy it summarises. */
  summarizes?: string;
  /** Oldest first by effective date. */
  versions: PolicyVersion[];
}

export interface Catalog {
  folder: string;
  policies: Policy[];
}

export type CatalogLoad = { ok: true; catalog: Catalog } | { ok: false; problems: ConfigProblem[] };

export const sha256Hex = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * Loads `catalog.json` from a folder and every document it lists, checking each file's SHA-256.
 * `prefix` is where problems are reported (`policies.catalog`), `gradeBands` the configured band names.
 */
export async function loadCatalog(folder: string, options: { prefix?: string; gradeBands?: string[] } = {}): Promise<CatalogLoad> {
  const prefix = options.prefix ?? 'catalog';
  const file = path.join(folder, 'catalog.json');
  let textContent: string;
  try {
    textContent = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ path: prefix, message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}` }] };
  }
  let json: unknown;
  try {
    json = JSON.parse(textContent.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, problems: [{ path: prefix, message: `${file} is ${jsonErrorPosition(textContent, error)}` }] };
  }
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error, json, `${prefix}: ${file}: `) };

  const problems: ConfigProblem[] = [];
  const policies: Policy[] = [];
  for (const p of parsed.data.policies) {
    for (const band of p.audience.gradeBands ?? []) {
      if (options.gradeBands && !options.gradeBands.includes(band)) {
        problems.push({
          path: `${prefix}: ${p.id} audience`,
          message: `grade band "${band}" is not one of district.gradeBands (${options.gradeBands.join(', ')})`,
        });
      }
    }
    const versions: PolicyVersion[] = [];
    for (const v of p.versions) {
      const documents = new Map<string, LoadedDocument>();
      for (const [language, d] of Object.entries(v.documents)) {
        const where = `${prefix}: ${p.id} ${v.version} ${language}`;
        let bytes: Buffer;
        try {
          bytes = await readFile(path.join(folder, d.file));
        } catch (error) {
          problems.push({ path: where, message: `the file ${d.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? error})` });
          continue;
        }
        const actual = sha256Hex(bytes);
        if (actual !== d.sha256) {
          problems.push({ path: where, message: `the file ${d.file} does not match its sha256 in catalog.json (the file is ${actual})` });
          continue;
        }
        let audio: LoadedAudio | undefined;
        if (d.audio) {
          let audioBytes: Buffer;
          try {
            audioBytes = await readFile(path.join(folder, d.audio.file));
          } catch (error) {
            problems.push({
              path: where,
              message: `the recording ${d.audio.file} cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`,
            });
            continue;
          }
          const heard = sha256Hex(audioBytes);
          if (heard !== d.audio.sha256) {
            problems.push({ path: where, message: `the recording ${d.audio.file} does not match its sha256 in catalog.json (the file is ${heard})` });
            continue;
          }
          audio = { file: d.audio.file, sha256: d.audio.sha256, type: AUDIO_TYPES[path.extname(d.audio.file).toLowerCase()]!, bytes: audioBytes };
        }
        documents.set(language, {
          language,
          file: d.file,
          sha256: d.sha256,
          reviewed: d.reviewed ?? true,
          markdown: bytes.toString('utf8'),
          ...(audio ? { audio } : {}),
        });
      }
      versions.push({ version: v.version, effective: v.effective, documents });
    }
    versions.sort((a, b) => (a.effective < b.effective ? -1 : a.effective > b.effective ? 1 : 0));
    policies.push({ id: p.id, kind: p.kind, title: p.title, audience: p.audience, ...(p.summarizes ? { summarizes: p.summarizes } : {}), versions });
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, catalog: { folder, policies } };
}
