// Access control lists the mode bits do not show: the Windows ACL the installer sets and the service
// checks (icacls, by SID so it reads the same in every language), the ACL entries macOS's PKG added with
// `chmod +a` and the default ACL the deb set with setfacl. Plans and parsers, fed real tools' output.
import { describe, expect, it } from 'vitest';
import {
  WINDOWS_SIDS,
  linuxAclCommand,
  macAclCommand,
  parseGetfacl,
  parseIcacls,
  parseMacAcl,
  windowsAclPlan,
  windowsAclProblem,
  windowsFix,
} from '../../../electron/core/machine/permissions.ts';
import { serviceFolders } from '../../../electron/core/machine/folders.ts';

const folders = serviceFolders('win32', { programData: 'C:\\ProgramData' });
const required = (what: string) => folders.required.find((r) => r.what === what)!;
const STATE = required('the state folder');
const CONFIG = required('the config folder');

// A folder made under C:\ProgramData without an ACL of its own: what it inherits lets Users create files.
const INHERITED = `${STATE.path} NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)
                                      BUILTIN\\Administrators:(I)(OI)(CI)(F)
                                      CREATOR OWNER:(I)(OI)(CI)(IO)(F)
                                      BUILTIN\\Users:(I)(OI)(CI)(RX)
                                      BUILTIN\\Users:(I)(CI)(WD,AD,WEA,WA)

Successfully processed 1 files; Failed processing 0 files
`;
// The same folder after the plan ran (icacls shows the names of the SIDs it was given).
const PLANNED = `${STATE.path} NT AUTHORITY\\SYSTEM:(OI)(CI)(F)
                                      BUILTIN\\Administrators:(OI)(CI)(F)

Successfully processed 1 files; Failed processing 0 files
`;

describe('Windows: SYSTEM and Administrators full, Users read on the config and policies only', () => {
  it('the plan removes what is inherited and grants by SID', () => {
    expect(windowsAclPlan(STATE)).toEqual([
      { command: 'icacls', args: [STATE.path, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F'] },
    ]);
    expect(windowsAclPlan(CONFIG)[0]!.args).toContain(`*${WINDOWS_SIDS.users}:(OI)(CI)RX`);
    expect(windowsAclPlan({ path: 'C:\\ProgramData\\AUP Kiosk\\secrets\\ldap.txt', kind: 'file', usersRead: false })[0]!.args.slice(-2)).toEqual([
      '*S-1-5-18:F',
      '*S-1-5-32-544:F',
    ]);
  });

  it('icacls output is read entry by entry, with its inheritance flags and rights', () => {
    expect(parseIcacls(INHERITED, STATE.path)).toEqual([
      { principal: 'NT AUTHORITY\\SYSTEM', deny: false, flags: ['I', 'OI', 'CI'], rights: ['F'] },
      { principal: 'BUILTIN\\Administrators', deny: false, flags: ['I', 'OI', 'CI'], rights: ['F'] },
      { principal: 'CREATOR OWNER', deny: false, flags: ['I', 'OI', 'CI', 'IO'], rights: ['F'] },
      { principal: 'BUILTIN\\Users', deny: false, flags: ['I', 'OI', 'CI'], rights: ['RX'] },
      { principal: 'BUILTIN\\Users', deny: false, flags: ['I', 'CI'], rights: ['WD', 'AD', 'WEA', 'WA'] },
    ]);
    expect(parseIcacls('X Everyone:(DENY)(W)\n', 'X')).toEqual([{ principal: 'Everyone', deny: true, flags: [], rights: ['W'] }]);
  });

  it('the state folder as ProgramData hands it down is a problem naming who has what, and the fix', () => {
    const problem = windowsAclProblem(STATE, parseIcacls(INHERITED, STATE.path));
    expect(problem).toContain(`the state folder ${STATE.path}:`);
    expect(problem).toContain('BUILTIN\\Users has (WD,AD,WEA,WA)');
    expect(problem).toContain('BUILTIN\\Users has (RX)');
    expect(problem).toContain('CREATOR OWNER has (F)');
    expect(problem).toContain(`Fix: ${windowsFix(STATE)}`);
    expect(windowsFix(STATE)).toBe(
      `icacls "${STATE.path}" /reset && icacls "${STATE.path}" /inheritance:r /grant:r "*S-1-5-18:(OI)(CI)F" "*S-1-5-32-544:(OI)(CI)F"`,
    );
  });

  it('the planned ACL passes; Users reading the config folder passes; Users writing it does not', () => {
    expect(windowsAclProblem(STATE, parseIcacls(PLANNED, STATE.path))).toBeNull();
    const withUsersRead = PLANNED.replace('(F)\n\n', '(F)\n BUILTIN\\Users:(OI)(CI)(RX)\n\n').replaceAll(STATE.path, CONFIG.path);
    expect(windowsAclProblem(CONFIG, parseIcacls(withUsersRead, CONFIG.path))).toBeNull();
    expect(windowsAclProblem(STATE, parseIcacls(withUsersRead.replaceAll(CONFIG.path, STATE.path), STATE.path))).toMatch(/BUILTIN\\Users has \(RX\)/);
    const usersModify = withUsersRead.replace('(OI)(CI)(RX)', '(OI)(CI)(M)');
    expect(windowsAclProblem(CONFIG, parseIcacls(usersModify, CONFIG.path))).toMatch(
      /BUILTIN\\Users has \(M\).*must allow SYSTEM and Administrators full control, Users read, nobody else/,
    );
  });

  it('a list without SYSTEM is a problem (the service could not use the folder)', () => {
    expect(windowsAclProblem(STATE, parseIcacls(`${STATE.path} BUILTIN\\Administrators:(OI)(CI)(F)\n`, STATE.path))).toMatch(
      /SYSTEM lack full control/,
    );
  });

  it('SIDs icacls could not name are recognised too', () => {
    expect(windowsAclProblem(STATE, parseIcacls(`${STATE.path} *S-1-5-18:(OI)(CI)(F)\n *S-1-5-32-544:(OI)(CI)(F)\n`, STATE.path))).toBeNull();
  });
});

describe('macOS and Linux: access the mode bits do not show', () => {
  it('macOS: the entry the old PKG added to the data folder is found', () => {
    expect(macAclCommand('/Library/Application Support/AUP Kiosk/data')).toEqual({
      command: '/bin/ls',
      args: ['-led', '/Library/Application Support/AUP Kiosk/data'],
    });
    const out =
      'drwx------+ 5 root  wheel  160 Jan  5 09:12 /Library/Application Support/AUP Kiosk/data\n' +
      ' 0: group:everyone allow list,add_file,search,add_subdirectory,delete_child,read,write,append,file_inherit,directory_inherit\n';
    expect(parseMacAcl(out)).toEqual([
      'group:everyone allow list,add_file,search,add_subdirectory,delete_child,read,write,append,file_inherit,directory_inherit',
    ]);
    expect(parseMacAcl('drwx------  5 root  wheel  160 Jan  5 09:12 /Library/Application Support/AUP Kiosk/data\n')).toEqual([]);
  });

  it('Linux: the default ACL the old deb set on /var/lib/aup-kiosk is found; a plain mode gives nothing', () => {
    expect(linuxAclCommand('/var/lib/aup-kiosk')).toEqual({
      command: '/usr/bin/getfacl',
      args: ['--skip-base', '--absolute-names', '--omit-header', '/var/lib/aup-kiosk'],
    });
    const deb = 'user::rwx\ngroup::rwx\nother::rwx\ndefault:user::rwx\ndefault:group::rwx\ndefault:other::rwx\n\n';
    expect(parseGetfacl(deb)).toEqual(['default:user::rwx', 'default:group::rwx', 'default:other::rwx']);
    expect(parseGetfacl('user::rw-\nuser:aupstudent1:r--\ngroup::---\nmask::r--\nother::---\n')).toEqual(['user:aupstudent1:r--', 'mask::r--']);
    expect(parseGetfacl('')).toEqual([]);
  });
});
