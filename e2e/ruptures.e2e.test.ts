import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addPastSession, addTherapist, api, localDate, type Person, signUp } from './flows.ts';
import {
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
  GOOD_PASSWORD,
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

async function checkIn(page: Page, appointmentId: string, score: number) {
  await api(page, 'POST', `/api/appointments/${appointmentId}/checkins`, {
    bond: score / 4,
    goals: score / 4,
    method: score / 4,
    overall: score / 4,
    tension: 0,
  });
}

/** A client (on a phone) connected with a therapist, and a drop after the latest session. */
async function connectedWithADrop() {
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
  for (const daysAgo of [30, 23, 16]) {
    await checkIn(robin, await addPastSession(robin, relationshipId, daysAgo), 32);
  }
  const dropped = await addPastSession(robin, relationshipId, 9);
  await checkIn(robin, dropped, 20);
  return { robin, lee, relationshipId };
}

async function checkPage(page: Page, where: string, calm = true) {
  await expectAccessible(page, where);
  await expectNoHorizontalScroll(page, where);
  if (calm) await expectCalmWords(page, where);
}

const step = (page: Page, n: number, name: string) =>
  page.getByRole('heading', { level: 2, name: `Step ${n} of 6 ${name}` }).waitFor();

const saved = (page: Page) =>
  page.getByRole('status').filter({ hasText: 'Saved. Only you can see it.' }).waitFor();

describe('a rupture, from a marker to repair', () => {
  test('written step by step on a phone, kept across a reload, shared as previewed, repaired', async () => {
    const { robin, lee, relationshipId } = await connectedWithADrop();

    // One step from the marker: the flow opens with the session's date.
    await robin.goto(`/relationships/${relationshipId}`);
    await waitForHeading(robin, 'You and Dr. Lee');
    await robin.getByRole('link', { name: 'Write about it' }).click();
    await waitForHeading(robin, 'Write about what happened');
    await step(robin, 1, 'What happened');
    expect(await robin.getByLabel('When it happened').inputValue()).toBe(localDate(-9));
    await checkPage(robin, 'the rupture flow, step 1');

    await robin.getByLabel('A few words to name it').fill('The shoes');
    const happened =
      'She took her shoes off in session,\na year after telling me I could not take mine off.';
    await robin.getByRole('textbox', { name: 'What happened', exact: true }).fill(happened);
    await robin
      .getByLabel("Dr. Lee's side, as you understand it (if you like)")
      .fill('Maybe she forgot.');
    await saved(robin);
    expect(new URL(robin.url()).searchParams.get('rupture')).toBeTruthy();

    await robin.getByRole('button', { name: 'Next' }).click();
    await step(robin, 2, 'How it felt');
    await robin.getByText('I pulled away', { exact: true }).click();
    await robin.getByRole('radio', { name: '4' }).check({ force: true });
    const felt = 'Like the rules only apply to me. I went quiet and said it was fine.';
    await robin.getByLabel('How it felt for you').fill(felt);
    // Reloaded at once, before anything could reach the server: every word is still there.
    await robin.reload();
    await waitForHeading(robin, 'Write about what happened');
    await step(robin, 2, 'How it felt');
    expect(await robin.getByLabel('How it felt for you').inputValue()).toBe(felt);
    expect(await robin.getByRole('radio', { name: 'I pulled away' }).isChecked()).toBe(true);
    expect(await robin.getByRole('radio', { name: '4' }).isChecked()).toBe(true);
    await saved(robin);
    await checkPage(robin, 'the rupture flow, step 2');

    await robin.getByRole('button', { name: 'Next' }).click();
    await step(robin, 3, 'What it echoes');
    await robin.getByLabel('Does it remind you of anything from before?').fill('My mother.');
    await robin.getByRole('button', { name: 'Next' }).click();
    await step(robin, 4, 'Which parts');
    await robin.getByRole('button', { name: 'Next' }).click();
    await step(robin, 5, 'What I need');
    await robin
      .getByLabel('What do you need now?')
      .fill('To hear that the rules are the same for both of us.');
    await robin.getByRole('button', { name: 'Next' }).click();
    await step(robin, 6, 'Private or shared');
    await robin.getByText('Share it with Dr. Lee', { exact: true }).click();
    const preview = robin.locator('.preview .record');
    await preview.waitFor();
    const previewed = await visibleText(preview);
    expect(previewed).toContain(happened.replace('\n', ' ').slice(0, 20));
    expect(previewed).toContain('My mother.');
    await checkPage(robin, 'the sharing step with its preview');
    await robin.getByRole('button', { name: 'Save and share with Dr. Lee' }).click();
    await waitForHeading(robin, 'The shoes');
    await robin.getByText(/^Shared with Dr\. Lee since/).waitFor();
    const ruptureId = new URL(robin.url()).pathname.split('/').pop() ?? '';
    await checkPage(robin, 'the rupture page (client)');

    // The therapist sees exactly what was previewed, and adds an apology.
    await lee.goto(`/ruptures/${ruptureId}`);
    await waitForHeading(lee, 'The shoes');
    expect(await visibleText(lee.locator('.record'))).toBe(previewed);
    expect(await lee.getByText('My parts').count()).toBe(0);
    await expectAccessible(lee, 'the rupture page (therapist)');
    await lee.getByLabel('What happened toward repair?').selectOption('therapist-apologized');
    await lee.getByLabel('A note (if you like)').fill('I am sorry. The same rule holds for me.');
    await lee.getByRole('button', { name: 'Add the step' }).click();
    await lee.locator('.repair-entry').getByText('You apologized', { exact: true }).waitFor();

    // The client answers, and marks it repaired.
    await robin.reload();
    await waitForHeading(robin, 'The shoes');
    await robin.locator('.repair-entry').getByText('Dr. Lee apologized', { exact: true }).waitFor();
    await robin.getByLabel('Did you feel heard?').selectOption('4');
    await robin.getByLabel('Was Dr. Lee defensive?').selectOption('0');
    await robin.getByRole('status').filter({ hasText: 'Answer saved.' }).waitFor();
    await robin.getByLabel('Status').selectOption('repaired');
    await robin.getByRole('status').filter({ hasText: 'Marked as repaired.' }).waitFor();
    await checkPage(robin, 'the rupture page after repair');

    // The patterns panel counts it, by its stated rules.
    await robin.goto(`/relationships/${relationshipId}?tab=ruptures`);
    await robin.getByText('Dr. Lee apologized in 1 repair step.').waitFor();
    await robin
      .getByText('Shown when the therapist apologized in at least one repair step.')
      .waitFor();
    await robin.getByText('None of the red-flag rules applies right now.').waitFor();
    await checkPage(robin, 'the ruptures tab');

    // Unsharing takes it away from the therapist at once.
    await robin.goto(`/ruptures/${ruptureId}`);
    await robin.getByRole('button', { name: 'Stop sharing' }).click();
    await robin.getByText('Private: only you can see this.').waitFor();
    await lee.reload();
    await waitForHeading(lee, "We couldn't find this");
  });
});

describe('a letter from a rupture', () => {
  test('starts from the record, and exports as a real PDF', async () => {
    const { robin, relationshipId } = await connectedWithADrop();
    const { rupture } = await api<{ rupture: { id: string } }>(
      robin,
      'POST',
      `/api/relationships/${relationshipId}/ruptures`,
      {
        title: 'The email',
        occurredAt: new Date().toISOString(),
        whatHappened: 'I wrote and waited three days.',
        intensity: 3,
      },
    );
    await robin.goto(`/ruptures/${rupture.id}`);
    await waitForHeading(robin, 'The email');
    await robin.getByRole('link', { name: 'Write a letter about this' }).click();
    const body = robin.getByLabel('Your letter', { exact: false });
    await body.waitFor();
    expect(await body.inputValue()).toContain('I wrote and waited three days.');
    await body.fill(`${await body.inputValue()}\n\nI would like to talk about it on Monday.`);
    await robin
      .getByRole('status')
      .filter({ hasText: /^Saved/ })
      .waitFor();
    const [download] = await Promise.all([
      robin.waitForEvent('download'),
      robin.getByRole('link', { name: 'Download as PDF' }).click(),
    ]);
    const file = await download.path();
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
