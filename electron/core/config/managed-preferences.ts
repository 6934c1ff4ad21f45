// macOS: the machine config pushed as a configuration profile (Jamf, Kandji, Mosyle), which is how a
// Mac fleet is configured. A profile with a com.apple.ManagedClient.preferences payload for the domain
// org.aupkiosk.kiosk (build/macos/aup-kiosk-config.mobileconfig) makes macOS write
// /Library/Managed Preferences/org.aupkiosk.kiosk.plist, root's, with config.json's keys. Where that
// file is present it IS the machine config: the MDM is the authority on a managed Mac, and two sources
// merged key by key would leave a technician guessing which value won. config.json beside it is then
// not read (the service and `aup config validate` say so). Relative paths in it are read from the
// machine folder, /Library/Application Support/AUP Kiosk, where the secrets stay (a profile is
// readable by every user: never a password in it).
// macOS writes the file as a binary property list: it is read with Apple's own plutil, which converts
// binary and XML alike to JSON, and refuses what JSON cannot hold (a date, data) with its own message.
import { execFile } from 'node:child_process';
import path from 'node:path';

/** The preference domain: the app's id, the PayloadContent key of the profile's payload. */
export const MANAGED_DOMAIN = 'org.aupkiosk.kiosk';
export const MANAGED_PREFERENCES_FOLDER = '/Library/Managed Preferences';

/** Where macOS puts the domain's machine-wide managed preferences (`root`: a prefix, for tests). */
export function managedPreferencesFile(root = '/'): string {
  return path.posix.join(root, MANAGED_PREFERENCES_FOLDER, `${MANAGED_DOMAIN}.plist`);
}

/** A property list rather than JSON: read through a PlistReader. */
export const isPropertyList = (file: string): boolean => path.extname(file).toLowerCase() === '.plist';

/** Turns a property list file into JSON text; rejects with a sentence saying why it cannot. */
export type PlistReader = (file: string) => Promise<string>;

/** Apple's plutil (every Mac has it; no other OS does). */
export const plutilJson: PlistReader = (file) =>
  new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/plutil',
      ['-convert', 'json', '-o', '-', '--', file],
      { encoding: 'utf8', timeout: 10_000, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const said = (stderr || error.message).trim().replace(/\s+/g, ' ');
        reject(new Error(`${said} (a managed preference may hold only text, numbers, true/false, arrays and dictionaries)`));
      },
    );
  });
