// The directory a config names: the roster file, or the district's LDAP / Active Directory.

import type { Directory } from '../people.ts';
import type { KioskSetup } from '../setup.ts';
import { RosterDirectory } from './roster.ts';

export async function directoryFor(setup: Pick<KioskSetup, 'config' | 'roster'>): Promise<Directory> {
  const d = setup.config.directory;
  if (d.type === 'roster') {
    if (!setup.roster) throw new Error('roster directory without a loaded roster');
    return new RosterDirectory(setup.roster);
  }
  // Loaded only where LDAP is configured: roster kiosks and most CLI commands never pay for ldapts.
  const { LdapDirectory, readSecretFile } = await import('./ldap-directory.ts');
  const mode = d.tls.mode ?? (d.url.toLowerCase().startsWith('ldaps://') ? 'ldaps' : 'starttls');
  return new LdapDirectory({
    url: d.url,
    bindDn: d.bindDn,
    bindPassword: await readSecretFile(d.bindPasswordFile),
    userBase: d.userBase,
    userFilter: d.userFilter,
    groups: d.groups,
    gradeAttribute: d.gradeAttribute,
    displayNameAttribute: d.displayNameAttribute,
    memberAttribute: d.memberAttribute,
    ...(d.languageAttribute ? { languageAttribute: d.languageAttribute } : {}),
    ...(d.privilegesAttribute ? { privilegesAttribute: d.privilegesAttribute } : {}),
    ...(d.guardianDeniedAttribute ? { guardianDeniedAttribute: d.guardianDeniedAttribute } : {}),
    tls: { mode, ...(d.tls.caFile ? { caFile: d.tls.caFile } : {}) },
    timeoutMs: d.timeoutSeconds * 1000,
  });
}
