// The installers' config, checked where it can be without building them (building needs the Electron
// runtime download): against electron-builder's own JSON schema and validator, for the promises
// docs/deployment.md makes, and the MSI hook run on electron-builder's real WiX template.
import { describe, expect, it } from 'vitest';
import { accessSync, constants, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { appPaths } from '../../../electron/core/shell/app-paths.ts';
import { servicePlan } from '../../../electron/core/machine/service-plan.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(path.join(REPO, 'package.json'));
const config = require('./build/electron-builder.config.cjs');
const hook = require('./build/msi-project-created.cjs');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));

// ajv and the schema come with electron-builder; `strict: false` because the schema uses a keyword
// of its own (`typeof`), as app-builder-lib itself does.
const Ajv = require('ajv').default;
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const problems = (c: unknown) => {
  validate(c);
  return (validate.errors ?? [])
    .filter((e: any) => !['anyOf', 'oneOf'].includes(e.keyword))
    .map((e: any) => `${e.instancePath || '/'} ${e.message} ${e.params?.additionalProperty ?? ''}`.trim());
};

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

describe("the config against electron-builder's schema", () => {
  it('is valid', () => {
    expect(validate(config), JSON.stringify(problems(config))).toBe(true);
  });

  it('the check can fail: a misspelt key or a wrong type is reported', () => {
    expect(problems({ ...config, msi: { ...config.msi, perMachien: true } })).toContain('/msi must NOT have additional properties perMachien');
    expect(validate({ ...config, asar: 'yes please' })).toBe(false);
  });

  it("passes electron-builder's own validator (the one a build runs first)", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });
});

describe('Windows: a per-machine, silent MSI that upgrades in place', () => {
  it('MSI, x64, per machine, one-click (msiexec /qn shows nothing), nothing run after install as SYSTEM', () => {
    expect(config.win.target).toEqual([{ target: 'msi', arch: ['x64'] }]);
    expect(config.msi).toMatchObject({ oneClick: true, perMachine: true, runAfterFinish: false, createDesktopShortcut: false });
  });

  it('the upgrade code never changes: a new version replaces the old one', () => {
    expect(config.msi.upgradeCode).toBe('AFADAF27-7BCC-4D28-8AC6-A5C706BE61EA');
  });

  it('ships aup.cmd beside the executable: the CLI with its output and exit code in cmd', () => {
    expect(config.win.extraFiles).toContainEqual({ from: 'build/win/aup.cmd', to: 'aup.cmd' });
    const cmd = readFileSync(path.join(REPO, 'build/win/aup.cmd'), 'utf8');
    expect(cmd).toContain('"%~dp0AUP Kiosk.exe" --disable-gpu %*');
    expect(cmd).toContain('exit /b %AUP_CODE%');
    expect(
      cmd
        .split('\n')
        .slice(0, -1)
        .every((l) => l.endsWith('\r')),
    ).toBe(true); // CRLF, as cmd expects
  });

  describe("the MSI hook, on electron-builder's own WiX template", () => {
    const ejs = require('ejs');
    const template = readFileSync(require.resolve('app-builder-lib/templates/msi/template.xml'), 'utf8')
      .replace(/{{/g, '<%')
      .replace(/}}/g, '%>')
      .replace(/\${([^}]+)}/g, '<%=$1%>');
    const wxs = ejs.compile(template)({
      productName: 'AUP Kiosk',
      upgradeCode: config.msi.upgradeCode,
      version: '0.1.0.0',
      manufacturer: 'AUP Kiosk',
      compressionLevel: 'high',
      iconPath: null,
      iconId: 'AUPKioskIcon.exe',
      isRunAfterFinish: false,
      isPerMachine: true,
      isAssisted: false,
      isCreateDesktopShortcut: false,
      isCreateStartMenuShortcut: false,
      menuCategory: null,
      programFilesId: 'ProgramFiles64Folder',
      installationDirectoryWixName: 'AUP Kiosk',
      dirs: '',
      files:
        '<Component><File Name="AUP Kiosk.exe" Source="$(var.appDir)/AUP Kiosk.exe" ReadOnly="yes" KeyPath="yes" Id="mainExecutable"/></Component>',
    });
    const patched: string = hook.addMachineParts(wxs);
    const { DOMParser } = require('@xmldom/xmldom');
    const errors: string[] = [];
    const doc = new DOMParser({
      errorHandler: { warning: () => {}, error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m) },
    }).parseFromString(patched, 'text/xml');
    const all = (tag: string): any[] => {
      const list = doc.getElementsByTagName(tag);
      return Array.from({ length: list.length }, (_, i) => list.item(i));
    };

    it('keeps the project well-formed XML', () => {
      expect(errors).toEqual([]);
      expect(all('Product')).toHaveLength(1);
    });

    it('creates %ProgramData%\\AUP Kiosk (Users read) with data (SYSTEM and Administrators only) and logs (Users modify), never removed on uninstall', () => {
      const folders = Object.fromEntries(all('Directory').map((d) => [d.getAttribute('Id'), d.getAttribute('Name')]));
      expect(folders).toMatchObject({ AUPKIOSKMACHINE: 'AUP Kiosk', AUPKIOSKDATA: 'data', AUPKIOSKLOGS: 'logs' });
      expect(
        all('Directory')
          .find((d) => d.getAttribute('Id') === 'AUPKIOSKMACHINE')
          .parentNode.getAttribute('Id'),
      ).toBe('CommonAppDataFolder');
      const components = all('Component').filter((c) => c.getAttribute('Id')?.startsWith('AupKiosk'));
      expect(components).toHaveLength(3);
      for (const c of components) {
        expect(c.getAttribute('Permanent')).toBe('yes');
        expect(c.getAttribute('Guid')).toMatch(/^\{[0-9A-F-]{36}\}$/);
      }
      const sddl = Object.fromEntries(
        components.map((c) => [c.getAttribute('Directory'), c.getElementsByTagName('PermissionEx').item(0).getAttribute('Sddl')]),
      );
      // Protected from ProgramData's inherited "Users may create files"; Users (BU) read on the config folder.
      expect(sddl.AUPKIOSKMACHINE).toMatch(/^D:PAI/);
      expect(sddl.AUPKIOSKMACHINE).toContain('(A;OICI;0x1200a9;;;BU)');
      // The ledger, the lock state and the secrets: no access at all for Users.
      expect(sddl.AUPKIOSKDATA).toBe('D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)');
      expect(sddl.AUPKIOSKLOGS).toContain('(A;OICI;0x1301bf;;;BU)');
      expect(all('ComponentGroupRef').map((r) => r.getAttribute('Id'))).toEqual(['ProductComponents', 'AupKioskMachine']);
    });

    it('registers the sign-in Scheduled Task as SYSTEM with the real install folder, and removes it on uninstall only', () => {
      const actions = Object.fromEntries(all('CustomAction').map((a) => [a.getAttribute('Id'), a]));
      const register = actions.AupKioskRegisterTask;
      expect(register.getAttribute('Execute')).toBe('deferred');
      expect(register.getAttribute('Impersonate')).toBe('no');
      expect(register.getAttribute('ExeCommand')).toBe(
        '"[System64Folder]schtasks.exe" /Create /TN "\\AUP Kiosk\\Kiosk" /XML "[APPLICATIONFOLDER]resources\\autostart\\scheduled-task.xml" /F',
      );
      expect(actions.AupKioskRemoveTask.getAttribute('ExeCommand')).toBe('"[System64Folder]schtasks.exe" /Delete /TN "\\AUP Kiosk\\Kiosk" /F');
      const conditions = Object.fromEntries(all('Custom').map((c) => [c.getAttribute('Action'), c.textContent]));
      expect(conditions.AupKioskRegisterTask).toBe('NOT (REMOVE~="ALL")');
      // An upgrade removes the old version first: the task must survive that.
      expect(conditions.AupKioskRemoveTask).toBe('REMOVE~="ALL" AND NOT UPGRADINGPRODUCTCODE');
    });

    it('registers the machine service as a SYSTEM task from boot, and ends and removes it on uninstall', () => {
      const actions = Object.fromEntries(all('CustomAction').map((a) => [a.getAttribute('Id'), a]));
      const register = actions.AupKioskRegisterService;
      expect(register.getAttribute('Impersonate')).toBe('no');
      expect(register.getAttribute('ExeCommand')).toBe(
        '"[System64Folder]cmd.exe" /c ""[System64Folder]schtasks.exe" /Create /TN "\\AUP Kiosk\\Service" /XML "[APPLICATIONFOLDER]resources\\machine-service\\service-task.xml" /F && "[System64Folder]schtasks.exe" /Run /TN "\\AUP Kiosk\\Service""',
      );
      expect(actions.AupKioskRemoveService.getAttribute('ExeCommand')).toContain('/End /TN "\\AUP Kiosk\\Service"');
      expect(actions.AupKioskRemoveService.getAttribute('ExeCommand')).toContain('/Delete /TN "\\AUP Kiosk\\Service" /F');
      const conditions = Object.fromEntries(all('Custom').map((c) => [c.getAttribute('Action'), c.textContent]));
      expect(conditions.AupKioskRegisterService).toBe('NOT (REMOVE~="ALL")');
      expect(conditions.AupKioskRemoveService).toBe('REMOVE~="ALL" AND NOT UPGRADINGPRODUCTCODE');
    });

    it('gives each version a product code of its own, the same at every build of it (the template says Id="*": a new random one each build)', () => {
      expect(wxs).toContain('<Product Id="*"');
      const product = all('Product')[0];
      expect(product.getAttribute('Id')).toBe(hook.productCodeFor('0.1.0.0', config.msi.upgradeCode));
      expect(product.getAttribute('Id')).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
      expect(product.getAttribute('UpgradeCode')).toBe(config.msi.upgradeCode);
      expect(product.getAttribute('Version')).toBe('0.1.0.0');
      expect(hook.productCodeFor('0.1.1.0', config.msi.upgradeCode)).not.toBe(product.getAttribute('Id'));
    });

    it('CONFIGFILE=<path> copies that file to %ProgramData%\\AUP Kiosk\\config.json before the tasks start, with cmd (no script host)', () => {
      const property = all('Property').find((p) => p.getAttribute('Id') === 'CONFIGFILE');
      expect(property.getAttribute('Secure')).toBe('yes'); // passed from msiexec's command line to the elevated install
      const action = all('CustomAction').find((a) => a.getAttribute('Id') === 'AupKioskInstallConfig');
      expect(action.getAttribute('Execute')).toBe('deferred');
      expect(action.getAttribute('Impersonate')).toBe('no');
      expect(action.getAttribute('Return')).toBe('check'); // a path that cannot be read fails the install
      expect(action.getAttribute('ExeCommand')).toBe('"[System64Folder]cmd.exe" /c copy /y "[CONFIGFILE]" "[AUPKIOSKMACHINE]config.json"');
      const custom = all('Custom').find((c) => c.getAttribute('Action') === 'AupKioskInstallConfig');
      expect(custom.getAttribute('After')).toBe('CreateFolders');
      expect(custom.textContent).toBe('CONFIGFILE AND NOT (REMOVE~="ALL")');
      expect(hook.CONFIG_PROPERTY).toBe('CONFIGFILE');
    });

    it('runs no PowerShell (WDAC/AppLocker script enforcement puts it in Constrained Language Mode)', () => {
      expect(patched.toLowerCase()).not.toContain('powershell');
      expect(patched).not.toContain('.ps1');
    });

    it('applies once, and refuses a template whose shape it does not know', () => {
      expect(hook.addMachineParts(patched)).toBe(patched);
      expect(() => hook.addMachineParts('<Wix><Product></Product></Wix>')).toThrow(/expected shape/);
      expect(() => hook.addMachineParts(wxs.replace('Id="*"', 'Id="{00000000-0000-0000-0000-000000000000}"'))).toThrow(/expected shape/);
    });
  });
});

describe('macOS: a PKG with the LaunchAgent, and a DMG', () => {
  it('builds both, universal, hardened, and installs only into /Applications', () => {
    expect(config.mac.target.map((t: any) => t.target).sort()).toEqual(['dmg', 'pkg']);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.pkg).toMatchObject({ installLocation: '/Applications', isRelocatable: false, allowCurrentUserHome: false });
  });

  it('the PKG runs build/pkg-scripts/postinstall, which is executable and installs the LaunchAgent', () => {
    const script = path.join(REPO, config.directories.buildResources, config.pkg.scripts, 'postinstall');
    expect(existsSync(script)).toBe(true);
    expect(executable(script)).toBe(true);
    expect(readFileSync(script, 'utf8')).toMatch(/^#!\/bin\/sh\n/);
  });
});

describe('Linux: a deb', () => {
  it('builds a deb whose scripts exist and are executable', () => {
    expect(config.linux.target).toEqual([{ target: 'deb', arch: ['x64'] }]);
    for (const script of [config.deb.afterInstall, config.deb.afterRemove, 'build/linux/aup']) {
      expect(executable(path.join(REPO, script)), script).toBe(true);
    }
  });

  it('the deb scripts use only the names electron-builder fills in (it fails the build on any other ${name})', () => {
    for (const script of [config.deb.afterInstall, config.deb.afterRemove]) {
      const names = [...readFileSync(path.join(REPO, script), 'utf8').matchAll(/\${([a-zA-Z]+)}/g)].map((m) => m[1]);
      expect(new Set(names)).toEqual(new Set(['sanitizedProductName', 'executable']));
    }
  });
});

describe('what goes into the package', () => {
  it('the app starts from the built main process, which electron-vite writes there', () => {
    expect(config.extraMetadata.main).toBe('out/main/index.js');
    const vite = readFileSync(path.join(REPO, 'electron.vite.config.ts'), 'utf8');
    expect(vite).toContain("outDir: 'out/main'");
    expect(config.files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']));
  });

  it("the main process's runtime dependencies are shipped: dependencies of the app, not left out of the package", async () => {
    const { MAIN_EXTERNALS } = await import('../../../electron.vite.config.ts');
    const excluded = config.files
      .filter((f: string) => f.startsWith('!node_modules/{'))
      .flatMap((f: string) => f.slice('!node_modules/{'.length, f.indexOf('}')).split(','));
    for (const name of MAIN_EXTERNALS.filter((n) => n !== 'electron')) {
      expect(pkg.dependencies, name).toHaveProperty(name);
      expect(excluded, name).not.toContain(name);
    }
    // What electron-builder leaves out is not needed by the main process.
    for (const name of excluded) expect(MAIN_EXTERNALS).not.toContain(name);
  });

  it.skipIf(!existsSync(path.join(REPO, 'out/main/index.js')))(
    'the built main process imports nothing but Node, Electron and those dependencies',
    async () => {
      const { MAIN_EXTERNALS } = await import('../../../electron.vite.config.ts');
      const built = readdirSync(path.join(REPO, 'out/main'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFileSync(path.join(REPO, 'out/main', f), 'utf8'))
        .join('\n');
      const imported = new Set([...built.matchAll(/^import [^;]*?from ["']([^"'.][^"']*)["']/gm)].map((m) => m[1]!));
      for (const name of imported) {
        if (name.startsWith('node:')) continue;
        expect(
          MAIN_EXTERNALS.some((e) => name === e || name.startsWith(`${e}/`)),
          name,
        ).toBe(true);
      }
    },
  );

  it('the policy documents and the SQL migrations go beside app.asar, where the main process looks (app-paths.ts); the demo roster does not ship', () => {
    const resources = '/opt/AUP Kiosk/resources';
    const paths = appPaths({ packaged: true, mainDir: path.join(resources, 'app.asar/out/main'), resourcesPath: resources });
    const shipped = new Map((config.extraResources as { from: string; to: string }[]).map((r) => [path.join(resources, r.to), r.from]));
    for (const where of [paths.policies, paths.migrations]) {
      const from = shipped.get(where);
      expect(from, where).toBeDefined();
      expect(existsSync(path.join(REPO, from!)), from).toBe(true);
    }
    const everything = [config.extraResources, config.win.extraResources, config.mac.extraResources, config.linux.extraResources].flat();
    expect(everything.map((r: { from: string }) => r.from).filter((f: string) => f.includes('demo'))).toEqual([]);
  });

  it('each installer ships the machine service and what registers it, from the files the service plan generates', () => {
    for (const [platform, os] of [
      ['win', 'win32'],
      ['mac', 'darwin'],
      ['linux', 'linux'],
    ] as const) {
      const resources = Object.fromEntries((config[platform].extraResources as { from: string; to: string }[]).map((r) => [r.to, r.from]));
      expect(resources['machine-service']).toBe(`build/machine-service/${os}`);
      expect(resources.service).toMatch(/^out\/service\//);
      for (const file of servicePlan(os).files) expect(existsSync(path.join(REPO, resources['machine-service']!, file.name)), file.name).toBe(true);
    }
  });

  it("Electron's fuses: no RunAsNode, no NODE_OPTIONS or --inspect, encrypted cookies, ASAR integrity, only the ASAR", () => {
    expect(config.asar).toBe(true);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('the icon is one 1024-pixel PNG with transparency, made from assets/icon.svg', () => {
    const png = readFileSync(path.join(REPO, config.icon));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
    expect(png[25]).toBe(6); // colour type 6: RGBA
    expect(statSync(path.join(REPO, 'assets/icon.svg')).isFile()).toBe(true);
  });

  it('npm run dist:win | dist:mac | dist:linux build everything first (the machine service too) and use this config', () => {
    for (const [script, flag, target] of [
      ['dist:win', '--win', 'win-x64'],
      ['dist:mac', '--mac', 'darwin'],
      ['dist:linux', '--linux', 'linux-x64'],
    ]) {
      expect(pkg.scripts[script!]).toBe(
        `npm run build:renderer && npm run build:electron && npm run build:service -- --target ${target} && electron-builder --config build/electron-builder.config.cjs ${flag}`,
      );
      // the service executable lands where the installer takes it from
      const resources = [config.win, config.mac, config.linux].flatMap((p: { extraResources: { from: string; to: string }[] }) => p.extraResources);
      expect(resources.some((r: { from: string; to: string }) => r.from === `out/service/${target}` && r.to === 'service')).toBe(true);
      expect(pkg.scripts[script!]).toContain(flag);
    }
  });
});
