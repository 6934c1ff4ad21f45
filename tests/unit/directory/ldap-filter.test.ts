import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AndFilter, EqualityFilter, FilterParser } from 'ldapts';
import { escapeFilterValue, normalizeDn, parseGrade, userFilterFor } from '../../../electron/core/directory/ldap-directory.ts';

const TEMPLATE = '(&(objectClass=inetOrgPerson)(uid={username}))';

/** What is left of an escaped value once every well-formed `\xx` escape is taken out. */
const withoutEscapes = (escaped: string) => escaped.replace(/\\[0-9a-f]{2}/g, '');

/** Anything at all, and strings made mostly of the characters a filter is built from. */
const typed = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('*', '(', ')', '\\', '\u0000', '=', '|', '&', '!', '5c', 'a', 'é', ' ') }),
);

/** The equality assertion ldapts sends for `username` (it parses our filter string before sending it). */
function sentAssertion(username: string): EqualityFilter {
  const filter = FilterParser.parseString(userFilterFor(TEMPLATE, username));
  expect(filter).toBeInstanceOf(AndFilter);
  const [objectClass, uid] = (filter as AndFilter).filters;
  expect((objectClass as EqualityFilter).value).toBe('inetOrgPerson');
  expect(uid).toBeInstanceOf(EqualityFilter);
  return uid as EqualityFilter;
}

describe('escaping a username for an LDAP filter (RFC 4515)', () => {
  it('the five characters a filter is made of become \\xx escapes', () => {
    expect(escapeFilterValue('*')).toBe('\\2a');
    expect(escapeFilterValue('(')).toBe('\\28');
    expect(escapeFilterValue(')')).toBe('\\29');
    expect(escapeFilterValue('\\')).toBe('\\5c');
    expect(escapeFilterValue('\u0000')).toBe('\\00');
  });

  it('a student typing *)(uid=* gets a literal name, not a second condition', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(userFilterFor(TEMPLATE, '*)(uid=*')).toBe('(&(objectClass=inetOrgPerson)(uid=\\2a\\29\\28uid=\\2a))');
    expect(sentAssertion('*)(uid=*').value).toBe('*)(uid=*');
  });

  it('a lone * is an equality test for the name "*", not a presence test', () => {
    const uid = sentAssertion('*');
    expect(uid.attribute).toBe('uid');
    expect(uid.value).toBe('*');
  });

  it('ordinary names, an apostrophe and accented letters pass through unchanged', () => {
    expect(escapeFilterValue('tgarcia')).toBe('tgarcia');
    expect(escapeFilterValue("o'brien")).toBe("o'brien");
    // Left as UTF-8: RFC 4515 allows it, and ldapts decodes \xx escapes one byte per character.
    expect(escapeFilterValue('josé.núñez')).toBe('josé.núñez');
    expect(sentAssertion('josé.núñez').value).toBe('josé.núñez');
  });

  it('control characters are escaped too, so no raw newline or DEL reaches the server', () => {
    expect(escapeFilterValue('a\nb\u007f')).toBe('a\\0ab\\7f');
  });

  it('a username holding $& or $1 is inserted literally (no replacement patterns)', () => {
    expect(userFilterFor('(uid={username})', '$&$1$$')).toBe('(uid=$&$1$$)');
  });

  it('every {username} in the template is replaced', () => {
    expect(userFilterFor('(|(uid={username})(mail={username}))', 'a*')).toBe('(|(uid=a\\2a)(mail=a\\2a))');
  });

  it('property: an escaped value never holds an unescaped * ( ) \\ or NUL', () => {
    fc.assert(
      fc.property(typed, (value) => {
        const rest = withoutEscapes(escapeFilterValue(value));
        return ![...rest].some((char) => ['*', '(', ')', '\\', '\u0000'].includes(char));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: whatever is typed, ldapts sends one equality test on uid for exactly that text', () => {
    fc.assert(
      fc.property(typed, (value) => {
        const uid = sentAssertion(value);
        return uid.attribute === 'uid' && uid.value === value;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('values the directory hands back', () => {
  it('a group DN matches whatever case and spacing the technician typed', () => {
    expect(normalizeDn('CN=Approved-Teachers, OU=Groups , dc=Lockhart,dc=test')).toBe(
      normalizeDn('cn=approved-teachers,ou=groups,dc=lockhart,dc=test'),
    );
    expect(normalizeDn('cn=substitutes,ou=groups,dc=lockhart,dc=test')).not.toBe(normalizeDn('cn=approved-teachers,ou=groups,dc=lockhart,dc=test'));
  });

  it('an escaped comma stays part of the value it belongs to', () => {
    expect(normalizeDn('cn=Smith\\, John,ou=staff')).toBe('cn=smith\\, john,ou=staff');
    expect(normalizeDn('cn=Smith\\, John,ou=staff')).not.toBe(normalizeDn('cn=Smith,cn=John,ou=staff'));
  });

  it('kindergarten is grade 0, and K, KG and 0 all say so', () => {
    expect(parseGrade('K')).toBe(0);
    expect(parseGrade('kg')).toBe(0);
    expect(parseGrade('0')).toBe(0);
  });

  it('grades 1 to 12 are read as numbers, anything else is no grade', () => {
    expect(parseGrade('4')).toBe(4);
    expect(parseGrade('07')).toBe(7);
    expect(parseGrade(' 12 ')).toBe(12);
    for (const other of ['13', '', 'Science', '-1', '4.5', 'TK', undefined]) expect(parseGrade(other)).toBeUndefined();
  });

  it('pre-kindergarten (PK on Texas elementary campuses) is grade -1', () => {
    for (const pk of ['PK', 'pk', 'PreK', 'Pre-K', 'PK4', 'PK3']) expect(parseGrade(pk)).toBe(-1);
  });
});
