import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  addPastSession,
  addSession,
  addTherapist,
  api,
  CHECKIN_ITEMS,
  fillCheckIn,
  localDate,
  openCheckIn,
  openTab,
  type Person,
  signUp,
  sliderValue,
} from './flows.ts';
import {
  chartPixelsLike,
  describedBy,
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
  GOOD_PASSWORD,
  isFocused,
  startWorld,
  tabTo,
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

function client(displayName: string): Person {
  return { displayName, email: uniqueEmail('client'), password: GOOD_PASSWORD, role: 'client' };
}

const PHONE = { width: 320, height: 640 };

async function checkEverywhere(page: Page, where: string): Promise<void> {
  await expectAccessible(page, where);
  await expectCalmWords(page, where);
}

async function chooseTension(page: Page, words: string): Promise<void> {
  await page
    .getByRole('radiogroup', {
      name: 'Was there tension, a misunderstanding or distance between us?',
    })
    .getByText(words, { exact: true })
    .click();
}

/** Opens the relationship page and the check-in of its oldest session still waiting for one. */
async function openOldestWaitingCheckIn(page: Page, relationshipId: string): Promise<void> {
  await page.goto(`/relationships/${relationshipId}`);
  await page.getByRole('tab', { name: 'Timeline' }).waitFor();
  await page.getByRole('link', { name: 'Fill in your check-in for this session' }).last().click();
  await page.getByRole('slider').first().waitFor();
}

describe('check-ins, markers and the chart (solo)', () => {
  test('a client records sessions and check-ins, and a drop is offered as a question', async () => {
    const page = await world.newPage();
    await signUp(page, client('Robin'));

    // The empty Today invites, and asks for the therapist's name.
    await page.getByText("When you're ready, you can add your therapist").waitFor();
    await checkEverywhere(page, 'Today, empty (client)');
    const relationshipId = await addTherapist(page, 'Dr. Lee');
    await page.getByText("Just you for now: Dr. Lee isn't connected to Attune").waitFor();
    await checkEverywhere(page, 'relationship page, new');

    // Four past sessions, through the Schedule tab.
    for (const days of [-28, -21, -14, -7]) {
      await addSession(page, { date: localDate(days), time: '10:00' });
    }
    expect(await page.locator('.session-row').count()).toBe(4);
    await checkEverywhere(page, 'relationship page, schedule');

    // Today now offers a check-in for the most recent one, quietly.
    await page.goto('/');
    await waitForHeading(page, 'Today');
    await page.getByRole('link', { name: /^How did .* feel\? Two minutes$/ }).waitFor();

    // Three steady check-ins (33 each), then a low one (20) with quite a bit of tension.
    const steady: [number, number, number, number][] = [
      [8, 8, 8, 9],
      [9, 8, 8, 8],
      [8, 9, 8, 8],
    ];
    for (const items of steady) {
      await openOldestWaitingCheckIn(page, relationshipId);
      await fillCheckIn(page, { items, tension: 'None' });
      await page.getByText('adds up to 33 of 40').waitFor();
    }
    await openOldestWaitingCheckIn(page, relationshipId);
    await page.getByText('Only you will see this check-in').waitFor();
    await checkEverywhere(page, 'check-in (solo)');
    await fillCheckIn(page, { items: [5, 5, 5, 5], tension: 'Quite a bit', note: 'It felt far.' });
    await page.getByText('adds up to 20 of 40').waitFor();
    await page.getByText('Only you can see it.').waitFor();

    // Today: the drop, as a question, with "Not now".
    await page.goto('/');
    await waitForHeading(page, 'Today');
    const noticed = page.locator('.marker-note');
    await noticed.waitFor();
    expect(await noticed.count()).toBe(1);
    const words = (await visibleText(noticed)).replace(/\s+/g, ' ');
    expect(words).toMatch(/^After your session on [^:]+: Your check-in score \(20\)/);
    expect(words).toContain('was lower than usual for you (usually about 33). Was something off?');
    expect(words).toContain(
      'You noted quite a bit of tension in this session, not eased by the end.',
    );
    expect(await page.getByRole('link', { name: /^How did .* feel\?/ }).count()).toBe(0);
    await checkEverywhere(page, 'Today with markers');

    await noticed.getByRole('button', { name: 'Not now' }).click();
    await noticed.waitFor({ state: 'detached' });
    expect(await isFocused(page.getByRole('heading', { name: 'Dr. Lee' }))).toBe(true);
    // For this visit: back on Today in the same tab it stays put aside, and no older one takes
    // its place; a new visit (another tab) offers it again.
    await page.goto('/');
    await waitForHeading(page, 'Today');
    await page.getByRole('link', { name: 'Dr. Lee', exact: true }).waitFor();
    expect(await page.locator('.marker-note').count()).toBe(0);
    const again = await page.context().newPage();
    await again.goto('/');
    await waitForHeading(again, 'Today');
    await again.locator('.marker-note', { hasText: 'Was something off?' }).waitFor();
    await again.close();

    // The relationship page: the marker in the timeline, next to its session.
    await page.getByRole('link', { name: 'Dr. Lee', exact: true }).click();
    await waitForHeading(page, 'You and Dr. Lee');
    const lowest = page.locator('.timeline-entry', { hasText: '20 of 40' });
    await lowest.getByText('Was something off?').waitFor();
    await lowest.getByText('It felt far.').waitFor();
    await checkEverywhere(page, 'relationship page, timeline');

    // The chart and its table.
    await openTab(page, 'Check-ins');
    const chart = page.getByRole('img', { name: /^Chart of your check-in scores/ });
    await chart.locator('canvas').waitFor();
    expect(await chart.getAttribute('aria-label')).toContain('4 check-ins');
    await expect.poll(() => chartPixelsLike(page, '.legend-client')).toBeGreaterThan(150);
    await page.getByText('not a validated clinical test').first().waitFor();
    const table = page.getByRole('table', { name: /Check-in scores/ });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(4);
    const newest = rows.first();
    expect(await visibleText(newest.getByRole('rowheader'))).toContain(
      'Attune noticed: lower than usual; tension',
    );
    const cells = await newest.locator('td').allInnerTexts();
    expect(cells[0]).toBe('20');
    expect(cells[2]).toBe('Quite a bit');
    const scores = await table.locator('tbody td:nth-child(2)').allInnerTexts();
    expect(scores).toEqual(['20', '33', '33', '33']);
    await checkEverywhere(page, 'relationship page, check-ins');

    // The same pages on a small phone.
    await page.setViewportSize(PHONE);
    await chart.locator('canvas').waitFor();
    await expectNoHorizontalScroll(page, 'check-ins tab at 320px');
    await expectAccessible(page, 'check-ins tab at 320px');
    // The chart is drawn again for the new width and colour scheme.
    await expect.poll(() => chartPixelsLike(page, '.legend-client')).toBeGreaterThan(100);
    for (const tab of ['Timeline', 'Schedule'] as const) {
      await openTab(page, tab);
      await expectNoHorizontalScroll(page, `${tab} tab at 320px`);
      await expectAccessible(page, `${tab} tab at 320px`);
    }
    await page.goto('/');
    await waitForHeading(page, 'Today');
    await expectNoHorizontalScroll(page, 'Today at 320px');
    await expectAccessible(page, 'Today at 320px');
  });

  test('the check-in works with the keyboard alone, and the sliders say their value', async () => {
    const page = await world.newPage();
    await signUp(page, client('Sami'));
    const { relationship } = await api<{ relationship: { id: string } }>(
      page,
      'POST',
      '/api/relationships',
      { therapistName: 'Alex' },
    );
    const appointmentId = await addPastSession(page, relationship.id, 2);
    await page.goto(`/relationships/${relationship.id}`);
    await waitForHeading(page, 'You and Alex');
    await page.getByRole('link', { name: 'Fill in your check-in for this session' }).click();
    await page.getByRole('slider').first().waitFor();
    expect(page.url()).toContain(`/appointments/${appointmentId}/check-in`);
    await checkEverywhere(page, 'check-in, keyboard');

    const [first, second, third, fourth] = CHECKIN_ITEMS;
    const slider = page.getByRole('slider', { name: first, exact: true });
    await tabTo(page, slider, { max: 4 });
    expect(await sliderValue(page, first)).toBe('5');
    expect(await slider.getAttribute('min')).toBe('0');
    expect(await slider.getAttribute('max')).toBe('10');
    await page.keyboard.press('ArrowRight');
    expect(await sliderValue(page, first)).toBe('6');
    await page.keyboard.press('ArrowRight');
    expect(await sliderValue(page, first)).toBe('7');
    await page.keyboard.press('ArrowLeft');
    expect(await sliderValue(page, first)).toBe('6');
    await page.keyboard.press('End');
    expect(await sliderValue(page, first)).toBe('10');
    await page.keyboard.press('Home');
    expect(await sliderValue(page, first)).toBe('0');
    await page.keyboard.press('ArrowUp');
    expect(await sliderValue(page, first)).toBe('1');
    // What is shown matches what is announced, and the ends are described in words.
    const shown = page.locator('.scale', { has: slider }).locator('output');
    expect((await visibleText(shown)).replace(/\s+/g, ' ')).toBe('1 of 10');
    expect(await describedBy(slider)).toContain('0 means not at all, 10 means completely');

    for (const [name, presses] of [
      [second, 3],
      [third, 2],
      [fourth, 4],
    ] as const) {
      await tabTo(page, page.getByRole('slider', { name, exact: true }), { max: 1 });
      for (let i = 0; i < presses; i += 1) await page.keyboard.press('ArrowRight');
      expect(await sliderValue(page, name)).toBe(String(5 + presses));
    }

    // Tension: Tab into the group, arrows choose. Only then the "eased" question appears.
    const none = page.getByRole('radio', { name: 'None', exact: true });
    await tabTo(page, none, { max: 1 });
    await page.keyboard.press('Space');
    expect(await none.isChecked()).toBe(true);
    expect(
      await page.getByRole('radiogroup', { name: 'How much was it eased by the end?' }).count(),
    ).toBe(0);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('radio', { name: 'Some', exact: true }).isChecked()).toBe(true);
    const eased = page.getByRole('radiogroup', { name: 'How much was it eased by the end?' });
    await eased.waitFor();
    await checkEverywhere(page, 'check-in with the eased question');
    const mostly = eased.getByRole('radio', { name: 'Mostly', exact: true });
    await tabTo(page, eased.getByRole('radio').first(), { max: 1 });
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
    expect(await mostly.isChecked()).toBe(true);

    const note = page.getByLabel('Anything else? (optional)');
    await tabTo(page, note, { max: 1 });
    await page.keyboard.type('Typed without a mouse.');
    const save = page.getByRole('button', { name: 'Save, just for me' });
    await tabTo(page, save, { max: 2 });
    await page.keyboard.press('Enter');
    await waitForHeading(page, 'Thank you. Your check-in is saved.');
    expect(await isFocused(page.getByRole('heading', { level: 1 }))).toBe(true);
    await page.getByText('adds up to 25 of 40').waitFor();
    await page.getByText('tension: some; eased: mostly').waitFor();
    await checkEverywhere(page, 'check-in saved');

    // What was saved is what was chosen.
    const saved = await api<{
      checkins: {
        bond: number;
        goals: number;
        method: number;
        overall: number;
        tension: number;
        resolved: number;
        note: string;
        shared: boolean;
      }[];
    }>(page, 'GET', `/api/relationships/${relationship.id}/page`);
    expect(saved.checkins).toHaveLength(1);
    expect(saved.checkins[0]).toMatchObject({
      bond: 1,
      goals: 8,
      method: 7,
      overall: 9,
      tension: 2,
      resolved: 3,
      note: 'Typed without a mouse.',
      shared: false,
    });
  });

  test('a note in progress survives a reload, and is gone once saved', async () => {
    const page = await world.newPage(PHONE);
    await signUp(page, client('Kai'));
    const { relationship } = await api<{ relationship: { id: string } }>(
      page,
      'POST',
      '/api/relationships',
      { therapistName: 'Morgan' },
    );
    const appointmentId = await addPastSession(page, relationship.id, 1);
    await openCheckIn(page, appointmentId, relationship.id);
    await waitForHeading(page, "How did yesterday's session feel?");
    await expectNoHorizontalScroll(page, 'check-in at 320px');
    await checkEverywhere(page, 'check-in at 320px');

    const words = 'Something about the ending.\nI want to bring it up next time.';
    await page.getByLabel('Anything else? (optional)').fill(words);
    await chooseTension(page, 'A little');
    const first = CHECKIN_ITEMS[0];
    await page.getByRole('slider', { name: first, exact: true }).focus();
    await page.keyboard.press('ArrowLeft');

    await page.reload();
    await page.getByRole('slider').first().waitFor();
    await page.getByText('We kept what you started last time on this device').waitFor();
    expect(await page.getByLabel('Anything else? (optional)').inputValue()).toBe(words);
    const tension = page.getByRole('radiogroup', { name: /^Was there tension/ });
    expect(await tension.getByRole('radio', { name: 'A little', exact: true }).isChecked()).toBe(
      true,
    );
    expect(await sliderValue(page, first)).toBe('4');
    await expectNoHorizontalScroll(page, 'check-in with a kept draft at 320px');

    await page.getByRole('button', { name: 'Save, just for me' }).click();
    await waitForHeading(page, 'Thank you. Your check-in is saved.');
    await expectNoHorizontalScroll(page, 'check-in saved at 320px');

    // Saved means the draft is gone: a second session's check-in starts empty.
    const nextId = await addPastSession(page, relationship.id, 4);
    await openCheckIn(page, nextId, relationship.id);
    expect(await page.getByLabel('Anything else? (optional)').inputValue()).toBe('');
    expect(await page.getByText('We kept what you started').count()).toBe(0);
    const left = await page.evaluate(() =>
      Object.keys(window.localStorage).filter((key) => key.includes('checkin')),
    );
    expect(left).toEqual([]);
  });

  test('a check-in filled in elsewhere meanwhile is met kindly, keeping the note', async () => {
    const page = await world.newPage();
    await signUp(page, client('Ari'));
    const { relationship } = await api<{ relationship: { id: string } }>(
      page,
      'POST',
      '/api/relationships',
      { therapistName: 'Jo' },
    );
    const appointmentId = await addPastSession(page, relationship.id, 3);
    await openCheckIn(page, appointmentId, relationship.id);
    await page.getByLabel('Anything else? (optional)').fill('Words worth keeping.');
    await chooseTension(page, 'None');
    // The same check-in, saved in another window in the meantime.
    await api(page, 'POST', `/api/appointments/${appointmentId}/checkins`, {
      bond: 7,
      goals: 7,
      method: 7,
      overall: 7,
      tension: 0,
    });
    await page.getByRole('button', { name: 'Save, just for me' }).click();
    await page.getByText('This check-in was already filled in').waitFor();
    expect(await page.getByLabel('Anything else? (optional)').inputValue()).toBe(
      'Words worth keeping.',
    );
    await checkEverywhere(page, 'check-in after a conflict');
  });
});

describe('looking after a relationship', () => {
  test('rename, notice smaller changes, and end it after a question, keeping its history', async () => {
    const page = await world.newPage();
    await signUp(page, client('Noa'));
    const relationshipId = await addTherapist(page, 'Dr. Lee');
    await checkInApi(page, await addPastSession(page, relationshipId, 3), 32);
    await page.reload();
    await waitForHeading(page, 'You and Dr. Lee');

    // The tabs follow the arrow keys, and remember the choice in the address.
    const timeline = page.getByRole('tab', { name: 'Timeline' });
    await timeline.focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tab', { name: 'Check-ins', selected: true }).waitFor();
    await page.getByRole('table', { name: /Check-in scores/ }).waitFor();
    await page.keyboard.press('End');
    await page.getByRole('tab', { name: 'Schedule', selected: true }).waitFor();
    await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('schedule');
    await page.reload();
    await page.getByRole('tab', { name: 'Schedule', selected: true }).waitFor();

    const name = page.getByRole('textbox', { name: "Your therapist's name" });
    await name.fill('Dr. Lee Morgan');
    await page.getByRole('button', { name: 'Save name' }).click();
    await waitForHeading(page, 'You and Dr. Lee Morgan');

    const sensitive = page.getByRole('switch', { name: 'Notice smaller changes' });
    expect(await sensitive.isChecked()).toBe(false);
    expect(await describedBy(sensitive)).toContain('also points out smaller dips');
    await sensitive.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => sensitive.isChecked()).toBe(true);
    await page.reload();
    await waitForHeading(page, 'You and Dr. Lee Morgan');
    await expect
      .poll(() => page.getByRole('switch', { name: 'Notice smaller changes' }).isChecked())
      .toBe(true);

    // Ending asks first, says the history is kept, and can be called off.
    const end = page.getByRole('button', { name: 'End this relationship' });
    await end.click();
    const dialog = page.getByRole('dialog', { name: 'End your relationship with Dr. Lee Morgan?' });
    await dialog.getByText('Its history is kept').waitFor();
    await checkEverywhere(page, 'end-relationship dialog');
    expect(await isFocused(dialog.getByRole('button', { name: 'Keep it open' }))).toBe(true);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await isFocused(end)).toBe(true);
    await end.click();
    await dialog.getByRole('button', { name: 'End it, keep the history' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('This relationship has ended. Its history is kept here').waitFor();
    await openTab(page, 'Timeline');
    await page.getByText('Your check-in: 32 of 40').waitFor();
    expect(await page.getByRole('button', { name: 'Invite your therapist' }).count()).toBe(0);

    // On Today it is under Past, and Today invites a new one again.
    await page.goto('/');
    await waitForHeading(page, 'Today');
    const past = page.getByRole('region', { name: 'Past' });
    await past.getByRole('link', { name: 'Dr. Lee Morgan' }).waitFor();
    await checkEverywhere(page, 'Today with a past relationship');
  });

  test('when the sign-in ends mid-check-in, sign in again and nothing typed is lost', async () => {
    const page = await world.newPage();
    const person = client('Lio');
    await signUp(page, person);
    const { relationship } = await api<{ relationship: { id: string } }>(
      page,
      'POST',
      '/api/relationships',
      { therapistName: 'Jun' },
    );
    const appointmentId = await addPastSession(page, relationship.id, 2);
    await openCheckIn(page, appointmentId, relationship.id);
    await page.getByLabel('Anything else? (optional)').fill('Please keep this.');
    await chooseTension(page, 'None');

    await page.context().clearCookies();
    await page.getByRole('button', { name: 'Save, just for me' }).click();
    await waitForHeading(page, 'Sign in to Attune');
    await page.getByText('You were signed out, so please sign in again.').waitFor();
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password', { exact: true }).fill(person.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    // Back where they were, with their words.
    await page.getByRole('slider').first().waitFor();
    expect(new URL(page.url()).pathname).toBe(`/appointments/${appointmentId}/check-in`);
    expect(await page.getByLabel('Anything else? (optional)').inputValue()).toBe(
      'Please keep this.',
    );
    await page.getByRole('button', { name: 'Save, just for me' }).click();
    await waitForHeading(page, 'Thank you. Your check-in is saved.');
  });
});

async function checkInApi(page: Page, appointmentId: string, score: number): Promise<void> {
  const item = score / 4;
  await api(page, 'POST', `/api/appointments/${appointmentId}/checkins`, {
    bond: item,
    goals: item,
    method: item,
    overall: item,
    tension: 0,
  });
}
