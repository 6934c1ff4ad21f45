#!/usr/bin/env node
// Writes what the installers register, from the plans in core: build/autostart/<platform>/ (the kiosk
// at every sign-in: electron/core/shell/autostart-plan.ts) and build/machine-service/<platform>/ (the
// machine service at boot: electron/core/machine/service-plan.ts). The files are committed so a
// technician can read what is installed; tests fail when they differ from what the plans generate
// (run `node build/write-autostart.mjs` then).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

const { autostartPlan, AUTOSTART_PLATFORMS } = await tsImport('../electron/core/shell/autostart-plan.ts', import.meta.url);
const { servicePlan } = await tsImport('../electron/core/machine/service-plan.ts', import.meta.url);
for (const [folderName, plan] of [
  ['autostart', autostartPlan],
  ['machine-service', servicePlan],
]) {
  for (const platform of AUTOSTART_PLATFORMS) {
    const folder = path.join(import.meta.dirname, folderName, platform);
    mkdirSync(folder, { recursive: true });
    for (const file of plan(platform).files) {
      // PowerShell and Task Scheduler want Windows line endings; launchd, systemd and XDG, Unix ones.
      const text = platform === 'win32' ? file.text.replace(/\r?\n/g, '\r\n') : file.text;
      writeFileSync(path.join(folder, file.name), text);
      console.log(`wrote build/${folderName}/${platform}/${file.name}`);
    }
  }
}
