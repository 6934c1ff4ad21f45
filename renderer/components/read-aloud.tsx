// Read-aloud. A document the catalog ships a recording of (the K-5 summary and safety rules, issue
// 14) plays that recording: no voice need be installed, and it is the same sound on every machine.
// Otherwise the Web Speech API reads it, in a voice of the document's language (an English voice
// reading Spanish helps nobody). Where neither exists, one line says why read-aloud is not offered.
// Hearing the text to its end counts as having reached the end, like scrolling there. The recording
// comes from the page's own origin by its hash (`/audio/<sha256>.opus`); one the kiosk will not serve
// (its file changed on disk, or the catalog no longer lists it) counts as no recording.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { PolicyAudioView } from '../../electron/core/api/contract.ts';
import { SpeakerIcon } from './icons.tsx';
import './read-aloud.css';

function voiceFor(language: string): SpeechSynthesisVoice | null {
  if (typeof speechSynthesis === 'undefined') return null;
  const base = language.toLowerCase().split('-')[0] ?? language;
  const voices = speechSynthesis.getVoices().filter((v) => v.lang.toLowerCase().replace('_', '-').split('-')[0] === base);
  return voices.find((v) => v.localService) ?? voices[0] ?? null;
}

/** The voice for `language`, updated when the browser finishes loading its voices. */
function useVoice(language: string): SpeechSynthesisVoice | null {
  const [voice, setVoice] = useState(() => voiceFor(language));
  useEffect(() => {
    setVoice(voiceFor(language));
    if (typeof speechSynthesis === 'undefined') return;
    const update = () => setVoice(voiceFor(language));
    speechSynthesis.addEventListener('voiceschanged', update);
    return () => speechSynthesis.removeEventListener('voiceschanged', update);
  }, [language]);
  return voice;
}

/** Recordings the page could not load (404: changed on disk, not listed), by hash, for as long as the page lives. */
const unplayable = new Set<string>();
const unplayableListeners = new Set<() => void>();
function markUnplayable(sha256: string) {
  if (unplayable.has(sha256)) return;
  unplayable.add(sha256);
  for (const listener of unplayableListeners) listener();
}
function subscribeUnplayable(listener: () => void) {
  unplayableListeners.add(listener);
  return () => void unplayableListeners.delete(listener);
}

/** The target's recording, unless the page could not load it. */
function usePlayable(audio: PolicyAudioView | undefined): PolicyAudioView | undefined {
  useSyncExternalStore(subscribeUnplayable, () => unplayable.size); // drawn again when one fails
  return audio && !unplayable.has(audio.sha256) ? audio : undefined;
}

/** What is read aloud: the text's words (in blocks), in its language, and its recording if it has one. */
export interface ReadAloudTarget {
  language: string;
  audio?: PolicyAudioView | undefined;
  /** A plain-words summary (issue 14): the button says it plays the short version. */
  summary?: boolean;
}

/**
 * How a screen may be heard, for the hints that mention listening: `summary` (the short version's
 * recording or voice), `aloud` (the text itself), `silent` (read-aloud is not offered: no hint of it).
 * Used as an i18next context (`policy.readToEnd_summary`, `policy.readToEnd_silent`).
 */
export function useListening(target: ReadAloudTarget): 'summary' | 'aloud' | 'silent' {
  const voice = useVoice(target.language);
  const audio = usePlayable(target.audio);
  if (!audio && !voice) return 'silent';
  return target.summary ? 'summary' : 'aloud';
}

export function ReadAloud({ chunks, target, onFinished }: { chunks: string[]; target: ReadAloudTarget; onFinished(): void }) {
  const { t, i18n } = useTranslation();
  const voice = useVoice(target.language);
  const audio = usePlayable(target.audio);
  if (audio) return <Recording audio={audio} summary={target.summary ?? false} onFinished={onFinished} />;
  if (voice) return <Speech chunks={chunks} voice={voice} summary={target.summary ?? false} onFinished={onFinished} />;
  let language = target.language;
  try {
    language = new Intl.DisplayNames([i18n.language], { type: 'language' }).of(target.language) ?? target.language;
  } catch {
    // an unknown code is said as it is
  }
  return (
    <p className="read-aloud-none" lang={i18n.language}>
      {t('policy.readAloudNone', { language })}
    </p>
  );
}

type PlayState = 'idle' | 'playing' | 'paused' | 'ended';

/** The shipped recording: one button that plays and pauses it, and says which it is doing. */
function Recording({ audio, summary, onFinished }: { audio: PolicyAudioView; summary: boolean; onFinished(): void }) {
  const { t } = useTranslation();
  const player = useRef<HTMLAudioElement>(null);
  const [state, setState] = useState<PlayState>('idle');
  const finished = useRef(onFinished);
  finished.current = onFinished;

  // Another recording (language, version) starts over.
  useEffect(() => setState('idle'), [audio.sha256]);

  const toggle = () => {
    const el = player.current;
    if (!el) return;
    if (state === 'playing') el.pause();
    else void el.play().catch(() => setState('paused'));
  };
  const label =
    state === 'playing'
      ? t('policy.pauseRecording')
      : state === 'paused'
        ? t('policy.resumeRecording')
        : summary
          ? t('policy.listenSummary')
          : t('policy.listen');
  return (
    <>
      <button type="button" className="tool read-aloud" data-state={state} onClick={toggle}>
        <SpeakerIcon />
        <span>{label}</span>
      </button>
      <audio
        ref={player}
        key={audio.sha256}
        className="read-aloud-recording"
        src={audio.src}
        preload="auto"
        onPlaying={() => setState('playing')}
        onPause={(e) => {
          if (!e.currentTarget.ended) setState('paused');
        }}
        onEnded={() => {
          setState('ended');
          finished.current();
        }}
        // Not served (404) or not playable: the screen offers the voice instead, or says why there is none.
        onError={() => markUnplayable(audio.sha256)}
      />
      <span className="visually-hidden" role="status">
        {state === 'playing' ? t('policy.playing') : state === 'ended' ? t('policy.played') : ''}
      </span>
    </>
  );
}

/** The machine's speech voice, one block at a time. */
function Speech({ chunks, voice, summary, onFinished }: { chunks: string[]; voice: SpeechSynthesisVoice; summary: boolean; onFinished(): void }) {
  const { t } = useTranslation();
  const [reading, setReading] = useState(false);
  const run = useRef(0);

  // Stop when the document or the screen changes.
  useEffect(() => {
    return () => {
      run.current += 1;
      if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
    };
  }, [chunks, voice]);

  if (chunks.length === 0) return null;

  const stop = () => {
    run.current += 1;
    speechSynthesis.cancel();
    setReading(false);
  };

  const start = () => {
    speechSynthesis.cancel();
    const mine = ++run.current;
    setReading(true);
    // One utterance per block: long utterances are cut off by some engines, and a block is a natural pause.
    const speak = (i: number) => {
      if (run.current !== mine) return;
      if (i >= chunks.length) {
        setReading(false);
        onFinished();
        return;
      }
      const utterance = new SpeechSynthesisUtterance(chunks[i]);
      utterance.lang = voice.lang;
      utterance.voice = voice;
      utterance.onend = () => speak(i + 1);
      utterance.onerror = () => {
        if (run.current === mine) setReading(false);
      };
      speechSynthesis.speak(utterance);
    };
    speak(0);
  };

  return (
    <button type="button" className="tool read-aloud" onClick={reading ? stop : start}>
      <SpeakerIcon />
      <span>{reading ? t('policy.stopReading') : summary ? t('policy.listenSummary') : t('policy.readAloud')}</span>
    </button>
  );
}
