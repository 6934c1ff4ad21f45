// What a person sees, as a pure function of the decision, who they are and where the kiosk is:
// the first-login decision (decision.ts) becomes a KioskView (api/contract.ts). No I/O, no clock:
// the session passes the instant in, so tests can ask for any screen at any time.
import type { KioskView, PolicyAudioView, PolicyDocumentView, ViewContext, ViewUser } from '../api/contract.ts';
import type { UiStringTree } from '../api/ui-language.ts';
import type { DirectoryUser } from '../people.ts';
import type { LoadedAudio } from '../policy/catalog.ts';
import { recordingPath } from '../policy/recordings.ts';
import { gradeBandOf, type GradeBands, type ResolvedPolicy } from '../policy/resolve.ts';
import { isoWithOffset } from '../time.ts';
import type { Decision } from './decision.ts';
import { signatureFor } from './signature.ts';

/** Where the kiosk is and what it offers: the frame of every screen. */
export interface KioskSite {
  district: { name: string; logo?: string };
  campus: string;
  room: string;
  timeZone: string;
  languages: { default: string; offered: readonly string[] };
  /** The UI strings of the district's own languages (config `languages.folder`), by code. */
  uiStrings?: Record<string, UiStringTree>;
  /** SHA-256 of the machine config file in force, stamped on every acceptance (issue 12). */
  configSha256?: string;
}

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', es: 'Español' };

/** A language's name for itself ("Tiếng Việt", "العربية"), for the language menu. */
function languageName(code: string): string {
  const known = LANGUAGE_NAMES[code];
  if (known) return known;
  try {
    const name = new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
    return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
  } catch {
    return code;
  }
}

/** The language a session shows: the one chosen at the kiosk, else the user's own, if offered; else the default. */
export function languageFor(site: KioskSite, chosen: string | undefined, user: DirectoryUser | null): string {
  const wanted = chosen ?? user?.language;
  return wanted && site.languages.offered.includes(wanted) ? wanted : site.languages.default;
}

export function viewContext(site: KioskSite, now: Date, language: string): ViewContext {
  return {
    district: { name: site.district.name, ...(site.district.logo ? { logo: site.district.logo } : {}) },
    site: { campus: site.campus, room: site.room },
    language,
    languages: site.languages.offered.map((code) => ({ code, name: languageName(code) })),
    now: isoWithOffset(now, site.timeZone),
    timeZone: site.timeZone,
    ...(site.uiStrings?.[language] ? { uiStrings: site.uiStrings[language] } : {}),
  };
}

export function viewUser(user: DirectoryUser, bands: GradeBands): ViewUser {
  const band = gradeBandOf(user.grade, bands);
  return {
    username: user.username,
    displayName: user.displayName,
    ...(user.greetingName ? { greetingName: user.greetingName } : {}),
    role: user.role,
    ...(user.grade !== undefined ? { grade: user.grade } : {}),
    ...(band ? { gradeBand: band } : {}),
  };
}

/**
 * A recording as the view names it: its hash and where each transport serves it (`/audio/<sha256>.opus`,
 * policy/recordings.ts), never its bytes: a view is pushed on every change, the recording is fetched
 * once, when it is played.
 */
function audioView(audio: LoadedAudio | undefined): PolicyAudioView | undefined {
  return audio ? { sha256: audio.sha256, type: audio.type, src: recordingPath(audio) } : undefined;
}

export function documentView(r: ResolvedPolicy, language: string): PolicyDocumentView {
  const audio = audioView(r.document.audio);
  return {
    policyId: r.policy.id,
    kind: r.policy.kind === 'safety-rules' || r.policy.kind === 'summary' ? r.policy.kind : 'aup',
    title: r.policy.title[language] ?? r.policy.title[r.language] ?? Object.values(r.policy.title)[0] ?? r.policy.id,
    version: r.version.version,
    effective: r.version.effective,
    language: r.language,
    sha256: r.document.sha256,
    markdown: r.document.markdown,
    reviewed: r.document.reviewed,
    ...(audio ? { audio } : {}),
  };
}

/**
 * The screen for a decision. `safetyOpen`: the person asked to read the Internet Safety rules again;
 * `policyOpen`: the policy they accepted.
 */
export function viewFor(input: {
  decision: Decision;
  user: DirectoryUser;
  context: ViewContext;
  gradeBands: GradeBands;
  safetyOpen: boolean;
  policyOpen?: boolean;
}): KioskView {
  const { decision, user, context } = input;
  const language = context.language;
  const shownUser = viewUser(user, input.gradeBands);
  switch (decision.next) {
    case 'policy':
      return {
        kind: 'policy',
        context,
        user: shownUser,
        document: documentView(decision.policy, language),
        ...(decision.summary ? { summary: documentView(decision.summary, language) } : {}),
        signature: signatureFor(user, input.gradeBands),
      };
    case 'safety-rules':
      return { kind: 'safety-rules', context, user: shownUser, document: documentView(decision.policy, language), mustAcknowledge: true };
  }
  if (input.policyOpen && decision.accepted) {
    return {
      kind: 'policy-accepted',
      context,
      user: shownUser,
      document: documentView(decision.accepted, language),
      ...(decision.acceptedSummary ? { summary: documentView(decision.acceptedSummary, language) } : {}),
    };
  }
  if (input.safetyOpen && decision.safetyRules) {
    return { kind: 'safety-rules', context, user: shownUser, document: documentView(decision.safetyRules, language), mustAcknowledge: false };
  }
  const lock = decision.lock;
  if (lock.state === 'free') return { kind: 'free', context, user: shownUser };
  if (lock.state === 'unlocked') {
    return {
      kind: 'unlocked',
      context,
      user: shownUser,
      until: isoWithOffset(new Date(lock.grant.until), context.timeZone),
      by: lock.grant.by,
      byName: lock.grant.byName ?? lock.grant.by,
      unlockKind: lock.grant.kind,
      warning: lock.warning,
      guardianDeniedInternet: user.guardianDeniedInternet,
      ...(lock.grant.roomGrant ? { room: { grantId: lock.grant.roomGrant } } : {}),
    };
  }
  return {
    kind: 'locked',
    context,
    user: shownUser,
    reason: lock.reason,
    overrideOnly: lock.overrideOnly,
    guardianDeniedInternet: user.guardianDeniedInternet,
  };
}
