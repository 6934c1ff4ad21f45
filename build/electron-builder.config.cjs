// electron-builder: the installers a district deploys. `npm run dist:win | dist:mac | dist:linux`.
//   Windows  MSI, per machine, silent (msiexec /i "AUP Kiosk.msi" /qn), upgrades in place (stable
//            upgradeCode); creates %ProgramData%\AUP Kiosk with locked-down permissions, the machine
//            service (a SYSTEM task at boot) and the sign-in Scheduled Task (build/msi-project-created.cjs)
//   macOS    PKG (what Jamf and other MDM tools deploy) with the service's LaunchDaemon and the
//            screens' LaunchAgent, and a DMG to try it
//   Linux    deb, with the service's systemd unit and an XDG autostart entry for the screens
// tests/unit/shell/electron-builder-config.test.ts checks this file against electron-builder's own
// schema and the promises above. docs/deployment.md is the technician's side of the same story.
'use strict';
// electron-builder loads its config as CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { msiProjectCreated } = require('./msi-project-created.cjs');

/** Never change it: Windows Installer recognises a newer AUP Kiosk as the same product by this code. */
const MSI_UPGRADE_CODE = 'AFADAF27-7BCC-4D28-8AC6-A5C706BE61EA';

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.aupkiosk.kiosk',
  productName: 'AUP Kiosk',
  copyright: 'AUP Kiosk contributors, MIT License',
  directories: { output: 'dist', buildResources: 'build' },
  // package.json has no "main" for the packaged app to start from: the built main process is it.
  extraMetadata: { main: 'out/main/index.js' },
  // Only what runs: the built main process, preload and renderer. electron-builder adds the packages
  // of package.json's `dependencies` (what out/main loads: MAIN_EXTERNALS) and never devDependencies,
  // where the renderer's libraries (already in its bundle) and the build tools are.
  files: ['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json'],
  // The policy documents beside app.asar, where core finds them (electron/core/shell/app-paths.ts):
  // a district can read what the kiosk shows. Not the demo: its roster's PINs are in the README.
  extraResources: [
    { from: 'assets/policies', to: 'policies' },
    // `aup db migrate` from the installed app reads these (electron/core/central/admin-role/migrate.ts).
    { from: 'electron/core/central/admin-role/migrations', to: 'migrations' },
  ],
  icon: 'assets/icon.png',
  asar: true,
  // Electron's fuses (https://www.electronjs.org/docs/latest/tutorial/fuses): the executable is the
  // kiosk and nothing else, even in a student's hands.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },

  win: {
    target: [{ target: 'msi', arch: ['x64'] }],
    requestedExecutionLevel: 'asInvoker',
    extraResources: [
      { from: 'build/autostart/win32', to: 'autostart' },
      // The machine service: its single executable (npm run build:service -- --target win-x64) and its task.
      { from: 'out/service/win-x64', to: 'service' },
      { from: 'build/machine-service/win32', to: 'machine-service' },
    ],
    // `aup.cmd …` in the install folder: the CLI with its output and exit code in cmd and PowerShell.
    extraFiles: [{ from: 'build/win/aup.cmd', to: 'aup.cmd' }],
  },
  msi: {
    oneClick: true,
    perMachine: true,
    upgradeCode: MSI_UPGRADE_CODE,
    // A lab PC is installed by SYSTEM: nothing to run after, no shortcut a student needs.
    runAfterFinish: false,
    createDesktopShortcut: false,
    createStartMenuShortcut: false,
    warningsAsErrors: true,
  },
  msiProjectCreated,

  mac: {
    target: [
      { target: 'pkg', arch: ['universal'] },
      { target: 'dmg', arch: ['universal'] },
    ],
    category: 'public.app-category.education',
    hardenedRuntime: true,
    extraResources: [
      { from: 'build/autostart/darwin', to: 'autostart' },
      // The machine service: its single executable (built and signed on a Mac) and its LaunchDaemon.
      { from: 'out/service/darwin', to: 'service' },
      { from: 'build/machine-service/darwin', to: 'machine-service' },
    ],
    extendInfo: { LSMultipleInstancesProhibited: true },
  },
  pkg: {
    installLocation: '/Applications',
    // The LaunchAgent names /Applications/AUP Kiosk.app: the app must land there, not wherever
    // another copy with the same bundle id happens to be.
    isRelocatable: false,
    allowAnywhere: false,
    allowCurrentUserHome: false,
    allowRootDirectory: true,
    overwriteAction: 'upgrade',
    scripts: 'pkg-scripts',
  },
  dmg: { title: 'AUP Kiosk ${version}' },

  linux: {
    target: [{ target: 'deb', arch: ['x64'] }],
    executableName: 'aup-kiosk',
    category: 'Education',
    maintainer: 'AUP Kiosk contributors <aup-kiosk@users.noreply.github.com>',
    synopsis: 'Acceptable Use Policy kiosk for school computer labs',
    extraResources: [
      { from: 'build/autostart/linux', to: 'autostart' },
      // The machine service: its single executable (npm run build:service) and its systemd unit.
      { from: 'out/service/linux-x64', to: 'service' },
      { from: 'build/machine-service/linux', to: 'machine-service' },
    ],
    extraFiles: [{ from: 'build/linux/aup', to: 'aup' }],
  },
  deb: {
    afterInstall: 'build/linux/after-install.sh',
    afterRemove: 'build/linux/after-remove.sh',
    recommends: ['acl'],
  },
};
