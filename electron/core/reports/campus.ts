// The campus report a principal looks at (`aup report --format html`): per campus, grade and room,
// who has accepted the policy in force and who has not yet, as bars; the list of who has not, a
// printed page per room for the teacher who chases the forms; the guardian agreements received; and
// the policy versions in force. From one kiosk's ledger or the district database: the same facts.
import { createHash } from 'node:crypto';
import type { DirectoryUser } from '../people.ts';
import { esc, htmlPage, localDay, localTime, type PageLanguage } from './page.ts';

/** An acceptance or guardian agreement, wherever it was read (a ledger record or a database row). */
export interface AcceptanceFact {
  type: 'acceptance' | 'guardian-agreement';
  username: string;
  policyId: string;
  version: string;
  at: string;
  campus: string;
  room: string;
  machine: string;
  method: string | null;
  signer: string | null;
  signedOn: string | null;
  enteredBy: string | null;
}

export interface PersonStatus {
  person: DirectoryUser;
  campus: string;
  /** The homeroom from the roster, else the room they accepted in, else empty. */
  room: string;
  gradeBand: string | null;
  policyId: string;
  versionInForce: string;
  /** The acceptance of the version in force, when there is one. */
  accepted: AcceptanceFact | null;
  /** The last version accepted this year, when not the one in force. */
  lastVersion: string | null;
}

export interface VersionInForce {
  policyId: string;
  title: string;
  /** The grades it is for (`PK-5`), printed where two policies in force share a title (the two Internet Safety rules). */
  grades?: string;
  version: string;
  effective: string;
  languages: string[];
}

/**
 * Each person who must accept a policy, with where they belong and whether they accepted the
 * version in force. `facts` holds every acceptance of the year (all versions).
 */
export function personStatuses(input: {
  people: DirectoryUser[];
  facts: AcceptanceFact[];
  policyFor: (p: DirectoryUser) => { policyId: string; version: string } | null;
  gradeBandOf: (grade: number | undefined) => string | null;
  /** The campus of this kiosk (its config): where a person without a campus of their own is counted. */
  defaultCampus: string;
}): PersonStatus[] {
  const byKey = new Map<string, AcceptanceFact[]>();
  for (const f of input.facts) {
    if (f.type !== 'acceptance') continue;
    const k = `${f.username.toLowerCase()}\u0000${f.policyId}`;
    const list = byKey.get(k);
    if (list) list.push(f);
    else byKey.set(k, [f]);
  }
  const out: PersonStatus[] = [];
  for (const person of input.people) {
    const policy = input.policyFor(person);
    if (!policy) continue;
    const mine = (byKey.get(`${person.username.toLowerCase()}\u0000${policy.policyId}`) ?? []).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const accepted = mine.filter((f) => f.version === policy.version).at(-1) ?? null;
    const last = mine.at(-1) ?? null;
    out.push({
      person,
      campus: person.campus ?? accepted?.campus ?? last?.campus ?? input.defaultCampus,
      room: person.homeroom ?? accepted?.room ?? '',
      gradeBand: input.gradeBandOf(person.grade),
      policyId: policy.policyId,
      versionInForce: policy.version,
      accepted,
      lastVersion: accepted ? null : (last?.version ?? null),
    });
  }
  return out;
}

export const WORDS = {
  en: {
    title: (year: string) => `Acceptable Use Policy: who has accepted, school year ${year}`,
    heading: 'Who has accepted the Acceptable Use Policy',
    year: 'School year',
    source: 'Read from',
    made: 'Made',
    ledger: (d: string) => `this computer’s ledger (${d})`,
    central: (d: string) => `the district database (${d})`,
    campus: (c: string) => `Campus: ${c}`,
    byGrade: 'By grade',
    byRoom: 'By room',
    accepted: 'Accepted',
    notYet: 'Not yet',
    of: (a: number, t: number) => `${a} of ${t} accepted (${t === 0 ? 0 : Math.round((100 * a) / t)} %)`,
    chartName: (what: string, c: string) => `${what} at ${c}: accepted and not yet, as bars`,
    grade: (g: number | undefined) => (g === undefined ? 'Staff' : g === 0 ? 'Kindergarten' : g === -1 ? 'Pre-K' : `Grade ${g}`),
    noRoom: 'No homeroom on the roster',
    missingHeading: (room: string, c: string) => `Not yet accepted: ${room}, ${c}`,
    everyone: (room: string) => `Everyone in ${room} has accepted.`,
    name: 'Name',
    username: 'Username',
    gradeCol: 'Grade',
    policy: 'Policy in force',
    last: 'Last accepted this year',
    none: 'none',
    sortHint: 'Select a column heading to sort the list.',
    guardians: 'Guardian agreements received',
    guardiansNone: 'No guardian agreement has been recorded this school year.',
    signed: 'Signed on',
    how: 'How',
    paper: (by: string) => `paper form, entered by ${by}`,
    onScreen: 'on screen',
    recorded: 'Recorded',
    versions: 'Policy versions in force',
    effective: 'In force since',
    languages: 'Languages',
    version: 'Version',
    nobody: 'Nobody on the roster must accept a policy here.',
    footer: (v: string, when: string) =>
      `Made by AUP Kiosk ${v} on ${when}. Counts are of the people on the roster who must accept the version in force.`,
  },
  es: {
    title: (year: string) => `Política de Uso Aceptable: quién la ha aceptado, ciclo escolar ${year}`,
    heading: 'Quién ha aceptado la Política de Uso Aceptable',
    year: 'Ciclo escolar',
    source: 'Leído de',
    made: 'Fecha de elaboración',
    ledger: (d: string) => `el registro de esta computadora (${d})`,
    central: (d: string) => `la base de datos del distrito (${d})`,
    campus: (c: string) => `Plantel: ${c}`,
    byGrade: 'Por grado',
    byRoom: 'Por salón',
    accepted: 'Aceptada',
    notYet: 'Todavía no',
    of: (a: number, t: number) => `${a} de ${t} la aceptaron (${t === 0 ? 0 : Math.round((100 * a) / t)} %)`,
    chartName: (what: string, c: string) => `${what} en ${c}: aceptada y todavía no, en barras`,
    grade: (g: number | undefined) => (g === undefined ? 'Personal' : g === 0 ? 'Kínder' : g === -1 ? 'Prekínder' : `Grado ${g}`),
    noRoom: 'Sin salón asignado en la lista',
    missingHeading: (room: string, c: string) => `Todavía no la aceptan: ${room}, ${c}`,
    everyone: (room: string) => `Todos en ${room} la aceptaron.`,
    name: 'Nombre',
    username: 'Nombre de usuario',
    gradeCol: 'Grado',
    policy: 'Política vigente',
    last: 'Última aceptada este ciclo',
    none: 'ninguna',
    sortHint: 'Seleccione el encabezado de una columna para ordenar la lista.',
    guardians: 'Acuerdos del padre, madre o tutor recibidos',
    guardiansNone: 'No se ha registrado ningún acuerdo del padre, madre o tutor en este ciclo escolar.',
    signed: 'Firmado el',
    how: 'Cómo',
    paper: (by: string) => `formulario en papel, registrado por ${by}`,
    onScreen: 'en pantalla',
    recorded: 'Registrado',
    versions: 'Versiones vigentes de las políticas',
    effective: 'Vigente desde',
    languages: 'Idiomas',
    version: 'Versión',
    nobody: 'Nadie en la lista debe aceptar una política aquí.',
    footer: (v: string, when: string) =>
      `Elaborado por AUP Kiosk ${v} el ${when}. Se cuentan las personas de la lista que deben aceptar la versión vigente.`,
  },
} as const;

type Words = (typeof WORDS)[PageLanguage];

const sharedTitle = (v: VersionInForce, all: VersionInForce[]) => all.some((o) => o !== v && o.title === v.title);

interface Bar {
  label: string;
  accepted: number;
  total: number;
}

/** Horizontal stacked bars, inline SVG: the numbers are written beside each bar, so colour is never the only cue. */
function bars(items: Bar[], name: string, w: Words, id: string): string {
  const rowH = 34;
  const labelW = 210;
  const barW = 420;
  const height = items.length * rowH + 34;
  const rows = items
    .map((b, i) => {
      const y = 28 + i * rowH;
      const aw = b.total === 0 ? 0 : Math.round((barW * b.accepted) / b.total);
      return `<g>
<text x="0" y="${y + 15}" font-size="14" fill="#1b1f24">${esc(b.label)}</text>
<rect x="${labelW}" y="${y}" width="${aw}" height="20" fill="#1a5e20"></rect>
<rect x="${labelW + aw}" y="${y}" width="${barW - aw}" height="20" fill="#ffffff" stroke="#a4161a" stroke-width="2" stroke-dasharray="4 3"></rect>
<text x="${labelW + barW + 10}" y="${y + 15}" font-size="14" fill="#1b1f24">${esc(w.of(b.accepted, b.total))}</text>
</g>`;
    })
    .join('\n');
  const legend = `<g font-size="13" fill="#1b1f24"><rect x="${labelW}" y="4" width="14" height="14" fill="#1a5e20"></rect><text x="${labelW + 20}" y="16">${esc(w.accepted)}</text>
<rect x="${labelW + 120}" y="4" width="14" height="14" fill="#ffffff" stroke="#a4161a" stroke-width="2" stroke-dasharray="4 3"></rect><text x="${labelW + 140}" y="16">${esc(w.notYet)}</text></g>`;
  return `<figure>
<svg role="img" aria-labelledby="${id}-t" viewBox="0 0 ${labelW + barW + 230} ${height}" width="100%" style="max-width:${labelW + barW + 230}px">
<title id="${id}-t">${esc(name)}: ${esc(items.map((b) => `${b.label} ${w.of(b.accepted, b.total)}`).join('; '))}</title>
${legend}
${rows}
</svg>
</figure>`;
}

// Sorting the "not yet" lists by a column: a few lines inline, allowed by the page's CSP through its
// hash alone (no other script can run). The list reads in a sensible order without it (print, no script).
const SORT_SCRIPT = `for (const table of document.querySelectorAll('table[data-sortable]')) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, col) => {
    const button = th.querySelector('button');
    button.addEventListener('click', () => {
      const up = th.getAttribute('aria-sort') !== 'ascending';
      heads.forEach((h) => h.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
      const rows = [...table.tBodies[0].rows];
      rows.sort((a, b) => a.cells[col].dataset.key.localeCompare(b.cells[col].dataset.key, undefined, { numeric: true }) * (up ? 1 : -1));
      table.tBodies[0].append(...rows);
    });
  });
}`;
export const SORT_SCRIPT_HASH = `sha256-${createHash('sha256').update(SORT_SCRIPT).digest('base64')}`;

const gradeKey = (g: number | undefined) => (g === undefined ? 99 : g);

function missingTable(people: PersonStatus[], w: Words, caption: string): string {
  const head = [w.name, w.username, w.gradeCol, w.policy, w.last]
    .map((h, i) => `<th scope="col"${i === 0 ? ' aria-sort="ascending"' : ''}><button type="button">${esc(h)}</button></th>`)
    .join('');
  const body = people
    .map(
      (s) =>
        `<tr><td data-key="${esc(s.person.displayName)}">${esc(s.person.displayName)}</td><td data-key="${esc(s.person.username)}">${esc(s.person.username)}</td><td data-key="${gradeKey(s.person.grade)}">${esc(w.grade(s.person.grade))}</td><td data-key="${esc(s.policyId)}">${esc(`${s.policyId} ${s.versionInForce}`)}</td><td data-key="${esc(s.lastVersion ?? '')}">${esc(s.lastVersion ?? w.none)}</td></tr>`,
    )
    .join('\n');
  return `<table data-sortable><caption class="sr-only">${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>`;
}

export interface CampusPageInput {
  lang: PageLanguage;
  district: string;
  schoolYear: string;
  generatedAt: string;
  timeZone: string;
  source: { kind: 'ledger'; dir: string } | { kind: 'central'; database: string };
  statuses: PersonStatus[];
  guardians: { fact: AcceptanceFact; person: DirectoryUser | null }[];
  versions: VersionInForce[];
  appVersion: string;
}

export function campusPage(input: CampusPageInput): string {
  const w = WORDS[input.lang];
  const generated = localTime(input.generatedAt, input.timeZone, input.lang);
  const header = `<p class="muted">${esc(input.district)}</p>
<h1>${esc(w.heading)}</h1>
<dl class="meta"><dt>${esc(w.year)}</dt><dd>${esc(input.schoolYear)}</dd><dt>${esc(w.source)}</dt><dd>${esc(
    input.source.kind === 'ledger' ? w.ledger(input.source.dir) : w.central(input.source.database),
  )}</dd><dt>${esc(w.made)}</dt><dd>${esc(generated)}</dd></dl>`;

  const campuses = [...new Set(input.statuses.map((s) => s.campus))].sort((a, b) => a.localeCompare(b));
  const sections: string[] = [];
  campuses.forEach((campus, ci) => {
    const here = input.statuses.filter((s) => s.campus === campus);
    const accepted = here.filter((s) => s.accepted).length;
    const grades = [...new Set(here.map((s) => s.person.grade))].sort((a, b) => gradeKey(a) - gradeKey(b));
    const gradeBars = grades.map((g) => {
      const of = here.filter((s) => s.person.grade === g);
      return { label: w.grade(g), accepted: of.filter((s) => s.accepted).length, total: of.length };
    });
    const rooms = [...new Set(here.map((s) => s.room))].sort((a, b) =>
      a === '' ? 1 : b === '' ? -1 : a.localeCompare(b, undefined, { numeric: true }),
    );
    const roomName = (r: string) => r || w.noRoom;
    const roomBars = rooms.map((r) => {
      const of = here.filter((s) => s.room === r);
      return { label: roomName(r), accepted: of.filter((s) => s.accepted).length, total: of.length };
    });
    const perRoom = rooms
      .map((r) => {
        const missing = here.filter((s) => s.room === r && !s.accepted).sort((a, b) => a.person.displayName.localeCompare(b.person.displayName));
        const heading = w.missingHeading(roomName(r), campus);
        return `<section class="room" aria-labelledby="c${ci}-r${rooms.indexOf(r)}">
<h3 id="c${ci}-r${rooms.indexOf(r)}">${esc(heading)}</h3>
${missing.length === 0 ? `<p class="ok">✓ ${esc(w.everyone(roomName(r)))}</p>` : missingTable(missing, w, heading)}
</section>`;
      })
      .join('\n');
    sections.push(`<section aria-labelledby="c${ci}">
<h2 id="c${ci}">${esc(w.campus(campus))}</h2>
<p><strong>${esc(w.of(accepted, here.length))}</strong></p>
<h3>${esc(w.byGrade)}</h3>
${bars(gradeBars, w.chartName(w.byGrade, campus), w, `c${ci}-g`)}
<h3>${esc(w.byRoom)}</h3>
${bars(roomBars, w.chartName(w.byRoom, campus), w, `c${ci}-r`)}
<p class="muted">${esc(w.sortHint)}</p>
${perRoom}
</section>`);
  });
  if (campuses.length === 0) sections.push(`<p>${esc(w.nobody)}</p>`);

  const guardianRows = input.guardians
    .map(({ fact, person }) => {
      const how = fact.method === 'paper' ? w.paper(fact.enteredBy ?? '') : w.onScreen;
      const signed = fact.signedOn ? localDay(fact.signedOn, input.lang) : localTime(fact.at, input.timeZone, input.lang);
      return `<tr><td>${esc(person?.displayName ?? fact.username)}</td><td>${esc(fact.username)}</td><td>${esc(w.grade(person?.grade))}</td><td>${esc(signed)}</td><td>${esc(how)}</td><td>${esc(localTime(fact.at, input.timeZone, input.lang))}</td></tr>`;
    })
    .join('\n');
  const guardians = input.guardians.length
    ? `<table><caption class="sr-only">${esc(w.guardians)}</caption><thead><tr>${[w.name, w.username, w.gradeCol, w.signed, w.how, w.recorded].map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>
${guardianRows}
</tbody></table>`
    : `<p>${esc(w.guardiansNone)}</p>`;
  const versions = `<table><caption class="sr-only">${esc(w.versions)}</caption><thead><tr>${[w.policy, w.version, w.effective, w.languages]
    .map((h) => `<th scope="col">${esc(h)}</th>`)
    .join('')}</tr></thead><tbody>
${input.versions.map((v) => `<tr><td>${esc(sharedTitle(v, input.versions) && v.grades ? `${v.title} (${v.grades})` : v.title)}</td><td>${esc(v.version)}</td><td>${esc(localDay(v.effective, input.lang))}</td><td>${esc(v.languages.join(', '))}</td></tr>`).join('\n')}
</tbody></table>`;

  const main = `${sections.join('\n')}
<section aria-labelledby="guardians"><h2 id="guardians">${esc(w.guardians)}</h2>
${guardians}
</section>
<section aria-labelledby="versions"><h2 id="versions">${esc(w.versions)}</h2>
${versions}
</section>
<script>${SORT_SCRIPT}</script>`;
  return htmlPage({
    lang: input.lang,
    title: w.title(input.schoolYear),
    header,
    main,
    footer: `<p>${esc(w.footer(input.appVersion, generated))}</p>`,
    scriptHash: SORT_SCRIPT_HASH,
    extraCss: `th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; color: inherit; cursor: pointer; text-align: left; }
th button:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
th[aria-sort="ascending"] button::after { content: " ▲"; } th[aria-sort="descending"] button::after { content: " ▼"; }
figure { margin: .5rem 0 1rem; }`,
  });
}
