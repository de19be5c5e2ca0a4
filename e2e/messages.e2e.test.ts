import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { addTherapist, api, type Person, signUp } from './flows.ts';
import {
  describeFocus,
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
  GOOD_PASSWORD,
  isFocused,
  startWorld,
  uniqueEmail,
  visibleText,
  type World,
  waitForHeading,
} from './support.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.close();
});

/**
 * Each page holds an event stream open, and a browser keeps at most six connections to one host
 * over HTTP/1.1: the pages of a finished test are closed so the next test's pages can load.
 */
const opened: Page[] = [];
async function newPage(options?: { width?: number; height?: number }): Promise<Page> {
  const page = await world.newPage(options);
  opened.push(page);
  return page;
}

afterEach(async () => {
  for (const page of opened.splice(0)) await page.context().close();
});

const PHONE = { width: 320, height: 640 };
/** Live updates arrive through the event stream; nothing here reloads to see them. */
const LIVE = { timeout: 10_000 };

function person(role: Person['role'], displayName: string): Person {
  return { displayName, email: uniqueEmail(role), password: GOOD_PASSWORD, role };
}

/** What the app's polite live region says now. */
function announcement(page: Page): Promise<string> {
  return page
    .locator('div.visually-hidden[role="status"]')
    .textContent()
    .then((text) => text ?? '');
}

type Listening = Window & { heard?: string[] };

/**
 * Keeps everything the polite live region says from now on (until the page is reloaded), so two
 * announcements close together are both seen.
 */
async function listen(page: Page): Promise<void> {
  await page.locator('div.visually-hidden[role="status"]').waitFor({ state: 'attached' });
  await page.evaluate(() => {
    const w = window as Listening;
    const region = document.querySelector('div.visually-hidden[role="status"]');
    if (w.heard || !region) return;
    const heard: string[] = [];
    w.heard = heard;
    new MutationObserver(() => {
      const text = region.textContent ?? '';
      if (text) heard.push(text);
    }).observe(region, { childList: true, characterData: true, subtree: true });
  });
}

function heard(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as Listening).heard ?? []);
}

async function expectFocused(page: Page, locator: Locator, what: string) {
  await expect
    .poll(() => isFocused(locator), {
      message: `focus should be on ${what}, is on ${await describeFocus(page)}`,
    })
    .toBe(true);
}

/** "2025-11-18T10:00": `days` from today at 10:00, as a datetime-local field takes it. */
function localDateTime(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T10:00`;
}

/**
 * Robin (a client) connected with Lee, whose agreement promises a reply within 48 hours; both
 * signed in, in their own browser contexts.
 */
async function connected() {
  const robin = await newPage();
  await signUp(robin, person('client', 'Robin'));
  const relationshipId = await addTherapist(robin, 'Dr. Lee');
  const lee = await newPage();
  await signUp(lee, person('therapist', 'Lee'));
  const { invite } = await api<{ invite: { code: string } }>(
    robin,
    'POST',
    `/api/relationships/${relationshipId}/invites`,
  );
  await api(lee, 'POST', `/api/invites/${invite.code}/accept`);
  const agreement = await lee.request.put(`/api/relationships/${relationshipId}/agreement`, {
    data: {
      replyTimeHours: 48,
      contact: 'Messages here; I answer on weekdays.',
      availability: '',
      scheduling: '',
      roomRules: '',
      emergency: '',
    },
  });
  expect(agreement.status(), await agreement.text()).toBe(201);
  await api(robin, 'POST', `/api/relationships/${relationshipId}/agreement/acknowledge`, {
    version: 1,
  });
  // What the setting up told each of them is put aside: the tests count what comes after.
  for (const page of [robin, lee]) {
    const seen = await page.request.post('/api/notifications/seen', { data: {} });
    expect(seen.status(), await seen.text()).toBe(204);
  }
  return { robin, lee, relationshipId };
}

async function openMessages(page: Page, relationshipId: string, other: string) {
  await page.goto(`/relationships/${relationshipId}?tab=messages`);
  await waitForHeading(page, `You and ${other}`);
  await page.getByRole('tab', { name: 'Messages', selected: true }).waitFor();
  await page.getByRole('heading', { level: 3, name: `Your messages with ${other}` }).waitFor();
}

/** One message in the thread, found by its words. */
function inThread(page: Page, words: string): Locator {
  return page
    .getByRole('list', { name: /^Messages with / })
    .getByRole('listitem')
    .filter({ hasText: words });
}

async function checkClientPage(page: Page, where: string) {
  await expectAccessible(page, where);
  await expectCalmWords(page, where);
}

describe('messages between a client and their therapist', () => {
  test('sent, seen arriving, read, acknowledged with a promise, answered: each live for the other', async () => {
    const { robin, lee, relationshipId } = await connected();

    // The therapist has the thread open before anything is written.
    await openMessages(lee, relationshipId, 'Robin');
    await listen(lee);
    await lee
      .getByText('Nothing here yet. Messages between you and Robin will show here.')
      .waitFor();
    await expectAccessible(lee, 'the Messages tab (therapist), empty');

    // The client: who will see it is said before sending; the crisis line is always there.
    await openMessages(robin, relationshipId, 'Dr. Lee');
    await robin.getByText('Nothing here yet. When you write to Dr. Lee').waitFor();
    const compose = robin.getByLabel('Your message to Dr. Lee');
    await robin
      .getByText(/^Dr\. Lee will see this\. What you write is kept on this device/)
      .waitFor();
    const crisis = robin.getByText(
      'Attune is not an emergency service. If you are in danger, call your local emergency number now.',
      { exact: false },
    );
    await crisis.waitFor();
    expect(
      await robin
        .locator('.crisis-line')
        .getByRole('link', { name: 'Crisis lines and other help' })
        .getAttribute('href'),
    ).toBe('/help');
    await checkClientPage(robin, 'the Messages tab (client), empty');

    // What is typed is kept on the device: a reload loses nothing.
    const first = 'I keep thinking about Monday. Can we talk about the shoes on Thursday?';
    await compose.fill(first);
    await robin.reload();
    await openMessages(robin, relationshipId, 'Dr. Lee');
    expect(await compose.inputValue()).toBe(first);
    await listen(robin);

    await robin.getByRole('button', { name: 'Send', exact: true }).click();
    const mine = inThread(robin, first);
    await mine.waitFor();
    await expect.poll(() => compose.inputValue()).toBe('');
    await expect
      .poll(() => heard(robin))
      .toContain('Sent. Dr. Lee will see it here, in your messages.');
    await expectFocused(robin, compose, 'the message field, ready for another');
    // Waiting has a shape: sent, and when to expect a reply. (The therapist's open thread may
    // already have read it; "not read yet" is seen below, with the therapist elsewhere.)
    await expect
      .poll(() => visibleText(mine))
      .toMatch(
        /Sent today .+ · (not read yet|Read today .+) · reply expected by .+ \(from your agreement\)/,
      );

    // The therapist sees it arrive without reloading, is told politely, and has read it.
    const theirs = inThread(lee, first);
    await theirs.waitFor(LIVE);
    await expect.poll(() => heard(lee), LIVE).toContain('New message from Robin.');
    expect(await visibleText(theirs)).toMatch(/^Reply expected by .+ \(from your agreement\)$/m);

    // …and the client sees "Read" appear, live.
    await expect.poll(() => visibleText(mine), LIVE).toMatch(/· Read today /);
    expect(await visibleText(mine)).not.toContain('not read yet');
    await expect.poll(() => heard(robin), LIVE).toContain('Dr. Lee read your message.');
    await expectAccessible(lee, 'the Messages tab (therapist), a message read');

    // The therapist acknowledges, with the time a reply is promised by and a note.
    await theirs.getByRole('button', { name: /^Acknowledge Robin's message from / }).click();
    const ackForm = lee.getByRole('form', { name: /^Acknowledge Robin's message from / });
    const replyBy = ackForm.getByLabel("I'll answer by (optional)");
    await expectFocused(lee, replyBy, 'the answer-by field');
    await replyBy.fill(localDateTime(2));
    const note = ackForm.getByLabel('A short note (optional)');
    expect(await note.getAttribute('placeholder')).toBe(
      "Read it — I'll answer properly on Thursday",
    );
    await note.fill('Read it — I’ll answer properly before Thursday.');
    await expectAccessible(lee, 'acknowledging a message');
    await ackForm.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await ackForm.waitFor({ state: 'detached' });
    await expect.poll(() => visibleText(theirs)).toMatch(/You said you'd answer by /);
    await theirs
      .getByText('Your note: “Read it — I’ll answer properly before Thursday.”')
      .waitFor();

    // The client sees the promise and the note, live.
    await mine
      .getByText('Dr. Lee: “Read it — I’ll answer properly before Thursday.”')
      .waitFor(LIVE);
    expect(await visibleText(mine)).toMatch(/· Read today .+ · Dr\. Lee will answer by /);
    await expect.poll(() => heard(robin), LIVE).toContain('Dr. Lee acknowledged your message.');
    await checkClientPage(robin, 'the Messages tab (client), acknowledged');

    // The therapist answers; the client's message shows as answered, and the answer arrives.
    const answer = 'Thank you for telling me. Yes, let us begin with that on Thursday.';
    await lee.getByLabel('Your message to Robin').fill(answer);
    await lee.getByText(/^Robin will see this\. What you write is kept on this device/).waitFor();
    await lee.getByRole('button', { name: 'Send', exact: true }).click();
    await inThread(lee, answer).waitFor();
    await expect.poll(() => visibleText(theirs)).toMatch(/You answered today/);
    await inThread(robin, answer).waitFor(LIVE);
    await expect.poll(() => visibleText(mine), LIVE).toMatch(/· Answered today/);
    await expect.poll(() => heard(robin), LIVE).toContain('New message from Dr. Lee.');
    // Oldest first.
    const order = await robin
      .getByRole('list', { name: /^Messages with / })
      .getByRole('listitem')
      .allInnerTexts();
    expect(order.findIndex((t) => t.includes(first))).toBeLessThan(
      order.findIndex((t) => t.includes(answer)),
    );
    await checkClientPage(robin, 'the Messages tab (client), answered');

    // On a phone, nothing scrolls sideways, for either of them.
    await robin.setViewportSize(PHONE);
    await lee.setViewportSize(PHONE);
    await expectNoHorizontalScroll(robin, 'the Messages tab (client) at 320px');
    await expectNoHorizontalScroll(lee, 'the Messages tab (therapist) at 320px');
    await expectAccessible(robin, 'the Messages tab (client) at 320px');
  });

  test('a request to call comes first for the therapist, who logs the call back', async () => {
    const { robin, lee, relationshipId } = await connected();

    await lee.goto('/');
    await waitForHeading(lee, 'Today');
    await lee.getByRole('heading', { level: 2, name: 'Your clients' }).waitFor();

    // The client asks to be called; the crisis line is right beside the request.
    await openMessages(robin, relationshipId, 'Dr. Lee');
    const callMe = robin.getByRole('region', { name: 'Would you like Dr. Lee to call you?' });
    await robin.locator('.crisis-line').waitFor();
    await callMe
      .getByLabel('Anything Dr. Lee should know before calling? (optional)')
      .fill('Today is hard. Evening is best.');
    await callMe.getByRole('button', { name: 'Please call me' }).click();
    const request = inThread(robin, 'Today is hard. Evening is best.');
    await request.getByText('You asked to be called').waitFor();
    expect(await visibleText(request)).toMatch(
      /Sent today .+ · not read yet · reply expected by .+ \(from your agreement\)/,
    );
    await expect.poll(() => announcement(robin)).toBe('Asked. Dr. Lee sees your request first.');
    await checkClientPage(robin, 'the Messages tab (client), a request to call');

    // The therapist's Today puts it first, live, and the header counts it, calmly.
    const calls = lee.getByRole('region', { name: 'Waiting for your call' });
    await calls.getByText(/^Robin asked you to call · less than an hour ago$/).waitFor(LIVE);
    const todayLink = lee.getByRole('navigation', { name: 'Main' }).getByRole('link', {
      name: /^Today/,
    });
    await expect.poll(() => todayLink.textContent(), LIVE).toContain('1 new');
    await lee
      .getByRole('region', { name: 'New for you' })
      .getByRole('link', { name: 'Robin asked you to call' })
      .waitFor();
    const headings = await lee.getByRole('heading', { level: 2 }).allInnerTexts();
    expect(headings.indexOf('Waiting for your call')).toBeLessThan(
      headings.indexOf('Your clients'),
    );
    expect(
      await visibleText(lee.getByRole('list').filter({ hasText: 'Needs attention' })),
    ).toContain('Robin asked you to call');
    await expectAccessible(lee, 'Today (therapist) with a request to call');

    // The client's Today says what is waiting, in words.
    await robin.goto('/');
    await waitForHeading(robin, 'Today');
    const card = robin.getByRole('region', { name: 'Dr. Lee', exact: true });
    await card
      .getByText(
        "Your request to call from today hasn't been read yet; replies are expected within 48 hours.",
      )
      .waitFor();
    await checkClientPage(robin, 'Today (client) with a request waiting');

    // In the thread, the request is first, above the messages; the call back is logged there.
    await calls.getByRole('link', { name: /^Open messages with Robin/ }).click();
    await waitForHeading(lee, 'You and Robin');
    const waiting = lee.getByRole('region', { name: 'Waiting for your call' });
    await waiting.getByText(/^Robin asked you to call · /).waitFor();
    const order = await lee
      .getByRole('tabpanel')
      .getByRole('heading', { level: 3 })
      .allInnerTexts();
    expect(order[0]).toBe('Waiting for your call');
    // Opening the thread counts as seeing the notice: the header's count goes.
    await expect.poll(() => todayLink.textContent(), LIVE).toBe('Today');

    await waiting.getByRole('button', { name: 'Log the call back to Robin' }).click();
    const log = lee.getByRole('form', { name: 'Log the call back to Robin' });
    await expectFocused(lee, log.getByLabel('When you called'), 'the time of the call');
    expect(await log.getByLabel('When you called').inputValue()).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d$/,
    );
    // Nothing written about it: said next to the field.
    await log.getByRole('button', { name: 'Log the call back' }).click();
    const outcome = log.getByLabel('What came of it');
    await expectFocused(lee, outcome, 'the outcome field');
    await log.getByText('Please write a few words about the call.').waitFor();
    await outcome.fill('We talked for twenty minutes; Robin is safe and we meet Thursday.');
    await expectAccessible(lee, 'logging a call back');
    await log.getByRole('button', { name: 'Log the call back' }).click();
    await waiting.waitFor({ state: 'detached' });
    await expect
      .poll(() => announcement(lee))
      .toBe('Call back logged. Robin sees that you called.');
    const logged = inThread(lee, 'Today is hard. Evening is best.');
    await expect.poll(() => visibleText(logged)).toMatch(/You called back today/);

    // The client sees it, live.
    await openMessages(robin, relationshipId, 'Dr. Lee');
    await expect
      .poll(() => visibleText(inThread(robin, 'Today is hard. Evening is best.')), LIVE)
      .toMatch(/Dr\. Lee called you back today/);
    await inThread(robin, 'Today is hard. Evening is best.')
      .getByText(
        "Dr. Lee's note about the call: “We talked for twenty minutes; Robin is safe and we meet Thursday.”",
      )
      .waitFor();
    await checkClientPage(robin, 'the Messages tab (client), a call logged');
  });

  test('a letter sent as a message, after seeing exactly what goes', async () => {
    const { robin, lee, relationshipId } = await connected();
    await openMessages(lee, relationshipId, 'Robin');

    const title = 'About the shoes';
    const body = 'I have been thinking about Monday.\n\nIt was not about the shoes.';
    const { letter } = await api<{ letter: { id: string } }>(
      robin,
      'POST',
      `/api/relationships/${relationshipId}/letters`,
      { title, body },
    );
    await robin.goto(`/letters/${letter.id}`);
    await waitForHeading(robin, 'A letter to Dr. Lee');
    await robin.getByRole('button', { name: 'Send to Dr. Lee as a message' }).click();
    const dialog = robin.getByRole('dialog', { name: 'Send this letter to Dr. Lee?' });
    await dialog
      .getByText("Dr. Lee will see this in your messages. You can't unsend it.")
      .waitFor();
    expect(await dialog.getByLabel('What will be sent').inputValue()).toBe(`${title}\n\n${body}`);
    await expectFocused(robin, dialog.getByRole('button', { name: 'Not now' }), 'Not now');
    await checkClientPage(robin, 'sending a letter: the confirmation');
    // "Not now" sends nothing.
    await dialog.getByRole('button', { name: 'Not now' }).click();
    await dialog.waitFor({ state: 'detached' });
    await robin.getByRole('button', { name: 'Send to Dr. Lee as a message' }).click();
    await dialog.getByRole('button', { name: 'Send it to Dr. Lee' }).click();
    await dialog.waitFor({ state: 'detached' });
    await robin.getByText(/^Sent on .+\. See it in your messages$/).waitFor();
    await expect.poll(() => announcement(robin)).toBe("Sent to Dr. Lee. It's in your messages.");

    // It arrives in the therapist's open thread, live, as a letter.
    const arrived = inThread(lee, 'It was not about the shoes.');
    await arrived.waitFor(LIVE);
    await arrived.getByText('A letter', { exact: true }).waitFor();
    expect(await visibleText(arrived)).toContain(title);
    const { items } = await api<{ items: { body: string; letterId: string | null }[] }>(
      robin,
      'GET',
      `/api/relationships/${relationshipId}/messages`,
    );
    expect(items.map((m) => [m.body, m.letterId])).toEqual([[`${title}\n\n${body}`, letter.id]]);
    await expectAccessible(lee, 'the Messages tab (therapist) with a letter');
  });

  test('a long thread: the latest first, earlier ones on request, read only once shown', async () => {
    const { robin, lee, relationshipId } = await connected();
    const sent: string[] = [];
    for (let i = 1; i <= 52; i++) {
      const { message } = await api<{ message: { id: string } }>(
        robin,
        'POST',
        `/api/relationships/${relationshipId}/messages`,
        { body: `Thought number ${i}.` },
      );
      sent.push(message.id);
    }
    const readState = async () =>
      (
        await api<{ items: { id: string; readAt: string | null }[] }>(
          robin,
          'GET',
          `/api/relationships/${relationshipId}/messages?limit=200`,
        )
      ).items.map((m) => m.readAt !== null);

    await openMessages(lee, relationshipId, 'Robin');
    const thread = lee.getByRole('list', { name: /^Messages with / }).getByRole('listitem');
    await inThread(lee, 'Thought number 52.').waitFor();
    expect(await thread.count()).toBe(50);
    expect(await inThread(lee, 'Thought number 2.').count()).toBe(0);
    // What is on screen is read; the two not shown yet are not.
    await expect.poll(readState).toEqual([false, false, ...Array<boolean>(50).fill(true)]);

    await lee.getByRole('button', { name: 'Show earlier messages' }).click();
    await inThread(lee, 'Thought number 1.').waitFor();
    expect(await thread.count()).toBe(52);
    expect(await visibleText(thread.first())).toContain('Thought number 1.');
    await lee.getByRole('button', { name: 'Show earlier messages' }).waitFor({ state: 'detached' });
    await expect.poll(readState).toEqual(Array<boolean>(52).fill(true));
    expect(sent).toHaveLength(52);
  });

  test('notification settings: chosen per kind and channel, saved with a clear "Saved"', async () => {
    const robin = await newPage();
    await signUp(robin, person('client', 'Robin'));
    await robin
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Notification settings' })
      .click();
    await waitForHeading(robin, 'Notification settings');
    await robin
      .getByText(
        'Emails only say that something is waiting, with a link. They never include what anyone wrote.',
      )
      .waitFor();
    const messages = robin.getByRole('group', { name: 'New messages' });
    expect(await messages.getByRole('checkbox', { name: 'By email' }).isChecked()).toBe(true);
    expect(await messages.getByRole('checkbox', { name: 'In the app' }).isChecked()).toBe(true);
    for (const kind of ['Acknowledgements', 'Agreement changes', 'Reminders']) {
      await robin
        .getByRole('group', { name: kind })
        .getByRole('checkbox', { name: 'By email' })
        .waitFor();
    }
    await checkClientPage(robin, 'notification settings');

    await messages.getByRole('checkbox', { name: 'By email' }).uncheck();
    await robin
      .getByRole('group', { name: 'Reminders' })
      .getByRole('checkbox', { name: 'In the app' })
      .uncheck();
    const hours = robin.getByLabel("Remind me about a message I haven't opened after");
    await hours.fill('0');
    await robin.getByRole('button', { name: 'Save', exact: true }).click();
    await expectFocused(robin, hours, 'the hours field');
    await robin.getByText('Please give a number from 1 to 336.').waitFor();
    await hours.fill('48');
    await robin.getByRole('button', { name: 'Save', exact: true }).click();
    await robin.getByText('Saved', { exact: true }).waitFor();
    await expect
      .poll(() => announcement(robin))
      .toBe('Saved. Your notification choices are in place.');

    const { settings } = await api<{
      settings: {
        email: Record<string, boolean>;
        inApp: Record<string, boolean>;
        unreadReminderHours: number;
      };
    }>(robin, 'GET', '/api/me/notification-settings');
    expect(settings.email.message).toBe(false);
    expect(settings.inApp.reminders).toBe(false);
    expect(settings.inApp.message).toBe(true);
    expect(settings.unreadReminderHours).toBe(48);

    await robin.reload();
    await waitForHeading(robin, 'Notification settings');
    expect(await messages.getByRole('checkbox', { name: 'By email' }).isChecked()).toBe(false);
    expect(await hours.inputValue()).toBe('48');

    await robin.setViewportSize(PHONE);
    await expectNoHorizontalScroll(robin, 'notification settings at 320px');
    await checkClientPage(robin, 'notification settings at 320px');
  });
});
