import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addTherapist, api, type Person, signUp } from './flows.ts';
import {
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

const PHONE = { width: 320, height: 640 };
const TITLE = 'Who has seen your records';

function person(role: Person['role'], displayName: string): Person {
  return { displayName, email: uniqueEmail(role), password: GOOD_PASSWORD, role };
}

async function checkPage(page: Page, where: string) {
  await expectAccessible(page, where);
  await expectNoHorizontalScroll(page, where);
  await expectCalmWords(page, where);
}

/** Opens the page the way a person does: from the link in the header. */
async function openWhoHasSeen(page: Page) {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Who has seen my records' })
    .click();
  await waitForHeading(page, TITLE);
}

/** The lines of the list, as a person reads them. */
async function lines(page: Page): Promise<string[]> {
  const items = page.getByRole('main').getByRole('listitem');
  return (await items.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
}

describe('who has seen my records', () => {
  test('a client sees, in words, each time the therapist opened something of theirs', async () => {
    const robin = await world.newPage(PHONE);
    await signUp(robin, person('client', 'Robin'));

    // Before anyone is connected, nobody has seen anything.
    await openWhoHasSeen(robin);
    await robin.getByText('Only you see this list.', { exact: false }).waitFor();
    await robin.getByText('Nobody has seen anything of yours yet.').waitFor();
    await checkPage(robin, 'the empty audit trail');

    await robin.goto('/');
    await waitForHeading(robin, 'Today');
    const relationshipId = await addTherapist(robin, 'Dr. Lee');
    const lee = await world.newPage();
    await signUp(lee, person('therapist', 'Lee'));
    const { invite } = await api<{ invite: { code: string } }>(
      robin,
      'POST',
      `/api/relationships/${relationshipId}/invites`,
    );
    await api(lee, 'POST', `/api/invites/${invite.code}/accept`);
    const { rupture } = await api<{ rupture: { id: string } }>(
      robin,
      'POST',
      `/api/relationships/${relationshipId}/ruptures`,
      {
        title: 'The shoes',
        occurredAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
        whatHappened: 'She took her shoes off in session.',
        intensity: 3,
        visibility: 'shared',
      },
    );

    // Earlier reads, enough to fill more than one page of the list (50 entries a page).
    for (let i = 0; i < 30; i += 1) {
      await api(lee, 'GET', `/api/relationships/${relationshipId}/checkins`);
      await api(lee, 'GET', `/api/relationships/${relationshipId}/messages`);
    }

    // The therapist opens the relationship page and the shared record, as a person does.
    await lee.goto(`/relationships/${relationshipId}`);
    await waitForHeading(lee, 'You and Robin');
    await lee.goto(`/ruptures/${rupture.id}`);
    await waitForHeading(lee, 'The shoes');

    await robin.goto('/');
    await waitForHeading(robin, 'Today');
    await openWhoHasSeen(robin);
    const today = robin.getByRole('region', { name: 'Today' });
    await today.waitFor();
    const first = await lines(robin);
    expect(first).toContainEqual(
      expect.stringMatching(/^Dr\. Lee opened a rupture record you shared · \d/),
    );
    expect(first).toContainEqual(expect.stringMatching(/^Dr\. Lee opened your relationship page/));
    expect(first).toContainEqual(expect.stringMatching(/^Dr\. Lee looked at your check-ins/));
    expect(first).toContainEqual(expect.stringMatching(/^Dr\. Lee read your messages/));
    // The oldest entry is on the next page.
    expect(first.some((line) => line.includes('connected with you'))).toBe(false);
    // "Rupture" is said in words beside the list.
    await robin.getByText('A rupture record is what you write about a strain or break').waitFor();
    // Nothing of the therapist's account but the name they are known by.
    expect(await visibleText(robin.getByRole('main'))).not.toContain('@');
    await checkPage(robin, 'the audit trail');

    // Earlier entries come on request; focus moves to the first one added.
    const more = robin.getByRole('button', { name: 'Show earlier' });
    await more.click();
    const connected = robin
      .getByRole('listitem')
      .filter({ hasText: 'connected with you on Attune' });
    await connected.waitFor();
    expect(await robin.getByRole('button', { name: 'Show earlier' }).count()).toBe(0);
    const all = await lines(robin);
    expect(all.length).toBeGreaterThan(first.length);
    expect(all.at(-1)).toMatch(/^Dr\. Lee connected with you on Attune · \d/);
    // The 51st entry (index 50) starts the added ones.
    await expect.poll(() => isFocused(robin.locator('[data-first="50"]'))).toBe(true);
    await checkPage(robin, 'the audit trail with earlier entries');

    // The record can be opened from its line.
    await robin.getByRole('link', { name: 'a rupture record you shared' }).first().click();
    await waitForHeading(robin, 'The shoes');

    // The therapist's own page: nobody has read their data, and it says why.
    await openWhoHasSeen(lee);
    await lee
      .getByText(
        "When a client's data is read, it is recorded for them; this page shows reads of your own data.",
      )
      .waitFor();
    await lee.getByText('Nobody has seen anything of yours yet.').waitFor();
    await expectAccessible(lee, 'the therapist’s audit trail');
  });
});
