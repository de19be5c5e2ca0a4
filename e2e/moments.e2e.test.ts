import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, daysFromNowAt10, localDate, type Person, signUp } from './flows.ts';
import {
  describedBy,
  describeFocus,
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
  expectVisibleFocus,
  GOOD_PASSWORD,
  isFocused,
  startWorld,
  tabTo,
  uniqueEmail,
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

/** What the app's polite live region says now. */
function announcement(page: Page): Promise<string> {
  return page
    .locator('div.visually-hidden[role="status"]')
    .textContent()
    .then((text) => text ?? '');
}

async function expectFocused(page: Page, locator: Locator, what: string) {
  await expect
    .poll(() => isFocused(locator), {
      message: `focus should be on ${what}, is on ${await describeFocus(page)}`,
    })
    .toBe(true);
}

async function newRelationship(page: Page, therapistName: string): Promise<string> {
  const { relationship } = await api<{ relationship: { id: string } }>(
    page,
    'POST',
    '/api/relationships',
    { therapistName },
  );
  return relationship.id;
}

/** A rupture record written through the API: what the test is about is elsewhere. */
async function addRupture(
  page: Page,
  relationshipId: string,
  title: string,
  partIds: string[] = [],
): Promise<string> {
  const response = await page.request.post(`/api/relationships/${relationshipId}/ruptures`, {
    headers: { 'Content-Type': 'application/json' },
    data: {
      title,
      occurredAt: daysFromNowAt10(-3),
      whatHappened: 'She took her shoes off, after telling me I could not.',
      intensity: 3,
      partIds,
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { rupture: { id: string } }).rupture.id;
}

describe('parts', () => {
  test('a client names two parts, edits one and removes one; the records stay', async () => {
    const page = await world.newPage();
    await signUp(page, client('Robin'));
    const relationshipId = await newRelationship(page, 'Dr. Lee');

    await page.goto('/parts');
    await waitForHeading(page, 'Your parts');
    await page.getByText('Some people notice different parts of themselves').waitFor();
    await page.getByText("If it doesn't, you can ignore this.", { exact: false }).waitFor();
    await page.getByText('Only you see your parts.', { exact: false }).waitFor();
    const listRegion = page.getByRole('region', { name: "Parts you've named" });
    await listRegion.getByText('None yet.', { exact: false }).waitFor();
    await checkEverywhere(page, 'parts, empty');

    const add = page.getByRole('form', { name: 'Name a part' });
    const name = add.getByLabel('Name', { exact: true });
    const about = add.getByLabel('A few words about it (optional)');

    // Nothing typed: the note is next to the field, and focus goes there.
    await add.getByRole('button', { name: 'Add part' }).click();
    await expectFocused(page, name, 'the name field');
    expect(await describedBy(name)).toContain('Please give the part a name');

    await name.fill('The runner');
    await about.fill('Wants to leave the room.');
    await add.getByRole('button', { name: 'Add part' }).click();
    await listRegion.getByRole('heading', { level: 3, name: 'The runner' }).waitFor();
    await expect.poll(() => announcement(page)).toBe('Added The runner.');
    expect(await name.inputValue()).toBe('');
    expect(await about.inputValue()).toBe('');
    await expectFocused(page, name, 'the name field, ready for another');

    await name.fill('Little one');
    await page.keyboard.press('Enter');
    await listRegion.getByRole('heading', { level: 3, name: 'Little one' }).waitFor();

    // A name already used: said next to the field, and what was typed stays.
    await name.fill('the runner');
    await about.fill('Typed with care.');
    await add.getByRole('button', { name: 'Add part' }).click();
    await expect.poll(() => describedBy(name)).toContain('You already have a part called');
    await expectFocused(page, name, 'the name field after a refusal');
    expect(await name.inputValue()).toBe('the runner');
    expect(await about.inputValue()).toBe('Typed with care.');
    await checkEverywhere(page, 'parts, a name already used');
    await name.fill('');
    await about.fill('');

    // A record names the runner: it comes first, and says so plainly.
    const { items } = await api<{ items: { id: string; name: string }[] }>(
      page,
      'GET',
      '/api/parts',
    );
    const runner = items.find((p) => p.name === 'The runner');
    expect(runner).toBeDefined();
    const ruptureId = await addRupture(page, relationshipId, 'The shoes', [runner?.id ?? '']);
    await page.reload();
    await waitForHeading(page, 'Your parts');
    await listRegion.getByRole('heading', { level: 3, name: 'The runner' }).waitFor();
    expect(await listRegion.getByRole('heading', { level: 3 }).allInnerTexts()).toEqual([
      'The runner',
      'Little one',
    ]);
    const runnerItem = listRegion.getByRole('listitem').filter({ hasText: 'The runner' });
    await runnerItem.getByText('Named in 1 record', { exact: true }).waitFor();
    await runnerItem.getByText('Wants to leave the room.').waitFor();
    const littleItem = listRegion.getByRole('listitem').filter({ hasText: 'Little one' });
    await littleItem.getByText('Not named in any record yet', { exact: true }).waitFor();
    await checkEverywhere(page, 'parts, listed');

    // Edit in place; focus comes back to the part's Edit button.
    await listRegion.getByRole('button', { name: 'Edit Little one' }).click();
    const edit = page.getByRole('form', { name: 'Edit “Little one”' });
    const editName = edit.getByLabel('Name', { exact: true });
    await expectFocused(page, editName, 'the name being edited');
    await editName.fill('The young one');
    await edit.getByLabel('A few words about it (optional)').fill('Comes up when I feel left.');
    await checkEverywhere(page, 'parts, editing');
    await edit.getByRole('button', { name: 'Save' }).click();
    await listRegion.getByRole('heading', { level: 3, name: 'The young one' }).waitFor();
    await listRegion.getByText('Comes up when I feel left.').waitFor();
    await expectFocused(
      page,
      listRegion.getByRole('button', { name: 'Edit The young one' }),
      'the Edit button of the part just saved',
    );
    // Cancel changes nothing.
    await listRegion.getByRole('button', { name: 'Edit The young one' }).click();
    await page.getByRole('form', { name: 'Edit “The young one”' }).getByLabel('Name').fill('Nope');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await listRegion.getByRole('heading', { level: 3, name: 'The young one' }).waitFor();
    await expectFocused(
      page,
      listRegion.getByRole('button', { name: 'Edit The young one' }),
      'the Edit button after Cancel',
    );

    // Remove: the dialog says what happens to the records first.
    const removeRunner = listRegion.getByRole('button', { name: 'Remove The runner' });
    await removeRunner.click();
    const dialog = page.getByRole('dialog', { name: 'Remove “The runner”?' });
    await dialog
      .getByText(
        'Its tag comes off the record that names it. The records themselves stay, with everything you wrote in them.',
      )
      .waitFor();
    await expectFocused(page, dialog.getByRole('button', { name: 'Keep it' }), 'Keep it');
    await checkEverywhere(page, 'remove-part dialog');
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expectFocused(page, removeRunner, 'the Remove button it was opened from');

    // With the keyboard: Escape closes it, and focus goes back to where it was opened from.
    await removeRunner.focus();
    await page.keyboard.press('Enter');
    await expectFocused(page, dialog.getByRole('button', { name: 'Keep it' }), 'Keep it');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expectFocused(page, removeRunner, 'the Remove button after Escape');
    await page.keyboard.press('Enter');
    await tabTo(page, dialog.getByRole('button', { name: 'Remove the part' }), { max: 2 });
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await listRegion.getByRole('heading', { level: 3, name: 'The runner' }).waitFor({
      state: 'detached',
    });
    await expect.poll(() => announcement(page)).toBe('Removed The runner.');
    await expectFocused(
      page,
      page.getByRole('heading', { level: 2, name: "Parts you've named" }),
      'the list heading',
    );
    expect(await listRegion.getByRole('heading', { level: 3 }).allInnerTexts()).toEqual([
      'The young one',
    ]);
    // The record stays, without the tag.
    const { rupture } = await api<{ rupture: { title: string; parts: unknown[] } }>(
      page,
      'GET',
      `/api/ruptures/${ruptureId}`,
    );
    expect(rupture.title).toBe('The shoes');
    expect(rupture.parts).toEqual([]);

    await page.setViewportSize(PHONE);
    await expectNoHorizontalScroll(page, 'parts at 320px');
    await expectAccessible(page, 'parts at 320px');
  });
});

describe('good moments and the agenda', () => {
  test('a client keeps a good moment, and brings things to the next session', async () => {
    const page = await world.newPage();
    await signUp(page, client('Sami'));
    const relationshipId = await newRelationship(page, 'Dr. Lee');

    // Good moments live on the Ruptures tab, only for the client.
    await page.goto(`/relationships/${relationshipId}?tab=ruptures`);
    await waitForHeading(page, 'You and Dr. Lee');
    const moments = page.getByRole('region', { name: 'Things that went well with Dr. Lee' });
    await moments
      .getByText('When something goes well — a moment you felt understood — you can keep it here')
      .waitFor();
    await moments.getByText('Only you see this.').waitFor();
    const keep = moments.getByRole('form', { name: 'Keep a good moment' });
    const what = keep.getByLabel('What went well?');
    const when = keep.getByLabel('When');
    expect(await when.inputValue()).toBe(localDate(0));
    await checkEverywhere(page, 'good moments, empty');

    // A day still to come is refused next to the field; the words stay.
    await what.fill('She remembered my sister’s name.');
    await when.fill(localDate(3));
    await keep.getByRole('button', { name: 'Keep this moment' }).click();
    await expectFocused(page, when, 'the date field');
    expect(await describedBy(when)).toContain('Please choose today or a day before.');
    expect(await what.inputValue()).toBe('She remembered my sister’s name.');
    await when.fill(localDate(-2));
    await keep.getByRole('button', { name: 'Keep this moment' }).click();
    const moment = moments.getByRole('listitem').filter({ hasText: 'She remembered' });
    await moment.waitFor();
    await expect.poll(() => announcement(page)).toBe('Added. It’s in your good moments.');
    expect(await what.inputValue()).toBe('');
    expect(await when.inputValue()).toBe(localDate(0));
    const shownDay = await moment.locator('time').getAttribute('datetime');
    expect(shownDay && localDay(new Date(shownDay))).toBe(localDate(-2));
    await checkEverywhere(page, 'good moments, one kept');

    // Edit in place.
    await moment.getByRole('button', { name: /^Edit the moment from / }).click();
    const edit = page.getByRole('form', { name: /^Edit the moment from / });
    await expectFocused(page, edit.getByLabel('What went well?'), 'the text being edited');
    await edit.getByLabel('What went well?').fill('She remembered my sister’s name, months later.');
    await edit.getByRole('button', { name: 'Save' }).click();
    await moments.getByText('She remembered my sister’s name, months later.').waitFor();
    await expectFocused(
      page,
      moments.getByRole('button', { name: /^Edit the moment from / }),
      'the Edit button of the moment just saved',
    );

    // An open rupture and a session in three days.
    const ruptureId = await addRupture(page, relationshipId, 'The shoes');
    await api(page, 'POST', `/api/relationships/${relationshipId}/appointments`, {
      startsAt: daysFromNowAt10(3),
      durationMinutes: 50,
      kind: 'individual',
    });

    // Beside the rupture: the latest good moments, and the way to all of them.
    await page.goto(`/ruptures/${ruptureId}`);
    const beside = page.getByRole('region', { name: 'Things that went well with Dr. Lee' });
    await beside.getByText('She remembered my sister’s name, months later.').waitFor();
    await beside.getByRole('form', { name: 'Keep a good moment' }).waitFor();
    await beside.getByRole('link', { name: 'All good moments' }).click();
    await waitForHeading(page, 'You and Dr. Lee');
    expect(page.url()).toContain(`/relationships/${relationshipId}?tab=ruptures#good-moments`);
    await expectFocused(
      page,
      page.getByRole('heading', { name: 'Things that went well with Dr. Lee' }),
      'the good moments heading',
    );

    // Remove, after a confirmation; focus goes to the heading.
    await moments.getByRole('button', { name: /^Remove the moment from / }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove this moment?' });
    await dialog
      .getByText("What you wrote will be gone from Attune. This can't be undone.")
      .waitFor();
    await checkEverywhere(page, 'remove-moment dialog');
    await dialog.getByRole('button', { name: 'Remove it' }).click();
    await dialog.waitFor({ state: 'detached' });
    await moments.getByText('When something goes well').waitFor();
    await expect.poll(() => announcement(page)).toBe('Removed.');
    await expectFocused(
      page,
      page.getByRole('heading', { name: 'Things that went well with Dr. Lee' }),
      'the good moments heading',
    );

    // Today, before the session: the agenda for it, and the rupture named calmly.
    await page.goto('/');
    await waitForHeading(page, 'Today');
    const card = page.getByRole('region', { name: 'Dr. Lee', exact: true });
    const agenda = card.getByRole('region', { name: /^For your next session, / });
    await agenda.getByText('Only you see this list.', { exact: false }).waitFor();
    await agenda.getByRole('heading', { level: 3, name: /^For your next session, / }).waitFor();
    await card.getByText("Something you're working through:").waitFor();
    expect(
      await card.getByRole('link', { name: 'The shoes', exact: true }).getAttribute('href'),
    ).toBe(`/ruptures/${ruptureId}`);
    await agenda.getByText('Suggested: Talk about "The shoes"').waitFor();
    await agenda.getByText('Nothing on your list yet.', { exact: false }).waitFor();
    await checkEverywhere(page, 'Today with the agenda');

    // Added by hand.
    const bringUp = agenda.getByLabel('Something to bring up');
    await bringUp.fill('Ask about the holidays');
    await agenda.getByRole('button', { name: 'Add to agenda', exact: true }).click();
    const holidays = agenda.getByRole('checkbox', { name: 'Ask about the holidays' });
    await holidays.waitFor();
    expect(await holidays.isChecked()).toBe(false);
    expect(await bringUp.inputValue()).toBe('');
    await expectFocused(page, bringUp, 'the field, ready for another');
    await expect.poll(() => announcement(page)).toBe('Added to your list.');

    // A suggestion, added only when chosen; focus goes to it in the list.
    await agenda.getByRole('button', { name: 'Add to agenda: Talk about "The shoes"' }).click();
    const shoes = agenda.getByRole('checkbox', { name: 'Talk about "The shoes"' });
    await shoes.waitFor();
    await expectFocused(page, shoes, 'the item just added');
    expect(await agenda.getByText('Suggested:', { exact: false }).count()).toBe(0);
    expect(
      await agenda.getByRole('link', { name: /^Open the record for / }).getAttribute('href'),
    ).toBe(`/ruptures/${ruptureId}`);

    // Checked off with the keyboard: it moves under "Talked about", and focus goes with it.
    await holidays.focus();
    await page.keyboard.press('Space');
    const talked = agenda.getByRole('region', { name: 'Talked about' });
    const done = talked.getByRole('checkbox', { name: 'Ask about the holidays' });
    await done.waitFor();
    expect(await done.isChecked()).toBe(true);
    await expectFocused(page, done, 'the item just checked off');
    await expectVisibleFocus(page);
    await expect.poll(() => announcement(page)).toBe('Checked off. It’s under “Talked about”.');
    await checkEverywhere(page, 'Today, something talked about');
    const saved = await api<{ items: { text: string; done: boolean; ruptureId: string | null }[] }>(
      page,
      'GET',
      `/api/relationships/${relationshipId}/agenda`,
    );
    expect(saved.items.map((i) => [i.text, i.done, i.ruptureId])).toEqual([
      ['Talk about "The shoes"', false, ruptureId],
      ['Ask about the holidays', true, null],
    ]);

    // And unchecked again.
    await page.keyboard.press('Space');
    await talked.waitFor({ state: 'detached' });
    const back = agenda.getByRole('checkbox', { name: 'Ask about the holidays' });
    expect(await back.isChecked()).toBe(false);
    await expectFocused(page, back, 'the item back on the list');
    await expect.poll(() => announcement(page)).toBe('Back on your list.');

    // Removed: focus goes to the item that takes its place.
    await agenda.getByRole('button', { name: 'Remove “Talk about "The shoes"”' }).click();
    await shoes.waitFor({ state: 'detached' });
    await expectFocused(page, back, 'the item that took its place');
    await expect.poll(() => announcement(page)).toBe('Removed.');
    // The rupture is still open, so it is suggested again.
    await agenda.getByText('Suggested: Talk about "The shoes"').waitFor();

    // The same agenda on the relationship's Schedule tab.
    await page.goto(`/relationships/${relationshipId}?tab=schedule`);
    await waitForHeading(page, 'You and Dr. Lee');
    await page
      .getByRole('region', { name: /^For your next session, / })
      .getByRole('checkbox', { name: 'Ask about the holidays' })
      .waitFor();

    // A small phone.
    await page.setViewportSize(PHONE);
    await expectNoHorizontalScroll(page, 'schedule tab with the agenda at 320px');
    await expectAccessible(page, 'schedule tab with the agenda at 320px');
    await page.goto(`/relationships/${relationshipId}?tab=ruptures`);
    await moments.waitFor();
    await expectNoHorizontalScroll(page, 'good moments at 320px');
    await expectAccessible(page, 'good moments at 320px');
    await page.goto('/');
    await waitForHeading(page, 'Today');
    await agenda.getByRole('checkbox', { name: 'Ask about the holidays' }).waitFor();
    await expectNoHorizontalScroll(page, 'Today with the agenda at 320px');
    await expectAccessible(page, 'Today with the agenda at 320px');
  });
});

function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
