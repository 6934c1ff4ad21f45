// A throwaway OpenLDAP server for the integration tests: a temp folder, a test CA and server
// certificate, cn=config (mdb + memberof + refint + ppolicy), loopback-only ldap:// (StartTLS) and
// ldaps:// listeners on free ports, and a small district seeded over LDAP so memberOf is real.
// Nothing here is mocked: the tests talk to the same slapd a district runs.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';
import { alive, freePort, isExecutable, makeCertificates, sweepLeftovers } from './processes.ts';

export { freePort };

const run = promisify(execFile);

export const BASE_DN = 'dc=lockhart,dc=test';

/** The groups of the seeded district, by the role they grant. */
export interface SeededGroups {
  student: string;
  staff: string;
  approvedTeacher: string;
  substitute: string;
  administrator: string;
}

export interface SeededUser {
  username: string;
  password: string;
  dn: string;
}

/** Who is in the seeded district. Each key is what a test needs that user for. */
export type SeededUserKey =
  | 'kindergartner' // ou=elementary, grade K
  | 'fourthGrader' // ou=elementary, grade 4, preferredLanguage es
  | 'seventhGrader' // ou=middle, grade 7
  | 'eleventhGrader' // ou=high, grade 11
  | 'suspendedStudent' // ou=high, grade 9, privileges suspended, guardian denied Internet
  | 'teacher' // approved teacher (departmentNumber 7: a department, not a grade)
  | 'substitute'
  | 'substituteAlsoApproved' // in substitutes AND approved-teachers: must still be a substitute
  | 'librarianClerk' // staff only, no displayName (cn is the fallback)
  | 'administrator' // campus administrator
  | 'lockedOut' // approved teacher whose account is locked by ppolicy
  | 'noGroups' // a real account in no kiosk group (a contractor)
  | 'apostrophe' // uid o'brien
  | 'parentheses' // uid smith(jr)
  | 'star' // uid ana*b — and a decoy 'anaxb' that an unescaped * would also match
  | 'starDecoy'
  | 'nonAscii'; // uid josé.núñez

export interface SlapdHandle {
  /** ldap:// on 127.0.0.1 — plain, StartTLS-capable. */
  url: string;
  /** ldaps:// on 127.0.0.1. */
  ldapsUrl: string;
  /** PEM of the test CA that signed the server certificate (SAN IP:127.0.0.1, DNS:localhost). */
  caFile: string;
  baseDn: string;
  /** Base of all people (students and staff). */
  peopleBase: string;
  groups: SeededGroups;
  /** `cn=kiosk-svc,ou=services,…`: may read people and groups, nothing else. */
  serviceDn: string;
  servicePassword: string;
  /** The service password in a file (mode 0600), the way a district deploys it. */
  servicePasswordFile: string;
  rootDn: string;
  rootPassword: string;
  users: Record<SeededUserKey, SeededUser>;
  pid: number;
  dir: string;
  /** Wall time from the call to a seeded, answering server. */
  startMs: number;
  stop(): Promise<void>;
}

/**
 * A kiosk config's `directory` for this server, as a district writes it (service account and its
 * password file, the seeded people and groups, the AUP attributes, StartTLS with the test CA);
 * `overrides` replace or add settings (`url`, `timeoutSeconds`, …).
 */
export function directoryConfigFor(slapd: SlapdHandle, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'ldap',
    url: slapd.url,
    bindDn: slapd.serviceDn,
    bindPasswordFile: slapd.servicePasswordFile,
    userBase: slapd.peopleBase,
    userFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
    groups: slapd.groups,
    languageAttribute: 'preferredLanguage',
    privilegesAttribute: 'aupPrivileges',
    guardianDeniedAttribute: 'aupGuardianDeniedInternet',
    tls: { caFile: slapd.caFile },
    ...overrides,
  };
}

export interface SlapdOptions {
  /** Where the temp folder goes (default: the OS temp folder). */
  parentDir?: string;
  /** How long to wait for slapd to answer before calling it a hang (default 120 s: it answers in well under a second; a loaded machine may take many). */
  readyTimeoutMs?: number;
}

const INSTALL_HINT =
  'On Debian/Ubuntu, as root: DEBIAN_FRONTEND=noninteractive apt-get install -y slapd ldap-utils ' +
  '(the package postinst does not need to start the system slapd; the tests run their own).';

// Private schema for the kiosk's optional attributes. The OIDs are under 2.25 (a UUID arc, X.667):
// allocatable without registration, so they can never clash with a real schema.
const AUP_OID = '2.25.21904698046982724200657906281011258291';
const AUP_SCHEMA = `dn: cn=aupkiosk,cn=schema,cn=config
objectClass: olcSchemaConfig
cn: aupkiosk
olcAttributeTypes: ( ${AUP_OID}.1 NAME 'aupPrivileges' DESC 'computer privileges: active, supervised, suspended, revoked' EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
olcAttributeTypes: ( ${AUP_OID}.2 NAME 'aupGuardianDeniedInternet' DESC 'a parent or guardian denied Internet access' EQUALITY booleanMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.7 SINGLE-VALUE )
olcObjectClasses: ( ${AUP_OID}.3 NAME 'aupKioskPerson' DESC 'kiosk attributes of a person' AUXILIARY MAY ( aupPrivileges $ aupGuardianDeniedInternet ) )
`;

interface Tools {
  slapd: string;
  slapadd: string;
  modulePath: string;
  schemaDir: string;
  setpriv: string | null;
}

function findTool(name: string, extraDirs: string[]): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function findTools(): Tools {
  const sbin = ['/usr/sbin', '/usr/local/sbin', '/usr/libexec', '/usr/local/libexec', '/opt/homebrew/opt/openldap/libexec'];
  const slapd = findTool('slapd', sbin);
  const slapadd = findTool('slapadd', sbin);
  if (!slapd || !slapadd) {
    throw new Error(`slapd (the OpenLDAP server) is not installed: the LDAP integration tests start a throwaway one. ${INSTALL_HINT}`);
  }
  if (!findTool('openssl', ['/usr/bin'])) {
    throw new Error('openssl is not installed: the LDAP tests make a test CA with it. On Debian/Ubuntu: apt-get install -y openssl');
  }
  const modulePath = ['/usr/lib/ldap', '/usr/lib64/openldap', '/usr/lib/openldap', '/usr/local/libexec/openldap'].find(
    (dir) => existsSync(join(dir, 'back_mdb.la')) || existsSync(join(dir, 'back_mdb.so')),
  );
  const schemaDir = ['/etc/ldap/schema', '/etc/openldap/schema', '/usr/local/etc/openldap/schema'].find((dir) =>
    existsSync(join(dir, 'inetorgperson.ldif')),
  );
  if (!modulePath || !schemaDir) {
    throw new Error(`slapd is installed but its modules (back_mdb, memberof, ppolicy) or schema files were not found. ${INSTALL_HINT}`);
  }
  for (const module of ['memberof', 'refint', 'ppolicy']) {
    if (!existsSync(join(modulePath, `${module}.la`)) && !existsSync(join(modulePath, `${module}.so`))) {
      throw new Error(`slapd's ${module} overlay is missing from ${modulePath}. ${INSTALL_HINT}`);
    }
  }
  return { slapd, slapadd, modulePath, schemaDir, setpriv: process.platform === 'linux' ? findTool('setpriv', ['/usr/bin']) : null };
}

/** {SSHA}: what a district's directory stores; hashed here so no slappasswd process is needed. */
function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

function configLdif(
  tools: Tools,
  dir: string,
  tls: { caFile: string; certFile: string; keyFile: string },
  rootPassword: string,
  serviceDn: string,
): string {
  const include = (name: string) => `include: file://${join(tools.schemaDir, `${name}.ldif`)}\n`;
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${join(dir, 'slapd.pid')}
olcArgsFile: ${join(dir, 'slapd.args')}
olcLogLevel: none
olcTLSCACertificateFile: ${tls.caFile}
olcTLSCertificateFile: ${tls.certFile}
olcTLSCertificateKeyFile: ${tls.keyFile}
olcAllows: bind_anon_dn

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: ${tools.modulePath}
olcModuleLoad: back_mdb
olcModuleLoad: memberof
olcModuleLoad: refint
olcModuleLoad: ppolicy

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

${include('core')}${include('cosine')}${include('inetorgperson')}${include('nis')}
${AUP_SCHEMA}
dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: 500

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: ${BASE_DN}
olcRootDN: cn=admin,${BASE_DN}
olcRootPW: ${ssha(rootPassword)}
olcDbDirectory: ${join(dir, 'data')}
olcDbMaxSize: 67108864
olcDbNoSync: TRUE
olcDbIndex: objectClass eq
olcDbIndex: uid eq
olcDbIndex: member eq
olcAccess: {0}to attrs=userPassword by anonymous auth by * none
olcAccess: {1}to dn.subtree="ou=policies,${BASE_DN}" by * none
olcAccess: {2}to dn.subtree="${BASE_DN}" by dn.exact="${serviceDn}" read by self read by * none

dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof
olcMemberOfRefInt: TRUE
olcMemberOfGroupOC: groupOfNames
olcMemberOfMemberAD: member
olcMemberOfMemberOfAD: memberOf

dn: olcOverlay={1}refint,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcRefintConfig
olcOverlay: {1}refint
olcRefintAttribute: member

dn: olcOverlay={2}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {2}ppolicy
olcPPolicyDefault: cn=default,ou=policies,${BASE_DN}
olcPPolicyUseLockout: FALSE
`;
}

interface PersonSeed {
  key: SeededUserKey;
  uid: string;
  ou: string;
  givenName: string;
  sn: string;
  displayName?: string;
  grade?: string;
  language?: string;
  privileges?: string;
  guardianDenied?: boolean;
  groups: (keyof SeededGroups)[];
}

// The district: students by grade band, staff by what they may do at a kiosk.
const PEOPLE: PersonSeed[] = [
  {
    key: 'kindergartner',
    uid: 'kai.kinder',
    ou: 'ou=elementary,ou=students',
    givenName: 'Kai',
    sn: 'Kinder',
    displayName: 'Kai Kinder',
    grade: 'K',
    groups: ['student'],
  },
  {
    key: 'fourthGrader',
    uid: 'maria.lopez',
    ou: 'ou=elementary,ou=students',
    givenName: 'María',
    sn: 'López',
    displayName: 'María López',
    grade: '4',
    language: 'es',
    groups: ['student'],
  },
  {
    key: 'seventhGrader',
    uid: 'jordan.reed',
    ou: 'ou=middle,ou=students',
    givenName: 'Jordan',
    sn: 'Reed',
    displayName: 'Jordan Reed',
    grade: '7',
    groups: ['student'],
  },
  {
    key: 'eleventhGrader',
    uid: 'alex.chen',
    ou: 'ou=high,ou=students',
    givenName: 'Alex',
    sn: 'Chen',
    displayName: 'Alex Chen',
    grade: '11',
    language: 'en-US',
    groups: ['student'],
  },
  {
    key: 'suspendedStudent',
    uid: 'devon.price',
    ou: 'ou=high,ou=students',
    givenName: 'Devon',
    sn: 'Price',
    displayName: 'Devon Price',
    grade: '9',
    privileges: 'suspended',
    guardianDenied: true,
    groups: ['student'],
  },
  {
    key: 'teacher',
    uid: 'tgarcia',
    ou: 'ou=staff',
    givenName: 'Tina',
    sn: 'Garcia',
    displayName: 'Ms. Garcia',
    grade: '7',
    groups: ['staff', 'approvedTeacher'],
  },
  {
    key: 'substitute',
    uid: 'sub.sam',
    ou: 'ou=staff',
    givenName: 'Sam',
    sn: 'Sutton',
    displayName: 'Mr. Sutton (substitute)',
    groups: ['staff', 'substitute'],
  },
  {
    key: 'substituteAlsoApproved',
    uid: 'sub.pat',
    ou: 'ou=staff',
    givenName: 'Pat',
    sn: 'Parker',
    displayName: 'Pat Parker',
    groups: ['staff', 'substitute', 'approvedTeacher'],
  },
  { key: 'librarianClerk', uid: 'lclerk', ou: 'ou=staff', givenName: 'Lee', sn: 'Clerk', groups: ['staff'] },
  {
    key: 'administrator',
    uid: 'aprincipal',
    ou: 'ou=staff',
    givenName: 'Ada',
    sn: 'Principal',
    displayName: 'Dr. Principal',
    groups: ['staff', 'administrator'],
  },
  {
    key: 'lockedOut',
    uid: 'locked.teacher',
    ou: 'ou=staff',
    givenName: 'Lou',
    sn: 'Locked',
    displayName: 'Lou Locked',
    groups: ['staff', 'approvedTeacher'],
  },
  { key: 'noGroups', uid: 'contractor.joe', ou: 'ou=staff', givenName: 'Joe', sn: 'Contractor', displayName: 'Joe Contractor', groups: [] },
  {
    key: 'apostrophe',
    uid: "o'brien",
    ou: 'ou=staff',
    givenName: 'Siobhan',
    sn: "O'Brien",
    displayName: "Ms. O'Brien",
    groups: ['staff', 'approvedTeacher'],
  },
  {
    key: 'parentheses',
    uid: 'smith(jr)',
    ou: 'ou=staff',
    givenName: 'John',
    sn: 'Smith',
    displayName: 'Smith, John', // kept "Last, First": greeted as givenName sn
    groups: ['staff', 'approvedTeacher'],
  },
  { key: 'star', uid: 'ana*b', ou: 'ou=middle,ou=students', givenName: 'Ana', sn: 'B', displayName: 'Ana Star', grade: '6', groups: ['student'] },
  {
    key: 'starDecoy',
    uid: 'anaxb',
    ou: 'ou=middle,ou=students',
    givenName: 'Ana',
    sn: 'X',
    displayName: 'Ana Decoy',
    grade: '8',
    groups: ['student'],
  },
  {
    key: 'nonAscii',
    uid: 'josé.núñez',
    ou: 'ou=high,ou=students',
    givenName: 'José',
    sn: 'Núñez',
    displayName: 'José Núñez',
    grade: '10',
    language: 'es',
    groups: ['student'],
  },
];

const GROUP_CN: Record<keyof SeededGroups, string> = {
  student: 'students',
  staff: 'staff',
  approvedTeacher: 'approved-teachers',
  substitute: 'substitutes',
  administrator: 'campus-admins',
};

/** An RFC 4514 attribute value for a DN (uids here may hold `,+"\<>;=` in principle). */
function dnValue(value: string): string {
  return value
    .replace(/[,+"\\<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

function passwordFor(uid: string): string {
  // Distinct per user, so "another user's password" is a wrong password too.
  return `pw-${uid.replace(/[^a-z]/gi, '')}-${randomBytes(4).toString('hex')}`;
}

async function seed(url: string, rootDn: string, rootPassword: string, serviceDn: string, servicePassword: string) {
  const client = new Client({ url, timeout: 5000, connectTimeout: 5000 });
  try {
    await client.bind(rootDn, rootPassword);
    const add = (dn: string, attributes: Record<string, string | string[]>) => client.add(dn, attributes);
    await add(BASE_DN, { objectClass: ['dcObject', 'organization'], dc: 'lockhart', o: 'Lockhart Test ISD' });
    // `ou=Groups` is capitalised as many directories (AD among them) have it: memberOf comes back
    // in the case it was written, and the directory code must compare DNs without case.
    for (const ou of ['students', 'staff', 'Groups', 'services', 'policies']) {
      await add(`ou=${ou},${BASE_DN}`, { objectClass: 'organizationalUnit', ou });
    }
    for (const band of ['elementary', 'middle', 'high']) {
      await add(`ou=${band},ou=students,${BASE_DN}`, { objectClass: 'organizationalUnit', ou: band });
    }
    await add(`cn=default,ou=policies,${BASE_DN}`, {
      objectClass: ['person', 'pwdPolicy'],
      cn: 'default',
      sn: 'default password policy',
      pwdAttribute: 'userPassword',
      pwdLockout: 'TRUE',
      pwdMaxFailure: '0',
    });
    await add(serviceDn, {
      objectClass: ['applicationProcess', 'simpleSecurityObject'],
      cn: 'kiosk-svc',
      description: 'AUP Kiosk directory lookups',
      userPassword: ssha(servicePassword),
    });

    const users = {} as Record<SeededUserKey, SeededUser>;
    for (const person of PEOPLE) {
      const dn = `uid=${dnValue(person.uid)},${person.ou},${BASE_DN}`;
      const password = passwordFor(person.uid);
      const attributes: Record<string, string | string[]> = {
        objectClass: ['inetOrgPerson', 'aupKioskPerson'],
        uid: person.uid,
        cn: `${person.givenName} ${person.sn}`,
        givenName: person.givenName,
        sn: person.sn,
        mail: `${person.uid.replace(/[^a-z.]/gi, '')}@lockhart.test`,
        userPassword: ssha(password),
      };
      if (person.displayName) attributes.displayName = person.displayName;
      if (person.grade) attributes.departmentNumber = person.grade;
      if (person.language) attributes.preferredLanguage = person.language;
      if (person.privileges) attributes.aupPrivileges = person.privileges;
      if (person.guardianDenied !== undefined) attributes.aupGuardianDeniedInternet = person.guardianDenied ? 'TRUE' : 'FALSE';
      await add(dn, attributes);
      users[person.key] = { username: person.uid, password, dn };
    }

    const groups = {} as SeededGroups;
    for (const [role, cn] of Object.entries(GROUP_CN) as [keyof SeededGroups, string][]) {
      const dn = `cn=${cn},ou=Groups,${BASE_DN}`;
      const members = PEOPLE.filter((p) => p.groups.includes(role)).map((p) => users[p.key].dn);
      await add(dn, { objectClass: 'groupOfNames', cn, member: members });
      groups[role] = dn;
    }

    // "000001010000Z": locked until an administrator unlocks it (RFC draft behera, ppolicy).
    await client.modify(
      users.lockedOut.dn,
      new Change({ operation: 'replace', modification: new Attribute({ type: 'pwdAccountLockedTime', values: ['000001010000Z'] }) }),
    );
    return { users, groups };
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

function tail(text: string, max = 4000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

async function waitUntilAnswering(url: string, child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // 'close' comes after the last of stderr has been read, unlike 'exit'.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let lastError: string;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 500))]);
      throw new Error(`slapd exited (${child.exitCode ?? child.signalCode}) before answering. Its stderr:\n${tail(stderr()) || '(empty)'}`);
    }
    const client = new Client({ url, timeout: 500, connectTimeout: 500 });
    try {
      await client.search('', { scope: 'base', attributes: ['namingContexts'] });
      return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    } finally {
      await client.unbind().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `slapd did not answer on ${url} within ${timeoutMs} ms (last error: ${lastError}). Its stderr:\n${tail(stderr()) || '(empty)'}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function stopProcess(child: ChildProcess, pidFile: string): Promise<void> {
  let pid = child.pid;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10) || pid;
  } catch {
    // no pid file (slapd never got that far): the child's own pid is the one
  }
  if (pid === undefined || !alive(pid)) return;
  const exited =
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(pid, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000).unref());
  if ((await Promise.race([exited, timer])) === 'timeout' && alive(pid)) {
    process.kill(pid, 'SIGKILL');
    await exited;
  }
}

async function startOnce(tools: Tools, dir: string, options: SlapdOptions, started: number): Promise<SlapdHandle> {
  const rootPassword = randomBytes(12).toString('hex');
  const servicePassword = `svc-${randomBytes(12).toString('hex')}`;
  const rootDn = `cn=admin,${BASE_DN}`;
  const serviceDn = `cn=kiosk-svc,ou=services,${BASE_DN}`;
  await mkdir(join(dir, 'slapd.d'));
  await mkdir(join(dir, 'data'));
  const tls = await makeCertificates(dir);
  await writeFile(join(dir, 'config.ldif'), configLdif(tools, dir, tls, rootPassword, serviceDn));
  try {
    await run(tools.slapadd, ['-n0', '-F', join(dir, 'slapd.d'), '-l', join(dir, 'config.ldif')]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`slapadd could not load the test cn=config: ${tail(stderr)}`, { cause: error });
  }
  const servicePasswordFile = join(dir, 'kiosk-svc.password');
  await writeFile(servicePasswordFile, `${servicePassword}\n`, { mode: 0o600 });
  await chmod(servicePasswordFile, 0o600);

  const [port, ldapsPort] = [await freePort(), await freePort()];
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = `ldaps://127.0.0.1:${ldapsPort}`;
  // Foreground as our child: `-d none` keeps slapd from forking and prints only its errors (`-d 0`
  // prints nothing, not even why it stopped). On Linux, setpriv --pdeathsig makes the kernel kill
  // it if this test process dies without reaching afterAll (a crash, a SIGKILL from a timeout).
  const slapdArgs = ['-d', 'none', '-h', `${url}/ ${ldapsUrl}/`, '-F', join(dir, 'slapd.d')];
  const [command, args] = tools.setpriv ? [tools.setpriv, ['--pdeathsig', 'SIGKILL', '--', tools.slapd, ...slapdArgs]] : [tools.slapd, slapdArgs];
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = tail(stderr + chunk, 16_000);
  });
  child.once('error', (error) => {
    stderr += `\nspawn failed: ${error.message}`;
  });
  const pidFile = join(dir, 'slapd.pid');
  const killOnExit = () => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killOnExit);

  try {
    await waitUntilAnswering(url, child, () => stderr, options.readyTimeoutMs ?? 120_000);
    const { users, groups } = await seed(url, rootDn, rootPassword, serviceDn, servicePassword);
    let stopped = false;
    return {
      url,
      ldapsUrl,
      caFile: tls.caFile,
      baseDn: BASE_DN,
      peopleBase: BASE_DN,
      groups,
      serviceDn,
      servicePassword,
      servicePasswordFile,
      rootDn,
      rootPassword,
      users,
      pid: child.pid ?? -1,
      dir,
      startMs: Date.now() - started,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopProcess(child, pidFile);
        process.removeListener('exit', killOnExit);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopProcess(child, pidFile);
    process.removeListener('exit', killOnExit);
    throw error;
  }
}

/**
 * Starts a throwaway slapd with the seeded district and resolves once it answers. Call `stop()` in
 * `afterAll`: it kills slapd and removes the folder. Throws, saying what to install, without slapd.
 */
export async function startSlapd(options: SlapdOptions = {}): Promise<SlapdHandle> {
  const started = Date.now();
  const tools = findTools();
  sweepLeftovers(options.parentDir ?? tmpdir(), 'aup-slapd-', (dir) => join(dir, 'slapd.pid'));
  let lastError: unknown;
  // A free port can be taken between our probe and slapd's bind: try again with new ports.
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), 'aup-slapd-'));
    try {
      return await startOnce(tools, dir, options, started);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      lastError = error;
      const message = error instanceof Error ? error.message : String(error);
      if (!/bind\(\) failed|Address already in use|errno=98/i.test(message)) break;
    }
  }
  throw lastError;
}
