import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addTherapist, api, openTab, type Person, signUp } from './flows.ts';
import {
  describedBy,
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

function person(role: Person['role'], displayName: string): Person {
  return { displayName, email: uniqueEmail(role), password: GOOD_PASSWORD, role };
}

/** A client on a phone, connected through an invite with a therapist at a desk. */
async function connected() {
  const robin = await world.newPage(PHONE);
  await signUp(robin, person('client', 'Robin'));
  const relationshipId = await addTherapist(robin, 'Dr. Lee');
  const lee = await world.newPage();
  await signUp(lee, person('therapist', 'Lee'));
  const { invite } = await api<{ invite: { code: string } }>(
    robin,
    'POST',
    `/api/relationships/${relationshipId}/invites`,
  );
  await api(lee, 'POST', `/api/invites/${invite.code}/accept`);
  return { robin, lee, relationshipId };
}

async function checkClientPage(page: Page, where: string) {
  await expectAccessible(page, where);
  await expectNoHorizontalScroll(page, where);
  await expectCalmWords(page, where);
}

const agreementPanel = (page: Page) => page.getByRole('tabpanel', { name: 'Agreement' });

/** The latest version as the tab shows it, above the list of versions. */
const currentAgreement = (page: Page) =>
  agreementPanel(page).getByRole('region', { name: 'Your agreement' });

/** One version in the list of versions, found by its heading. */
const versionEntry = (page: Page, version: number) =>
  agreementPanel(page)
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: `Version ${version}`, exact: true }) });

describe('the agreement between a client and a therapist', () => {
  test('written and changed by the therapist; the client sees the banner live, reads the diff and acknowledges', async () => {
    const { robin, lee, relationshipId } = await connected();
    const url = `/relationships/${relationshipId}?tab=agreement`;

    // Before anything is written, the client is told plainly who writes it.
    await robin.goto(url);
    await waitForHeading(robin, 'You and Dr. Lee');
    await agreementPanel(robin).getByText("Dr. Lee hasn't written an agreement yet.").waitFor();

    // The therapist writes version 1, and what is typed survives a reload before saving.
    await lee.goto(url);
    await waitForHeading(lee, 'You and Robin');
    await lee.getByText("You haven't written an agreement with Robin yet.").waitFor();
    await lee.getByRole('button', { name: 'Write the agreement' }).click();
    await lee
      .getByLabel('How to reach each other')
      .fill('Messages here for anything that can wait. A phone call for changes on the day.');
    await lee.getByLabel('Reply time (in hours)').fill('48');
    await lee.getByLabel('How often we meet (days between sessions)').fill('7');
    await lee.getByLabel('When you are available').fill('Monday to Thursday, 9:00 to 17:00.');
    await lee.getByLabel('Scheduling and cancelling').fill('Please cancel a day ahead.');
    await lee
      .getByRole('textbox', { name: 'Rules of the room', exact: true })
      .fill('We start and end on time.');
    await lee.getByRole('button', { name: 'Add a rule' }).click();
    await lee.getByLabel('Rule 1', { exact: true }).fill('Shoes stay on in the room.');
    await lee.getByLabel('Rule 1 applies to').selectOption({ label: 'Robin' });
    await lee.getByRole('button', { name: 'Add a rule' }).click();
    await lee.getByLabel('Rule 2', { exact: true }).fill('Phones are switched off.');
    await lee
      .getByLabel('Emergencies')
      .fill('Call your local emergency number, or a crisis line from the help page.');

    await lee.reload();
    await waitForHeading(lee, 'You and Robin');
    expect(await lee.getByLabel('Rule 1', { exact: true }).inputValue()).toBe(
      'Shoes stay on in the room.',
    );
    expect(await lee.getByLabel('Rule 1 applies to').inputValue()).toBe('client');
    expect(await lee.getByLabel('Reply time (in hours)').inputValue()).toBe('48');
    await lee
      .getByText('Saving makes version 1. Robin will be told and asked to acknowledge it.')
      .waitFor();
    await expectAccessible(lee, 'the agreement form (therapist)');
    await lee.getByRole('button', { name: 'Save as version 1' }).click();
    await lee.getByText(/^Version 1 · written by you on /).waitFor();
    await lee.getByText("Robin hasn't acknowledged this version yet.").waitFor();

    // The client sees the banner, reads version 1 with whom each rule applies to, and
    // acknowledges it from the banner.
    await robin.reload();
    await waitForHeading(robin, 'You and Dr. Lee');
    const firstBanner = robin.getByRole('region', {
      name: 'Dr. Lee wrote down your agreement (version 1)',
    });
    await firstBanner.waitFor();
    const panel = agreementPanel(robin);
    const current = currentAgreement(robin);
    await current.getByText('Replies within 2 days.').waitFor();
    await current.getByText('Every 7 days (once a week).').waitFor();
    await current.getByText('This rule applies to you but not to Dr. Lee.').waitFor();
    await current.getByText('For both of you', { exact: true }).waitFor();
    await current.getByRole('link', { name: 'See crisis resources' }).waitFor();
    await checkClientPage(robin, 'the agreement with its banner (client, 320 px)');
    await firstBanner.getByRole('button', { name: 'Acknowledge version 1' }).click();
    await robin.getByText("Thank you. Dr. Lee can see that you've read version 1.").waitFor();
    await panel.getByText(/^You acknowledged this on /).waitFor();
    expect(await panel.getByRole('button', { name: 'Acknowledge version 1' }).count()).toBe(0);

    // The client moves on to another tab and stays there, without reloading.
    await openTab(robin, 'Timeline');

    // The therapist changes the reply time and rewrites the shoes rule for both of them.
    await lee.reload();
    await waitForHeading(lee, 'You and Robin');
    await lee.getByText(/^Robin acknowledged this on /).waitFor();
    await lee.getByRole('button', { name: 'Edit the agreement' }).click();
    await lee.getByLabel('Reply time (in hours)').fill('24');
    await lee.getByLabel('Rule 1', { exact: true }).fill('Shoes may come off in the room.');
    await lee.getByLabel('Rule 1 applies to').selectOption({ label: 'Both of us' });
    await lee
      .getByText('Saving makes version 2. Robin will be told and asked to acknowledge it.')
      .waitFor();
    await lee.getByRole('button', { name: 'Save as version 2' }).click();
    await lee.getByText(/^Version 2 · written by you on /).waitFor();
    await lee.getByText("Robin hasn't acknowledged this version yet.").waitFor();

    // Live, without a reload: the banner appears on the client's open page, naming what changed.
    const banner = robin.getByRole('region', {
      name: 'Dr. Lee updated your agreement (version 2)',
    });
    await banner.waitFor({ timeout: 15_000 });
    await banner.getByRole('listitem').filter({ hasText: 'Reply time' }).waitFor();
    await banner
      .getByRole('listitem')
      .filter({ hasText: 'Rules of the room, one by one' })
      .waitFor();
    await checkClientPage(robin, 'the banner for version 2 (client, 320 px)');

    // "See what changed" opens the Agreement tab at version 2's changes.
    await banner.getByRole('button', { name: 'See what changed' }).click();
    await robin.getByRole('tab', { name: 'Agreement', selected: true }).waitFor();
    const latest = versionEntry(robin, 2);
    const latestHeading = latest.getByRole('heading', { name: 'Version 2', exact: true });
    await expect.poll(() => isFocused(latestHeading), { timeout: 5_000 }).toBe(true);

    // The numbers as before → after, and the rule's words removed and added, said in words too.
    const reply = latest.getByRole('listitem').filter({ hasText: 'Reply time' });
    expect(await reply.locator('del').textContent()).toBe('Replies within 2 days');
    expect(await reply.locator('ins').textContent()).toBe('Replies within 24 hours');
    const rule = latest
      .getByRole('listitem')
      .filter({ hasText: /^Rule reworded, was for you, now for both of you:/ });
    await rule.waitFor();
    expect(await rule.locator('del').allTextContents()).toEqual(['removed: stay on']);
    expect(await rule.locator('ins').allTextContents()).toEqual(['added: may come off']);
    const words = (await visibleText(rule)).replace(/\s+/g, ' ');
    expect(words).toContain('Shoes');
    expect(words).toContain('in the room.');
    await current.getByText('Replies within 24 hours.').waitFor();
    expect(await current.getByText('This rule applies to you but not to Dr. Lee.').count()).toBe(0);
    await checkClientPage(robin, 'the changes of version 2 (client, 320 px)');

    // The client acknowledges version 2 from the tab; the banner goes.
    await panel.getByRole('button', { name: 'Acknowledge version 2' }).click();
    await panel.getByText(/^You acknowledged this on /).waitFor();
    await banner.waitFor({ state: 'detached' });

    // The therapist sees the acknowledgement.
    await lee.reload();
    await waitForHeading(lee, 'You and Robin');
    await lee.getByText(/^Robin acknowledged this on /).waitFor();
    await versionEntry(lee, 1).waitFor();
    await expectAccessible(lee, 'the agreement with its versions (therapist)');
  });

  test('a client on their own writes down what they understood was agreed', async () => {
    const sam = await world.newPage(PHONE);
    await signUp(sam, person('client', 'Sam'));
    const relationshipId = await addTherapist(sam, 'Alex');
    await sam.goto(`/relationships/${relationshipId}?tab=agreement`);
    await waitForHeading(sam, 'You and Alex');
    const panel = agreementPanel(sam);
    await panel
      .getByText(/^Nothing here yet\. Whenever you like, you can write down what you understood/)
      .waitFor();
    await checkClientPage(sam, 'the empty agreement (solo client, 320 px)');

    await panel.getByRole('button', { name: 'Write down what was agreed' }).click();
    await panel
      .getByRole('heading', { name: 'What you understood was agreed', level: 3 })
      .waitFor();
    await sam.getByLabel('Reply time (in hours)').fill('72');
    await sam.getByLabel('When Alex is available').fill('Weekdays, and not in August.');
    await sam
      .getByText('Saving makes version 1. Only you can see it; no one is told.', { exact: false })
      .waitFor();

    // A rule left empty: the note is beside it, tied to it, and focus goes there.
    await panel.getByRole('button', { name: 'Add a rule' }).click();
    await panel.getByRole('button', { name: 'Save as version 1' }).click();
    const rule = sam.getByLabel('Rule 1', { exact: true });
    await expect.poll(() => describedBy(rule)).toContain('Please write the rule, or remove it.');
    await expect.poll(() => isFocused(rule)).toBe(true);
    await checkClientPage(sam, 'the agreement form with a note (solo client, 320 px)');
    await rule.fill('Phones stay away, for both of us.');
    await panel.getByRole('button', { name: 'Save as version 1' }).click();

    const current = panel.getByRole('region', { name: 'What you understood was agreed' });
    await current.getByText('Replies within 3 days.').waitFor();
    await current.getByText("Only you can see this. Alex isn't told of it.").waitFor();
    await current.getByText('For both of you', { exact: true }).waitFor();
    // Nothing to acknowledge, and no banner: the client wrote it.
    expect(await sam.getByRole('button', { name: /^Acknowledge/ }).count()).toBe(0);
    expect(await sam.getByRole('region', { name: /your agreement \(version/ }).count()).toBe(0);
    await checkClientPage(sam, 'a solo agreement (320 px)');
  });
});
