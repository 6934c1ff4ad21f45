// A person opens the policy they accepted again, to read (issue 14 point 11): through the real
// KioskService on real folders (demo roster, bundled catalog, real ledger), as the safety rules can be.
// Nothing is accepted or recorded again; before the acceptance there is nothing to reopen.
import { describe, expect, it } from 'vitest';
import { dispatchIntent } from '../../../electron/core/kiosk/dispatch.ts';
import { accept, demoKiosks, watch } from '../../support/kiosk-host.ts';

const kiosks = demoKiosks(); // Tuesday 10:00 in Lockhart, Lab 204
const kiosk = () => kiosks.open();
const ledgerLines = () => kiosks.ledgerLines();

describe('the accepted policy, opened again to read', () => {
  it('a locked student opens the policy they accepted (same document, nothing to sign), closes it, and nothing is recorded', async () => {
    const k = await kiosk();
    const w = watch(k.session('diego.ramos'));
    const s = w.session;
    // Before the acceptance there is nothing accepted to open: the policy screen itself is the way.
    expect(await s.openPolicy()).toEqual({ ok: false, reason: 'not-now' });
    const accepted = await accept(s, 'Diego Ramos');
    // Nor during the safety rules.
    expect(await s.openPolicy()).toEqual({ ok: false, reason: 'not-now' });
    const rules = await s.getView();
    if (rules.kind !== 'safety-rules') throw new Error(rules.kind);
    expect(await s.acknowledgeSafetyRules({ rulesId: rules.document.policyId, version: rules.document.version })).toEqual({ ok: true });
    expect(await s.getView()).toMatchObject({ kind: 'locked' });
    const before = await ledgerLines();

    expect(await s.openPolicy()).toEqual({ ok: true });
    const view = w.last();
    expect(view).toMatchObject({
      kind: 'policy-accepted',
      user: { username: 'diego.ramos' },
      document: { policyId: accepted.policyId, version: accepted.version, sha256: accepted.sha256, kind: 'aup' },
    });
    expect(view).not.toHaveProperty('signature');
    // It cannot be accepted from there, and the safety rules' close does not close it.
    expect(
      await s.acceptPolicy({
        policyId: accepted.policyId,
        version: accepted.version,
        sha256: accepted.sha256,
        language: accepted.language,
        typedName: 'Diego Ramos',
      }),
    ).toEqual({
      ok: false,
      reason: 'not-now',
    });
    expect(await s.closeSafetyRules()).toEqual({ ok: false, reason: 'not-now' });
    // Read in the other language, as offered.
    expect(await s.setLanguage('es')).toEqual({ ok: true });
    expect(w.last()).toMatchObject({ kind: 'policy-accepted', document: { policyId: accepted.policyId, language: 'es' } });

    expect(await s.closePolicy()).toEqual({ ok: true });
    expect(w.last()).toMatchObject({ kind: 'locked' });
    expect(await s.closePolicy()).toEqual({ ok: false, reason: 'not-now' });
    expect(await ledgerLines()).toEqual(before);
  });

  it('opening the safety rules from the reopened policy shows the rules; staff reopen theirs from the all-set screen', async () => {
    const k = await kiosk();
    const w = watch(k.session('diego.ramos'));
    await accept(w.session, 'Diego Ramos');
    const rules = await w.session.getView();
    if (rules.kind !== 'safety-rules') throw new Error(rules.kind);
    await w.session.acknowledgeSafetyRules({ rulesId: rules.document.policyId, version: rules.document.version });
    expect(await w.session.openPolicy()).toEqual({ ok: true });
    expect(await w.session.closePolicy()).toEqual({ ok: true });
    expect(await w.session.openSafetyRules()).toEqual({ ok: true });
    expect(w.last()).toMatchObject({ kind: 'safety-rules', mustAcknowledge: false });
    expect(await w.session.closeSafetyRules()).toEqual({ ok: true });

    const clerk = watch(k.session('clerk.kim'));
    await accept(clerk.session, 'Sun Kim');
    expect(await clerk.session.getView()).toMatchObject({ kind: 'free' });
    expect(await clerk.session.openPolicy()).toEqual({ ok: true });
    expect(clerk.last()).toMatchObject({ kind: 'policy-accepted', document: { kind: 'aup' } });
    expect(await clerk.session.closePolicy()).toEqual({ ok: true });
    expect(clerk.last()).toMatchObject({ kind: 'free' });
  });

  it('the intents cross a transport only without arguments', async () => {
    const k = await kiosk();
    const s = k.session('diego.ramos');
    expect(await dispatchIntent(s, 'openPolicy', [{ policyId: 'x' }])).toMatchObject({ ok: false, reason: 'invalid-request' });
    expect(await dispatchIntent(s, 'closePolicy', [])).toEqual({ ok: false, reason: 'not-now' });
  });
});
