// KioskService: the one authority (DESIGN.md). It owns the config, catalog, ledger, directory and
// lock store of one machine, decides what each signed-in user sees, and records every act as
// evidence before it takes effect. Transports (Electron IPC, the loopback bridge, later a local
// socket) only carry KioskApi intents to a session and views back.
import type { Directory, DirectoryUser } from '../people.ts';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AcceptPolicyRequest, AcknowledgeSafetyRulesRequest, AdminOverrideRequest, ConfigProblem, KioskApi, KioskView, Outcome, PolicyDocumentView, RefusalReason, TeacherUnlockRequest, ViewContext, ViewUser } from '../api/contract.ts';
import { systemClock, isoWithOffset, type Clock } from '../time.ts';
import { loadSetup, type KioskSetup } from '../setup.ts';
import { directoryFor } from '../setup.ts';
import { gradeBandOf, type ResolvedPolicy } from '../policy/resolve.ts';
import { resolveFor, type DecisionRules } from './decision.ts';
import { afterFailure, afterSuccess, attemptsAllowed, decideOverride, decideTeacherUnlock, type LockRules, type UnlockGrant } from '../lock/lock.ts';
import { ConfLockStore, type LockStore } from '../lock/lock-store.ts';
import { decideWithEvidence, openEvidenceLedger, type EvidenceLedger } from '../evidence/evidence-ledger.ts';
import { stderrLog, type KioskLog } from '../log.ts';
import { parseIntentArgs } from './requests.ts';

export const APP_VERSION = '0.1.0';

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', es: 'Español' };

export interface KioskOptions {
  configFile: string;
  clock?: Clock;
  log?: KioskLog;
  machine?: string;
  appVersion?: string;
}

interface Ready {
  setup: KioskSetup;
  directory: Directory;
  ledger: EvidenceLedger;
  store: LockStore;
  rules: LockRules;
}

export class Kiosk {
  readonly clock: Clock;
  readonly log: KioskLog;
  readonly source: string;
  /** The district logo as a data: URL, read once at start-up. */
  logo: string | undefined;
  readonly #ready: Ready | null;
  readonly #problems: ConfigProblem[];
  readonly #sessions = new Set<KioskSession>();
  #timer: NodeJS.Timeout | null = null;

  private constructor(options: KioskOptions, source: string, ready: Ready | null, problems: ConfigProblem[]) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? stderrLog;
    this.source = source;
    this.#ready = ready;
    this.#problems = problems;
  }

  /** Opens the kiosk. A config with problems still opens: every session then shows `config-error`. */
  static async open(options: KioskOptions): Promise<Kiosk> {
    const log = options.log ?? stderrLog;
    const clock = options.clock ?? systemClock;
    const loaded = await loadSetup(options.configFile);
    if (!loaded.ok) {
      log.write('error', 'config has problems', { source: loaded.source, problems: loaded.problems });
      return new Kiosk(options, loaded.source, null, loaded.problems);
    }
    log.write('info', 'config loaded', { source: loaded.source, directory: loaded.config.directory.type });
    for (const w of loaded.warnings) log.write('warn', 'config warning', { ...w });
    const { config } = loaded;
    const rules: LockRules = { ...config.lock, timeZone: config.district.timeZone };
    const store = new ConfLockStore(config.state.dir, () => ({
      failures: config.lock.maxFailedAttempts,
      lockedUntil: new Date(clock.now().getTime() + config.lock.lockoutSeconds * 1000).toISOString(),
    }));
    let ledger: EvidenceLedger;
    try {
      ledger = await openEvidenceLedger({
        dir: config.ledger.dir,
        clock,
        timeZone: config.district.timeZone,
        schoolYearStart: config.district.schoolYearStart,
        machine: {
          machine: options.machine ?? os.hostname(),
          campus: config.site.campus,
          room: config.site.room,
          appVersion: options.appVersion ?? APP_VERSION,
        },
        log,
        ...(config.central ? { central: config.central.postgres } : {}),
      });
    } catch (error) {
      const problem = { path: 'ledger.dir', message: (error as Error).message };
      log.write('error', 'ledger cannot be opened', { ...problem });
      return new Kiosk(options, loaded.source, null, [problem]);
    }
    let directory: Directory;
    try {
      directory = await directoryFor(loaded);
    } catch (error) {
      // The password file was there when the config was checked, and is not now: still a config error.
      const problem = { path: 'directory', message: (error as Error).message };
      log.write('error', 'directory cannot be set up', { ...problem });
      await ledger.close();
      return new Kiosk(options, loaded.source, null, [problem]);
    }
    const kiosk = new Kiosk(options, loaded.source, { setup: loaded, directory, ledger, store, rules }, []);
    if (config.district.logo) kiosk.logo = await logoDataUrl(config.district.logo).catch(() => undefined);
    for (const p of store.problems) log.write('warn', p);
    return kiosk;
  }

  get problems(): ConfigProblem[] {
    return this.#problems;
  }

  /** A signed-in user's session. `username` is the OS account the kiosk runs for. */
  session(username: string): KioskSession {
    const s = new KioskSession(this, this.#ready, username, (x) => this.#sessions.delete(x));
    this.#sessions.add(s);
    return s;
  }

  /** Re-evaluates every session (after the clock moved, or on the timer) and pushes changed views. */
  async tick(): Promise<void> {
    await Promise.all([...this.#sessions].map((s) => s.refresh()));
  }

  /** Re-evaluates on a timer with the real clock: expiry, the warning, relock. */
  startTimer(everyMs = 1000): void {
    this.#timer ??= setInterval(() => void this.tick(), everyMs);
    this.#timer.unref?.();
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const s of this.#sessions) s.dispose();
    await this.#ready?.directory.close();
    await this.#ready?.ledger.close();
  }
}

const LOOKUP_RETRY_MS = 30_000;

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

async function logoDataUrl(file: string): Promise<string> {
  const type = IMAGE_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return `data:${type};base64,${(await readFile(file)).toString('base64')}`;
}

const viewKey = (v: KioskView) => JSON.stringify(v, (k, value) => (k === 'now' ? undefined : value));

/** Names compared loosely: case, accents and spacing do not matter; every word of the name must be typed. */
export function nameMatches(typed: string, displayName: string): boolean {
  const words = (s: string) =>
    s
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
      .split(' ')
      .filter(Boolean)
      .sort()
      .join(' ');
  const t = words(typed);
  return t.length > 0 && t === words(displayName);
}

export class KioskSession implements KioskApi {
  readonly #kiosk: Kiosk;
  readonly #ready: Ready | null;
  readonly #username: string;
  readonly #listeners = new Set<(view: KioskView) => void>();
  readonly #onDispose: (s: KioskSession) => void;
  #user: DirectoryUser | null | undefined;
  #language: string | undefined;
  #safetyOpen = false;
  #lookupFailedAt: number | null = null;
  #lastKey = '';
  #busy: Promise<unknown> = Promise.resolve();

  constructor(kiosk: Kiosk, ready: Ready | null, username: string, onDispose: (s: KioskSession) => void) {
    this.#kiosk = kiosk;
    this.#ready = ready;
    this.#username = username;
    this.#onDispose = onDispose;
  }

  dispose(): void {
    this.#listeners.clear();
    this.#onDispose(this);
  }

  // ---- reading -------------------------------------------------------------------------------

  async #userOf(): Promise<DirectoryUser | null> {
    if (this.#user !== undefined) return this.#user;
    if (!this.#ready) return null;
    // A directory that is down is asked again only every so often, not on every tick.
    if (this.#lookupFailedAt !== null && this.#now().getTime() - this.#lookupFailedAt < LOOKUP_RETRY_MS) return null;
    try {
      const found = await this.#ready.directory.findUser(this.#username);
      this.#user = found;
      if (!found) this.#kiosk.log.write('warn', 'signed-in user is not in the directory; session stays locked', { user: this.#username });
      return found;
    } catch (error) {
      // Not cached for good: the directory may come back. Until then the session is locked.
      this.#lookupFailedAt = this.#now().getTime();
      this.#kiosk.log.write('warn', 'directory lookup failed; session stays locked', { user: this.#username, error: (error as Error).message });
      return null;
    }
  }

  #now(): Date {
    return this.#kiosk.clock.now();
  }

  #languageFor(user: DirectoryUser | null): string {
    const langs = this.#ready!.setup.config.languages;
    const wanted = this.#language ?? user?.language;
    return wanted && langs.offered.includes(wanted as 'en') ? wanted : langs.default;
  }

  #context(now: Date, language: string): ViewContext {
    const c = this.#ready!.setup.config;
    return {
      district: { name: c.district.name, ...(this.#kiosk.logo ? { logo: this.#kiosk.logo } : {}) },
      site: { campus: c.site.campus, room: c.site.room },
      language,
      languages: c.languages.offered.map((code) => ({ code, name: LANGUAGE_NAMES[code] ?? code })),
      now: isoWithOffset(now, c.district.timeZone),
      timeZone: c.district.timeZone,
    };
  }

  #viewUser(user: DirectoryUser): ViewUser {
    const band = gradeBandOf(user.grade, this.#ready!.setup.config.district.gradeBands);
    return {
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      ...(user.grade !== undefined ? { grade: user.grade } : {}),
      ...(band ? { gradeBand: band } : {}),
    };
  }

  #documentView(r: ResolvedPolicy, language: string): PolicyDocumentView {
    return {
      policyId: r.policy.id,
      kind: r.policy.kind === 'safety-rules' ? 'safety-rules' : 'aup',
      title: r.policy.title[language] ?? r.policy.title[r.language] ?? Object.values(r.policy.title)[0] ?? r.policy.id,
      version: r.version.version,
      effective: r.version.effective,
      language: r.language,
      sha256: r.document.sha256,
      markdown: r.document.markdown,
      reviewed: r.document.reviewed,
    };
  }

  #rules(): DecisionRules {
    const c = this.#ready!.setup.config;
    return {
      timeZone: c.district.timeZone,
      schoolYearStart: c.district.schoolYearStart,
      gradeBands: c.district.gradeBands,
      defaultLanguage: c.languages.default,
      lock: this.#ready!.rules,
    };
  }

  async getView(): Promise<KioskView> {
    if (!this.#ready) return { kind: 'config-error', source: this.#kiosk.source, problems: this.#kiosk.problems };
    const now = this.#now();
    const found = await this.#userOf();
    const language = this.#languageFor(found);
    const context = this.#context(now, language);
    // Someone the directory does not know (or cannot be asked about) is treated as a student.
    const user: DirectoryUser = found ?? {
      username: this.#username,
      displayName: this.#username,
      role: 'student',
      privileges: 'active',
      guardianDeniedInternet: false,
    };
    const rules = this.#rules();
    // Someone unknown is locked whatever the room's setting.
    if (!found) rules.lock = { ...rules.lock, students: true };
    const decision = await decideWithEvidence(this.#ready.ledger, {
      user,
      catalog: this.#ready.setup.catalog,
      grant: this.#grant(),
      now,
      rules,
      language,
    });
    const viewUser = this.#viewUser(user);
    switch (decision.next) {
      case 'policy': {
        const staffOrSecondary = user.role !== 'student' || (user.grade ?? 0) >= 6;
        return {
          kind: 'policy',
          context,
          user: viewUser,
          document: this.#documentView(decision.policy, language),
          signature: staffOrSecondary ? 'typed-name' : 'i-agree',
        };
      }
      case 'safety-rules':
        return { kind: 'safety-rules', context, user: viewUser, document: this.#documentView(decision.policy, language), mustAcknowledge: true };
    }
    if (this.#safetyOpen && decision.safetyRules) {
      return { kind: 'safety-rules', context, user: viewUser, document: this.#documentView(decision.safetyRules, language), mustAcknowledge: false };
    }
    const lock = decision.lock;
    if (lock.state === 'free') return { kind: 'free', context, user: viewUser };
    if (lock.state === 'unlocked') {
      return {
        kind: 'unlocked',
        context,
        user: viewUser,
        until: isoWithOffset(new Date(lock.grant.until), context.timeZone),
        by: lock.grant.by,
        byName: lock.grant.byName ?? lock.grant.by,
        unlockKind: lock.grant.kind,
        warning: lock.warning,
        guardianDeniedInternet: user.guardianDeniedInternet,
      };
    }
    return {
      kind: 'locked',
      context,
      user: viewUser,
      reason: lock.reason,
      overrideOnly: lock.overrideOnly,
      guardianDeniedInternet: user.guardianDeniedInternet,
    };
  }

  #grant(): UnlockGrant | undefined {
    return this.#ready!.store.grantFor(this.#username);
  }

  onView(listener: (view: KioskView) => void): () => void {
    this.#listeners.add(listener);
    void this.getView().then((v) => {
      this.#lastKey = viewKey(v);
      if (this.#listeners.has(listener)) listener(v);
    });
    return () => this.#listeners.delete(listener);
  }

  /** Recomputes the view; pushes it when it changed (ignoring the clock) or when `force` is set. */
  async refresh(force = false): Promise<void> {
    if (this.#listeners.size === 0) return;
    const view = await this.getView();
    const key = viewKey(view);
    if (!force && key === this.#lastKey) return;
    this.#lastKey = key;
    for (const l of this.#listeners) l(view);
  }

  // ---- intents -------------------------------------------------------------------------------

  /** One intent at a time per session, so two quick clicks never record twice. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(fn, fn);
    this.#busy = run.catch(() => undefined);
    return run;
  }

  #refuse(reason: RefusalReason, extra: { retryAfterSeconds?: number; message?: string } = {}): Outcome {
    return { ok: false, reason, ...extra };
  }

  async #record(record: Parameters<EvidenceLedger['append']>[0]): Promise<{ id: string } | null> {
    try {
      return await this.#ready!.ledger.append(record);
    } catch (error) {
      this.#kiosk.log.write('error', 'ledger append failed', { type: record.type, user: record.user, error: (error as Error).message });
      return null;
    }
  }

  acceptPolicy(request: AcceptPolicyRequest): Promise<Outcome> {
    const args = parseIntentArgs('acceptPolicy', [request]);
    if (!args) return Promise.resolve(this.#refuse('invalid-request'));
    const req = args[0] as AcceptPolicyRequest;
    return this.#serial(async () => {
      const view = await this.getView();
      if (view.kind !== 'policy') return this.#refuse('not-now');
      const shown = view.document;
      if (req.policyId !== shown.policyId || req.version !== shown.version || req.sha256 !== shown.sha256 || req.language !== shown.language) {
        return this.#refuse('stale-document');
      }
      const typedName = req.typedName?.trim();
      if (view.signature === 'typed-name' && !(typedName && nameMatches(typedName, view.user.displayName))) {
        return this.#refuse('name-required');
      }
      const saved = await this.#record({
        type: 'acceptance',
        user: view.user.username,
        policyId: shown.policyId,
        version: shown.version,
        language: shown.language,
        sha256: shown.sha256,
        method: 'kiosk',
        ...(view.signature === 'typed-name' && typedName ? { typedName } : {}),
      });
      if (!saved) return this.#refuse('cannot-record');
      this.#kiosk.log.write('info', 'policy accepted', {
        user: view.user.username,
        policyId: shown.policyId,
        version: shown.version,
        language: shown.language,
      });
      await this.refresh(true);
      return { ok: true };
    });
  }

  acknowledgeSafetyRules(request: AcknowledgeSafetyRulesRequest): Promise<Outcome> {
    const args = parseIntentArgs('acknowledgeSafetyRules', [request]);
    if (!args) return Promise.resolve(this.#refuse('invalid-request'));
    const req = args[0] as AcknowledgeSafetyRulesRequest;
    return this.#serial(async () => {
      const view = await this.getView();
      if (view.kind !== 'safety-rules') return this.#refuse('not-now');
      if (req.rulesId !== view.document.policyId || req.version !== view.document.version) return this.#refuse('stale-document');
      if (!view.mustAcknowledge) {
        this.#safetyOpen = false;
        await this.refresh(true);
        return { ok: true };
      }
      const saved = await this.#record({
        type: 'safety-ack',
        user: view.user.username,
        rulesId: view.document.policyId,
        version: view.document.version,
      });
      if (!saved) return this.#refuse('cannot-record');
      await this.refresh(true);
      return { ok: true };
    });
  }

  /** Shared by teacher unlock and override: rate limit, check the secret, count failures, record them. */
  async #signIn(
    username: string,
    secret: string,
    student: DirectoryUser,
  ): Promise<{ ok: true; signer: DirectoryUser } | { ok: false; outcome: Outcome }> {
    const { store, rules, directory } = this.#ready!;
    const now = this.#now();
    const allowed = attemptsAllowed(store.attempts(), now);
    if (!allowed.ok) return { ok: false, outcome: this.#refuse('rate-limited', { retryAfterSeconds: allowed.retryAfterSeconds }) };
    const auth = await directory.authenticate(username, secret);
    if (auth.ok) {
      store.saveAttempts(afterSuccess());
      return { ok: true, signer: auth.user };
    }
    if (auth.reason === 'directory-unavailable') {
      this.#kiosk.log.write('warn', 'directory unavailable at sign-in', { detail: auth.detail });
      return { ok: false, outcome: this.#refuse('directory-unavailable') };
    }
    const next = afterFailure(store.attempts(), rules, now);
    store.saveAttempts(next);
    // A password typed into the name box must not become evidence: keep the name only if it is someone's.
    const attemptedBy = await this.#knownName(username);
    await this.#record({ type: 'auth-failure', user: student.username, attemptedBy, refusal: 'bad-credentials' });
    this.#kiosk.log.write('warn', 'failed sign-in', { user: student.username, attemptedBy, failures: next.failures });
    const locked = attemptsAllowed(next, now);
    return {
      ok: false,
      outcome: this.#refuse('bad-credentials', locked.ok ? {} : { retryAfterSeconds: locked.retryAfterSeconds }),
    };
  }

  async #knownName(typed: string): Promise<string> {
    try {
      const user = typed.trim() && typed.length <= 100 ? await this.#ready!.directory.findUser(typed) : null;
      return user ? user.username : '(not a known username)';
    } catch {
      return '(directory unavailable)';
    }
  }

  async #lockedStudent(): Promise<{ student: DirectoryUser } | null> {
    const view = await this.getView();
    if (view.kind !== 'locked' && view.kind !== 'unlocked') return null;
    const student = (await this.#userOf()) ?? {
      username: this.#username,
      displayName: this.#username,
      role: 'student' as const,
      privileges: 'active' as const,
      guardianDeniedInternet: false,
    };
    return { student };
  }

  teacherUnlock(request: TeacherUnlockRequest): Promise<Outcome> {
    const args = parseIntentArgs('teacherUnlock', [request]);
    if (!args) return Promise.resolve(this.#refuse('invalid-request'));
    const req = args[0] as TeacherUnlockRequest;
    return this.#serial(async () => {
      const target = await this.#lockedStudent();
      if (!target) return this.#refuse('not-now');
      const signIn = await this.#signIn(req.username, req.secret, target.student);
      if (!signIn.ok) return signIn.outcome;
      const decision = decideTeacherUnlock(target.student, signIn.signer, this.#ready!.rules, this.#now());
      return this.#apply(decision, target.student, signIn.signer);
    });
  }

  adminOverride(request: AdminOverrideRequest): Promise<Outcome> {
    const args = parseIntentArgs('adminOverride', [request]);
    if (!args) return Promise.resolve(this.#refuse('invalid-request'));
    const req = args[0] as AdminOverrideRequest;
    return this.#serial(async () => {
      const target = await this.#lockedStudent();
      if (!target) return this.#refuse('not-now');
      // Reason and time limit first: a missing reason costs no failed sign-in.
      const rules = this.#ready!.rules;
      const precheck = decideOverride(target.student, { ...target.student, role: 'administrator' }, req, rules, this.#now());
      if (!precheck.ok) return this.#refuse(precheck.reason);
      const signIn = await this.#signIn(req.username, req.secret, target.student);
      if (!signIn.ok) return signIn.outcome;
      const decision = decideOverride(target.student, signIn.signer, req, rules, this.#now());
      return this.#apply(decision, target.student, signIn.signer);
    });
  }

  async #apply(decision: ReturnType<typeof decideTeacherUnlock>, student: DirectoryUser, signer: DirectoryUser): Promise<Outcome> {
    if (!decision.ok) {
      await this.#record({ type: 'denied', user: student.username, by: signer.username, refusal: decision.reason });
      this.#kiosk.log.write('info', 'unlock refused', { user: student.username, by: signer.username, refusal: decision.reason });
      return this.#refuse(decision.reason);
    }
    const g = decision.grant;
    // Rounded up: an unlock in the last seconds of a bell period still lasts (and records) a minute.
    const minutes = Math.max(1, Math.ceil((Date.parse(g.until) - Date.parse(g.since)) / 60_000));
    const tz = this.#ready!.setup.config.district.timeZone;
    // Evidence first: an unlock that could not be recorded does not happen.
    const base = { user: student.username, by: signer.username, until: isoWithOffset(new Date(g.until), tz), minutes };
    const saved = await this.#record(g.kind === 'override' ? { type: 'override', ...base, reason: g.reason ?? '' } : { type: 'unlock', ...base });
    if (!saved) return this.#refuse('cannot-record');
    try {
      this.#ready!.store.saveGrant({ ...g, recordId: saved.id });
    } catch (error) {
      this.#kiosk.log.write('error', 'cannot save the unlock', { error: (error as Error).message });
      return this.#refuse('cannot-record');
    }
    this.#kiosk.log.write('info', g.kind === 'override' ? 'administrator override' : 'teacher unlock', {
      user: student.username,
      by: signer.username,
      until: g.until,
    });
    this.#safetyOpen = false;
    await this.refresh(true);
    return { ok: true };
  }

  setLanguage(language: string): Promise<Outcome> {
    const args = parseIntentArgs('setLanguage', [language]);
    if (!args || !this.#ready) return Promise.resolve(this.#refuse('invalid-request'));
    if (!this.#ready.setup.config.languages.offered.includes(language as 'en')) return Promise.resolve(this.#refuse('invalid-request'));
    this.#language = language;
    return this.refresh(true).then(() => ({ ok: true }));
  }

  openSafetyRules(): Promise<Outcome> {
    return this.#serial(async () => {
      const view = await this.getView();
      if (view.kind !== 'locked' && view.kind !== 'unlocked' && view.kind !== 'free') return this.#refuse('not-now');
      const user = await this.#userOf();
      if (!user || !resolveFor(this.#ready!.setup.catalog, 'safety-rules', user, this.#now(), this.#rules())) return this.#refuse('not-now');
      this.#safetyOpen = true;
      await this.refresh(true);
      return { ok: true };
    });
  }

  closeSafetyRules(): Promise<Outcome> {
    return this.#serial(async () => {
      if (!this.#safetyOpen) return this.#refuse('not-now');
      this.#safetyOpen = false;
      await this.refresh(true);
      return { ok: true };
    });
  }
}

export const openKiosk = (options: KioskOptions) => Kiosk.open(options);
