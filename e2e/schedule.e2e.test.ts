import ICAL from 'ical.js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addTherapist, api, openTab, type Person, signUp } from './flows.ts';
import {
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
  GOOD_PASSWORD,
  startWorld,
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

/** The client lives in New York and the therapist in London: each sees their own local time. */
const CLIENT_ZONE = 'America/New_York';
const THERAPIST_ZONE = 'Europe/London';
const PHONE = { width: 320, height: 640, timezoneId: CLIENT_ZONE };
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const DAY = 86_400_000;

function person(role: Person['role'], displayName: string): Person {
  return { displayName, email: uniqueEmail(role), password: GOOD_PASSWORD, role };
}

/** The calendar date `days` from now in a zone, as a date field takes it. */
function dateIn(zone: string, days: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(Date.now() + days * DAY));
}

function weekdayOf(date: string): string {
  const sunday0 = new Date(`${date}T12:00:00Z`).getUTCDay();
  return WEEKDAYS[(sunday0 + 6) % 7] as string;
}

async function checkPage(page: Page, where: string) {
  await expectAccessible(page, where);
  await expectNoHorizontalScroll(page, where);
  await expectCalmWords(page, where);
}

async function connected() {
  const robin = await world.newPage(PHONE);
  await signUp(robin, person('client', 'Robin'));
  const relationshipId = await addTherapist(robin, 'Dr. Lee');
  const lee = await world.newPage({ timezoneId: THERAPIST_ZONE });
  await signUp(lee, person('therapist', 'Lee'));
  const { invite } = await api<{ invite: { code: string } }>(
    robin,
    'POST',
    `/api/relationships/${relationshipId}/invites`,
  );
  await api(lee, 'POST', `/api/invites/${invite.code}/accept`);
  return { robin, lee, relationshipId };
}

type AppointmentJson = { id: string; startsAt: string; status: string; cancelReason: string };

describe('scheduling between a client in New York and a therapist in London', () => {
  test('a regular slot, two weeks off, the gap the client sees, an extra appointment asked for and accepted, and the calendar feed', async () => {
    const { robin, lee, relationshipId } = await connected();

    // The therapist sets a weekly slot at 16:00 London time, from tomorrow.
    const firstDay = dateIn(THERAPIST_ZONE, 1);
    await lee.goto('/schedule');
    await lee.getByRole('heading', { name: 'Add a regular slot' }).waitFor();
    const slotForm = lee.getByRole('form', { name: 'Add a regular slot' });
    await slotForm.getByLabel('Client', { exact: true }).selectOption({ label: 'Robin' });
    await slotForm.getByLabel('Day', { exact: true }).selectOption({ label: weekdayOf(firstDay) });
    await slotForm.getByLabel('Time', { exact: true }).fill('16:00');
    await slotForm.getByLabel('Time zone', { exact: true }).selectOption(THERAPIST_ZONE);
    await slotForm.getByLabel('How often', { exact: true }).selectOption({ label: 'Every week' });
    await slotForm.getByLabel('First day', { exact: true }).fill(firstDay);
    await slotForm.getByRole('button', { name: 'Add slot' }).click();
    await lee
      .getByRole('region', { name: 'Regular slots' })
      .getByText(`Every ${weekdayOf(firstDay)} at 16:00 (${THERAPIST_ZONE})`)
      .waitFor();
    await checkPage(lee, 'the therapist’s schedule with a slot');

    const { items: made } = await api<{ items: AppointmentJson[] }>(
      robin,
      'GET',
      `/api/relationships/${relationshipId}/appointments`,
    );
    expect(made.length).toBe(12);

    // Two weeks off, starting the day before the second appointment: two of them go.
    const away = dateIn(THERAPIST_ZONE, 7);
    const back = dateIn(THERAPIST_ZONE, 21);
    const timeOffForm = lee.getByRole('form', { name: 'Add time off' });
    await timeOffForm.getByLabel('Away from', { exact: true }).fill(away);
    await timeOffForm.getByLabel('Starting at', { exact: true }).fill('00:00');
    await timeOffForm.getByLabel('Back on', { exact: true }).fill(back);
    await timeOffForm.getByLabel('Back at', { exact: true }).fill('00:00');
    await timeOffForm
      .getByLabel('Note (optional)', { exact: true })
      .fill('At a conference, then a week off.');
    await timeOffForm.getByRole('button', { name: 'Save time off' }).click();
    await lee
      .getByRole('main')
      .getByText('2 appointments cancelled; Robin was told.')
      .first()
      .waitFor();

    // The client sees the cancellations, in New York time, and the coming gap, calmly.
    await robin.goto(`/relationships/${relationshipId}`);
    await waitForHeading(robin, 'You and Dr. Lee');
    await openTab(robin, 'Schedule');
    const panel = robin.getByRole('tabpanel', { name: 'Schedule' });
    await expect
      .poll(() => panel.getByText('Cancelled: Dr. Lee is away').count(), { timeout: 10_000 })
      .toBe(2);
    await panel.getByText('because Dr. Lee is away', { exact: false }).first().waitFor();
    await panel.getByText(`(${CLIENT_ZONE})`, { exact: false }).first().waitFor();
    // 16:00 in London is 11:00 or 12:00 in New York, never 16:00.
    const nextTimes = await panel.getByRole('region', { name: 'Next appointments' }).textContent();
    expect(nextTimes).toMatch(/1[12]:00/);
    expect(nextTimes).not.toMatch(/16:00/);
    await checkPage(robin, 'the client’s schedule with a gap');

    // Today says the gap too.
    await robin.goto('/');
    await robin
      .getByRole('main')
      .getByText('because Dr. Lee is away', { exact: false })
      .first()
      .waitFor();

    // The client asks for an extra appointment while the therapist is away.
    await robin.goto(`/relationships/${relationshipId}?tab=schedule`);
    const requestForm = robin.getByRole('form', { name: 'Ask for an extra appointment' });
    const askedDay = dateIn(CLIENT_ZONE, 4);
    await requestForm.getByLabel('Day for time 1', { exact: true }).fill(askedDay);
    await requestForm.getByLabel('Starting time for time 1', { exact: true }).fill('09:30');
    await requestForm
      .getByLabel('A note for Dr. Lee (optional)', { exact: true })
      .fill('Could we meet once before?');
    await requestForm.getByRole('button', { name: 'Send the request' }).click();
    await robin.getByRole('main').getByText('Waiting for Dr. Lee').first().waitFor();

    // The therapist accepts the time; the client sees it offered and in the list.
    await lee.goto('/schedule');
    await lee.getByRole('heading', { name: 'Robin asked for another appointment' }).waitFor();
    await lee.getByText('Could we meet once before?').waitFor();
    await lee
      .getByRole('button', { name: /Accept this time/ })
      .first()
      .click();
    await lee
      .getByRole('heading', { name: 'Robin asked for another appointment' })
      .waitFor({ state: 'detached' });

    await robin.reload();
    await robin.getByRole('main').getByText('Dr. Lee offered', { exact: false }).first().waitFor();
    const { items: afterRequest } = await api<{ items: (AppointmentJson & { kind: string })[] }>(
      robin,
      'GET',
      `/api/relationships/${relationshipId}/appointments`,
    );
    const extra = afterRequest.find((a) => a.kind === 'extra');
    expect(extra?.status).toBe('scheduled');
    expect(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: CLIENT_ZONE,
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date(extra?.startsAt ?? 0)),
    ).toBe('09:30');

    // The calendar feed parses as iCalendar: every appointment, titled "Therapy" and no more.
    const address = await robin.getByLabel('Calendar address', { exact: true }).inputValue();
    const feedUrl = new URL(address);
    const feed = await robin.request.get(`${feedUrl.pathname}${feedUrl.search}`);
    expect(feed.status()).toBe(200);
    expect(feed.headers()['content-type']).toMatch(/^text\/calendar/);
    const text = await feed.text();
    expect(text).not.toMatch(/Robin|Lee|conference|meet once/);
    const calendar = new ICAL.Component(ICAL.parse(text));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.length).toBe(afterRequest.length);
    expect(new Set(events.map((e) => e.summary))).toEqual(new Set(['Therapy']));
    const cancelled = calendar
      .getAllSubcomponents('vevent')
      .filter((v) => v.getFirstPropertyValue('status') === 'CANCELLED');
    expect(cancelled.length).toBe(2);
    const extraEvent = events.find((e) => e.uid.startsWith(extra?.id ?? '-'));
    expect(extraEvent?.startDate.toJSDate().toISOString()).toBe(extra?.startsAt);

    // A new address voids the old one.
    await robin.getByRole('button', { name: 'Make a new address' }).click();
    await robin.getByRole('button', { name: 'Make a new one' }).click();
    await expect
      .poll(
        async () =>
          (await robin.getByLabel('Calendar address', { exact: true }).inputValue()) !== address,
      )
      .toBe(true);
    const old = await robin.request.get(`${feedUrl.pathname}${feedUrl.search}`);
    expect(old.status()).toBe(404);
  });
});
