#!/usr/bin/env node
// Writes what the installers register, from the plans in core: build/autostart/<platform>/ (the kiosk
// at every sign-in: electron/core/shell/autostart-plan.ts) and build/machine-service/<platform>/ (the
// machine service at boot: electron/core/machine/service-plan.ts). The files are committed so a
// technician can read what is installed; tests fail when they differ from what the plans generate
// (run `node build/write-autostart.mjs` then).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

const { autostartPlan, AUTOSTART_PLATFORMS, committedBytes } = await tsImport('../electron/core/shell/autostart-plan.ts', import.meta.url);
const { servicePlan } = await tsImport('../electron/core/machine/service-plan.ts', import.meta.url);
for (const [folderName, plan] of [
  ['autostart', autostartPlan],
  ['machine-service', servicePlan],
]) {
  for (const platform of AUTOSTART_PLATFORMS) {
    const folder = path.join(import.meta.dirname, folderName, platform);
    mkdirSync(folder, { recursive: true });
    // Files an earlier plan had (the PowerShell registration scripts) go: the installers ship the folder.
    for (const gone of ['register-task.ps1', 'register-service.ps1']) rmSync(path.join(folder, gone), { force: true });
    for (const file of plan(platform).files) {
      // Task Scheduler wants Windows line endings, and `schtasks /Create /XML` a UTF-16 file with a byte
      // order mark (what Task Scheduler itself exports); launchd, systemd and XDG want UTF-8, Unix lines.
      const text = platform === 'win32' ? file.text.replace(/\r?\n/g, '\r\n') : file.text;
      writeFileSync(path.join(folder, file.name), committedBytes(platform, file.name, text));
      console.log(`wrote build/${folderName}/${platform}/${file.name}`);
    }
  }
}
