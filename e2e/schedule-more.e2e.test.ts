import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addTherapist, api, fillCheckIn, helpLink, openTab, type Person, signUp } from './flows.ts';
import {
  expectAccessible,
  expectCalmWords,
  expectNoHorizontalScroll,
  expectVisibleFocus,
  GOOD_PASSWORD,
  startWorld,
  tabTo,
  uniqueEmail,
  visibleText,
  type World,
  waitForHeading,
} from './support.ts';

/**
 * More of scheduling, past the regular slot of schedule.e2e.test.ts: couples appointments (and
 * what each partner can never see of the other), open times, answering requests, and the
 * schedule screens by keyboard alone. As there, the clients live in New York and the therapist
 * in London, so every time on screen is checked in the zone of whoever looks at it.
 */

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.close();
});

const CLIENT_ZONE = 'America/New_York';
const THERAPIST_ZONE = 'Europe/London';
const PHONE = { width: 320, height: 640, timezoneId: CLIENT_ZONE };
const DESKTOP = { timezoneId: THERAPIST_ZONE };
const DAY = 86_400_000;
/** The whole file is slow on a busy machine: axe runs twice per check, in light and dark. */
const LONG = 300_000;

type Appointment = {
  id: string;
  startsAt: string;
  kind: string;
  status: string;
  coupleAppointmentId: string | null;
};
type Request = {
  id: string;
  status: string;
  openTimeId: string | null;
  appointmentId: string | null;
  responseNote: string | null;
  options: { startsAt: string; durationMinutes: number }[];
};

function person(role: Person['role'], displayName: string): Person {
  return { displayName, email: uniqueEmail(`more-${role}`), password: GOOD_PASSWORD, role };
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

/** "14:00" for an instant, in a zone. */
function clockIn(zone: string, iso: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

async function newTherapist(name = 'Lee'): Promise<Page> {
  const lee = await world.newPage(DESKTOP);
  await signUp(lee, person('therapist', name));
  return lee;
}

/**
 * A client on a phone who adds "Dr. Lee" through Today and invites the therapist; the therapist
 * accepts through the API (connecting is not what these tests are about).
 */
async function newClient(lee: Page, name: string) {
  const page = await world.newPage(PHONE);
  await signUp(page, person('client', name));
  const relationshipId = await addTherapist(page, 'Dr. Lee');
  const { invite } = await api<{ invite: { code: string } }>(
    page,
    'POST',
    `/api/relationships/${relationshipId}/invites`,
  );
  await api(lee, 'POST', `/api/invites/${invite.code}/accept`);
  return { page, relationshipId };
}

async function openTherapistSchedule(lee: Page): Promise<void> {
  await lee.goto('/schedule');
  await waitForHeading(lee, 'Your schedule');
}

/** Opens the client's Schedule tab afresh and returns its panel. */
async function openClientSchedule(page: Page, relationshipId: string): Promise<Locator> {
  await page.goto(`/relationships/${relationshipId}?tab=schedule`);
  await waitForHeading(page, 'You and Dr. Lee');
  const panel = page.getByRole('tabpanel', { name: 'Schedule' });
  await panel.waitFor();
  return panel;
}

async function appointmentsOf(page: Page, relationshipId: string): Promise<Appointment[]> {
  const { items } = await api<{ items: Appointment[] }>(
    page,
    'GET',
    `/api/relationships/${relationshipId}/appointments`,
  );
  return items;
}

async function requestsOf(page: Page, relationshipId: string): Promise<Request[]> {
  const { items } = await api<{ items: Request[] }>(
    page,
    'GET',
    `/api/relationships/${relationshipId}/appointment-requests`,
  );
  return items;
}

async function checkPage(page: Page, where: string): Promise<void> {
  await expectAccessible(page, where);
  await expectNoHorizontalScroll(page, where);
  await expectCalmWords(page, where);
}

/** Fails, naming the place, when `words` show anywhere on `page`'s screen. */
async function expectNowhereOnScreen(page: Page, words: string, where: string): Promise<void> {
  const shown = await visibleText(page.locator('body'));
  if (shown.includes(words)) throw new Error(`${where} shows "${words}", which is not theirs`);
}

/**
 * Types a date into a focused date field as a keyboard user does: one part after another, in
 * the browser's order (month, day, year for the en-US the test browser runs in).
 */
async function typeDate(page: Page, field: Locator, date: string): Promise<void> {
  const [year, month, day] = date.split('-');
  await page.keyboard.type(`${month}${day}${year}`);
  expect(await field.inputValue()).toBe(date);
}

/** Types a 24 h time into a focused time field, which shows hours, minutes and AM/PM. */
async function typeTime(page: Page, field: Locator, time: string): Promise<void> {
  const [hours = 0, mins = 0] = time.split(':').map(Number);
  const twelve = String(hours % 12 || 12).padStart(2, '0');
  await page.keyboard.type(`${twelve}${String(mins).padStart(2, '0')}${hours < 12 ? 'A' : 'P'}`);
  expect(await field.inputValue()).toBe(time);
}

describe('more of scheduling: couples, open times and the keyboard', () => {
  test(
    'a couple: each partner agrees in plain words, both see the appointment, and neither sees the other’s check-in',
    async () => {
      const lee = await newTherapist();
      const sam = await newClient(lee, 'Sam');
      const alex = await newClient(lee, 'Alex');

      // The therapist pairs them, and both are asked.
      await openTherapistSchedule(lee);
      const couples = lee.getByRole('region', { name: 'Couples', exact: true });
      const pairForm = lee.getByRole('form', { name: 'Pair two clients' });
      await pairForm.getByLabel('First partner', { exact: true }).selectOption({ label: 'Sam' });
      await pairForm.getByLabel('Second partner', { exact: true }).selectOption({ label: 'Alex' });
      await pairForm.getByRole('button', { name: 'Ask both to say yes' }).click();
      await couples.getByRole('heading', { name: 'Sam and Alex' }).waitFor();
      await couples.getByText('Waiting for a yes from Sam and Alex.').waitFor();
      // No booking before both said yes.
      expect(await lee.getByRole('form', { name: 'Book a couples appointment' }).count()).toBe(0);

      // Each partner reads what it means, with the other named, and says yes.
      for (const [me, partner] of [
        [sam, 'Alex'],
        [alex, 'Sam'],
      ] as const) {
        const panel = await openClientSchedule(me.page, me.relationshipId);
        const invite = panel.getByRole('region', { name: 'Couples appointments', exact: true });
        await invite
          .getByText(
            `Dr. Lee suggests couples appointments with ${partner}. Only if you both agree.`,
          )
          .waitFor();
        await invite.getByText(`You and ${partner} meet together, in one appointment.`).waitFor();
        await invite
          .getByText(`Nothing of yours is shown to ${partner}`, { exact: false })
          .waitFor();
        if (partner === 'Alex') await checkPage(me.page, 'the client’s couples explanation');
        await invite.getByRole('button', { name: 'Yes, I agree' }).click();
        await invite.getByText(`You agreed to couples appointments with ${partner}.`).waitFor();
      }

      // Both said yes (on the screen and through the API), and the therapist books with the form.
      const { items: paired } = await api<{ items: { consented: Record<string, boolean> }[] }>(
        lee,
        'GET',
        '/api/couples',
      );
      expect(paired.map((c) => c.consented)).toEqual([
        { [sam.relationshipId]: true, [alex.relationshipId]: true },
      ]);
      await lee.reload();
      await couples.getByText('Both said yes.').waitFor();
      const bookForm = lee.getByRole('form', { name: 'Book a couples appointment' });
      const bookedDay = dateIn(THERAPIST_ZONE, 3);
      await bookForm.getByLabel('Date', { exact: true }).fill(bookedDay);
      await bookForm.getByLabel('Time', { exact: true }).fill('15:00');
      await bookForm.getByRole('button', { name: 'Book and tell both' }).click();
      await expect
        .poll(async () => (await appointmentsOf(lee, sam.relationshipId)).length, {
          timeout: 10_000,
        })
        .toBe(1);

      // One meeting: a row in each relationship, sharing one id.
      const samRow = (await appointmentsOf(sam.page, sam.relationshipId)).find(
        (a) => a.kind === 'couples',
      );
      const alexRow = (await appointmentsOf(alex.page, alex.relationshipId)).find(
        (a) => a.kind === 'couples',
      );
      expect(samRow?.coupleAppointmentId).toBeTruthy();
      expect(alexRow?.coupleAppointmentId).toBe(samRow?.coupleAppointmentId);
      expect(alexRow?.id).not.toBe(samRow?.id);

      // Both see it in their next appointments, at 15:00 London time in their own New York time.
      const nyClock = clockIn(CLIENT_ZONE, samRow?.startsAt ?? '');
      expect(nyClock).not.toBe('15:00');
      for (const me of [sam, alex]) {
        const panel = await openClientSchedule(me.page, me.relationshipId);
        const next = panel.getByRole('region', { name: 'Next appointments', exact: true });
        await next
          .getByRole('listitem')
          .filter({ hasText: 'Couples session' })
          .filter({ hasText: `${nyClock} (${CLIENT_ZONE})` })
          .waitFor();
      }

      // The session happens: moved (set-up, through the API) to have begun 20 minutes ago, so
      // the check-in opens. Moving one row moves both.
      const startedAt = new Date(Date.now() - 20 * 60_000).toISOString();
      await api(lee, 'PATCH', `/api/appointments/${samRow?.id}`, { startsAt: startedAt });

      // Each partner checks in from the link next to the appointment, keeping their note private.
      const notes = {
        sam: 'Sam only: I held back about the money worries.',
        alex: 'Alex only: I felt talked over near the end.',
      };
      for (const [me, note] of [
        [sam, notes.sam],
        [alex, notes.alex],
      ] as const) {
        const panel = await openClientSchedule(me.page, me.relationshipId);
        await panel.getByRole('link', { name: /^Fill in your check-in/ }).click();
        await fillCheckIn(me.page, {
          items: [7, 6, 8, 7],
          tension: 'A little',
          eased: 'Mostly',
          note,
          keepPrivate: true,
        });
      }

      // Through the API: each sees their own check-in, never the partner's, and cannot reach the
      // partner's relationship at all. The therapist does not see private notes either.
      for (const [me, mine, theirs, other] of [
        [sam, notes.sam, notes.alex, alex],
        [alex, notes.alex, notes.sam, sam],
      ] as const) {
        const own = await me.page.request.get(`/api/relationships/${me.relationshipId}/checkins`);
        expect(own.status()).toBe(200);
        const ownText = await own.text();
        expect(ownText).toContain(mine);
        expect(ownText).not.toContain(theirs);
        const page = await me.page.request.get(`/api/relationships/${me.relationshipId}`);
        expect(await page.text()).not.toContain(theirs);
        const partnerRelationship = await me.page.request.get(
          `/api/relationships/${other.relationshipId}`,
        );
        expect(partnerRelationship.status()).toBe(404);
        const partnerCheckins = await me.page.request.get(
          `/api/relationships/${other.relationshipId}/checkins`,
        );
        expect(partnerCheckins.status()).toBe(404);
        const couplesSeen = await me.page.request.get('/api/couples');
        expect(await couplesSeen.text()).not.toContain(other.relationshipId);
      }
      for (const them of [sam, alex]) {
        const seen = await lee.request.get(`/api/relationships/${them.relationshipId}/checkins`);
        const text = await seen.text();
        expect(text).not.toContain(notes.sam);
        expect(text).not.toContain(notes.alex);
      }

      // On the screens: the partner's note is on none of Sam's tabs, nor Sam's on Alex's.
      for (const [me, mine, theirs, who] of [
        [sam, notes.sam, notes.alex, 'Sam'],
        [alex, notes.alex, notes.sam, 'Alex'],
      ] as const) {
        await openClientSchedule(me.page, me.relationshipId);
        await expectNowhereOnScreen(me.page, theirs, `${who}'s Schedule tab`);
        await openTab(me.page, 'Check-ins');
        await me.page.getByRole('tabpanel', { name: 'Check-ins' }).waitFor();
        await expectNowhereOnScreen(me.page, theirs, `${who}'s Check-ins tab`);
        await openTab(me.page, 'Timeline');
        const timeline = me.page.getByRole('tabpanel', { name: 'Timeline' });
        // Their own note is there (so the page has loaded what it shows), the partner's is not.
        await timeline.getByText(mine).waitFor();
        await expectNowhereOnScreen(me.page, theirs, `${who}'s Timeline tab`);
      }
    },
    LONG,
  );

  test(
    'an open time is asked for and accepted, and another request is declined with a note',
    async () => {
      const lee = await newTherapist();
      const robin = await newClient(lee, 'Robin');

      // The therapist publishes an open time, at 14:00 London time in five days.
      await openTherapistSchedule(lee);
      const openTimes = lee.getByRole('region', { name: 'Open times', exact: true });
      const openForm = lee.getByRole('form', { name: 'Publish an open time' });
      await openForm.getByLabel('Date', { exact: true }).fill(dateIn(THERAPIST_ZONE, 5));
      await openForm.getByLabel('Time', { exact: true }).fill('14:00');
      await openForm.getByRole('button', { name: 'Publish open time' }).click();
      await openTimes.getByText('Not taken yet', { exact: false }).waitFor();
      const { items: published } = await api<{ items: { id: string; startsAt: string }[] }>(
        lee,
        'GET',
        '/api/open-times',
      );
      expect(published.length).toBe(1);
      const openTime = published[0] as { id: string; startsAt: string };
      const nyClock = clockIn(CLIENT_ZONE, openTime.startsAt);
      expect(nyClock).not.toBe('14:00');

      // The client sees it as a time Dr. Lee has free, in New York time, and asks for it.
      let panel = await openClientSchedule(robin.page, robin.relationshipId);
      const free = panel.locator('.open-times');
      await free.getByRole('heading', { name: 'Times Dr. Lee has free' }).waitFor();
      const offered = free.getByRole('listitem').filter({ hasText: `${nyClock} (${CLIENT_ZONE})` });
      await offered.getByRole('button', { name: /^Ask for this time/ }).click();
      await panel.getByText('Waiting for Dr. Lee', { exact: true }).waitFor();
      const [asked] = await requestsOf(robin.page, robin.relationshipId);
      expect(asked?.openTimeId).toBe(openTime.id);

      // The therapist accepts the asked-for time; the open time is then taken.
      await openTherapistSchedule(lee);
      await lee.getByRole('heading', { name: 'Robin asked for another appointment' }).waitFor();
      await lee.getByRole('button', { name: /^Accept this time/ }).click();
      await lee
        .getByRole('heading', { name: 'Robin asked for another appointment' })
        .waitFor({ state: 'detached' });
      await openTimes.getByText(/· Taken$/).waitFor();
      expect(await openTimes.getByText('Not taken yet', { exact: false }).count()).toBe(0);

      // The client's request says the offered time, in their zone; it is no longer free.
      panel = await openClientSchedule(robin.page, robin.relationshipId);
      await panel
        .getByText(new RegExp(`^Dr\\. Lee offered .*${nyClock} \\(${CLIENT_ZONE}\\)$`))
        .waitFor();
      expect(await panel.getByRole('heading', { name: 'Times Dr. Lee has free' }).count()).toBe(0);
      const [accepted] = await requestsOf(robin.page, robin.relationshipId);
      expect(accepted?.status).toBe('accepted');
      const extra = (await appointmentsOf(robin.page, robin.relationshipId)).find(
        (a) => a.id === accepted?.appointmentId,
      );
      expect(extra).toMatchObject({
        kind: 'extra',
        status: 'scheduled',
        startsAt: openTime.startsAt,
      });

      // Another request (set-up, through the API), which the therapist declines with a note.
      const another = new Date(Date.now() + 9 * DAY);
      another.setUTCHours(15, 0, 0, 0);
      await api(
        robin.page,
        'POST',
        `/api/relationships/${robin.relationshipId}/appointment-requests`,
        {
          options: [{ startsAt: another.toISOString(), durationMinutes: 50 }],
          note: 'Could we add one before the holidays?',
        },
      );
      const note = 'I am full that week. Thursday the week after is free.';
      await openTherapistSchedule(lee);
      const request = lee
        .getByRole('listitem')
        .filter({ has: lee.getByRole('heading', { name: 'Robin asked for another appointment' }) });
      await request.getByText('Could we add one before the holidays?').waitFor();
      await request.getByRole('button', { name: 'Decline', exact: true }).click();
      const declineForm = lee.getByRole('form', { name: "Decline Robin's request" });
      await declineForm.getByLabel('Note (optional)', { exact: true }).fill(note);
      await declineForm.getByRole('button', { name: 'Decline the request' }).click();
      await request.waitFor({ state: 'detached' });

      panel = await openClientSchedule(robin.page, robin.relationshipId);
      await panel.getByText(`Dr. Lee couldn't make it: ${note}`, { exact: true }).waitFor();
      const [declined] = await requestsOf(robin.page, robin.relationshipId);
      expect(declined).toMatchObject({ status: 'declined', responseNote: note });
      await checkPage(robin.page, 'the client’s schedule with answered requests');
    },
    LONG,
  );

  test(
    'by keyboard alone: a regular slot and time off on the therapist’s schedule, a request on the client’s',
    async () => {
      const lee = await newTherapist();
      const robin = await newClient(lee, 'Robin');

      // --- The therapist, on a desktop. ---
      await openTherapistSchedule(lee);
      await lee.getByRole('form', { name: 'Add a regular slot' }).waitFor();
      // The crisis link is among the first stops.
      await tabTo(lee, helpLink(lee), { max: 4 });

      // "On this page" takes the keyboard straight to a section: the next Tab goes on from there.
      await tabTo(lee, lee.getByRole('link', { name: 'Regular slots', exact: true }), { max: 20 });
      await lee.keyboard.press('Enter');
      const slotForm = lee.getByRole('form', { name: 'Add a regular slot' });
      const client = slotForm.getByLabel('Client', { exact: true });
      await tabTo(lee, client, { max: 40 });
      expect(await client.inputValue()).toBe(robin.relationshipId);

      // The day: an arrow key on the closed select moves to a neighbouring day.
      const daySelect = slotForm.getByLabel('Day', { exact: true });
      await tabTo(lee, daySelect, { max: 1 });
      const dayBefore = await daySelect.inputValue();
      await lee.keyboard.press(dayBefore === '7' ? 'ArrowUp' : 'ArrowDown');
      const dayValue = await daySelect.inputValue();
      expect(dayValue).not.toBe(dayBefore);
      const dayName = await daySelect.evaluate(
        (select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent ?? '',
      );

      const slotTime = slotForm.getByLabel('Time', { exact: true });
      await tabTo(lee, slotTime, { max: 1 });
      await typeTime(lee, slotTime, '16:00');
      // The zone, how often, the length, the kind and the first day keep their defaults.
      expect(await slotForm.getByLabel('Time zone', { exact: true }).inputValue()).toBe(
        THERAPIST_ZONE,
      );
      await tabTo(lee, slotForm.getByRole('button', { name: 'Add slot' }), { max: 15 });
      await lee.keyboard.press('Enter');
      await lee
        .getByRole('region', { name: 'Regular slots', exact: true })
        .getByText(`Every ${dayName} at 16:00 (${THERAPIST_ZONE})`, { exact: false })
        .waitFor();
      const slots = await api<{ items: { weekday: number; time: string }[] }>(
        lee,
        'GET',
        `/api/relationships/${robin.relationshipId}/slots`,
      );
      expect(slots.items).toMatchObject([{ weekday: Number(dayValue), time: '16:00' }]);

      // Time off, a week away from a month on: from the slot form, Tab on to it.
      const timeOffForm = lee.getByRole('form', { name: 'Add time off' });
      const awayFrom = timeOffForm.getByLabel('Away from', { exact: true });
      await tabTo(lee, awayFrom, { max: 20 });
      const away = dateIn(THERAPIST_ZONE, 30);
      const back = dateIn(THERAPIST_ZONE, 37);
      await typeDate(lee, awayFrom, away);
      // "Starting at" keeps 00:00; a date field has a stop for each of its parts.
      const backOn = timeOffForm.getByLabel('Back on', { exact: true });
      await tabTo(lee, backOn, { max: 6 });
      await typeDate(lee, backOn, back);
      const timeOffNote = timeOffForm.getByLabel('Note (optional)', { exact: true });
      await tabTo(lee, timeOffNote, { max: 6 });
      await lee.keyboard.type('A week of leave.');
      await tabTo(lee, timeOffForm.getByRole('button', { name: 'Save time off' }), { max: 2 });
      await lee.keyboard.press('Enter');
      await lee
        .getByRole('region', { name: 'Time off', exact: true })
        .getByText(/^Time off saved\. 1 appointment cancelled; Robin was told\.$/)
        .waitFor();
      await lee
        .getByRole('region', { name: 'Time off', exact: true })
        .getByText('A week of leave.')
        .waitFor();
      await expectVisibleFocus(lee);
      // And back up to the crisis link, from the bottom of the page.
      await tabTo(lee, helpLink(lee), { max: 80, backwards: true });

      // --- The client, on a phone. ---
      await openClientSchedule(robin.page, robin.relationshipId);
      const page = robin.page;
      await tabTo(page, helpLink(page), { max: 4 });
      const requestForm = page.getByRole('form', { name: 'Ask for an extra appointment' });
      const askedDay = dateIn(CLIENT_ZONE, 4);
      const dayField = requestForm.getByLabel('Day for time 1', { exact: true });
      await tabTo(page, dayField, { max: 80 });
      await typeDate(page, dayField, askedDay);
      const timeField = requestForm.getByLabel('Starting time for time 1', { exact: true });
      await tabTo(page, timeField, { max: 4 });
      await typeTime(page, timeField, '09:30');
      const noteField = requestForm.getByLabel('A note for Dr. Lee (optional)', { exact: true });
      await tabTo(page, noteField, { max: 6 });
      await page.keyboard.type('Could we meet once more this week?');
      await tabTo(page, requestForm.getByRole('button', { name: 'Send the request' }), {
        max: 2,
      });
      await page.keyboard.press('Enter');
      await page
        .getByRole('tabpanel', { name: 'Schedule' })
        .getByText('Waiting for Dr. Lee', { exact: true })
        .waitFor();
      const [sent] = await requestsOf(page, robin.relationshipId);
      expect(sent?.options.map((o) => clockIn(CLIENT_ZONE, o.startsAt))).toEqual(['09:30']);
      await expectVisibleFocus(page);
      await tabTo(page, helpLink(page), { max: 120, backwards: true });
      await checkPage(page, 'the client’s schedule after a request by keyboard');
    },
    LONG,
  );
});
