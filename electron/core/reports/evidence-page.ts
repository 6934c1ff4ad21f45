// The evidence page of one person and one school year (`aup evidence`): who, when, where, in which
// language and how each record was made, the full text of every acceptance exactly as the kiosk
// renders it with its SHA-256 recomputed and matched, and what the ledger's chain says of the
// records cited. English and Spanish (formal: it is read by principals, parents and hearing officers).
import { renderPolicyMarkdown } from '../api/policy-markdown.ts';
import type { LedgerRecord } from '../ledger/records.ts';
import { esc, htmlPage, localDay, localTime, type PageLanguage } from './page.ts';
import { inTimeOrder, type ChainStatement, type CitedRecord, type GatheredEvidence, type RecordPlace, type ShownText } from './evidence.ts';

export interface EvidencePerson {
  username: string;
  displayName: string;
  role: string;
  grade?: number;
}

export interface EvidencePageInput {
  lang: PageLanguage;
  district: string;
  /** The campus of the machine config (a kiosk's ledger) or of the records (the district database). */
  campus: string;
  timeZone: string;
  schoolYear: string;
  generatedAt: string;
  person: EvidencePerson;
  evidence: GatheredEvidence;
  /** The exact texts each acceptance says were shown, by record id. */
  texts: Map<string, ShownText[]>;
  appVersion: string;
}

export const WORDS = {
  en: {
    title: (name: string, year: string) => `Technology policy evidence: ${name}, school year ${year}`,
    heading: 'Technology policy evidence',
    name: 'Name',
    username: 'Username',
    role: 'Role',
    grade: 'Grade',
    campus: 'Campus',
    year: 'School year',
    made: 'Made',
    source: 'Read from',
    ledgerAt: (dir: string) => `this computer’s ledger (${dir})`,
    centralAt: (db: string) => `the district database (${db})`,
    roles: { student: 'Student', teacher: 'Teacher', substitute: 'Substitute teacher', staff: 'Staff', administrator: 'Administrator' } as Record<
      string,
      string
    >,
    gradeName: (g: number) => (g === 0 ? 'Kindergarten' : g === -1 ? 'Pre-kindergarten' : `Grade ${g}`),
    verdictGood: 'The ledger is intact for every record on this page.',
    verdictBad: 'Some records on this page cannot be trusted. Each is marked below, with the reason.',
    none: (name: string, year: string) => `${name} has no records in school year ${year}.`,
    records: 'Records, in time order',
    chain: 'Ledger verification',
    chainIntact: (c: ChainStatement) => `${c.chain}: chain intact from record ${c.from} to ${c.to}.`,
    chainBroken: (c: ChainStatement) => `${c.chain}: records ${c.from} to ${c.to} cited; the chain is broken:`,
    at: (b: { from: number; to: number }) => (b.from === b.to ? `at record ${b.from}` : `at records ${b.from}–${b.to}`),
    elsewhere: 'Elsewhere in the ledger (not this person’s records):',
    brokenLines: 'Lines that may be this person’s and cannot be read as sound records:',
    untrusted: 'Cannot be trusted',
    trusted: 'Record intact',
    types: {
      acceptance: 'Accepted the policy',
      'guardian-agreement': 'Parent or guardian agreement',
      'safety-ack': 'Acknowledged the Internet Safety rules',
      unlock: 'Unlocked by a teacher',
      override: 'Administrator override',
      denied: 'Unlock refused',
      'auth-failure': 'Sign-in failed',
      'session-ended': 'Session ended by the kiosk',
    } as Record<string, string>,
    time: 'Time',
    machine: 'Computer',
    enteredAt: 'Typed in',
    enteredOn: 'Typed in on the computer',
    paperHead: (day: string) => `paper form signed ${day}`,
    room: 'Room',
    language: 'Language',
    method: 'How',
    recordId: 'Record',
    place: 'Place in the ledger',
    line: (p: RecordPlace) => (p.kind === 'file' ? `${p.file.split(/[\\/]/).pop()}, record ${p.line}` : `${p.machine}, link ${p.link}`),
    typedName: (n: string) => `Typed their name: “${n}”`,
    agreed: 'Selected “I agree” after reading to the end',
    paper: (signer: string, on: string, by: string) => `Paper form signed by the ${signer} on ${on}, entered by ${by}`,
    signers: { student: 'student', guardian: 'parent or guardian', staff: 'staff member' } as Record<string, string>,
    policy: 'Policy',
    version: 'Version',
    by: 'By',
    until: 'Until',
    minutes: (m: number) => `${m} minutes`,
    reason: 'Reason',
    refusal: 'Refusal',
    roomGrant: 'Whole-room unlock',
    config: 'Machine config in force (SHA-256)',
    audience: 'Chosen for',
    band: (b: string) => `grade band “${b}”`,
    ended: (why: string, showing: string) => `Ended (${why}) while showing ${showing}`,
    textHeading: (t: ShownText) =>
      `${t.role === 'summary' ? 'Plain-words summary shown: ' : 'Text shown: '}${t.title}, version ${t.version} (${t.language})`,
    recorded: 'SHA-256 in the record',
    recomputed: 'SHA-256 of this text, computed now',
    match: 'Match: this is the exact text the record names.',
    mismatch: 'No match: this text is not the one the record names.',
    missingText: 'This catalog does not hold that version in that language, so the text cannot be shown; the record’s hash is above.',
    footer: (v: string, when: string) =>
      `Made by AUP Kiosk ${v} on ${when}. A record is intact when its own SHA-256 matches its content and it follows the record before it in its chain; any change to a record, or a record removed, shows as a break.`,
  },
  es: {
    title: (name: string, year: string) => `Constancia de la política de tecnología: ${name}, ciclo escolar ${year}`,
    heading: 'Constancia de la política de tecnología',
    name: 'Nombre',
    username: 'Nombre de usuario',
    role: 'Función',
    grade: 'Grado',
    campus: 'Plantel',
    year: 'Ciclo escolar',
    made: 'Fecha de elaboración',
    source: 'Leído de',
    ledgerAt: (dir: string) => `el registro de esta computadora (${dir})`,
    centralAt: (db: string) => `la base de datos del distrito (${db})`,
    roles: {
      student: 'Estudiante',
      teacher: 'Maestro(a)',
      substitute: 'Maestro(a) suplente',
      staff: 'Personal',
      administrator: 'Administrador(a)',
    } as Record<string, string>,
    gradeName: (g: number) => (g === 0 ? 'Kínder' : g === -1 ? 'Prekínder' : `Grado ${g}`),
    verdictGood: 'El registro está intacto para cada constancia de esta página.',
    verdictBad: 'Algunas constancias de esta página no son confiables. Cada una está marcada abajo, con el motivo.',
    none: (name: string, year: string) => `${name} no tiene constancias en el ciclo escolar ${year}.`,
    records: 'Constancias, en orden cronológico',
    chain: 'Verificación del registro',
    chainIntact: (c: ChainStatement) => `${c.chain}: cadena intacta de la constancia ${c.from} a la ${c.to}.`,
    chainBroken: (c: ChainStatement) => `${c.chain}: se citan las constancias ${c.from} a ${c.to}; la cadena está rota:`,
    at: (b: { from: number; to: number }) => (b.from === b.to ? `en la constancia ${b.from}` : `en las constancias ${b.from}–${b.to}`),
    elsewhere: 'En otras partes del registro (no son constancias de esta persona):',
    brokenLines: 'Líneas que podrían ser de esta persona y no se pueden leer como constancias válidas:',
    untrusted: 'No es confiable',
    trusted: 'Constancia intacta',
    types: {
      acceptance: 'Aceptó la política',
      'guardian-agreement': 'Acuerdo del padre, madre o tutor',
      'safety-ack': 'Confirmó las reglas de seguridad en Internet',
      unlock: 'Desbloqueada por un(a) maestro(a)',
      override: 'Excepción del administrador',
      denied: 'Desbloqueo rechazado',
      'auth-failure': 'Inicio de sesión fallido',
      'session-ended': 'Sesión terminada por el quiosco',
    } as Record<string, string>,
    time: 'Hora',
    machine: 'Computadora',
    enteredAt: 'Registrado',
    enteredOn: 'Registrado en la computadora',
    paperHead: (day: string) => `formulario en papel firmado el ${day}`,
    room: 'Salón',
    language: 'Idioma',
    method: 'Cómo',
    recordId: 'Constancia',
    place: 'Lugar en el registro',
    line: (p: RecordPlace) => (p.kind === 'file' ? `${p.file.split(/[\\/]/).pop()}, constancia ${p.line}` : `${p.machine}, eslabón ${p.link}`),
    typedName: (n: string) => `Escribió su nombre: “${n}”`,
    agreed: 'Seleccionó “Acepto” después de leer hasta el final',
    paper: (signer: string, on: string, by: string) => `Formulario en papel firmado por ${signer} el ${on}, registrado por ${by}`,
    signers: { student: 'el estudiante', guardian: 'el padre, la madre o el tutor', staff: 'el miembro del personal' } as Record<string, string>,
    policy: 'Política',
    version: 'Versión',
    by: 'Por',
    until: 'Hasta',
    minutes: (m: number) => `${m} minutos`,
    reason: 'Motivo',
    refusal: 'Rechazo',
    roomGrant: 'Desbloqueo de todo el salón',
    config: 'Configuración vigente de la computadora (SHA-256)',
    audience: 'Elegida para',
    band: (b: string) => `nivel “${b}”`,
    ended: (why: string, showing: string) => `Terminada (${why}) mientras mostraba ${showing}`,
    textHeading: (t: ShownText) =>
      `${t.role === 'summary' ? 'Resumen en palabras sencillas mostrado: ' : 'Texto mostrado: '}${t.title}, versión ${t.version} (${t.language})`,
    recorded: 'SHA-256 en la constancia',
    recomputed: 'SHA-256 de este texto, calculado ahora',
    match: 'Coincide: este es exactamente el texto que nombra la constancia.',
    mismatch: 'No coincide: este texto no es el que nombra la constancia.',
    missingText:
      'Este catálogo no contiene esa versión en ese idioma, así que el texto no se puede mostrar; el hash de la constancia aparece arriba.',
    footer: (v: string, when: string) =>
      `Elaborado por AUP Kiosk ${v} el ${when}. Una constancia está intacta cuando su propio SHA-256 coincide con su contenido y sigue a la constancia anterior de su cadena; cualquier cambio en una constancia, o una constancia eliminada, aparece como una ruptura.`,
  },
} as const;

type Words = (typeof WORDS)[PageLanguage];

/** `es` → "Spanish (es)" / "español (es)": the language's name in the page's language, and its code. */
function languageName(code: string, lang: PageLanguage): string {
  try {
    const name = new Intl.DisplayNames([lang === 'es' ? 'es-US' : 'en-US'], { type: 'language' }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

function method(r: LedgerRecord, w: Words, lang: PageLanguage): string {
  if (r.type !== 'acceptance' && r.type !== 'guardian-agreement') return '';
  if (r.method === 'paper') return w.paper(w.signers[r.signer ?? ''] ?? r.signer ?? '', localDay(r.signedOn ?? '', lang), r.enteredBy ?? '');
  return r.typedName ? w.typedName(r.typedName) : w.agreed;
}

/**
 * "Student Technology Acceptable Use Policy (student-aup), version 2026-27", as HTML: the title of the
 * text the record says was shown, in that text's language (marked, for a screen reader), else the id.
 */
function titled(r: { policyId: string; id: string; version: string }, w: Words, input: EvidencePageInput): string {
  const text = input.texts.get(r.id)?.find((t) => t.role === 'policy' && t.policyId === r.policyId);
  const name =
    text && text.title !== r.policyId ? `<span lang="${esc(text.language)}">${esc(text.title)}</span> (${esc(r.policyId)})` : esc(r.policyId);
  return `<span class="policy">${name}, ${esc(w.version.toLowerCase())} ${esc(r.version)}</span>`;
}

/** The rows that say what one record is, beyond time and place. */
function details(r: LedgerRecord, w: Words, input: EvidencePageInput): [string, string][] {
  const rows: [string, string][] = [];
  switch (r.type) {
    case 'acceptance':
    case 'guardian-agreement':
      rows.push(
        // Its title as the person saw it (a hearing reads titles, not ids), with the catalog id beside it.
        [w.policy, titled(r, w, input)],
        [w.language, languageName(r.language, input.lang)],
        [w.method, method(r, w, input.lang)],
      );
      if (r.audience)
        rows.push([
          w.audience,
          [
            w.roles[r.audience.role] ?? r.audience.role,
            r.audience.grade !== undefined ? w.gradeName(r.audience.grade) : '',
            r.audience.gradeBand ? w.band(r.audience.gradeBand) : '',
          ]
            .filter(Boolean)
            .join(', '),
        ]);
      if (r.configSha256) rows.push([w.config, `<span class="hash">${esc(r.configSha256)}</span>`]);
      break;
    case 'safety-ack':
      rows.push([w.policy, `${r.rulesId}, ${w.version.toLowerCase()} ${r.version}`]);
      break;
    case 'unlock':
    case 'override':
      rows.push([w.by, r.by], [w.until, `${localTime(r.until, input.timeZone, input.lang)} (${w.minutes(r.minutes)})`]);
      if (r.type === 'override') rows.push([w.reason, r.reason]);
      if (r.roomGrant) rows.push([w.roomGrant, r.roomGrant]);
      break;
    case 'denied':
      rows.push([w.by, r.by], [w.refusal, r.refusal]);
      break;
    case 'session-ended':
      rows.push([w.method, w.ended(r.why, r.showing)]);
      break;
    default:
      break;
  }
  // Values are escaped here, except the config hash and the policy cells built above with their own escaping.
  return rows.map(([k, v]) => [k, v.startsWith('<span class="hash">') || v.startsWith('<span class="policy">') ? v : esc(v)]);
}

/** The document's own headings (h2 and down, as on the kiosk) moved under the page's `level`. */
export function underHeading(html: string, level: number): string {
  return html.replace(/<(\/?)h([1-6])>/g, (_m, close: string, n: string) => `<${close}h${Math.min(6, Number(n) + level - 1)}>`);
}

function textBlock(t: ShownText, w: Words): string {
  const matches = t.recomputed !== null && t.recomputed === t.recorded;
  const body =
    t.markdown === null
      ? `<p class="bad">${esc(w.missingText)}</p>`
      : `<div class="document" lang="${esc(t.language)}">${underHeading(renderPolicyMarkdown(t.markdown), 4)}</div>`;
  return `<section aria-label="${esc(w.textHeading(t))}">
<h4>${esc(w.textHeading(t))}</h4>
<dl class="meta">
<dt>${esc(w.recorded)}</dt><dd class="hash">${esc(t.recorded)}</dd>
<dt>${esc(w.recomputed)}</dt><dd class="hash">${esc(t.recomputed ?? '—')}</dd>
</dl>
<p class="${matches ? 'ok' : 'bad'}">${matches ? '✓ ' : '✗ '}${esc(matches ? w.match : t.markdown === null ? w.missingText : w.mismatch)}</p>
${body}
</section>`;
}

function entry(c: CitedRecord, input: EvidencePageInput, w: Words, index: number): string {
  const r = c.record;
  // A paper form was signed on its own day, away from any kiosk: its record's time, computer and room are
  // where a clerk typed it in, and say so (the room of the clerk's computer says nothing of the signing).
  const paper = (r.type === 'acceptance' || r.type === 'guardian-agreement') && r.method === 'paper' ? r : null;
  const when = paper?.signedOn ? w.paperHead(localDay(paper.signedOn, input.lang)) : localTime(r.at, input.timeZone, input.lang);
  const head = `${index}. ${w.types[r.type] ?? r.type} — ${when}`;
  const trust = c.trust.ok ? `<p class="ok">✓ ${esc(w.trusted)}</p>` : `<p class="bad">✗ ${esc(w.untrusted)}: ${esc(c.trust.why)}</p>`;
  const rows: [string, string][] = [
    [paper ? w.enteredAt : w.time, esc(localTime(r.at, input.timeZone, input.lang))],
    [paper ? w.enteredOn : w.machine, esc(r.machine)],
    ...(paper ? [] : ([[w.room, esc(r.room)]] as [string, string][])),
    [w.campus, esc(r.campus)],
    ...details(r, w, input),
    [w.recordId, `<span class="hash">${esc(r.id)}</span>`],
    [w.place, esc(w.line(c.place))],
  ];
  const texts = (input.texts.get(r.id) ?? []).map((t) => textBlock(t, w)).join('\n');
  return `<article class="entry" aria-labelledby="e${index}">
<h3 id="e${index}">${esc(head)}</h3>
${trust}
<dl class="meta">
${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('\n')}
</dl>
${texts}
</article>`;
}

function chainSection(e: GatheredEvidence, w: Words): string {
  const out: string[] = [];
  for (const c of e.chains) {
    if (c.breaks.length === 0) out.push(`<p class="ok">✓ ${esc(w.chainIntact(c))}</p>`);
    else out.push(`<p class="bad">✗ ${esc(w.chainBroken(c))}</p><ul>${c.breaks.map((b) => `<li>${esc(w.at(b))}: ${esc(b.why)}</li>`).join('')}</ul>`);
  }
  if (e.broken.length)
    out.push(`<p class="bad">${esc(w.brokenLines)}</p><ul>${e.broken.map((b) => `<li>${esc(w.line(b.place))}: ${esc(b.why)}</li>`).join('')}</ul>`);
  if (e.elsewhere.length) out.push(`<p>${esc(w.elsewhere)}</p><ul>${e.elsewhere.map((m) => `<li>${esc(m)}</li>`).join('')}</ul>`);
  return out.join('\n');
}

export function evidencePage(input: EvidencePageInput): string {
  const w = WORDS[input.lang];
  const p = input.person;
  const e = input.evidence;
  const generated = localTime(input.generatedAt, input.timeZone, input.lang);
  const sourceText = e.source.kind === 'ledger' ? w.ledgerAt(e.source.dir) : w.centralAt(e.source.database);
  const meta: [string, string][] = [
    [w.name, p.displayName],
    [w.username, p.username],
    [w.role, w.roles[p.role] ?? p.role],
    ...(p.grade !== undefined ? ([[w.grade, w.gradeName(p.grade)]] as [string, string][]) : []),
    [w.campus, input.campus],
    [w.year, input.schoolYear],
    [w.source, sourceText],
    [w.made, generated],
  ];
  const header = `<p class="muted">${esc(input.district)}</p>
<h1>${esc(w.heading)}</h1>
<dl class="meta">${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
  const ordered = inTimeOrder(e.cited);
  const verdict =
    ordered.length === 0 && e.broken.length === 0
      ? `<p class="notice good">${esc(w.none(p.displayName, input.schoolYear))}</p>`
      : e.tampered
        ? `<p class="notice" role="alert">✗ ${esc(w.verdictBad)}</p>`
        : `<p class="notice good">✓ ${esc(w.verdictGood)}</p>`;
  const main = `${verdict}
<section aria-labelledby="chain"><h2 id="chain">${esc(w.chain)}</h2>
${chainSection(e, w) || `<p>${esc(w.none(p.displayName, input.schoolYear))}</p>`}
</section>
<section aria-labelledby="records"><h2 id="records">${esc(w.records)}</h2>
${ordered.map((c, i) => entry(c, input, w, i + 1)).join('\n') || `<p>${esc(w.none(p.displayName, input.schoolYear))}</p>`}
</section>`;
  return htmlPage({
    lang: input.lang,
    title: w.title(p.displayName, input.schoolYear),
    header,
    main,
    footer: `<p>${esc(w.footer(input.appVersion, generated))}</p>`,
  });
}
