// Read-aloud (Web Speech API) of a text the catalog ships no recording of (a grade-10 student's; the
// K-5 recordings are tested in young-readers.spec.ts). Chromium here has no speech voices (no speech-dispatcher on the test
// machine), so the first test uses the real, voiceless browser; the second stands in for the OS
// speech engine with a minimal `speechSynthesis` that finishes each utterance at once and offers an
// English voice only. What is tested is the kiosk's part: the button only where a voice of the
// document's language exists, one block at a time in reading order, and reading to the end
// enabling Accept just as scrolling there does.
import { expect, openSession, septemberMorning, setClock, test } from './support/kiosk.ts';

test('with no voice for the language, there is no read-aloud button', async ({ page, request }) => {
  await setClock(request, septemberMorning(2070));
  await openSession(page, 'diego.ramos'); // grade 10: no plain-words summary, so no recording (young-readers.spec.ts)
  await expect(page.getByRole('button', { name: 'I accept' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Read aloud' })).toHaveCount(0);
});

test('reading the policy aloud to its end enables Accept, in a voice of the document’s language only', async ({ page, request }) => {
  await page.addInitScript(() => {
    const spoken: string[] = [];
    class Utterance {
      text: string;
      lang = '';
      voice: unknown = null;
      onend: (() => void) | null = null;
      onerror: (() => void) | null = null;
      constructor(text: string) {
        this.text = text;
      }
    }
    const synth = Object.assign(new EventTarget(), {
      getVoices: () => [{ lang: 'en-US', name: 'Stand-in English', localService: true, default: true, voiceURI: 'stand-in' }],
      speak: (u: Utterance) => {
        spoken.push(u.text);
        setTimeout(() => u.onend?.(), 0);
      },
      cancel: () => {},
    });
    Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
    Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: Utterance, configurable: true });
    Object.defineProperty(window, '__spoken', { value: spoken });
  });
  await setClock(request, septemberMorning(2071));
  await openSession(page, 'diego.ramos');
  const agree = page.getByRole('button', { name: 'I accept' });
  await expect(agree).toBeDisabled();

  await page.getByRole('button', { name: 'Español' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByRole('button', { name: 'Leer en voz alta' }), 'no Spanish voice: no button').toHaveCount(0);
  await page.getByRole('button', { name: 'English' }).click();

  await page.getByRole('button', { name: 'Read aloud' }).click();
  await expect(agree).toBeEnabled();
  await expect(page.getByText('You have reached the end of the policy.')).toBeVisible();
  const spoken = await page.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken);
  expect(spoken[0]).toBe('Lockhart ISD Student Technology Acceptable Use Policy');
  expect(spoken.length).toBeGreaterThan(20);
  const scrolled = await page.getByRole('region', { name: 'Policy text' }).evaluate((el) => el.scrollTop);
  expect(scrolled, 'Accept came from listening, not from scrolling').toBe(0);
});
