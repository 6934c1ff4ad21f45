// The policy to accept. Accept is enabled only once the reader reached the end of the text (or had
// it read aloud to the end). The acceptance names exactly the document shown: its id, version,
// language and SHA-256, so the kiosk can refuse if the text changed meanwhile (`stale-document`).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { useListening } from '../components/read-aloud.tsx';
import { Reader, readAloudTarget } from '../components/reader.tsx';
import { ReadToEndStatus, useReadToEnd } from '../components/read-to-end.tsx';
import { RefusalAlert } from '../components/refusal-alert.tsx';
import { sendIntent } from '../intents.ts';
import { useKiosk } from '../store.ts';

type PolicyView = Extract<KioskView, { kind: 'policy' }>;

export function PolicyScreen({ view }: { view: PolicyView }) {
  const { t } = useTranslation();
  const busy = useKiosk((s) => s.busy);
  const doc = view.document;
  const { reachedEnd, reached, tooEarly, pressedTooEarly } = useReadToEnd(doc);
  // K-5: the plain-words summary above the text; hearing it to the end counts (issue 14). Hints
  // mention listening only where read-aloud is offered.
  const listening = useListening(readAloudTarget(doc, view.summary));
  const [typedName, setTypedName] = useState('');
  const typed = view.signature === 'typed-name';
  // "Type your full name" marks the name field and sends focus back to it.
  const refusal = useKiosk((s) => s.refusal);
  const nameField = useRef<HTMLInputElement>(null);
  const nameRefused = refusal?.reason === 'name-required';
  useEffect(() => {
    if (refusal?.reason === 'name-required') nameField.current?.focus();
  }, [refusal]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!reachedEnd) return pressedTooEarly();
    const { policyId, version, sha256, language } = doc;
    void sendIntent((kiosk) => kiosk.acceptPolicy({ policyId, version, sha256, language, ...(typed ? { typedName } : {}) }));
  };

  return (
    <Frame context={view.context} screen="policy">
      <Reader
        screen="policy"
        document={doc}
        label={t('policy.documentLabel')}
        intro={<p className="intro">{t('policy.intro', { name: view.user.greetingName ?? view.user.displayName, context: listening })}</p>}
        onReachedEnd={reached}
        summary={view.summary}
      >
        <form className={`sign sign-${view.signature}`} onSubmit={submit} noValidate>
          <ReadToEndStatus
            id="accept-status"
            reachedEnd={reachedEnd}
            toRead={t('policy.readToEnd', { context: listening })}
            done={t('policy.reachedEnd')}
            tooEarly={tooEarly}
          />
          {typed && (
            <div className="field signature">
              <label htmlFor="typed-name">{t('policy.signatureLabel')}</label>
              <input
                id="typed-name"
                ref={nameField}
                name="typedName"
                type="text"
                autoComplete="off"
                spellCheck={false}
                value={typedName}
                aria-invalid={nameRefused}
                aria-describedby="typed-name-hint"
                onChange={(e) => setTypedName(e.target.value)}
              />
              <p id="typed-name-hint" className="hint">
                {t('policy.signatureHint')}
              </p>
            </div>
          )}
          <div className="accept">
            <button
              type="submit"
              className={typed ? 'primary' : 'primary agree'}
              aria-disabled={!reachedEnd || busy}
              aria-describedby="accept-status accept-hint"
            >
              {typed ? t('policy.accept') : t('policy.agree')}
            </button>
            <p id="accept-hint" className="hint">
              {typed ? t('policy.acceptHint') : t('policy.agreeHint', { context: listening })}
            </p>
          </div>
          <RefusalAlert />
        </form>
      </Reader>
    </Frame>
  );
}
