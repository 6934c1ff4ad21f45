#!/usr/bin/env node
// Makes the read-aloud recordings of the bundled catalog (issue 14): every document a K-5 student
// is shown — the plain-words summaries and the elementary Internet Safety rules — spoken by
// espeak-ng and encoded as Opus in Ogg (16 kb/s mono, which Chromium plays), written beside the
// text and listed in catalog.json with its SHA-256, like the text. Run once when a text changes:
//   apt-get install espeak-ng opus-tools && node scripts/make-audio.mjs
// The recordings are committed, so CI and an installed kiosk need no synthesiser and no voice.
// A text already recorded (the same bytes in another version) shares one recording.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const folder = process.argv[2] ? path.resolve(process.argv[2]) : path.join(root, 'assets/policies');
const catalogFile = path.join(folder, 'catalog.json');

/** espeak-ng voices: US English; Latin American Spanish, nearest to Texas usage. */
const VOICES = { en: 'en-us', es: 'es-419' };
/** Words a minute: slower than espeak's 175 for young listeners. */
const SPEED = '145';

/** Which documents get a recording: what the elementary band is shown, summaries and safety rules. */
const recorded = (policy) => ['summary', 'safety-rules'].includes(policy.kind) && (policy.audience.gradeBands ?? []).includes('elementary');

/** What is spoken: the Markdown's words, each heading and list item its own sentence. */
export function spokenText(markdown) {
  return markdown
    .split(/\r?\n/)
    .map((line) =>
      line
        .replace(/^\s*(#+|[-*+]|\d+\.)\s+/, '')
        .replace(/[*_`]/g, '')
        .trim(),
    )
    .filter(Boolean)
    .map((line) => (/[.!?:;]$/.test(line) ? line : `${line}.`))
    .join('\n');
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function need(command) {
  try {
    execFileSync(command, ['--help'], { stdio: 'ignore' });
  } catch (error) {
    if (error.code === 'ENOENT') {
      console.error(`make-audio: ${command} is not installed (apt-get install espeak-ng opus-tools)`);
      process.exit(1);
    }
  }
}

need('espeak-ng');
need('opusenc');
const catalog = JSON.parse(readFileSync(catalogFile, 'utf8'));
const work = mkdtempSync(path.join(tmpdir(), 'make-audio-'));
const byText = new Map(); // text SHA-256 + language → { file, sha256 }
let made = 0;
try {
  for (const policy of catalog.policies) {
    if (!recorded(policy)) continue;
    // Newest first, so a recording shared by versions is named after the newest one.
    for (const version of [...policy.versions].sort((a, b) => (a.effective < b.effective ? 1 : -1))) {
      for (const [language, document] of Object.entries(version.documents)) {
        const voice = VOICES[language];
        if (!voice) {
          console.error(`make-audio: no espeak-ng voice chosen for "${language}" (${policy.id} ${version.version}); add one to VOICES`);
          process.exit(1);
        }
        const text = readFileSync(path.join(folder, document.file));
        if (sha256(text) !== document.sha256) {
          console.error(`make-audio: ${document.file} does not match its sha256 in catalog.json; fix the text's hash first`);
          process.exit(1);
        }
        const key = `${document.sha256} ${language}`;
        let audio = byText.get(key);
        if (!audio) {
          const file = document.file.replace(/\.md$/, '.opus');
          const wav = path.join(work, 'speech.wav');
          const textFile = path.join(work, 'speech.txt');
          writeFileSync(textFile, spokenText(text.toString('utf8')));
          execFileSync('espeak-ng', ['-v', voice, '-s', SPEED, '-f', textFile, '-w', wav]);
          // A fixed stream serial and no encoder comment: the same text makes the same bytes.
          execFileSync('opusenc', [
            '--quiet',
            '--bitrate',
            '16',
            '--downmix-mono',
            '--serial',
            '1',
            '--discard-comments',
            wav,
            path.join(folder, file),
          ]);
          const bytes = readFileSync(path.join(folder, file));
          audio = { file, sha256: sha256(bytes) };
          byText.set(key, audio);
          made += 1;
          console.log(`${file}  ${bytes.length} bytes`);
        }
        document.audio = audio;
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
writeFileSync(catalogFile, JSON.stringify(catalog, null, 2) + '\n');
console.log(`make-audio: ${made} recordings, catalog.json updated`);
