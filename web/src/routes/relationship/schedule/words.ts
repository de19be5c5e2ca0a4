import type { Appointment } from '../../../api/relationships';
import type { AppointmentRequest, Gap, Slot } from '../../../api/schedule';
import { WEEKDAYS } from '../../../components/scheduleChoices';
import {
  clock,
  dayOfMonth,
  lengthInDays,
  viewerZone,
  wallToInstant,
  whenWithZone,
} from '../../../time';

/** How the schedule names the people in it, from where the viewer stands. */
export type People = {
  viewer: 'client' | 'therapist';
  /** The therapist's name (the client's view) or the client's (the therapist's). */
  other: string;
};

/** The therapist, as a subject: "Dr. Lee" for the client, "you" for the therapist. */
function therapist(people: People): string {
  return people.viewer === 'client' ? people.other : 'you';
}

/** "Cancelled: Dr. Lee is away", "Cancelled: the regular time ended", "Cancelled by you". */
export function cancelledWords(appointment: Appointment, people: People): string {
  const away = people.viewer === 'client' ? `${people.other} is away` : 'you are away';
  switch (appointment.cancelReason) {
    case 'time-off':
      return `Cancelled: ${away}`;
    case 'slot-removed':
      return 'Cancelled: the regular time ended';
    case 'client':
      return people.viewer === 'client' ? 'Cancelled by you' : `Cancelled by ${people.other}`;
    case 'therapist':
      return people.viewer === 'client' ? `Cancelled by ${people.other}` : 'Cancelled by you';
    default:
      return 'Cancelled';
  }
}

export function weekdayName(weekday: number): string {
  return WEEKDAYS[weekday - 1] ?? '';
}

/** The next start of a slot from today (or its first day), as an instant. */
export function nextOccurrence(slot: Slot, now = Date.now()): number {
  const from = Math.max(now, wallToInstant(slot.startsOn, '00:00', slot.timezone));
  // Walk day by day in the slot's zone: at most a week to the right weekday.
  for (let i = 0; i < 8; i += 1) {
    const probe = new Date(from + i * 86_400_000);
    const date = new Intl.DateTimeFormat('en-CA', {
      timeZone: slot.timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(probe);
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay() || 7;
    if (weekday !== slot.weekday) continue;
    const at = wallToInstant(date, slot.time, slot.timezone);
    if (at >= now || i === 7) return at;
  }
  return wallToInstant(slot.startsOn, slot.time, slot.timezone);
}

/**
 * "Every Tuesday at 16:00 (Europe/London), 50 minutes", in the viewer's zone, and the slot's
 * own zone noted when it differs: "… (set as Tuesday 16:00 in Europe/Paris)".
 */
export function slotWords(slot: Slot, zone = viewerZone()): string {
  const at = nextOccurrence(slot);
  const weekday = new Date(at).toLocaleDateString(undefined, { timeZone: zone, weekday: 'long' });
  const every = slot.everyWeeks === 2 ? `Every other ${weekday}` : `Every ${weekday}`;
  const base = `${every} at ${clock(at, zone)} (${zone}), ${slot.durationMinutes} minutes`;
  const own =
    slot.timezone === zone
      ? ''
      : ` (set as ${weekdayName(slot.weekday)} ${slot.time} in ${slot.timezone})`;
  return `${base}${slot.kind === 'phone' ? ', by phone' : ''}${own}`;
}

/** "from 8 Dec", "from 8 Dec until 30 Mar": the stretch a slot runs. */
export function slotSpan(slot: Slot): string {
  const start = dayOfMonth(`${slot.startsOn}T12:00:00Z`, 'UTC');
  if (!slot.endsOn) return `from ${start}`;
  return `from ${start} until ${dayOfMonth(`${slot.endsOn}T12:00:00Z`, 'UTC')}`;
}

/** A request's state, in words. */
export function requestState(
  request: AppointmentRequest,
  people: People,
  appointments: Appointment[],
): string {
  const who = therapist(people);
  const note = request.responseNote ? `: ${request.responseNote}` : '';
  switch (request.status) {
    case 'open':
      return people.viewer === 'client' ? `Waiting for ${who}` : 'Waiting for your answer';
    case 'accepted': {
      const offered = appointments.find((a) => a.id === request.appointmentId);
      const subject = people.viewer === 'client' ? who : 'You';
      return offered
        ? `${subject} offered ${whenWithZone(offered.startsAt)}${note}`
        : `${subject} said yes${note}`;
    }
    case 'declined':
      return people.viewer === 'client'
        ? `${who} couldn't make it${note}`
        : `You couldn't make it${note}`;
    case 'withdrawn':
      return people.viewer === 'client' ? 'You withdrew this request' : 'Withdrawn';
  }
}

/**
 * The coming gap, calmly: "There are 3 weeks between your appointments on 8 Dec and 29 Dec,
 * because Dr. Lee is away." `startsNow`: no appointment before it, the gap runs from now.
 */
export function gapWords(gap: Gap, therapistName: string, startsNow: boolean): string {
  const because =
    gap.reason === 'time-off'
      ? `, because ${therapistName} is away`
      : gap.reason === 'cancelled'
        ? ', because an appointment was cancelled'
        : '';
  const length = lengthInDays(gap.days);
  if (gap.to === null) {
    return startsNow
      ? `Nothing is planned with ${therapistName} in the coming 12 weeks${because}.`
      : `After your appointment on ${dayOfMonth(gap.from)}, nothing is planned in the coming 12 weeks${because}.`;
  }
  if (startsNow) {
    return `Your next appointment is on ${dayOfMonth(gap.to)}, ${length} from now${because}.`;
  }
  return `There ${length.startsWith('1 ') ? 'is' : 'are'} ${length} between your appointments on ${dayOfMonth(gap.from)} and ${dayOfMonth(gap.to)}${because}.`;
}
