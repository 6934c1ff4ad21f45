#!/usr/bin/env node
// Writes build/autostart/<platform>/ from electron/core/shell/autostart-plan.ts: the Scheduled Task,
// the LaunchAgent and the XDG autostart entry the installers ship. The files are committed so a
// technician can read what is installed; tests/unit/shell/autostart-plan.test.ts fails when they
// differ from what the plan generates (run `node build/write-autostart.mjs` then).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

const { autostartPlan, AUTOSTART_PLATFORMS } = await tsImport('../electron/core/shell/autostart-plan.ts', import.meta.url);
for (const platform of AUTOSTART_PLATFORMS) {
  const folder = path.join(import.meta.dirname, 'autostart', platform);
  mkdirSync(folder, { recursive: true });
  for (const file of autostartPlan(platform).files) {
    // PowerShell and Task Scheduler want Windows line endings; launchd and XDG, Unix ones.
    const text = platform === 'win32' ? file.text.replace(/\r?\n/g, '\r\n') : file.text;
    writeFileSync(path.join(folder, file.name), text);
    console.log(`wrote build/autostart/${platform}/${file.name}`);
  }
}
