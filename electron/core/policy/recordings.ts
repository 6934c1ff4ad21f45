// The catalog's read-aloud recordings, named by their SHA-256 (docs/design.md "Policy catalog"): the
// view carries `/audio/<sha256>.opus` (api/contract.ts PolicyAudioView), not the bytes, and each
// transport (the loopback bridge, Electron's aup://) answers that path from here. Only a recording the
// loaded catalog lists is found, read from its own file at the moment it is asked for and served only
// if those bytes still hash to the catalog's value: an unknown hash, any other path or a file changed
// on disk since the catalog was loaded is "not found".
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex, type Catalog, type LoadedAudio } from './catalog.ts';

/** Where recordings live on every transport's origin: `/audio/<sha256><ext>`. */
export const RECORDINGS_PATH = '/audio/';

const RECORDING_PATH = /^\/audio\/([0-9a-f]{64})(\.[a-z0-9]{1,8})$/;

/** The URL path of a recording, resolved against the kiosk page's origin (aup://kiosk, http://127.0.0.1:PORT). */
export function recordingPath(audio: Pick<LoadedAudio, 'sha256' | 'file'>): string {
  return `${RECORDINGS_PATH}${audio.sha256}${path.extname(audio.file).toLowerCase()}`;
}

/** The hash a request path names (`/audio/<64 hex><ext>`), or null for any other path. */
export function parseRecordingPath(pathname: string): { sha256: string; ext: string } | null {
  const m = RECORDING_PATH.exec(pathname);
  return m ? { sha256: m[1]!, ext: m[2]! } : null;
}

interface Listed {
  /** Absolute path of the recording inside the catalog folder. */
  file: string;
  ext: string;
  type: string;
}

/** The recordings one loaded catalog ships, by hash. */
export interface RecordingIndex {
  readonly size: number;
  /** The checked bytes of the recording `/audio/<sha256><ext>` names, or null (not listed, unreadable, or changed on disk). */
  read(sha256: string, ext: string): Promise<Recording | null>;
}

export interface Recording {
  sha256: string;
  /** The media type, from the file's extension (catalog.ts AUDIO_TYPES). */
  type: string;
  bytes: Buffer;
}

/** An index of no recordings (a kiosk with a config error, or before its catalog is loaded). */
export const NO_RECORDINGS: RecordingIndex = { size: 0, read: () => Promise.resolve(null) };

/** Every recording of every version and language in `catalog`, by its SHA-256. */
export function recordingsOf(catalog: Catalog): RecordingIndex {
  const listed = new Map<string, Listed>();
  const folder = path.resolve(catalog.folder);
  for (const policy of catalog.policies)
    for (const version of policy.versions)
      for (const document of version.documents.values()) {
        const audio = document.audio;
        if (audio)
          listed.set(audio.sha256, { file: path.resolve(folder, audio.file), ext: path.extname(audio.file).toLowerCase(), type: audio.type });
      }
  return {
    size: listed.size,
    async read(sha256, ext) {
      const entry = listed.get(sha256);
      if (!entry || entry.ext !== ext) return null;
      let bytes: Buffer;
      try {
        bytes = await readFile(entry.file);
      } catch {
        return null;
      }
      return sha256Hex(bytes) === sha256 ? { sha256, type: entry.type, bytes } : null;
    },
  };
}
