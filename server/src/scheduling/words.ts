/**
 * Times in words, in a person's own zone and naming it, because "16:00" alone means little to
 * someone whose therapist lives elsewhere: "Tue 8 Dec, 16:00 (Europe/London)".
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: zone,
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** `at` on the wall clock of `zone`, with the zone named. */
export function localTimeInWords(at: Date, zone: string): string {
  return `${formatterFor(zone).format(at)} (${zone})`;
}
