// One signed-in user's session at the kiosk: it looks the user up, decides what they see (through
// the pure view), pushes the view to its subscribers when it changes, and carries out their intents
// one at a time, so two quick clicks never record twice. Evidence is written before an act takes
// effect: an unlock that could not be recorded does not happen.
import type {
  AcceptPolicyRequest,
  AcknowledgeSafetyRulesRequest,
  AdminOverrideRequest,
  EndClassRequest,
  OpenRoomRequest,
  RoomComputer,
  KioskApi,
  KioskView,
  Outcome,
  RefusalReason,
  TeacherUnlockRequest,
} from '../api/contract.ts';
import type { DirectoryUser } from '../people.ts';
import { isoWithOffset } from '../time.ts';
import {
  decideOverride,
  decideRoomOpening,
  decideTeacherUnlock,
  roomGrantOpens,
  signerKey,
  type UnlockDecision,
  type UnlockGrant,
} from '../lock/lock.ts';
import { decideWithEvidence } from '../evidence/evidence-ledger.ts';
import { resolveFor } from './decision.ts';
import { languageFor, viewContext, viewFor } from './view.ts';
import { nameMatches } from './signature.ts';
import { parseIntentArgs } from './requests.ts';
import { roomViewFor } from './room-view.ts';
import type { NewRecord } from './sign-in.ts';
import type { KioskParts, KioskService } from './kiosk-service.ts';

/** A directory that is down is asked again only every so often, not on every tick. */
const LOOKUP_RETRY_MS = 30_000;
/** How long the teacher who opened the room sees its computers on the kiosk where they opened it. */
const ROOM_VIEW_MS = 3 * 60_000;
const COMPUTER_STATES = new Set(['locked', 'unlocked', 'policy', 'free']);
const COMPUTER_NOTES = new Set(['policy-pending', 'suspended', 'revoked', 'supervision', 'guardian-denied']);

const viewKey = (v: KioskView) => JSON.stringify(v, (k, value) => (k === 'now' ? undefined : value));

/** Someone the directory does not know (or cannot be asked about) is treated as a student. */
const unknownStudent = (username: string): DirectoryUser => ({
  username,
  displayName: username,
  role: 'student',
  privileges: 'active',
  guardianDeniedInternet: false,
});

const refuse = (reason: RefusalReason, extra: { retryAfterSeconds?: number; message?: string; maxMinutes?: number } = {}): Outcome => ({
  ok: false,
  reason,
  ...extra,
});
/** A decision's refusal as the kiosk answers it (with the most minutes allowed, for `too-long`). */
const refuseDecision = (d: { reason: RefusalReason; maxMinutes?: number }): Outcome =>
  refuse(d.reason, d.maxMinutes !== undefined ? { maxMinutes: d.maxMinutes } : {});

export class KioskSession implements KioskApi {
  readonly #service: KioskService;
  readonly #parts: KioskParts;
  readonly #username: string;
  readonly #listeners = new Set<(view: KioskView) => void>();
  readonly #onDispose: (s: KioskSession) => void;
  #user: DirectoryUser | null | undefined;
  #language: string | undefined;
  #safetyOpen = false;
  /** The person asked to read the policy they accepted again. */
  #policyOpen = false;
  #lookupFailedAt: number | null = null;
  #lastKey = '';
  #busy: Promise<unknown> = Promise.resolve();
  /** A room grant being applied to this session (one at a time: evidence is written once). */
  #applying: Promise<boolean> | null = null;
  #roomViewUntil = 0;
  #roomComputers: RoomComputer[] = [];

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

  /** A screen shows this session now. */
  get watched(): boolean {
    return this.#listeners.size > 0;
  }

  /** What this computer shows, for the teacher's view of the room: who, what, why. */
  async presence(): Promise<{ user?: { username: string; displayName: string; grade?: number }; state: string; notes: string[] } | null> {
    const user = await this.#userOf();
    const view = await this.getView();
    if (!user || view.kind === 'loading' || view.kind === 'config-error' || view.kind === 'service-unavailable') return null;
    const notes: string[] = [];
    if (view.kind === 'policy') notes.push('policy-pending');
    if (user.privileges === 'suspended' || user.privileges === 'revoked') notes.push(user.privileges);
    if (user.privileges === 'supervised') notes.push('supervision');
    if (user.guardianDeniedInternet) notes.push('guardian-denied');
    const state = view.kind === 'safety-rules' || view.kind === 'policy-accepted' ? 'policy' : view.kind;
    return {
      user: { username: user.username, displayName: user.displayName, ...(user.grade !== undefined ? { grade: user.grade } : {}) },
      state,
      notes,
    };
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
    // The stored grant is read once per look (the store reads its file), and again only if the room changed it.
    const decide = (grant: UnlockGrant | undefined) =>
      decideWithEvidence(this.#parts.evidence, { user, catalog: this.#parts.catalog, grant, now, rules: decisionRules, language });
    const stored = this.#parts.lockStore.grantFor(this.#username);
    let decision = await decide(stored);
    // The room opened (or closed) for the class period changes the lock: look again once it is applied.
    if (found && this.#service.rooms && (decision.next === 'locked' || decision.next === 'unlocked') && (await this.#applyRoom(found, stored, now))) {
      decision = await decide(this.#parts.lockStore.grantFor(this.#username));
    }
    const view = viewFor({
      decision,
      user,
      context: viewContext(site, now, language),
      gradeBands: rules.gradeBands,
      safetyOpen: this.#safetyOpen,
      policyOpen: this.#policyOpen,
    });
    if (now.getTime() < this.#roomViewUntil) {
      // Someone unknown is a student here too: never anyone else's name, grade or notes.
      const role = found?.role ?? 'student';
      if (view.kind === 'unlocked' && view.room) return { ...view, room: { ...view.room, ...roomViewFor(role, this.#roomComputers) } };
      // A teacher who opened the room from their own computer sees it there, in full.
      if (view.kind === 'free' && role !== 'student') {
        const { computers, attention } = roomViewFor(role, this.#roomComputers);
        return { ...view, room: { computers, attention } };
      }
    }
    return view;
  }

  /**
   * A student's locked session opens with the room's grant (recorded per student, naming the grant);
   * a session opened by a grant that is no longer open locks again. True when something changed.
   */
  #applyRoom(user: DirectoryUser, stored: UnlockGrant | undefined, now: Date): Promise<boolean> {
    this.#applying ??= this.#applyRoomOnce(user, stored, now).finally(() => (this.#applying = null));
    return this.#applying;
  }

  async #applyRoomOnce(user: DirectoryUser, stored: UnlockGrant | undefined, now: Date): Promise<boolean> {
    const rooms = this.#service.rooms!;
    const { lockStore, log, site } = this.#parts;
    const live = stored && Date.parse(stored.since) <= now.getTime() && now.getTime() < Date.parse(stored.until);
    const open = rooms.openIds();
    if (live && stored.roomGrant && open && !open.has(stored.roomGrant)) {
      // "End class" (or a newer grant): the database no longer holds this one open. A database that
      // cannot be reached says nothing here: the session stays open to its end.
      try {
        lockStore.saveGrant({ ...stored, until: now.toISOString() });
      } catch (error) {
        // The state cannot be written: the lock state machine still ends the grant at its own end.
        log.write('error', 'cannot save the end of a room grant', { user: user.username, error: (error as Error).message });
        return false;
      }
      log.write('info', 'room closed: session locked again', { user: user.username, grant: stored.roomGrant });
      return true;
    }
    if (live || !roomGrantOpens(user)) return false;
    const honoured = await rooms.honoured(now);
    if (!honoured || stored?.roomGrant === honoured.grant.id) return false;
    const { grant, signer, untilHere } = honoured;
    const minutes = Math.max(1, Math.ceil((untilHere.getTime() - now.getTime()) / 60_000));
    const base = { user: user.username, by: signer.username, until: isoWithOffset(untilHere, site.timeZone), minutes, roomGrant: grant.id };
    const saved = await this.#record(
      grant.kind === 'override' ? { type: 'override', ...base, reason: grant.reason ?? '' } : { type: 'unlock', ...base },
    );
    if (!saved) return false; // no evidence, no unlock; tried again at the next look
    try {
      lockStore.saveGrant({
        user: user.username,
        kind: grant.kind,
        by: signer.username,
        byName: signer.displayName,
        since: now.toISOString(),
        until: untilHere.toISOString(),
        ...(grant.reason ? { reason: grant.reason } : {}),
        recordId: saved.id,
        roomGrant: grant.id,
      });
    } catch (error) {
      log.write('error', 'cannot save a room unlock', { user: user.username, error: (error as Error).message });
      return false;
    }
    log.write('info', 'room open: session unlocked', { user: user.username, by: signer.username, grant: grant.id, until: untilHere.toISOString() });
    return true;
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
      // The formal name ("López, Ana") or the one the student is greeted with ("Ana López").
      const names = [view.user.displayName, ...(view.user.greetingName ? [view.user.greetingName] : [])];
      if (view.signature === 'typed-name' && !(typedName && names.some((n) => nameMatches(typedName, n)))) {
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
        ...(this.#parts.site.configSha256 ? { configSha256: this.#parts.site.configSha256 } : {}),
        // The plain-words summary shown above the text (K-5): which document, exactly (issue 14).
        ...(view.summary
          ? {
              summary: {
                policyId: view.summary.policyId,
                version: view.summary.version,
                language: view.summary.language,
                sha256: view.summary.sha256,
              },
            }
          : {}),
        audience: {
          role: view.user.role,
          ...(view.user.grade !== undefined ? { grade: view.user.grade } : {}),
          ...(view.user.gradeBand ? { gradeBand: view.user.gradeBand } : {}),
        },
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
      if (!precheck.ok) return refuseDecision(precheck);
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
      return refuseDecision(decision);
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
    this.#policyOpen = false;
    await this.refresh(true);
    return { ok: true };
  }

  /** Who signs for a room: the teacher at their own signed-in computer (the OS proved them), or a sign-in. */
  async #roomSigner(username: string, secret: string): Promise<{ ok: true; signer: DirectoryUser; key?: string } | { ok: false; outcome: Outcome }> {
    const me = await this.#userOf();
    if (me && (me.role === 'teacher' || me.role === 'administrator') && secret === '' && signerKey(username) === signerKey(me.username)) {
      return { ok: true, signer: me };
    }
    const signIn = await this.#service.signIn.attempt(username, secret, me ?? unknownStudent(this.#username));
    return signIn.ok ? { ok: true, signer: signIn.signer, key: signIn.key } : signIn;
  }

  openRoom(request: OpenRoomRequest): Promise<Outcome> {
    const args = parseIntentArgs('openRoom', [request]);
    if (!args) return Promise.resolve(refuse('invalid-request'));
    const req = args[0] as OpenRoomRequest;
    return this.#serial(async () => {
      const rooms = this.#service.rooms;
      if (!rooms) return refuse('no-district-database');
      const view = await this.getView();
      if (view.kind !== 'locked' && view.kind !== 'unlocked' && view.kind !== 'free') return refuse('not-now');
      const who = await this.#roomSigner(req.username, req.secret);
      if (!who.ok) return who.outcome;
      const { signer } = who;
      const now = this.#now();
      // Until the end of the period by the database's clock: one kiosk's wrong clock must not shorten or stretch the class.
      await rooms.source.refresh();
      const decision = decideRoomOpening(signer, req, this.#parts.rules.lock, rooms.databaseNow(now));
      const student = (await this.#userOf()) ?? unknownStudent(this.#username);
      if (!decision.ok) {
        await this.#record({ type: 'denied', user: student.username, by: signer.username, refusal: decision.reason });
        this.#parts.log.write('info', 'room opening refused', { by: signer.username, refusal: decision.reason });
        return refuseDecision(decision);
      }
      try {
        await rooms.source.openRoom({
          by: signer.username,
          byName: signer.displayName,
          kind: decision.kind,
          ...(decision.reason ? { reason: decision.reason } : {}),
          ...(req.minutes !== undefined ? { minutes: req.minutes } : { until: decision.until }),
        });
      } catch (error) {
        const code = (error as { code?: string }).code;
        this.#parts.log.write('warn', 'the room could not be opened', { by: signer.username, error: (error as Error).message });
        if (code === 'too-long') return refuse('too-long');
        if (code === 'reason-required') return refuse('reason-required');
        if (code === 'expired' || code === 'invalid-request') return refuse('not-now', { message: (error as Error).message });
        return refuse('no-district-database', { message: 'the district database cannot be reached' });
      }
      if (who.key) this.#service.signIn.unlocked(who.key);
      this.#parts.log.write('info', 'room opened', {
        by: signer.username,
        kind: decision.kind,
        campus: this.#parts.site.campus,
        room: this.#parts.site.room,
      });
      await rooms.source.refresh();
      this.#roomViewUntil = now.getTime() + ROOM_VIEW_MS;
      await this.#service.tick();
      // This computer's own line, as it is now (not as it was up to 10 s ago), then the room.
      await this.#service.reportPresence(true);
      this.#roomComputers = await this.#computers();
      await this.refresh(true);
      return { ok: true };
    });
  }

  /** The room's computers as the district database last heard from them. */
  async #computers(): Promise<RoomComputer[]> {
    const rows = await this.#service.rooms!.source.presence().catch(() => []);
    const tz = this.#parts.site.timeZone;
    return rows.map((r) => ({
      machine: r.machine,
      ...(r.user ? { user: r.user } : {}),
      state: (COMPUTER_STATES.has(r.state) ? r.state : 'unknown') as RoomComputer['state'],
      notes: r.notes.filter((n) => COMPUTER_NOTES.has(n)) as RoomComputer['notes'],
      seenAt: Number.isFinite(Date.parse(r.seenAt)) ? isoWithOffset(new Date(r.seenAt), tz) : r.seenAt,
    }));
  }

  endClass(request: EndClassRequest): Promise<Outcome> {
    const args = parseIntentArgs('endClass', [request]);
    if (!args) return Promise.resolve(refuse('invalid-request'));
    const req = args[0] as EndClassRequest;
    return this.#serial(async () => {
      const rooms = this.#service.rooms;
      if (!rooms) return refuse('no-district-database');
      const who = await this.#roomSigner(req.username, req.secret);
      if (!who.ok) return who.outcome;
      const role = who.signer.role;
      if (role === 'substitute') return refuse('substitute');
      if (role !== 'teacher' && role !== 'administrator') return refuse('not-approved');
      try {
        await rooms.source.endRoom(who.signer.username);
      } catch (error) {
        this.#parts.log.write('warn', 'the class could not be ended', { by: who.signer.username, error: (error as Error).message });
        return refuse('no-district-database', { message: 'the district database cannot be reached' });
      }
      if (who.key) this.#service.signIn.unlocked(who.key);
      this.#parts.log.write('info', 'class ended', { by: who.signer.username, campus: this.#parts.site.campus, room: this.#parts.site.room });
      this.#roomViewUntil = 0;
      await rooms.source.refresh();
      await this.#service.tick();
      await this.refresh(true);
      return { ok: true };
    });
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
      this.#policyOpen = false;
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

  /** The policy accepted this year, to read again: only once it is accepted (before, it is the policy screen). */
  openPolicy(): Promise<Outcome> {
    return this.#serial(async () => {
      const view = await this.getView();
      if (view.kind !== 'locked' && view.kind !== 'unlocked' && view.kind !== 'free') return refuse('not-now');
      this.#policyOpen = true;
      this.#safetyOpen = false;
      if ((await this.getView()).kind !== 'policy-accepted') {
        this.#policyOpen = false; // no policy applies to this person
        return refuse('not-now');
      }
      await this.refresh(true);
      return { ok: true };
    });
  }

  closePolicy(): Promise<Outcome> {
    return this.#serial(async () => {
      if (!this.#policyOpen) return refuse('not-now');
      this.#policyOpen = false;
      await this.refresh(true);
      return { ok: true };
    });
  }
}
