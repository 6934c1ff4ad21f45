// The frame of every screen: the district (name, logo), the campus and room, the language switch,
// and the screen's own content in <main>.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ViewContext } from '../../electron/core/api/contract.ts';
import { LanguageSwitch } from './language-switch.tsx';

export function Frame({ context, screen, children }: { context?: ViewContext | undefined; screen: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="frame" data-screen={screen}>
      <header className="masthead">
        <div className="brand">
          {/* The district's name is written beside it: the logo itself is decoration. */}
          {context?.district.logo && <img className="logo" src={context.district.logo} alt="" onError={(e) => (e.currentTarget.hidden = true)} />}
          <span className="district">{context ? context.district.name : t('app.name')}</span>
        </div>
        {context && <p className="place">{t('common.place', { campus: context.site.campus, room: context.site.room })}</p>}
        {context && <LanguageSwitch context={context} />}
      </header>
      <main className={`screen screen-${screen}`}>{children}</main>
    </div>
  );
}
