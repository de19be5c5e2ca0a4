import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, helpLink, type Person, signUp } from './flows.ts';
import {
  describedBy,
  describeFocus,
  expectAccessible,
  expectCalmWords,
  expectVisibleFocus,
  GOOD_PASSWORD,
  isFocused,
  startWorld,
  tabTo,
  uniqueEmail,
  visibleText,
  type World,
  waitForHeading,
} from './support.ts';

/**
 * The rupture flow and the rupture page, by keyboard alone (UX.md, Accessibility: "a
 * keyboard-only walk of each main flow"). Nothing here clicks: Tab and Shift+Tab move, Enter and
 * Space press, arrows choose. Set-up that the walk is not about goes through the API.
 */

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.close();
});

function person(role: Person['role'], displayName: string): Person {
  return { displayName, email: uniqueEmail(`keys-${role}`), password: GOOD_PASSWORD, role };
}

/** A client connected with a therapist, both signed in on their own page. */
async function connected() {
  const robin = await world.newPage();
  await signUp(robin, person('client', 'Robin'));
  const { relationship } = await api<{ relationship: { id: string } }>(
    robin,
    'POST',
    '/api/relationships',
    { therapistName: 'Dr. Lee' },
  );
  const lee = await world.newPage();
  await signUp(lee, person('therapist', 'Lee'));
  const { invite } = await api<{ invite: { code: string } }>(
    robin,
    'POST',
    `/api/relationships/${relationship.id}/invites`,
  );
  await api(lee, 'POST', `/api/invites/${invite.code}/accept`);
  return { robin, lee, relationshipId: relationship.id };
}

const STEPS = [
  'What happened',
  'How it felt',
  'What it echoes',
  'Which parts',
  'What I need',
  'Private or shared',
] as const;

function stepHeading(page: Page, n: number): Locator {
  return page.getByRole('heading', { level: 2, name: `Step ${n} of 6 ${STEPS[n - 1]}` });
}

/** Focus is on `target`, or gets there within a moment (what replaces a control renders first). */
async function expectFocused(page: Page, target: Locator, what: string): Promise<void> {
  const until = Date.now() + 2_000;
  while (!(await isFocused(target)) && Date.now() < until) await page.waitForTimeout(50);
  if (!(await isFocused(target))) {
    throw new Error(`Expected focus on ${what}; it is on ${await describeFocus(page)}`);
  }
}

/** Presses Next (with `key`) from wherever focus is, and checks focus lands on the new step. */
async function nextStep(page: Page, to: number, key: 'Enter' | 'Space', max = 6): Promise<void> {
  await tabTo(page, page.getByRole('button', { name: 'Next', exact: true }), { max });
  await page.keyboard.press(key);
  const heading = stepHeading(page, to);
  await heading.waitFor();
  await expectFocused(page, heading, `the heading of step ${to}`);
}

async function checkStep(page: Page, n: number): Promise<void> {
  await expectAccessible(page, `the rupture flow, step ${n}, by keyboard`);
  await expectCalmWords(page, `the rupture flow, step ${n}`);
}

/** Waits for a page's heading; on failure says where the browser is and what it shows. */
async function arriveAt(page: Page, heading: string): Promise<void> {
  try {
    await waitForHeading(page, heading);
  } catch (error) {
    const shown = await visibleText(page.locator('body')).catch(() => '(nothing)');
    throw new Error(`"${heading}" did not open; at ${page.url()} the page shows:\n${shown}`, {
      cause: error,
    });
  }
}

const status = (page: Page, words: string) =>
  page.getByRole('status').filter({ hasText: words }).waitFor();

describe('the rupture flow by keyboard alone', () => {
  test('written, paused, resumed, shared and repaired without a mouse', async () => {
    const { robin, lee, relationshipId } = await connected();
    await api(robin, 'POST', '/api/parts', { name: 'The careful one' });

    await robin.goto(`/relationships/${relationshipId}/ruptures/write`);
    await waitForHeading(robin, 'Write about what happened');
    await stepHeading(robin, 1).waitFor();

    // The crisis link is the third stop from the top of the page: one link, one press.
    const presses = await tabTo(robin, helpLink(robin), { max: 4 });
    expect(presses).toBeLessThanOrEqual(3);
    await checkStep(robin, 1);

    // Step 1: every field in order, typed.
    const title = robin.getByLabel('A few words to name it');
    await tabTo(robin, title, { max: 13 });
    await robin.keyboard.type('The shoes');
    await tabTo(robin, robin.getByLabel('When it happened'), { max: 1 });
    const happened = robin.getByRole('textbox', { name: 'What happened', exact: true });
    await tabTo(robin, happened, { max: 4 }); // a date field has a stop for each of its parts
    await robin.keyboard.type('She took her shoes off in session.');
    await robin.keyboard.press('Enter'); // a new line, not a submit
    await robin.keyboard.type('A year after telling me I could not.');
    const theirSide = robin.getByLabel("Dr. Lee's side, as you understand it (if you like)");
    await tabTo(robin, theirSide, { max: 1 });
    await robin.keyboard.type('Maybe she forgot.');
    expect(await happened.inputValue()).toBe(
      'She took her shoes off in session.\nA year after telling me I could not.',
    );
    await status(robin, 'Saved.');

    // Next with Enter: focus goes to the new step's heading; Back returns to step 1 the same way.
    await nextStep(robin, 2, 'Enter', 2);
    await tabTo(robin, robin.getByRole('button', { name: 'Back', exact: true }), { max: 10 });
    await robin.keyboard.press('Enter');
    await stepHeading(robin, 1).waitFor();
    await expectFocused(robin, stepHeading(robin, 1), 'the heading of step 1');
    expect(await title.inputValue()).toBe('The shoes');
    await nextStep(robin, 2, 'Space', 12);

    // Step 2: the feeling typed, the strength and the shape chosen with arrow keys.
    const felt = robin.getByLabel('How it felt for you');
    await tabTo(robin, felt, { max: 1 });
    await robin.keyboard.type('Like the rules only apply to me.');
    const three = robin.getByRole('radio', { name: '3', exact: true });
    await tabTo(robin, three, { max: 1 }); // the group's one stop is its current choice
    await robin.keyboard.press('ArrowRight');
    const four = robin.getByRole('radio', { name: '4', exact: true });
    await expectFocused(robin, four, 'the intensity 4');
    await expectVisibleFocus(robin);
    expect(await four.isChecked()).toBe(true);
    // Nothing chosen yet: Tab reaches the first shape; arrows move and choose.
    const pulledAway = robin.getByRole('radio', { name: 'I pulled away' });
    const pushedBack = robin.getByRole('radio', { name: 'I pushed back' });
    await tabTo(robin, pulledAway, { max: 1 });
    expect(await pulledAway.isChecked()).toBe(false);
    await robin.keyboard.press('ArrowDown');
    await expectFocused(robin, pushedBack, '"I pushed back"');
    expect(await pushedBack.isChecked()).toBe(true);
    // An answer can be taken back: the question is left unanswered, and focus returns to it.
    await tabTo(robin, robin.getByRole('button', { name: 'Leave this one unanswered' }), {
      max: 1,
    });
    await robin.keyboard.press('Enter');
    await expectFocused(robin, pulledAway, '"I pulled away"');
    await expectVisibleFocus(robin);
    expect(await pushedBack.isChecked()).toBe(false);
    expect(await pulledAway.isChecked()).toBe(false);
    await robin.keyboard.press('ArrowDown');
    await robin.keyboard.press('ArrowUp');
    await expectFocused(robin, pulledAway, '"I pulled away"');
    await expectVisibleFocus(robin);
    expect(await pulledAway.isChecked()).toBe(true);
    expect(await four.isChecked()).toBe(true);
    await checkStep(robin, 2);
    await nextStep(robin, 3, 'Enter', 4);

    // Step 3 is skipped. From deep in the flow, the crisis link is still one link away, and
    // coming back finds the flow where it was.
    await checkStep(robin, 3);
    await tabTo(robin, helpLink(robin), { max: 13, backwards: true });
    await robin.keyboard.press('Enter');
    await waitForHeading(robin, 'Need help now?');
    await robin.goBack();
    await waitForHeading(robin, 'Write about what happened');
    await stepHeading(robin, 3).waitFor();
    await tabTo(robin, robin.getByLabel('Does it remind you of anything from before?'), {
      max: 13,
    });
    await nextStep(robin, 4, 'Space', 3);

    // Step 4: the parts are reachable, and skipped.
    const part = robin.getByRole('checkbox', { name: 'The careful one' });
    await part.waitFor({ state: 'attached' }); // the parts load with the step
    await tabTo(robin, part, { max: 1 });
    expect(await part.isChecked()).toBe(false);
    await checkStep(robin, 4);
    await nextStep(robin, 5, 'Enter', 3);

    // Step 5, then "Save and come back later" from the keyboard.
    const needs = robin.getByLabel('What do you need now?');
    await tabTo(robin, needs, { max: 1 });
    await robin.keyboard.type('To hear that the rules are the same for both of us.');
    await checkStep(robin, 5);
    await tabTo(robin, robin.getByRole('button', { name: 'Save and come back later' }), {
      max: 4,
    });
    await robin.keyboard.press('Enter');
    await arriveAt(robin, 'The shoes');
    await expectFocused(robin, robin.getByRole('heading', { level: 1 }), 'the page heading');
    await robin.getByText('Private: only you can see this.').waitFor();
    const ruptureId = new URL(robin.url()).pathname.split('/').pop() ?? '';
    const saved = await api<{ rupture: { needs: string; kind: string; intensity: number } }>(
      robin,
      'GET',
      `/api/ruptures/${ruptureId}`,
    );
    expect(saved.rupture).toMatchObject({
      needs: 'To hear that the rules are the same for both of us.',
      kind: 'withdrawal',
      intensity: 4,
    });

    // Coming back: the flow opens at the step it was left on, every word there.
    await tabTo(robin, robin.getByRole('link', { name: 'Continue writing' }), { max: 6 });
    await robin.keyboard.press('Enter');
    await waitForHeading(robin, 'Write about what happened');
    await stepHeading(robin, 5).waitFor();
    expect(await needs.inputValue()).toBe('To hear that the rules are the same for both of us.');
    await nextStep(robin, 6, 'Enter', 12);

    // Step 6: private is the starting choice; the arrow key chooses sharing and shows the preview.
    const keep = robin.getByRole('radio', { name: 'Keep it private' });
    const share = robin.getByRole('radio', { name: 'Share it with Dr. Lee' });
    expect(await keep.isChecked()).toBe(true);
    await tabTo(robin, keep, { max: 1 });
    await robin.keyboard.press('ArrowDown');
    await expectFocused(robin, share, '"Share it with Dr. Lee"');
    expect(await share.isChecked()).toBe(true);
    const preview = robin.locator('.preview .record');
    await preview.waitFor();
    const previewed = await visibleText(preview);
    expect(previewed).toContain('She took her shoes off in session.');
    expect(previewed).toContain('Maybe she forgot.');
    expect(previewed).toContain('To hear that the rules are the same for both of us.');
    expect(previewed).not.toContain('The careful one');
    await checkStep(robin, 6);
    await tabTo(robin, robin.getByRole('button', { name: 'Save and share with Dr. Lee' }), {
      max: 3,
    });
    await robin.keyboard.press('Enter');
    await arriveAt(robin, 'The shoes');
    await expectFocused(robin, robin.getByRole('heading', { level: 1 }), 'the page heading');
    await robin.getByText(/^Shared with Dr\. Lee since/).waitFor();

    // The therapist answers with an apology (set-up, through the API).
    await api(lee, 'POST', `/api/ruptures/${ruptureId}/repairs`, {
      at: new Date().toISOString(),
      kind: 'therapist-apologized',
      by: 'therapist',
      note: 'I am sorry. The same rule holds for me.',
    });
    await robin.reload();
    await arriveAt(robin, 'The shoes');
    await robin.locator('.repair-entry').getByText('Dr. Lee apologized', { exact: true }).waitFor();
    await expectAccessible(robin, 'the rupture page, by keyboard');
    await expectCalmWords(robin, 'the rupture page');

    // Stop sharing, and share again after the preview: focus stays with the choice each time.
    const stop = robin.getByRole('button', { name: 'Stop sharing' });
    await tabTo(robin, stop, { max: 11 });
    await robin.keyboard.press('Enter');
    await robin.getByText('Private: only you can see this.').waitFor();
    await status(robin, 'Dr. Lee can no longer see it.');
    const shareAgain = robin.getByRole('button', { name: 'Share with Dr. Lee…' });
    await expectFocused(robin, shareAgain, '"Share with Dr. Lee…"');
    await expectVisibleFocus(robin);
    await robin.keyboard.press('Enter');
    const previewHeading = robin.getByRole('heading', { name: 'What Dr. Lee will see' });
    await previewHeading.waitFor();
    await expectFocused(robin, previewHeading, 'the preview heading');
    await robin.locator('.preview .record').waitFor();
    await tabTo(robin, robin.getByRole('button', { name: 'Share it with Dr. Lee' }), { max: 3 });
    await robin.keyboard.press('Space');
    await robin.getByText(/^Shared with Dr\. Lee since/).waitFor();
    await expectFocused(robin, stop, '"Stop sharing"');

    // The status is the client's: the therapist's step left it open, and the page says what moves
    // it. An arrow key on the closed select changes it, either way.
    const statusSelect = robin.getByLabel('Status');
    expect(await statusSelect.inputValue()).toBe('open');
    expect(await describedBy(statusSelect)).toContain('Attune moves');
    await tabTo(robin, statusSelect, { max: 6 });
    await robin.keyboard.press('ArrowDown');
    await status(robin, 'Marked as working on it.');
    expect(await statusSelect.inputValue()).toBe('repairing');
    await robin.keyboard.press('ArrowUp');
    await status(robin, 'Marked as still open.');
    expect(await statusSelect.inputValue()).toBe('open');

    // The ratings of the therapist's step: several arrow presses, and the last one is what counts.
    const heard = robin.getByLabel('Did you feel heard?');
    await tabTo(robin, heard, { max: 3 });
    for (let i = 0; i < 5; i += 1) await robin.keyboard.press('ArrowDown');
    expect(await heard.inputValue()).toBe('4');
    const defensive = robin.getByLabel('Was Dr. Lee defensive?');
    await tabTo(robin, defensive, { max: 1 });
    await robin.keyboard.press('ArrowDown');
    expect(await defensive.inputValue()).toBe('0');
    await status(robin, 'Answer saved.');
    await expect
      .poll(
        async () => {
          const { rupture } = await api<{
            rupture: { repairs: { feltHeard: number | null; defensiveness: number | null }[] };
          }>(robin, 'GET', `/api/ruptures/${ruptureId}`);
          return rupture.repairs[0];
        },
        { timeout: 5_000 },
      )
      .toMatchObject({ feltHeard: 4, defensiveness: 0 });

    // A step of the client's own, through the whole form.
    const repairs = robin.getByRole('region', { name: 'Steps toward repair' });
    const kind = repairs.getByLabel('What happened toward repair?');
    await tabTo(robin, kind, { max: 3 });
    await robin.keyboard.press('ArrowDown');
    expect(await kind.inputValue()).toBe('wrote-it-out');
    await tabTo(robin, repairs.getByLabel('Who did it?'), { max: 1 });
    await tabTo(robin, repairs.getByLabel('When', { exact: true }), { max: 1 });
    await tabTo(robin, repairs.getByLabel('A note (if you like)'), { max: 4 });
    await robin.keyboard.type('I wrote down what I want to say on Monday.');
    await tabTo(robin, repairs.getByRole('button', { name: 'Add the step' }), { max: 2 });
    await robin.keyboard.press('Enter');
    await status(robin, 'Step added.');
    await robin.locator('.repair-entry').getByText('Wrote it out', { exact: true }).waitFor();
    await robin.getByText('I wrote down what I want to say on Monday.').waitFor();

    // The new step moved the open record to "Working on it" again, as the page says it does.
    // Back up to the status with Shift+Tab, and mark it repaired: quick presses past it and
    // back, and the last choice is the one kept.
    await expect.poll(() => statusSelect.inputValue()).toBe('repairing');
    await tabTo(robin, statusSelect, { max: 20, backwards: true });
    await robin.keyboard.press('ArrowDown');
    await robin.keyboard.press('ArrowDown');
    await robin.keyboard.press('ArrowUp');
    expect(await statusSelect.inputValue()).toBe('repaired');
    await status(robin, 'Marked as repaired.');
    await expect
      .poll(
        async () =>
          (await api<{ rupture: { status: string } }>(robin, 'GET', `/api/ruptures/${ruptureId}`))
            .rupture.status,
        { timeout: 5_000 },
      )
      .toBe('repaired');
    await expectAccessible(robin, 'the rupture page after repair, by keyboard');
    await expectCalmWords(robin, 'the rupture page after repair');

    // Removing asks first; the question takes focus, and "Keep it" returns focus where it was.
    const remove = robin.getByRole('button', { name: 'Remove this record…' });
    await tabTo(robin, remove, { max: 30 });
    await robin.keyboard.press('Enter');
    const question = robin.getByText('This removes the record and its repair steps for good');
    await expectFocused(robin, question, 'the question before removing');
    await tabTo(robin, robin.getByRole('button', { name: 'Remove it' }), { max: 1 });
    await tabTo(robin, robin.getByRole('button', { name: 'Keep it' }), { max: 1 });
    await robin.keyboard.press('Enter');
    await expectFocused(robin, remove, '"Remove this record…"');
    await arriveAt(robin, 'The shoes');
  });
});

describe('a shared record, opened in the flow again', () => {
  test('says the therapist sees the changes, and finishing keeps or stops sharing as chosen', async () => {
    const { robin, lee, relationshipId } = await connected();
    const { rupture } = await api<{ rupture: { id: string } }>(
      robin,
      'POST',
      `/api/relationships/${relationshipId}/ruptures`,
      {
        title: 'The email',
        occurredAt: new Date().toISOString(),
        whatHappened: 'I wrote and waited three days.',
        intensity: 3,
        visibility: 'shared',
      },
    );
    await robin.goto(`/relationships/${relationshipId}/ruptures/write?rupture=${rupture.id}`);
    await waitForHeading(robin, 'Write about what happened');
    // Before a word is changed, it is clear who sees the changes.
    await robin
      .getByText('You shared this record with Dr. Lee, so Dr. Lee sees what you change here')
      .waitFor();
    await robin
      .getByRole('status')
      .filter({ hasText: 'Dr. Lee sees each change as it is saved.' })
      .waitFor();

    // The step list moves focus to the chosen step's heading too.
    await tabTo(robin, robin.getByRole('button', { name: 'Step 6 of 6: Private or shared' }), {
      max: 20,
    });
    await robin.keyboard.press('Enter');
    await stepHeading(robin, 6).waitFor();
    await expectFocused(robin, stepHeading(robin, 6), 'the heading of step 6');

    // It starts as it is: shared. Finishing does not quietly make it private, or keep it shared.
    const keepSharing = robin.getByRole('radio', { name: 'Keep sharing it with Dr. Lee' });
    const stopSharing = robin.getByRole('radio', { name: 'Stop sharing it' });
    expect(await keepSharing.isChecked()).toBe(true);
    await robin.locator('.preview .record').waitFor();
    await checkStep(robin, 6);
    await tabTo(robin, keepSharing, { max: 1 });
    await robin.keyboard.press('ArrowUp');
    expect(await stopSharing.isChecked()).toBe(true);
    await tabTo(robin, robin.getByRole('button', { name: 'Save and stop sharing' }), { max: 2 });
    await robin.keyboard.press('Enter');
    await arriveAt(robin, 'The email');
    await robin.getByText('Private: only you can see this.').waitFor();
    const response = await lee.request.get(`/api/ruptures/${rupture.id}`);
    expect(response.status()).toBe(404);
  });
});

describe('"Save and come back later" straight after typing', () => {
  test('keeps the words and opens the record, even before the first save', async () => {
    const { robin, relationshipId } = await connected();
    await robin.goto(`/relationships/${relationshipId}/ruptures/write`);
    await arriveAt(robin, 'Write about what happened');
    await robin
      .getByText('Nothing is saved until you start writing. What you write stays private')
      .waitFor();
    await tabTo(robin, robin.getByLabel('A few words to name it'), { max: 20 });
    await robin.keyboard.type('Quick words');
    // Straight on, before the pause that saves: this press is what saves it.
    await tabTo(robin, robin.getByRole('button', { name: 'Save and come back later' }), {
      max: 12,
    });
    await robin.keyboard.press('Enter');
    await arriveAt(robin, 'Quick words');
    await robin.getByText('Private: only you can see this.').waitFor();
  });
});
