import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchBrowser } from './chromium.ts';
import { type RunningServer, startServer } from './server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type World = {
  server: RunningServer;
  browser: Browser;
  /** A fresh browser context (own cookies) aimed at the server. */
  newPage: (options?: { width?: number; height?: number; timezoneId?: string }) => Promise<Page>;
  close: () => Promise<void>;
};

/** Starts the server and Chromium; every test then opens its own, separate context. */
export async function startWorld(): Promise<World> {
  // The server serves ATTUNE_WEB_DIR when set (a build of one's own), web/dist otherwise.
  const webDir = process.env.ATTUNE_WEB_DIR || path.join(repoRoot, 'web', 'dist');
  if (!existsSync(path.join(webDir, 'index.html'))) {
    throw new Error(
      `The web app is not built in ${webDir}. Build it first with: npx vite build web`,
    );
  }
  const server = await startServer();
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    await server.stop();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  // Uncaught exceptions in the app fail the file, even when the screen happened to look right.
  const pageErrors: string[] = [];
  return {
    server,
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        baseURL: server.url,
        viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
        reducedMotion: 'reduce',
        ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
      });
      context.setDefaultTimeout(15_000);
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.stack ?? error}`));
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close().catch(() => {});
      await server.stop();
      if (pageErrors.length > 0) {
        throw new Error(`The web app threw while testing:\n${pageErrors.join('\n')}`);
      }
    },
  };
}

let counter = 0;
/** An email no other test (or earlier run against the same database) has used. */
export function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export const GOOD_PASSWORD = 'quiet harbour lanterns 7';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe on the page as it is now, in the light and the dark colour scheme, and fails with a
 * readable list of every violation.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const problems: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
    for (const violation of results.violations) {
      const nodes = violation.nodes
        .map((node) => `      at ${node.target.join(' ')}\n        ${node.failureSummary ?? ''}`)
        .join('\n');
      problems.push(
        `  [${colorScheme}] ${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help}\n    ${violation.helpUrl}\n${nodes}`,
      );
    }
  }
  await page.emulateMedia({ colorScheme: null });
  if (problems.length > 0) {
    throw new Error(`Accessibility problems on ${where} (${page.url()}):\n${problems.join('\n')}`);
  }
}

/** Fails when the page scrolls sideways (e.g. at 320 px wide). */
export async function expectNoHorizontalScroll(page: Page, where: string): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  if (scrollWidth > clientWidth) {
    throw new Error(
      `${where} scrolls sideways: content is ${scrollWidth}px wide in a ${clientWidth}px window`,
    );
  }
}

/** Waits until the page's main heading (h1) says `name`. */
export async function waitForHeading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor({ timeout: 15_000 });
}

export async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}

/** A short description of whatever has focus, for failure messages. */
export async function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return 'nothing';
    const name =
      el.getAttribute('aria-label') ??
      (el instanceof HTMLInputElement ? el.labels?.[0]?.textContent : el.textContent) ??
      '';
    return `<${el.tagName.toLowerCase()}> "${name.trim().slice(0, 60)}"`;
  });
}

/**
 * Presses Tab (or Shift+Tab) until `target` has focus, checking on the way that every focused
 * control shows a visible focus outline. Fails after `max` presses.
 */
export async function tabTo(
  page: Page,
  target: Locator,
  options: { max?: number; backwards?: boolean } = {},
): Promise<number> {
  const max = options.max ?? 15;
  const key = options.backwards ? 'Shift+Tab' : 'Tab';
  for (let presses = 1; presses <= max; presses += 1) {
    await page.keyboard.press(key);
    await expectVisibleFocus(page);
    if (await isFocused(target)) return presses;
  }
  throw new Error(
    `Could not reach ${target.toString()} with ${max} presses of ${key}; focus is on ${await describeFocus(page)}`,
  );
}

/**
 * The focused element (or, for a visually hidden radio input, its visible card) must show an
 * outline at least 2px wide.
 */
export async function expectVisibleFocus(page: Page): Promise<void> {
  const problem = await page.evaluate(() => {
    const focused = document.activeElement;
    if (!focused || focused === document.body) return null;
    const isRadio = focused instanceof HTMLInputElement && focused.type === 'radio';
    const label = isRadio ? focused.closest('label') : null;
    const style = label ? getComputedStyle(label, '::after') : getComputedStyle(focused);
    const width = Number.parseFloat(style.outlineWidth);
    if (style.outlineStyle === 'none' || !(width >= 2)) {
      return `${focused.tagName.toLowerCase()} "${(focused.textContent ?? '').trim().slice(0, 40)}" has no visible focus outline (${style.outlineStyle} ${style.outlineWidth})`;
    }
    return null;
  });
  if (problem) throw new Error(problem);
}

/** The text of the elements an element's aria-describedby points to. */
export async function describedBy(locator: Locator): Promise<string> {
  return locator.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' | '),
  );
}

/**
 * The client's side never speaks of alerts, warnings or risk, and never raises its voice with an
 * exclamation mark (UX.md, Words).
 */
export async function expectCalmWords(page: Page, where: string): Promise<void> {
  const text = await visibleText(page.getByRole('main'));
  const found = text.match(/\b(alerts?|warnings?|risks?|failures?|negative)\b|!/gi);
  if (found) {
    throw new Error(
      `${where} uses words the client side avoids: ${[...new Set(found)].join(', ')}`,
    );
  }
}

/**
 * How many pixels of the chart's canvas are close to the colour a legend swatch shows: proof
 * that a line was drawn, in that colour.
 */
export async function chartPixelsLike(page: Page, swatchSelector: string): Promise<number> {
  return page.evaluate((selector) => {
    const swatch = document.querySelector(selector);
    const canvas = document.querySelector<HTMLCanvasElement>('[role="img"] canvas');
    if (!swatch || !canvas) return -1;
    const match = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(getComputedStyle(swatch).color);
    if (!match) return -1;
    const [r, g, b] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const context = canvas.getContext('2d');
    if (!context) return -1;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const alpha = data[i + 3] ?? 0;
      if (alpha < 200) continue;
      const d =
        Math.abs((data[i] ?? 0) - r) +
        Math.abs((data[i + 1] ?? 0) - g) +
        Math.abs((data[i + 2] ?? 0) - b);
      if (d < 40) count += 1;
    }
    return count;
  }, swatchSelector);
}

/** The text of an element as a person sees it laid out (Playwright's innerText, not the DOM's). */
export function visibleText(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: this is Playwright's innerText, which follows the layout like a reader does.
  return locator.innerText();
}
