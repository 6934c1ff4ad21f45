// One signed-in user's session at the kiosk: it looks the user up, decides what they see (through
// the pure view), pushes the view to its subscribers when it changes, and carries out their intents
// one at a time, so two quick clicks never record twice. Evidence is written before an act takes
// effect: an unlock that could not be recorded does not happen.
import type {
  AcceptPolicyRequest,
  AcknowledgeSafetyRulesRequest,
  AdminOverrideRequest,
  KioskApi,
  KioskView,
  Outcome,
  RefusalReason,
  TeacherUnlockRequest,
} from '../api/contract.ts';
import type { DirectoryUser } from '../people.ts';
import { isoWithOffset } from '../time.ts';
import { decideOverride, decideTeacherUnlock, type UnlockDecision } from '../lock/lock.ts';
import { decideWithEvidence } from '../evidence/evidence-ledger.ts';
import { resolveFor } from './decision.ts';
import { languageFor, viewContext, viewFor } from './view.ts';
import { nameMatches } from './signature.ts';
import { parseIntentArgs } from './requests.ts';
import type { NewRecord } from './sign-in.ts';
import type { KioskParts, KioskService } from './kiosk-service.ts';

/** A directory that is down is asked again only every so often, not on every tick. */
const LOOKUP_RETRY_MS = 30_000;

const viewKey = (v: KioskView) => JSON.stringify(v, (k, value) => (k === 'now' ? undefined : value));

/** Someone the directory does not know (or cannot be asked about) is treated as a student. */
const unknownStudent = (username: string): DirectoryUser => ({
  username,
  displayName: username,
  role: 'student',
  privileges: 'active',
  guardianDeniedInternet: false,
});

const refuse = (reason: RefusalReason, extra: { retryAfterSeconds?: number; message?: string } = {}): Outcome => ({ ok: false, reason, ...extra });

export class KioskSession implements KioskApi {
  readonly #service: KioskService;
  readonly #parts: KioskParts;
  readonly #username: string;
  readonly #listeners = new Set<(view: KioskView) => void>();
  readonly #onDispose: (s: KioskSession) => void;
  #user: DirectoryUser | null | undefined;
  #language: string | undefined;
  #safetyOpen = false;
  #lookupFailedAt: number | null = null;
  #lastKey = '';
  #busy: Promise<unknown> = Promise.resolve();

  constructor(service: KioskService, parts: KioskParts, username: string, onDispose: (s: KioskSession) => void) {
    this.#service = service;
    this.#parts = parts;
    this.#username = username;
    this.#onDispose = onDispose;
  }

  /** The OS account's name as the kiosk knows it. */
  get username(): string {
    return this.#username;
  }

  dispose(): void {
    this.#listeners.clear();
    this.#onDispose(this);
  }

  // ---- reading -------------------------------------------------------------------------------

  async #userOf(): Promise<DirectoryUser | null> {
    if (this.#user !== undefined) return this.#user;
    if (this.#lookupFailedAt !== null && this.#now().getTime() - this.#lookupFailedAt < LOOKUP_RETRY_MS) return null;
    try {
      const found = await this.#parts.directory.findUser(this.#username);
      this.#user = found;
      if (!found) this.#parts.log.write('warn', 'signed-in user is not in the directory; session stays locked', { user: this.#username });
      return found;
    } catch (error) {
      // Not cached for good: the directory may come back. Until then the session is locked.
      this.#lookupFailedAt = this.#now().getTime();
      this.#parts.log.write('warn', 'directory lookup failed; session stays locked', { user: this.#username, error: (error as Error).message });
      return null;
    }
  }

  #now(): Date {
    return this.#parts.clock.now();
  }

  async getView(): Promise<KioskView> {
    const { rules, site } = this.#parts;
    const now = this.#now();
    const found = await this.#userOf();
    const language = languageFor(site, this.#language, found);
    const user = found ?? unknownStudent(this.#username);
    // Someone unknown is locked whatever the room's setting.
    const decisionRules = found ? rules : { ...rules, lock: { ...rules.lock, students: true } };
    const decision = await decideWithEvidence(this.#parts.evidence, {
      user,
      catalog: this.#parts.catalog,
      grant: this.#parts.lockStore.grantFor(this.#username),
      now,
      rules: decisionRules,
      language,
    });
    return viewFor({ decision, user, context: viewContext(site, now, language), gradeBands: rules.gradeBands, safetyOpen: this.#safetyOpen });
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

  #record(record: NewRecord): Promise<{ id: string } | null> {
    return this.#service.record(record);
  }

  acceptPolicy(request: AcceptPolicyRequest): Promise<Outcome> {
    const args = parseIntentArgs('acceptPolicy', [request]);
    if (!args) return Promise.resolve(refuse('invalid-request'));
    const req = args[0] as AcceptPolicyRequest;
    return this.#serial(async () => {
      const view = await this.getView();
      if (view.kind !== 'policy') return refuse('not-now');
      const shown = view.document;
      if (req.policyId !== shown.policyId || req.version !== shown.version || req.sha256 !== shown.sha256 || req.language !== shown.language) {
        return refuse('stale-document');
      }
      const typedName = req.typedName?.trim();
      if (view.signature === 'typed-name' && !(typedName && nameMatches(typedName, view.user.displayName))) {
        return refuse('name-required');
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
      if (!saved) return refuse('cannot-record');
      this.#parts.log.write('info', 'policy accepted', {
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
    if (!args) return Promise.resolve(refuse('invalid-request'));
    const req = args[0] as AcknowledgeSafetyRulesRequest;
    return this.#serial(async () => {
      const view = await this.getView();
      if (view.kind !== 'safety-rules') return refuse('not-now');
      if (req.rulesId !== view.document.policyId || req.version !== view.document.version) return refuse('stale-document');
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
      if (!saved) return refuse('cannot-record');
      await this.refresh(true);
      return { ok: true };
    });
  }

  /** The student at this kiosk, when its screen is one a teacher can act on (locked or unlocked). */
  async #lockedStudent(): Promise<DirectoryUser | null> {
    const view = await this.getView();
    if (view.kind !== 'locked' && view.kind !== 'unlocked') return null;
    return (await this.#userOf()) ?? unknownStudent(this.#username);
  }

  teacherUnlock(request: TeacherUnlockRequest): Promise<Outcome> {
    const args = parseIntentArgs('teacherUnlock', [request]);
    if (!args) return Promise.resolve(refuse('invalid-request'));
    const req = args[0] as TeacherUnlockRequest;
    return this.#serial(async () => {
      const student = await this.#lockedStudent();
      if (!student) return refuse('not-now');
      const signIn = await this.#service.signIn.attempt(req.username, req.secret, student);
      if (!signIn.ok) return signIn.outcome;
      const decision = decideTeacherUnlock(student, signIn.signer, this.#parts.rules.lock, this.#now());
      return this.#apply(decision, student, signIn.signer, signIn.key);
    });
  }

  adminOverride(request: AdminOverrideRequest): Promise<Outcome> {
    const args = parseIntentArgs('adminOverride', [request]);
    if (!args) return Promise.resolve(refuse('invalid-request'));
    const req = args[0] as AdminOverrideRequest;
    return this.#serial(async () => {
      const student = await this.#lockedStudent();
      if (!student) return refuse('not-now');
      // Reason and time limit first: a missing reason costs no failed sign-in.
      const lock = this.#parts.rules.lock;
      const precheck = decideOverride(student, { ...student, role: 'administrator' }, req, lock, this.#now());
      if (!precheck.ok) return refuse(precheck.reason);
      const signIn = await this.#service.signIn.attempt(req.username, req.secret, student);
      if (!signIn.ok) return signIn.outcome;
      const decision = decideOverride(student, signIn.signer, req, lock, this.#now());
      return this.#apply(decision, student, signIn.signer, signIn.key);
    });
  }

  async #apply(decision: UnlockDecision, student: DirectoryUser, signer: DirectoryUser, signerKey: string): Promise<Outcome> {
    const { log, lockStore, site } = this.#parts;
    if (!decision.ok) {
      await this.#record({ type: 'denied', user: student.username, by: signer.username, refusal: decision.reason });
      log.write('info', 'unlock refused', { user: student.username, by: signer.username, refusal: decision.reason });
      return refuse(decision.reason);
    }
    const g = decision.grant;
    // Rounded up: an unlock in the last seconds of a bell period still lasts (and records) a minute.
    const minutes = Math.max(1, Math.ceil((Date.parse(g.until) - Date.parse(g.since)) / 60_000));
    // Evidence first: an unlock that could not be recorded does not happen.
    const base = { user: student.username, by: signer.username, until: isoWithOffset(new Date(g.until), site.timeZone), minutes };
    const saved = await this.#record(g.kind === 'override' ? { type: 'override', ...base, reason: g.reason ?? '' } : { type: 'unlock', ...base });
    if (!saved) return refuse('cannot-record');
    try {
      lockStore.saveGrant({ ...g, recordId: saved.id });
    } catch (error) {
      log.write('error', 'cannot save the unlock', { error: (error as Error).message });
      return refuse('cannot-record');
    }
    this.#service.signIn.unlocked(signerKey);
    log.write('info', g.kind === 'override' ? 'administrator override' : 'teacher unlock', {
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
    if (!args || !this.#parts.site.languages.offered.includes(language)) return Promise.resolve(refuse('invalid-request'));
    this.#language = language;
    return this.refresh(true).then(() => ({ ok: true }));
  }

  openSafetyRules(): Promise<Outcome> {
    return this.#serial(async () => {
      const view = await this.getView();
      if (view.kind !== 'locked' && view.kind !== 'unlocked' && view.kind !== 'free') return refuse('not-now');
      const user = await this.#userOf();
      if (!user || !resolveFor(this.#parts.catalog, 'safety-rules', user, this.#now(), this.#parts.rules)) return refuse('not-now');
      this.#safetyOpen = true;
      await this.refresh(true);
      return { ok: true };
    });
  }

  closeSafetyRules(): Promise<Outcome> {
    return this.#serial(async () => {
      if (!this.#safetyOpen) return refuse('not-now');
      this.#safetyOpen = false;
      await this.refresh(true);
      return { ok: true };
    });
  }
}
