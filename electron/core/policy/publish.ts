// Publishing a policy version into a district's catalog folder (`aup policy add`), so nobody edits
// catalog.json or runs sha256sum by hand. The rule that matters: the text of a version that has taken
// effect never changes — acceptances name its SHA-256, and a hearing must find that exact text. A
// change is a new version. Documents are checked like the kiosk will read them: UTF-8, not empty,
// no raw HTML (the kiosk shows raw HTML as text, so a document holding it says something it does not show).
import { cp, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { writeWhole } from '../write-whole.ts';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { catalogSchema, sha256Hex, type CatalogJson } from './catalog.ts';
import { fileErrorWords } from '../config/problems.ts';

export class PublishError extends Error {}

const htmlFinder = new MarkdownIt({ html: true });

/** What is wrong with a document's bytes as a policy text, or null. `name` is how the message names it. */
export function documentProblem(bytes: Buffer, name: string): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return `${name} is not UTF-8: line ${firstInvalidLine(bytes)} holds bytes that are not (save it as "UTF-8" in the editor)`;
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') return `${name} is empty`;
  for (const token of htmlFinder.parse(text, {})) {
    const found = token.type === 'html_block' ? token : token.children?.find((c) => c.type === 'html_inline');
    if (found) {
      const line = (token.map?.[0] ?? 0) + 1;
      return `${name} line ${line} holds raw HTML (${found.content.trim().slice(0, 60)}): the kiosk shows HTML as text, so write it in Markdown`;
    }
  }
  return null;
}

/** The 1-based line of the first byte sequence that is not UTF-8 (where the lenient decoder puts U+FFFD). */
function firstInvalidLine(bytes: Buffer): number {
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.slice(0, text.indexOf('\uFFFD')).split('\n').length;
}

export interface PublishRequest {
  catalogDir: string;
  /** The bundled catalog a new district catalog folder starts from. */
  bundled: string;
  policyId: string;
  version: string;
  /** Required for a new version; may move a version not yet in force. */
  effective?: string;
  language: string;
  file: string;
  reviewed: boolean;
  /** The district's today (YYYY-MM-DD): what "has taken effect" means. */
  today: string;
  /** A new version may take effect today or earlier only when asked for on purpose. */
  effectiveNow: boolean;
}

export interface PublishResult {
  created: boolean;
  action: 'added-version' | 'added-language' | 'replaced-text' | 'unchanged';
  file: string;
  sha256: string;
  notes: string[];
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

export async function publishDocument(req: PublishRequest): Promise<PublishResult> {
  const notes: string[] = [];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(req.today)) throw new PublishError(`internal: today is not a date (${req.today})`);
  let bytes: Buffer;
  try {
    bytes = await readFile(req.file);
  } catch (error) {
    throw new PublishError(`cannot read ${req.file}: ${fileErrorWords(error)}`);
  }
  const problem = documentProblem(bytes, req.file);
  if (problem) throw new PublishError(problem);
  // A UTF-8 BOM is not part of the text: the catalog keeps the text without it.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    bytes = bytes.subarray(3);
    notes.push('removed the UTF-8 byte order mark at the start of the file');
  }
  // Windows line ends (CRLF) are not part of the text either: the same words saved by Notepad or by
  // another editor get the same SHA-256, and a version in force is not "changed" by its line ends.
  if (bytes.includes(0x0d)) {
    bytes = Buffer.from(bytes.toString('utf8').replace(/\r\n?/g, '\n'), 'utf8');
    notes.push('made the line ends LF (the file had Windows line ends, CRLF)');
  }
  const sha256 = sha256Hex(bytes);

  let created = false;
  const catalogFile = path.join(req.catalogDir, 'catalog.json');
  if (!(await exists(catalogFile))) {
    if (await exists(req.catalogDir)) {
      const entries = await readdir(req.catalogDir);
      if (entries.length > 0)
        throw new PublishError(`${req.catalogDir} has files but no catalog.json: give an empty or new folder, or a catalog folder`);
    }
    await mkdir(path.dirname(path.resolve(req.catalogDir)), { recursive: true });
    await cp(req.bundled, req.catalogDir, { recursive: true, errorOnExist: false, force: false });
    created = true;
    notes.push(`made the district catalog ${req.catalogDir} from the bundled one`);
  }
  let json: CatalogJson;
  try {
    const raw = JSON.parse((await readFile(catalogFile, 'utf8')).replace(/^\uFEFF/, ''));
    const parsed = catalogSchema.safeParse(raw);
    if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    json = raw as CatalogJson;
  } catch (error) {
    throw new PublishError(`${catalogFile} is not a valid catalog (${(error as Error).message}); run "aup policy check --catalog ${req.catalogDir}"`);
  }

  const policy = json.policies.find((p) => p.id === req.policyId);
  if (!policy)
    throw new PublishError(
      `no policy "${req.policyId}" in ${catalogFile} (there are: ${json.policies.map((p) => p.id).join(', ')}); a new policy needs its audience and title in catalog.json first`,
    );
  const relative = `${req.policyId}/${req.version}.${req.language}.md`;
  const existing = policy.versions.find((v) => v.version === req.version);
  let action: PublishResult['action'];
  if (existing) {
    const inForce = existing.effective <= req.today;
    const doc = existing.documents[req.language];
    if (req.effective && req.effective !== existing.effective) {
      if (inForce)
        throw new PublishError(
          `${req.policyId} ${req.version} took effect on ${existing.effective}; its date cannot move. Publish a new version instead.`,
        );
      checkEffective(req, notes);
      existing.effective = req.effective;
    }
    if (doc && doc.sha256 === sha256) {
      action = 'unchanged';
      if (req.reviewed && doc.reviewed === false) {
        delete doc.reviewed;
        action = 'replaced-text';
        notes.push('marked reviewed (the text is the same)');
      }
    } else if (doc && inForce) {
      throw new PublishError(
        `${req.policyId} ${req.version} (${req.language}) took effect on ${existing.effective} and acceptances name its text by SHA-256 (${doc.sha256.slice(0, 12)}…); its text cannot change. Publish the new text as a new version (e.g. --version ${nextVersionLabel(req.version)} --effective YYYY-MM-DD).`,
      );
    } else {
      action = doc ? 'replaced-text' : 'added-language';
      existing.documents[req.language] = { file: relative, sha256, ...(req.reviewed ? {} : { reviewed: false }) };
    }
  } else {
    if (!req.effective)
      throw new PublishError(`--effective YYYY-MM-DD is required for a new version (${req.policyId} has no version "${req.version}")`);
    checkEffective(req, notes);
    const latest = policy.versions
      .map((v) => v.effective)
      .sort()
      .at(-1);
    if (latest && req.effective <= latest)
      throw new PublishError(
        `--effective ${req.effective} is not after the latest version of ${req.policyId} (in force from ${latest}): a new version takes effect after the one before it`,
      );
    policy.versions.push({
      version: req.version,
      effective: req.effective,
      documents: { [req.language]: { file: relative, sha256, ...(req.reviewed ? {} : { reviewed: false }) } },
    });
    action = 'added-version';
  }
  // The same text as another version: most often last year's file given by mistake.
  if (action === 'added-version' || action === 'added-language' || action === 'replaced-text') {
    const same = policy.versions.filter((v) => v.version !== req.version && v.documents[req.language]?.sha256 === sha256).map((v) => v.version);
    if (same.length)
      notes.push(
        `this text is the same, byte for byte, as ${req.policyId} ${same.join(', ')} (${req.language}): if a new text was meant, publish that file instead`,
      );
  }
  if (action !== 'unchanged' && !req.reviewed)
    notes.push('marked unreviewed: the kiosk shows it with a notice until it is published again with --reviewed');

  if (action !== 'unchanged') {
    const target = path.join(req.catalogDir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    const before = await readFile(target).catch(() => null);
    await writeWhole(target, bytes);
    try {
      await writeWhole(catalogFile, JSON.stringify(json, null, 2) + '\n');
    } catch (error) {
      // The catalog did not change: put the document back as it was.
      if (before) await writeWhole(target, before);
      else await rm(target, { force: true });
      throw new PublishError(`cannot write ${catalogFile}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
  }
  return { created, action, file: path.join(req.catalogDir, relative), sha256, notes };
}

function checkEffective(req: PublishRequest, notes: string[]): void {
  const d = req.effective!;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  const valid = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === d;
  if (!valid) throw new PublishError(`--effective: "${d}" is not a date like 2027-08-01`);
  if (d <= req.today) {
    if (!req.effectiveNow)
      throw new PublishError(
        `--effective ${d} is not in the future (today is ${req.today}): students would meet it at their next login. Give --effective-now if that is what you mean.`,
      );
    notes.push(
      `takes effect ${d === req.today ? 'today' : `from ${d}, already past`}: every affected user is asked to accept it at their next login`,
    );
  }
}

/** "2026-27" → "2027-28"; anything else gets "-2". */
function nextVersionLabel(version: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(version);
  if (m) {
    const y = Number(m[1]) + 1;
    return `${y}-${String((y + 1) % 100).padStart(2, '0')}`;
  }
  return `${version}-2`;
}
