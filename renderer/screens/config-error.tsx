// For the technician: every problem with its path, and where the config was read from. No student
// can do anything here, and nothing is recorded.
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { WarningIcon } from '../components/icons.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';

export function ConfigErrorScreen({ view }: { view: Extract<KioskView, { kind: 'config-error' }> }) {
  const { t } = useTranslation();
  return (
    <Frame screen="config-error">
      <div className="config-error">
        <div className="config-error-head">
          <WarningIcon className="icon warning-icon" />
          <ScreenHeading screen="config-error">{t('configError.heading')}</ScreenHeading>
        </div>
        <p>{t('configError.intro')}</p>
        {view.source ? (
          <p className="source">
            {t('configError.source')}: <code>{view.source}</code>
          </p>
        ) : (
          <p className="source">{t('configError.noSource')}</p>
        )}
        <table className="problems">
          <caption>{t('configError.problems', { count: view.problems.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('configError.path')}</th>
              <th scope="col">{t('configError.message')}</th>
            </tr>
          </thead>
          <tbody>
            {view.problems.map((p, i) => (
              <tr key={i}>
                <td>
                  <code lang="en">{p.path}</code>
                </td>
                <td lang="en">{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="next">{t('configError.next')}</p>
      </div>
    </Frame>
  );
}
