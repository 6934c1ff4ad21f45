// Text size for reading a policy: 100% to 200% in steps; the text reflows (no horizontal scrolling).
import { useTranslation } from 'react-i18next';
import { TEXT_SIZES, useKiosk } from '../store.ts';

export function TextSize() {
  const { t } = useTranslation();
  const size = useKiosk((s) => s.textSize);
  const chosen = useKiosk((s) => s.textSizeChosen);
  const index = TEXT_SIZES.indexOf(size as (typeof TEXT_SIZES)[number]);
  const step = (by: number) => {
    const next = TEXT_SIZES[Math.min(TEXT_SIZES.length - 1, Math.max(0, index + by))];
    if (next !== undefined) chosen(next);
  };
  return (
    <div className="text-size" role="group" aria-label={t('policy.textSize')}>
      <button type="button" className="tool" onClick={() => step(-1)} aria-disabled={index <= 0} aria-label={t('policy.smaller')}>
        <span aria-hidden="true" className="glyph-small">
          A
        </span>
      </button>
      <output className="text-size-value" aria-live="polite">
        {size}%
      </output>
      <button type="button" className="tool" onClick={() => step(1)} aria-disabled={index >= TEXT_SIZES.length - 1} aria-label={t('policy.larger')}>
        <span aria-hidden="true" className="glyph-large">
          A
        </span>
      </button>
    </div>
  );
}
