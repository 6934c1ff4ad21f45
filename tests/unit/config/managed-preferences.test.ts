// macOS managed preferences as the machine config, and the two configuration profiles the district
// pushes with its MDM (build/macos/*.mobileconfig), read back as property lists. plutil exists only on
// macOS: here the property lists are real files read with the plist library (XML, as a profile is
// written); the plutil reader itself runs in the macOS-only test.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  MANAGED_DOMAIN,
  isPropertyList,
  managedPreferencesFile,
  plutilJson,
  type PlistReader,
} from '../../../electron/core/config/managed-preferences.ts';
import { locateConfig } from '../../../electron/core/config/locate.ts';
import { configSchema } from '../../../electron/core/config/schema.ts';
import { loadSetup } from '../../../electron/core/setup.ts';
import { serviceConfigLocation, serviceFolders } from '../../../electron/core/machine/folders.ts';
import { APP_ID } from '../../../electron/core/shell/autostart-plan.ts';
import { SERVICE_ID } from '../../../electron/core/machine/service-plan.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
// Comes with electron-builder (it writes Info.plist files with it).
const plist = require('plist');

/** The property list reader of these tests: an XML property list file to JSON text. */
const plistLibraryJson: PlistReader = async (file) => JSON.stringify(plist.parse(await readFile(file, 'utf8')));

const profile = async (name: string) => plist.parse(await readFile(path.join(REPO, 'build/macos', name), 'utf8'));
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

describe('the configuration profiles a district pushes (build/macos)', () => {
  it('both are device-wide Configuration profiles with identifiers and UUIDs of their own', async () => {
    const profiles = [await profile('aup-kiosk-config.mobileconfig'), await profile('aup-kiosk-login-items.mobileconfig')];
    const ids: string[] = [];
    const uuids: string[] = [];
    for (const p of profiles) {
      expect(p).toMatchObject({ PayloadType: 'Configuration', PayloadVersion: 1, PayloadScope: 'System' });
      ids.push(p.PayloadIdentifier, ...p.PayloadContent.map((c: { PayloadIdentifier: string }) => c.PayloadIdentifier));
      uuids.push(p.PayloadUUID, ...p.PayloadContent.map((c: { PayloadUUID: string }) => c.PayloadUUID));
      for (const c of p.PayloadContent) expect(c.PayloadVersion).toBe(1);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(uuids).size).toBe(uuids.length);
    for (const u of uuids) expect(u).toMatch(UUID);
    for (const id of ids) expect(id.startsWith(`${APP_ID}.`)).toBe(true);
  });

  it('the machine config profile: managed preferences for org.aupkiosk.kiosk holding a config the kiosk accepts', async () => {
    const p = await profile('aup-kiosk-config.mobileconfig');
    expect(p.PayloadContent).toHaveLength(1);
    const payload = p.PayloadContent[0];
    expect(payload.PayloadType).toBe('com.apple.ManagedClient.preferences');
    expect(Object.keys(payload.PayloadContent)).toEqual([MANAGED_DOMAIN]);
    expect(MANAGED_DOMAIN).toBe(APP_ID);
    const settings = payload.PayloadContent[MANAGED_DOMAIN].Forced[0].mcx_preference_settings;
    const parsed = configSchema.safeParse(settings);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    // never a secret in a profile every user can read: a file the machine folder holds
    expect(JSON.stringify(settings)).not.toMatch(/password"\s*:/i);
    expect(settings.directory.bindPasswordFile).toBe('secrets/ldap-password');
  });

  it('Managed Login Items (macOS 13+): the LaunchAgent and the LaunchDaemon by their launchd labels', async () => {
    const p = await profile('aup-kiosk-login-items.mobileconfig');
    expect(p.PayloadContent).toHaveLength(1);
    const payload = p.PayloadContent[0];
    expect(payload.PayloadType).toBe('com.apple.servicemanagement');
    expect(payload.Rules.map((r: { RuleType: string; RuleValue: string }) => [r.RuleType, r.RuleValue])).toEqual([
      ['Label', APP_ID],
      ['Label', SERVICE_ID],
    ]);
  });

  it.skipIf(process.platform !== 'darwin')('both pass plutil -lint (macOS only)', () => {
    for (const name of ['aup-kiosk-config.mobileconfig', 'aup-kiosk-login-items.mobileconfig']) {
      expect(spawnSync('plutil', ['-lint', path.join(REPO, 'build/macos', name)]).status, name).toBe(0);
    }
  });
});

describe('managed preferences read as the machine config', () => {
  let root: string;
  let machine: string;
  let managed: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'aup-managed-'));
    machine = path.join(root, 'Library/Application Support/AUP Kiosk');
    managed = managedPreferencesFile(root);
    await mkdir(path.dirname(managed), { recursive: true });
    await mkdir(path.join(machine, 'secrets'), { recursive: true });
    const secret = path.join(machine, 'secrets/ldap-password');
    await writeFile(secret, 'not-the-real-one\n');
    await chmod(secret, 0o600);
    // What macOS writes from the profile: the settings themselves (written here as XML).
    const settings = (await profile('aup-kiosk-config.mobileconfig')).PayloadContent[0].PayloadContent[MANAGED_DOMAIN].Forced[0]
      .mcx_preference_settings;
    await writeFile(managed, plist.build(settings));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is where macOS puts a domain’s machine-wide managed preferences, and is a property list', () => {
    expect(managedPreferencesFile()).toBe('/Library/Managed Preferences/org.aupkiosk.kiosk.plist');
    expect(isPropertyList(managedPreferencesFile())).toBe(true);
    expect(isPropertyList('/etc/aup-kiosk/config.json')).toBe(false);
  });

  it('loads as the config, its relative paths read from the machine folder (where the secrets are)', async () => {
    const loaded = await loadSetup(managed, { readPlist: plistLibraryJson, relativeTo: machine, dataFolder: path.join(root, 'data') });
    expect(loaded.ok, JSON.stringify(!loaded.ok && loaded.problems)).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.source).toBe(managed);
    expect(loaded.config.site.room).toBe('Lab 204');
    expect(loaded.config.directory.type === 'ldap' && loaded.config.directory.bindPasswordFile).toBe(path.join(machine, 'secrets/ldap-password'));
  });

  it('without a folder given, relative paths are read from /Library/Application Support/AUP Kiosk, not the managed preferences folder', async () => {
    const loaded = await loadSetup(managed, { readPlist: plistLibraryJson, dataFolder: path.join(root, 'data') });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problems.map((p) => p.message).join('\n')).toContain('/Library/Application Support/AUP Kiosk/secrets/ldap-password');
  });

  it('a property list that cannot be read as JSON is a problem naming the file and why', async () => {
    const loaded = await loadSetup(managed, {
      readPlist: () => Promise.reject(new Error('invalid object in plist for destination format')),
      relativeTo: machine,
    });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problems).toEqual([
      { path: '(file)', message: `cannot read the managed preferences ${managed}: invalid object in plist for destination format` },
    ]);
  });

  it('a setting of the wrong kind is named by its path, as in config.json', async () => {
    const settings = plist.parse(await readFile(managed, 'utf8'));
    settings.lock.unlockMinutes = 'fifty-five';
    await writeFile(managed, plist.build(settings));
    const loaded = await loadSetup(managed, { readPlist: plistLibraryJson, relativeTo: machine });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problems.map((p) => p.path)).toContain('lock.unlockMinutes');
  });

  it('the machine service reads them in place of config.json, and says config.json is not read', async () => {
    await writeFile(path.join(machine, 'config.json'), '{}');
    const folders = serviceFolders('darwin', {}, { root });
    const chosen = serviceConfigLocation(folders, {}, { root });
    expect(chosen.file).toBe(managed);
    expect(chosen.managed).toBe(true);
    expect(chosen.notes).toEqual([
      `the machine config is the managed preferences ${managed} (a configuration profile); ${path.join(machine, 'config.json')} is not read`,
    ]);
    await rm(managed);
    expect(serviceConfigLocation(folders, {}, { root })).toEqual({ file: path.join(machine, 'config.json'), notes: [], managed: false });
    // not on Linux or Windows
    expect(serviceConfigLocation(serviceFolders('linux', {}, { root }), {}, { root, exists: () => true }).managed).toBe(false);
  });

  it('the CLI: --config, then AUP_KIOSK_CONFIG, then managed preferences, then config.json', () => {
    const present = () => true;
    const absent = () => false;
    expect(locateConfig(undefined, {}, 'darwin', present)).toEqual({ file: managedPreferencesFile(), how: 'managed' });
    expect(locateConfig(undefined, {}, 'darwin', absent)).toEqual({ file: '/Library/Application Support/AUP Kiosk/config.json', how: 'os' });
    expect(locateConfig('/tmp/x.json', {}, 'darwin', present).how).toBe('flag');
    expect(locateConfig(undefined, { AUP_KIOSK_CONFIG: '/tmp/y.json' }, 'darwin', present).how).toBe('env');
    expect(locateConfig(undefined, {}, 'linux', present).how).toBe('os');
  });

  it.skipIf(process.platform !== 'darwin')('plutil reads a binary property list, as macOS writes managed preferences (macOS only)', async () => {
    const binary = path.join(root, 'binary.plist');
    await writeFile(binary, await readFile(managed));
    expect(spawnSync('plutil', ['-convert', 'binary1', binary]).status).toBe(0);
    expect(JSON.parse(await plutilJson(binary))).toEqual(plist.parse(await readFile(managed, 'utf8')));
  });
});
