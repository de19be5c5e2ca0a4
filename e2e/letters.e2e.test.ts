import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addTherapist, api, type Person, signUp } from './flows.ts';
import {
  describedBy,
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
  GOOD_PASSWORD,
  isFocused,
  startWorld,
  tabTo,
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

const OFFLINE = "Saved on this device — will save to Attune when you're back online";
const BOTH_KEPT = 'This letter was also changed in another tab or device. Your text here is kept.';

type Letter = { id: string; title: string; body: string; revision: number; ruptureId: string };

function client(displayName: string): Person {
  return {
    displayName,
    email: `letters-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`,
    password: GOOD_PASSWORD,
    role: 'client',
  };
}

/** About `count` words in paragraphs, with numbered words to find every one of them again. */
function longLetter(count: number): string {
  const words =
    'I keep coming back to Monday and the quiet room when you said it felt far away'.split(' ');
  const paragraphs: string[] = [];
  let paragraph: string[] = [];
  for (let i = 0; i < count; i++) {
    paragraph.push(i % 25 === 0 ? `word${i}` : (words[i % words.length] ?? 'and'));
    if (paragraph.length === 100) {
      paragraphs.push(`${paragraph.join(' ')}.`);
      paragraph = [];
    }
  }
  if (paragraph.length > 0) paragraphs.push(`${paragraph.join(' ')}.`);
  return paragraphs.join('\n\n');
}

function letterBody(page: Page): Locator {
  return page.getByLabel('Your letter', { exact: true });
}

/** Waits until the save state beside the letter reads `words` exactly. */
async function waitForState(page: Page, words: string, timeout = 15_000): Promise<void> {
  await expect
    .poll(async () => (await describedBy(letterBody(page))).split(' | ')[0]?.trim(), { timeout })
    .toBe(words);
}

/** Puts the caret at the end of the letter and types, as a person does. */
async function typeAtEnd(page: Page, words: string): Promise<void> {
  await letterBody(page).press('Control+End');
  await page.keyboard.type(words);
}

async function fetchLetter(page: Page, id: string): Promise<Letter> {
  return (await api<{ letter: Letter }>(page, 'GET', `/api/letters/${id}`)).letter;
}

/** What this browser keeps of a letter, by storage key. */
function copiesOnDevice(page: Page, id: string): Promise<Record<string, string>> {
  return page.evaluate((letterId) => {
    const found: Record<string, string> = {};
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key?.startsWith(`attune:letter:${letterId}:`))
        found[key] = localStorage.getItem(key) ?? '';
    }
    return found;
  }, id);
}

async function openLetters(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Letters', exact: true }).click();
  await page.getByRole('tab', { name: 'Letters', exact: true, selected: true }).waitFor();
}

/** Signs a new client up, adds Dr. Lee, and opens the Letters tab. */
async function clientWithTherapist(name: string): Promise<{ page: Page; relationshipId: string }> {
  const page = await world.newPage();
  await signUp(page, client(name));
  const relationshipId = await addTherapist(page, 'Dr. Lee');
  await openLetters(page);
  return { page, relationshipId };
}

async function writeALetter(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Write a letter' }).click();
  await waitForHeading(page, 'A letter to Dr. Lee');
  const match = /\/letters\/([0-9a-f-]{36})$/.exec(page.url());
  if (!match?.[1]) throw new Error(`Writing a letter did not open it: ${page.url()}`);
  return match[1];
}

describe('letters', () => {
  test('a long letter survives a reload, going offline and back, and downloads', async () => {
    const start = await clientWithTherapist('Robin');
    let page = start.page;
    const { relationshipId } = start;

    // The tab explains and invites.
    await page.getByText('A letter is for long writing to Dr. Lee.').waitFor();
    await page.getByText('No letters yet.').waitFor();
    await expectAccessible(page, 'Letters tab, empty');
    await expectCalmWords(page, 'Letters tab, empty');

    const id = await writeALetter(page);
    const title = page.getByLabel('Title', { exact: true });
    expect(await title.inputValue()).toBe('Letter to Dr. Lee');
    await page.getByText('Only you can see this letter; nothing is sent.').waitFor();
    await expectAccessible(page, 'letter editor, new');
    await expectCalmWords(page, 'letter editor, new');

    // About 2,000 words, then a few typed by hand, and a reload at once: every word is there.
    const body = letterBody(page);
    const bulk = longLetter(2000);
    await body.fill(bulk);
    await typeAtEnd(page, ' And then');
    await page.reload();
    await waitForHeading(page, 'A letter to Dr. Lee');
    expect(await body.inputValue()).toBe(`${bulk} And then`);
    await waitForState(page, 'Saved');
    expect((await fetchLetter(page, id)).body).toBe(`${bulk} And then`);
    expect(await describedBy(body)).toContain('2,002 words');

    // A crash right after typing, with Attune out of reach: the words come back from this device,
    // in a new tab (the crashed tab's copy is recognised as left behind).
    await page.route('**/api/letters/*', (route) =>
      route.request().method() === 'PATCH' ? route.abort() : route.continue(),
    );
    const started = Date.now();
    await typeAtEnd(page, ' you said.');
    const copies = Object.values(await copiesOnDevice(page, id)).map(
      (json) => JSON.parse(json) as { body: string },
    );
    expect(copies.map((copy) => copy.body)).toEqual([`${bulk} And then you said.`]);
    const cdp = await page.context().newCDPSession(page);
    const crashed = page.waitForEvent('crash');
    // The answer never comes: the page is gone before it could send it.
    void cdp.send('Page.crash').catch(() => {});
    await crashed;
    const crashedAfter = Date.now() - started;
    expect((await fetchLetter(page, id)).body).toBe(`${bulk} And then`);

    const context = start.page.context();
    await start.page.close();
    page = await context.newPage();
    await page.goto(`/letters/${id}`);
    await waitForHeading(page, 'A letter to Dr. Lee');
    const body2 = letterBody(page);
    expect(await body2.inputValue()).toBe(`${bulk} And then you said.`);
    await page.getByText("We kept what you wrote on this device, and it's all here.").waitFor();
    await waitForState(page, 'Saved');
    expect((await fetchLetter(page, id)).body).toBe(`${bulk} And then you said.`);
    expect(await copiesOnDevice(page, id)).toEqual({});

    // Offline: kept on the device and said so; back online it saves by itself.
    await page.context().setOffline(true);
    await typeAtEnd(page, ' Written offline.');
    await waitForState(page, OFFLINE);
    await page.getByRole('main').getByText(OFFLINE).waitFor();
    await expectAccessible(page, 'letter editor, offline');
    await expectCalmWords(page, 'letter editor, offline');
    await page.context().setOffline(false);
    await waitForState(page, 'Saved');
    await page.reload();
    await waitForHeading(page, 'A letter to Dr. Lee');
    const written = `${bulk} And then you said. Written offline.`;
    expect(await body2.inputValue()).toBe(written);
    expect((await fetchLetter(page, id)).body).toBe(written);

    // A new title saves too.
    const title2 = page.getByLabel('Title', { exact: true });
    await title2.fill('Before Monday');
    await waitForState(page, 'Saved');
    expect((await fetchLetter(page, id)).title).toBe('Before Monday');

    // Downloads: Markdown with the title as its heading, and a real PDF.
    const [markdown] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download as Markdown' }).click(),
    ]);
    const md = await readFile(await markdown.path(), 'utf8');
    expect(md.startsWith('# Before Monday\n')).toBe(true);
    expect(md).toContain('word1975');
    expect(md).toContain('Written offline.');
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download as PDF' }).click(),
    ]);
    const bytes = await readFile(await pdf.path());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.suggestedFilename()).toBe('before-monday.pdf');

    // The keyboard reaches everything, with focus always visible.
    await title2.focus();
    await tabTo(page, body2, { max: 2 });
    await tabTo(page, page.getByRole('link', { name: 'Download as PDF' }), { max: 4 });

    // On a phone: no sideways scrolling, here or in the list.
    await page.setViewportSize({ width: 320, height: 640 });
    await expectNoHorizontalScroll(page, 'letter editor at 320 px');
    await page.getByRole('link', { name: 'Back to your letters' }).click();
    await waitForHeading(page, 'You and Dr. Lee');
    expect(page.url()).toContain(`/relationships/${relationshipId}?tab=letters`);
    const item = page.getByRole('listitem').filter({ hasText: 'Before Monday' });
    await item.getByRole('link', { name: 'Before Monday' }).waitFor();
    await item.getByText(/Last saved .* · 2,00\d words/).waitFor();
    await expectNoHorizontalScroll(page, 'Letters tab at 320 px');
    await expectAccessible(page, 'Letters tab with a letter');
    await expectCalmWords(page, 'Letters tab with a letter');

    process.stdout.write(
      `letters: the tab crashed ${crashedAfter} ms after the first keystroke; every word came back from the device\n`,
    );
  });

  test('two tabs: a quiet tab follows, and when both write, nothing from either is lost', async () => {
    const { page: a } = await clientWithTherapist('Sam');
    const id = await writeALetter(a);
    await letterBody(a).fill('Dear Dr. Lee,');
    await waitForState(a, 'Saved');

    const b = await a.context().newPage();
    const errors: string[] = [];
    b.on('pageerror', (error) => errors.push(error.message));
    await b.goto(`/letters/${id}`);
    await waitForHeading(b, 'A letter to Dr. Lee');
    expect(await letterBody(b).inputValue()).toBe('Dear Dr. Lee,');

    // A writes; B, with nothing of its own, shows A's words without a word from anyone.
    await typeAtEnd(a, ' from the first tab.');
    await waitForState(a, 'Saved');
    await expect.poll(() => letterBody(b).inputValue()).toBe('Dear Dr. Lee, from the first tab.');
    await waitForState(b, 'Saved');

    // Both write before either saves: the later save meets the earlier one.
    await typeAtEnd(a, ' Alpha thoughts.');
    await typeAtEnd(b, ' Beta thoughts.');
    const notices = async () =>
      (await a.getByRole('main').getByText(BOTH_KEPT).count()) +
      (await b.getByRole('main').getByText(BOTH_KEPT).count());
    await expect.poll(notices, { timeout: 15_000 }).toBe(1);
    const [later, earlier] =
      (await a.getByRole('main').getByText(BOTH_KEPT).count()) > 0 ? [a, b] : [b, a];
    const [mine, theirs] = later === a ? ['Alpha', 'Beta'] : ['Beta', 'Alpha'];

    // The later tab keeps its own text and shows the other beside it; nothing was overwritten.
    const other = later.getByLabel(/^The other version/);
    expect(await letterBody(later).inputValue()).toBe(
      `Dear Dr. Lee, from the first tab. ${mine} thoughts.`,
    );
    expect(await other.inputValue()).toBe(`Dear Dr. Lee, from the first tab. ${theirs} thoughts.`);
    expect(await letterBody(earlier).inputValue()).toBe(
      `Dear Dr. Lee, from the first tab. ${theirs} thoughts.`,
    );
    await waitForState(earlier, 'Saved');
    await expectAccessible(later, 'letter editor, two versions');
    await expectCalmWords(later, 'letter editor, two versions');

    // Writing on while both are shown saves nothing over the other version.
    await typeAtEnd(later, ' Still mine.');
    await later.waitForTimeout(1_500);
    expect((await fetchLetter(later, id)).body).toBe(
      `Dear Dr. Lee, from the first tab. ${theirs} thoughts.`,
    );

    // "Use the other version": it goes in the editor; this tab's text stays recoverable.
    await later.getByRole('button', { name: 'Use the other version' }).click();
    expect(await letterBody(later).inputValue()).toBe(
      `Dear Dr. Lee, from the first tab. ${theirs} thoughts.`,
    );
    await waitForState(later, 'Saved');
    await later.getByText('Your previous text', { exact: true }).click();
    const previous = later.getByLabel(/^Your text from/);
    expect(await previous.inputValue()).toBe(
      `Dear Dr. Lee, from the first tab. ${mine} thoughts. Still mine.`,
    );
    await expectAccessible(later, 'letter editor, previous text');
    // Kept on the device: still there after a reload.
    await later.reload();
    await waitForHeading(later, 'A letter to Dr. Lee');
    await later.getByText('Your previous text', { exact: true }).click();
    expect(await later.getByLabel(/^Your text from/).inputValue()).toBe(
      `Dear Dr. Lee, from the first tab. ${mine} thoughts. Still mine.`,
    );

    // Letting that text go takes a second "yes"; then nothing of it is left on the device.
    await later.getByRole('button', { name: "I don't need this text any more" }).click();
    expect(await isFocused(later.getByRole('button', { name: 'Keep it' }))).toBe(true);
    await later.getByRole('button', { name: 'Yes, remove it' }).click();
    await later.getByText('Your previous text', { exact: true }).waitFor({ state: 'detached' });
    expect(await copiesOnDevice(later, id)).toEqual({});

    // Again, and this time "Keep mine": the other tab, with nothing unsaved, follows quietly.
    await typeAtEnd(a, ' Second alpha.');
    await typeAtEnd(b, ' Second beta.');
    await expect.poll(notices, { timeout: 15_000 }).toBe(1);
    const keeper = (await a.getByRole('main').getByText(BOTH_KEPT).count()) > 0 ? a : b;
    const follower = keeper === a ? b : a;
    const kept = await letterBody(keeper).inputValue();
    await keeper.getByRole('button', { name: 'Keep mine' }).click();
    await waitForState(keeper, 'Saved');
    expect((await fetchLetter(keeper, id)).body).toBe(kept);
    await expect.poll(() => letterBody(follower).inputValue()).toBe(kept);
    expect(await keeper.getByRole('main').getByText(BOTH_KEPT).count()).toBe(0);

    await b.close();
    expect(errors).toEqual([]);
  });

  test('a letter started from a rupture record has a gentle outline in its own words', async () => {
    const { page, relationshipId } = await clientWithTherapist('Alex');
    const { rupture } = await api<{ rupture: { id: string } }>(
      page,
      'POST',
      `/api/relationships/${relationshipId}/ruptures`,
      {
        title: 'The shoes',
        occurredAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
        whatHappened: 'She took her shoes off in session.',
        myExperience: 'It felt like the rules changed without telling me.',
        echoes: 'My mother, who changed the rules all the time.',
        intensity: 4,
      },
    );

    await page.goto(`/letters/new?relationship=${relationshipId}&rupture=${rupture.id}`);
    await waitForHeading(page, 'A letter to Dr. Lee');
    const id = /\/letters\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    expect(id).toBeDefined();
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe(
      'Letter to Dr. Lee about The shoes',
    );
    const outline = await letterBody(page).inputValue();
    expect(outline).toContain('What happened\nShe took her shoes off in session.\n');
    expect(outline).toContain(
      'How it felt for me\nIt felt like the rules changed without telling me.\n',
    );
    expect(outline).toContain('What it reminded me of\nMy mother, who changed the rules');
    expect(outline).toContain('What I need\n');
    const letter = await fetchLetter(page, id ?? '');
    expect(letter.ruptureId).toBe(rupture.id);
    expect(letter.body).toBe(outline);

    // Going back does not make a second letter.
    await page.goBack();
    await page.getByRole('tab', { name: 'Letters', exact: true, selected: true }).waitFor();
    const { items } = await api<{ items: Letter[] }>(
      page,
      'GET',
      `/api/relationships/${relationshipId}/letters`,
    );
    expect(items.map((l) => l.id)).toEqual([id]);
    await expectAccessible(page, 'Letters tab, letter from a rupture');
  });
});
