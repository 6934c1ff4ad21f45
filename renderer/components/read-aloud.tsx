// Read-aloud with the Web Speech API, in a voice of the document's language. Where the machine has
// no such voice the button is not shown (an English voice reading Spanish helps nobody). Reading
// the document to its last block counts as having reached the end, like scrolling there.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SpeakerIcon } from './icons.tsx';

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

export function ReadAloud({ chunks, language, onFinished }: { chunks: string[]; language: string; onFinished(): void }) {
  const { t } = useTranslation();
  const voice = useVoice(language);
  const [reading, setReading] = useState(false);
  const run = useRef(0);

  // Stop when the document or the screen changes.
  useEffect(() => {
    return () => {
      run.current += 1;
      if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
    };
  }, [chunks, language]);

  if (!voice || chunks.length === 0) return null;

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
      <span>{reading ? t('policy.stopReading') : t('policy.readAloud')}</span>
    </button>
  );
}
