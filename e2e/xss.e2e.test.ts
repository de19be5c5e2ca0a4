import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addTherapist, api, daysFromNowAt10, type Person, signUp } from './flows.ts';
import { GOOD_PASSWORD, startWorld, uniqueEmail, type World } from './support.ts';

/**
 * Stored script payloads, shown back in real Chromium: a client and their therapist write them
 * wherever a person's words are kept (names, a rupture, messages, a letter, a part, a good moment,
 * an agenda item), then open every page that shows them. The words must appear as text; nothing
 * may run (no `window.__xss`, no dialog), no element may be made from them, and the page's CSP
 * must never have had to block anything (a blocked inline handler means markup got through).
 */

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.close();
});

const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=1</script>';
const SVG = '<svg onload="window.__xss=1"><circle r="1"></circle></svg>';
const ALERT = '<img src=x onerror=alert(1)>';
const BREAKOUT = '"><iframe srcdoc="<script>parent.__xss=1</script>"></iframe>';

type Watched = Window & { __xss?: unknown; __csp?: string[] };

/** A page that records what the CSP blocked and every dialog, from the first script on. */
async function watchedPage(): Promise<{ page: Page; dialogs: string[] }> {
  const page = await world.newPage();
  await page.context().addInitScript(() => {
    const w = window as Watched;
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      w.__csp?.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
    });
  });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, dialogs };
}

/** Waits until `text` is on screen, as text or as the value of a field. */
async function shows(page: Page, text: string, where: string): Promise<void> {
  await page
    .waitForFunction(
      (wanted) =>
        // biome-ignore lint/performance/useDomNodeTextContent: shown means laid out as text, as a reader sees it (textContent would count hidden text too).
        document.body.innerText.includes(wanted) ||
        [
          ...document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea'),
        ].some((field) => field.value.includes(wanted)),
      text,
      { timeout: 15_000 },
    )
    .catch(() => {
      throw new Error(`${where}: ${JSON.stringify(text)} is not shown as text`);
    });
}

/** Nothing ran, nothing was made from the payloads, nothing had to be blocked. */
async function expectInert(page: Page, dialogs: string[], where: string): Promise<void> {
  const found = await page.evaluate(() => {
    const w = window as Watched;
    return {
      xss: w.__xss,
      csp: w.__csp ?? [],
      elements: [
        ...document.querySelectorAll(
          'img[src="x"], img[onerror], svg[onload], iframe, script:not([src]), [onload], [onerror]',
        ),
      ].map((element) => element.outerHTML.slice(0, 120)),
    };
  });
  expect(found.xss, `${where}: window.__xss was set`).toBeUndefined();
  expect(dialogs, `${where}: a dialog opened`).toEqual([]);
  expect(found.elements, `${where}: elements made from the payloads`).toEqual([]);
  expect(found.csp, `${where}: the CSP had to block something`).toEqual([]);
}

async function visit(
  page: Page,
  dialogs: string[],
  url: string,
  texts: string[],
  where: string,
): Promise<void> {
  await page.goto(url);
  for (const text of texts) await shows(page, text, where);
  await expectInert(page, dialogs, where);
}

describe('stored script payloads', () => {
  test('are shown as text on every page that shows them, to the client and the therapist', async () => {
    const client: Person = {
      displayName: `${IMG} Robin`,
      email: uniqueEmail('client'),
      password: GOOD_PASSWORD,
      role: 'client',
    };
    const therapist: Person = {
      displayName: `${SCRIPT} Lee`,
      email: uniqueEmail('therapist'),
      password: GOOD_PASSWORD,
      role: 'therapist',
    };
    const therapistName = `${ALERT} Dr. Lee`;

    const { page: robin, dialogs: robinDialogs } = await watchedPage();
    await signUp(robin, client);
    const relationshipId = await addTherapist(robin, therapistName);
    const { page: lee, dialogs: leeDialogs } = await watchedPage();
    await signUp(lee, therapist);
    const { invite } = await api<{ invite: { code: string } }>(
      robin,
      'POST',
      `/api/relationships/${relationshipId}/invites`,
    );
    await api(lee, 'POST', `/api/invites/${invite.code}/accept`);

    const texts = {
      ruptureTitle: `${IMG} rupture title`,
      ruptureText: `${SCRIPT} what happened ${BREAKOUT}`,
      messageFromRobin: `${IMG} message from Robin`,
      messageFromLee: `${SVG} message from Lee`,
      letterTitle: `${IMG} letter title`,
      letterBody: `${SCRIPT} letter body`,
      partName: `${IMG} part`,
      partDescription: `${SCRIPT} part description`,
      goodMoment: `${SVG} good moment`,
      agenda: `${SCRIPT} agenda item`,
    };
    const { part } = await api<{ part: { id: string } }>(robin, 'POST', '/api/parts', {
      name: texts.partName,
      description: texts.partDescription,
    });
    const { rupture } = await api<{ rupture: { id: string } }>(
      robin,
      'POST',
      `/api/relationships/${relationshipId}/ruptures`,
      {
        title: texts.ruptureTitle,
        occurredAt: daysFromNowAt10(-2),
        whatHappened: texts.ruptureText,
        intensity: 3,
        partIds: [part.id],
        visibility: 'shared',
      },
    );
    await api(robin, 'POST', `/api/relationships/${relationshipId}/messages`, {
      body: texts.messageFromRobin,
    });
    await api(lee, 'POST', `/api/relationships/${relationshipId}/messages`, {
      body: texts.messageFromLee,
    });
    const { letter } = await api<{ letter: { id: string } }>(
      robin,
      'POST',
      `/api/relationships/${relationshipId}/letters`,
      { title: texts.letterTitle, body: texts.letterBody },
    );
    await api(robin, 'POST', `/api/relationships/${relationshipId}/good-moments`, {
      at: daysFromNowAt10(-1),
      text: texts.goodMoment,
    });
    await api(robin, 'POST', `/api/relationships/${relationshipId}/agenda`, {
      text: texts.agenda,
    });

    const relationship = `/relationships/${relationshipId}`;
    // The client's pages.
    const robinPages: [url: string, texts: string[], where: string][] = [
      ['/', [client.displayName, therapistName], 'Today (client)'],
      [relationship, [therapistName], 'the relationship page (client)'],
      [`${relationship}?tab=ruptures`, [texts.ruptureTitle, texts.goodMoment], 'Ruptures tab'],
      [`/ruptures/${rupture.id}`, [texts.ruptureTitle, texts.ruptureText], 'the rupture record'],
      [`${relationship}?tab=letters`, [texts.letterTitle], 'Letters tab'],
      [`/letters/${letter.id}`, [texts.letterTitle, texts.letterBody], 'the letter editor'],
      [
        `${relationship}?tab=messages`,
        [texts.messageFromRobin, texts.messageFromLee],
        'Messages tab (client)',
      ],
      [`${relationship}?tab=schedule`, [texts.agenda], 'Schedule tab with the agenda'],
      ['/parts', [texts.partName, texts.partDescription], 'Parts'],
    ];
    for (const [url, shown, where] of robinPages) {
      await visit(robin, robinDialogs, url, shown, where);
    }
    // The therapist's: the client's name, the shared rupture, the messages.
    const leePages: [url: string, texts: string[], where: string][] = [
      ['/', [therapist.displayName, client.displayName], 'Today (therapist)'],
      [relationship, [client.displayName], 'the relationship page (therapist)'],
      [`${relationship}?tab=ruptures`, [texts.ruptureTitle], 'Ruptures tab (therapist)'],
      [
        `/ruptures/${rupture.id}`,
        [texts.ruptureTitle, texts.ruptureText],
        'the shared rupture (therapist)',
      ],
      [
        `${relationship}?tab=messages`,
        [texts.messageFromRobin, texts.messageFromLee],
        'Messages tab (therapist)',
      ],
    ];
    for (const [url, shown, where] of leePages) {
      await visit(lee, leeDialogs, url, shown, where);
    }
  });

  test('the checks see markup that got through (a positive control)', async () => {
    const { page, dialogs } = await watchedPage();
    await page.goto('/sign-in');
    await shows(page, 'Sign in', 'the sign-in page');
    await expectInert(page, dialogs, 'the sign-in page before');
    // What a raw-HTML sink in the app would do with a stored payload.
    await page.evaluate((html) => document.body.insertAdjacentHTML('beforeend', html), IMG);
    await page.waitForFunction(() => ((window as Watched).__csp ?? []).length > 0);
    await expect(expectInert(page, dialogs, 'the sign-in page after')).rejects.toThrow(
      /elements made from the payloads/,
    );
    const blocked = await page.evaluate(() => (window as Watched).__csp ?? []);
    expect(blocked.join('\n')).toMatch(/script-src/);
  });
});
