// The decision rules, built from the machine config in one place: KioskService, `aup status` and
// `aup policy resolve` all decide with exactly these, so the CLI says what the kiosk would do.
import type { KioskConfig } from '../config/schema.ts';
import type { DecisionRules } from './decision.ts';

export function decisionRulesFrom(config: Pick<KioskConfig, 'district' | 'languages' | 'lock'>): DecisionRules {
  return {
    timeZone: config.district.timeZone,
    schoolYearStart: config.district.schoolYearStart,
    gradeBands: config.district.gradeBands,
    defaultLanguage: config.languages.default,
    lock: { ...config.lock, timeZone: config.district.timeZone },
  };
}
