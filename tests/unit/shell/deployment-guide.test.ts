// What docs/deployment.md tells a technician to type, checked against what the build really makes:
// the MSI's file name (electron-builder's own name pattern and macro expander), the upgrade and
// product codes (the builder config and the MSI hook), the uninstall lines, the Keyboard Filter
// script and the OS keys it blocks. A technician's command that fails (1619: no such .msi) is a bug.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { OS_RESERVED } from '../../../electron/core/shell/shortcut-filter.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(path.join(REPO, 'package.json'));
const config = require('./build/electron-builder.config.cjs');
const hook = require('./build/msi-project-created.cjs');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const guide = readFileSync(path.join(REPO, 'docs/deployment.md'), 'utf8');

/** electron-builder's Windows form of the version ("0.1.0" → "0.1.0.0"), by its own AppInfo method. */
function msiVersion(): string {
  const { AppInfo } = require('app-builder-lib/out/appInfo.js');
  return AppInfo.prototype.getVersionInWeirdWindowsForm.call({ version: pkg.version, buildNumber: undefined });
}

/** The MSI's file name as electron-builder makes it: MsiTarget's "beauty" pattern, the default arch left out. */
function msiFileName(): string {
  const packagerSource = readFileSync(require.resolve('app-builder-lib/out/platformPackager.js'), 'utf8');
  const beauty = /expandArtifactBeautyNamePattern\(targetSpecificOptions, ext, arch\) \{[^}]*?"(\$\{productName\}[^"]+)"/.exec(packagerSource);
  expect(beauty, "electron-builder's MSI name pattern").not.toBeNull();
  const msiSource = readFileSync(require.resolve('app-builder-lib/out/targets/MsiTarget.js'), 'utf8');
  expect(msiSource).toContain('packager.expandArtifactBeautyNamePattern(this.options, "msi", arch)');
  // No artifactName of our own anywhere that would take its place.
  expect([config.artifactName, config.win?.artifactName, config.msi?.artifactName]).toEqual([undefined, undefined, undefined]);
  const { expandMacro } = require('app-builder-lib/out/util/macroExpander.js');
  const { sanitizeFileName } = require('builder-util/out/filename.js');
  // x64 is Windows' default arch: electron-builder leaves it out of the name (skipDefaultArch).
  expect(config.win.target).toEqual([{ target: 'msi', arch: ['x64'] }]);
  return expandMacro(beauty![1], null, { sanitizedProductName: sanitizeFileName(config.productName), version: pkg.version }, { ext: 'msi' });
}

describe('the MSI a technician deploys', () => {
  it('its file name is the one the guide prints (a wrong one fails with 1619)', () => {
    const name = msiFileName();
    expect(name).toBe(`AUP Kiosk ${pkg.version}.msi`);
    expect(guide).toContain(`msiexec /i "${name}" /qn`);
    expect(guide).toContain(`msiexec /x "${name}" /qn`);
    expect(guide).not.toMatch(/AUP Kiosk-[0-9<][^"`]*\.msi/);
  });

  it('the upgrade code in the guide is the builder config’s', () => {
    expect(guide).toContain(`| upgrade code | \`{${config.msi.upgradeCode}}\``);
  });

  it('the product code in the guide is the one the MSI hook gives this version, and uninstalls without the .msi', () => {
    expect(msiVersion()).toBe(`${pkg.version}.0`);
    const code = hook.productCodeFor(msiVersion(), config.msi.upgradeCode);
    expect(guide).toContain(`| product code of ${pkg.version} | \`{${code}}\``);
    expect(guide).toContain(`msiexec /x {${code}} /qn`);
  });

  it('CONFIGFILE and the order to deploy in are documented', () => {
    expect(guide).toContain(`${hook.CONFIG_PROPERTY}="`);
    expect(guide).toMatch(/\*\*The order to deploy in:\*\*/);
    expect(guide).toContain('If the MSI lands first');
  });
});

describe('what only the OS can block, on Windows', () => {
  const script = readFileSync(path.join(REPO, 'build/windows/keyboard-filter.ps1'), 'utf8');

  it('"Switch user" is hidden by Hide entry points for Fast User Switching; NoWinKeys is not said to cover the Windows key or Win+L', () => {
    expect(guide).toContain('*Hide entry points for Fast User Switching*');
    expect(guide).toContain('`HideFastUserSwitching` = 1');
    expect(guide).toContain('`DisableLockWorkstation` = 1');
    expect(guide).not.toMatch(/remove Task Manager, Lock and Switch user from that screen/);
    expect(guide).toMatch(/`NoWinKeys`\) is not enough/);
  });

  it('the Keyboard Filter script sets the machine-wide WEKF_PredefinedKey rules for exactly the keys OS_RESERVED names', () => {
    expect(script).toContain("$Namespace = 'root\\standardcimv2\\embedded'");
    expect(script).toContain('-ClassName WEKF_PredefinedKey');
    const listed = /\$Keys = @\(([^)]*)\)/
      .exec(script)![1]!
      .match(/'([^']+)'/g)!
      .map((k) => k.slice(1, -1));
    const reserved = OS_RESERVED.win32.flatMap((r) => r.keyboardFilter ?? []);
    expect([...listed].sort()).toEqual([...reserved].sort());
    for (const id of ['Ctrl+Alt+Del', 'Windows', 'Win+L']) expect(listed).toContain(id);
    expect(guide).toContain('[`build/windows/keyboard-filter.ps1`](../build/windows/keyboard-filter.ps1)');
  });

  it('the script runs in Constrained Language Mode: cmdlets only, no .NET types, Add-Type, New-Object or COM', () => {
    const code = script.replace(/<#[\s\S]*?#>/, '');
    expect(code).not.toMatch(/\[System\.|\[Microsoft\.|Add-Type|New-Object|::/);
    expect(code).toMatch(/exit 3010/); // restart needed after turning the feature on
  });
});

describe('macOS', () => {
  it('the uninstall forgets the package receipt, by the PKG’s identifier (the app id)', () => {
    expect(guide).toContain(`sudo pkgutil --forget ${config.appId}`);
  });

  it('the guide points to both profiles and the managed preferences file', () => {
    expect(guide).toContain('build/macos/aup-kiosk-login-items.mobileconfig');
    expect(guide).toContain('build/macos/aup-kiosk-config.mobileconfig');
    expect(guide).toContain('/Library/Managed Preferences/org.aupkiosk.kiosk.plist');
    expect(guide).toContain('`com.apple.servicemanagement`');
  });
});
