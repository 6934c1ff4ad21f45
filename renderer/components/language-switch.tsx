// The language choice on every screen a student sees. It asks the kiosk (`setLanguage`): the kiosk
// answers with a view in that language, policy text included. A refusal on screen stays, translated.
import { useTranslation } from 'react-i18next';
import type { ViewContext } from '../../electron/core/api/contract.ts';
import { sendIntent } from '../intents.ts';
import { useKiosk } from '../store.ts';
import { GlobeIcon } from './icons.tsx';

export function LanguageSwitch({ context }: { context: ViewContext }) {
  const { t } = useTranslation();
  const busy = useKiosk((s) => s.busy);
  if (context.languages.length < 2) return null;
  return (
    <div className="language-switch" role="group" aria-label={t('common.language')}>
      <GlobeIcon />
      {context.languages.map((choice) => {
        const current = choice.code === context.language;
        return (
          <button
            key={choice.code}
            type="button"
            lang={choice.code}
            aria-pressed={current}
            className="language"
            onClick={() => {
              if (!current && !busy) void sendIntent((kiosk) => kiosk.setLanguage(choice.code), { keepRefusal: true });
            }}
          >
            {choice.name}
          </button>
        );
      })}
    </div>
  );
}
