// The preview's first page (`npm run preview` prints http://127.0.0.1:PORT/): who is signing in? The
// kiosk always runs for the account signed in to the computer; in a browser the page names it with
// `?user=`. Without one, this page lists the roster's people as links that add it (or, where the
// directory cannot list them, LDAP, says what to add), in English or Spanish. Preview only: never
// part of an installed app. Plain HTML, no script, no style (the bridge's CSP allows neither inline).
import type { Role } from '../api/contract.ts';
import type { DirectoryUser } from '../people.ts';

type Language = 'en' | 'es';

interface Words {
  title: string;
  heading: string;
  intro: string;
  none: string;
  students: string;
  staff: string;
  language: string;
  /** The username in an example address. */
  placeholder: string;
  grade(grade: number): string;
  role: Record<Role, string>;
}

const WORDS: Record<Language, Words> = {
  en: {
    title: 'Who is signing in? – AUP Kiosk preview',
    heading: 'Who is signing in?',
    intro:
      'This preview shows the kiosk as each person sees it at their own computer, once signed in to Windows or macOS. Choose who is signing in, or add ?user=USERNAME to the address.',
    none: 'This directory cannot list its people. Add ?user= and a username of the directory to the address, for example:',
    students: 'Students',
    staff: 'Teachers and staff',
    language: 'Language',
    placeholder: 'USERNAME',
    grade: (g: number) => (g === -1 ? 'pre-kindergarten' : g === 0 ? 'kindergarten' : `grade ${g}`),
    role: { student: 'student', teacher: 'teacher', substitute: 'substitute teacher', staff: 'staff', administrator: 'campus administrator' },
  },
  es: {
    title: '¿Quién inicia sesión? – Vista previa de AUP Kiosk',
    heading: '¿Quién inicia sesión?',
    intro:
      'Esta vista previa muestra el quiosco tal como lo ve cada persona en su computadora, con la sesión de Windows o macOS iniciada. Elija quién inicia sesión o agregue ?user=USUARIO a la dirección.',
    none: 'Este directorio no puede mostrar la lista de personas. Agregue ?user= y un nombre de usuario del directorio a la dirección, por ejemplo:',
    students: 'Estudiantes',
    staff: 'Maestros y personal',
    language: 'Idioma',
    placeholder: 'USUARIO',
    grade: (g: number) => (g === -1 ? 'prekínder' : g === 0 ? 'kínder' : `${g}.º grado`),
    role: {
      student: 'estudiante',
      teacher: 'maestro',
      substitute: 'maestro suplente',
      staff: 'personal',
      administrator: 'administrador del plantel',
    },
  },
};

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `?lang=es` first, then the browser's Accept-Language; English otherwise. */
export function chooserLanguage(query: URLSearchParams, acceptLanguage: string | undefined): Language {
  const asked = query.get('lang');
  if (asked === 'en' || asked === 'es') return asked;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const base = part.split(';')[0]!.trim().toLowerCase().split('-')[0];
    if (base === 'en' || base === 'es') return base;
  }
  return 'en';
}

/** The page: `users` from the directory (null where it cannot list them), `origin` like http://127.0.0.1:4173. */
export function userChooserPage(users: readonly DirectoryUser[] | null, language: Language, origin: string): string {
  const w = WORDS[language];
  const item = (u: DirectoryUser) => {
    const about = u.role === 'student' && u.grade !== undefined ? `${w.role.student}, ${w.grade(u.grade)}` : w.role[u.role];
    return `<li><a href="/?user=${escapeHtml(encodeURIComponent(u.username))}">${escapeHtml(u.greetingName ?? u.displayName)}</a> (${escapeHtml(u.username)}), ${escapeHtml(about)}</li>`;
  };
  const section = (heading: string, people: readonly DirectoryUser[]) =>
    people.length ? `<h2>${escapeHtml(heading)}</h2>\n<ul>\n${people.map(item).join('\n')}\n</ul>` : '';
  const other: Language = language === 'en' ? 'es' : 'en';
  const body = users
    ? [
        section(
          w.students,
          users.filter((u) => u.role === 'student'),
        ),
        section(
          w.staff,
          users.filter((u) => u.role !== 'student'),
        ),
      ].join('\n')
    : `<p>${escapeHtml(w.none)} <code>${escapeHtml(`${origin}/?user=${w.placeholder}`)}</code></p>`;
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(w.title)}</title>
</head>
<body>
<header>
<nav aria-label="${escapeHtml(w.language)}"><a href="/?lang=${other}" lang="${other}" hreflang="${other}">${other === 'es' ? 'Español' : 'English'}</a></nav>
</header>
<main>
<h1>${escapeHtml(w.heading)}</h1>
<p>${escapeHtml(w.intro)}</p>
${body}
</main>
</body>
</html>
`;
}
