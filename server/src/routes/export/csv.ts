/**
 * RFC 4180 CSV: CRLF line ends, a header row, every field quoted when it holds a comma, a quote
 * or a line break, quotes doubled. A text cell that a spreadsheet would run as a formula (it
 * starts with = + - @, a tab or a carriage return) gets a leading single quote, so opening the
 * file never runs anything someone wrote.
 */

export type Cell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function csv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return csvRow(header) + rows.map(csvRow).join('');
}
