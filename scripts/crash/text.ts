/**
 * Text that is easy to damage on its way to the disk and back: several scripts, right-to-left,
 * combining marks beside precomposed letters, astral characters, ZWJ emoji sequences, invisible
 * characters, and what JSON and HTML escape. No leading or trailing space: the API trims those.
 */

const LINES = [
  'Grüße aus Köln — “quoted” ‘words’ and …',
  'こんにちは、今日のセッションは大切でした',
  'שלום, זה היה קשה (right to left)',
  'مرحبا، شكرا على الاستماع',
  'नमस्ते 🙏 धन्यवाद',
  'family 👩‍👩‍👧‍👦 flag 🏳️‍🌈 skin 👋🏽',
  'cafe\u0301 beside café, Å beside A\u030a',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 astral 𐍈 and 😀',
  'back\\slash, <b>not bold</b> & "json" \'quotes\' %s {{x}}',
  'zero\u200bwidth, non\u00a0breaking, soft\u00adhyphen, \u2028line separator',
];

/** One line (titles, names): the tag, then one of the lines. */
export function line(tag: string, n: number): string {
  return `${tag} ${LINES[n % LINES.length]}`;
}

/** Several lines with a tab (bodies, notes). */
export function paragraph(tag: string, n: number): string {
  return `${line(tag, n)}\n\tand then ${LINES[(n + 3) % LINES.length]}\r\n${LINES[(n + 7) % LINES.length]}`;
}
