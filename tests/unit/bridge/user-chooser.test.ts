// The preview's "who is signing in?" page (bridge/user-chooser.ts): the roster as ?user= links,
// escaped; what to add where the directory cannot list its people (LDAP); its language.
import { describe, expect, it } from 'vitest';
import { chooserLanguage, userChooserPage } from '../../../electron/core/bridge/user-chooser.ts';
import type { DirectoryUser } from '../../../electron/core/people.ts';

const person = (u: Partial<DirectoryUser> & Pick<DirectoryUser, 'username' | 'displayName' | 'role'>): DirectoryUser => ({
  privileges: 'active',
  guardianDeniedInternet: false,
  ...u,
});

describe("the preview's who-is-signing-in page", () => {
  it('lists students and staff as links that add ?user=, names escaped, greeted as people say them', () => {
    const page = userChooserPage(
      [
        person({ username: "sean.o'brien", displayName: "O'Brien, Sean", greetingName: "Sean O'Brien", role: 'student', grade: -1 }),
        person({ username: 'x<y', displayName: '<script>alert(1)</script>', role: 'teacher' }),
      ],
      'en',
      'http://127.0.0.1:4173',
    );
    expect(page).toContain(`<li><a href="/?user=sean.o'brien">Sean O'Brien</a> (sean.o'brien), student, pre-kindergarten</li>`);
    expect(page).toContain('<a href="/?user=x%3Cy">&lt;script&gt;alert(1)&lt;/script&gt;</a> (x&lt;y), teacher');
    expect(page).not.toContain('<script>');
    expect(page).toContain('<h2>Students</h2>');
    expect(page).toContain('<h2>Teachers and staff</h2>');
  });

  it('says what to add where the directory cannot list its people (LDAP), in Spanish too', () => {
    expect(userChooserPage(null, 'en', 'http://127.0.0.1:4173')).toContain('Add ?user= and a username of the directory');
    const es = userChooserPage(null, 'es', 'http://127.0.0.1:4173');
    expect(es).toContain('<html lang="es">');
    expect(es).toContain('<code>http://127.0.0.1:4173/?user=USUARIO</code>');
    expect(es).toContain('<a href="/?lang=en" lang="en" hreflang="en">English</a>');
  });

  it('speaks the ?lang= asked for, else the browser’s language, else English', () => {
    expect(chooserLanguage(new URLSearchParams('lang=es'), 'en-US')).toBe('es');
    expect(chooserLanguage(new URLSearchParams(''), 'es-US,es;q=0.9')).toBe('es');
    expect(chooserLanguage(new URLSearchParams('lang=vi'), 'fr-FR')).toBe('en');
  });
});
