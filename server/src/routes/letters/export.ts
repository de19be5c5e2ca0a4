import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { LetterRow } from '../../presenters/letter.ts';

/**
 * A letter as a file the person keeps: Markdown (exactly as written) or a PDF made by pdfkit.
 *
 * The PDF embeds DejaVu Sans (from the `dejavu-fonts-ttf` package, subset to the glyphs used),
 * which covers Latin, Greek, Cyrillic, Armenian, Georgian, IPA, the common punctuation, quotes
 * and dashes, arrows, many symbols and most emoticons. Not covered: CJK (Chinese, Japanese,
 * Korean), Devanagari and the other Indic scripts, Thai, and most emoji outside the emoticons
 * block; such characters show as an empty box in the PDF. Hebrew and Arabic have glyphs but are
 * laid out without bidirectional reordering. The Markdown export always keeps every character.
 */

// Resolved from this module, so it works from source and from the bundled server alike (pdfkit
// and the font package stay in node_modules; see scripts/build-server.ts).
const here = createRequire(import.meta.url);
const FONT = here.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = here.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

/** The date a letter carries: when it was sent, or else when it was last written. */
export function letterDate(letter: LetterRow, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone }).format(
    letter.sentAt ?? letter.updatedAt,
  );
}

/** `# Title`, the date, then the body exactly as written (ending with one line break). */
export function letterMarkdown(letter: LetterRow, timeZone?: string): string {
  // A closing run of `#` would be read as the end of the heading, not as part of the title.
  const heading = letter.title.replace(/(\s)(#+)$/, '$1\\$2');
  const head = `# ${heading}\n\n${letterDate(letter, timeZone)}\n`;
  if (letter.body === '') return head;
  return `${head}\n${letter.body}${letter.body.endsWith('\n') ? '' : '\n'}`;
}

/** The `content-disposition` of a download named after the title. */
export function attachment(title: string, extension: 'md' | 'pdf'): string {
  const ascii = slug(
    title
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-'),
  );
  const fallback = `${ascii || 'letter'}.${extension}`;
  const unicode = slug(
    title
      .normalize('NFC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-'),
  );
  const header = `attachment; filename="${fallback}"`;
  // Titles in other scripts keep their words in the RFC 6266 `filename*` form.
  return unicode && unicode !== ascii
    ? `${header}; filename*=UTF-8''${encodeURIComponent(`${unicode}.${extension}`)}`
    : header;
}

function slug(dashed: string): string {
  return Array.from(dashed.replace(/^-+/, '')).slice(0, 80).join('').replace(/-+$/, '');
}

const A4 = 'A4';
const MARGIN = 72;
const INK = '#1f2328';
const QUIET = '#5a6169';
const PARAGRAPH_GAP = 10;

const LONGEST_RUN = 30;
// Only plain spaces and line breaks count as breaks here: a no-break space (U+00A0, U+202F)
// is white space to a regular expression but joins words for the line breaker.
const RUN = /[^ \t\n\r]{31,}/gu; // longer than LONGEST_RUN
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * pdfkit splits a word wider than the line by measuring every remaining tail again, which is
 * quadratic in time and memory (a 100,000-character run without spaces exhausts the heap). So
 * long runs (links, a held-down key) get a zero-width space every 30 graphemes: narrower than a
 * line at any glyph width, invisible on the page (text copied from the PDF keeps it).
 */
function breakLongRuns(text: string): string {
  return text.replace(RUN, (run) => {
    const pieces: string[] = [];
    let piece = '';
    let count = 0;
    for (const { segment } of graphemes.segment(run)) {
      piece += segment;
      if (++count === LONGEST_RUN) {
        pieces.push(piece);
        piece = '';
        count = 0;
      }
    }
    if (piece) pieces.push(piece);
    return pieces.join('\u200b');
  });
}

/** Paragraphs are separated by blank lines; single line breaks stay line breaks. */
function paragraphs(body: string): string[] {
  return breakLongRuns(body)
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '    ')
    .replace(/[^\P{Cc}\n]/gu, ' ')
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '');
}

/** The letter as a tagged A4 PDF: the title as a heading, the date, the body, page numbers. */
export function letterPdf(letter: LetterRow, timeZone?: string): Promise<Buffer> {
  const doc = new PDFDocument({
    size: A4,
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    font: FONT,
    bufferPages: true,
    tagged: true,
    displayTitle: true,
    pdfVersion: '1.7',
    info: { Title: letter.title, Creator: 'Attune' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const article = doc.struct('Art');
  doc.addStructure(article);
  article.add(
    doc.struct('H1', {}, () => {
      doc.font(FONT_BOLD).fontSize(20).fillColor(INK).text(letter.title, { lineGap: 2 });
    }),
  );
  doc.moveDown(0.4);
  article.add(
    doc.struct('P', {}, () => {
      doc.font(FONT).fontSize(10.5).fillColor(QUIET).text(letterDate(letter, timeZone));
    }),
  );
  doc.moveDown(1.6);
  doc.font(FONT).fontSize(11.5).fillColor(INK);
  for (const paragraph of paragraphs(letter.body)) {
    article.add(
      doc.struct('P', {}, () => {
        // A single line break stays a line break: the gap comes only after the paragraph.
        doc.text(paragraph, { lineGap: 4 });
      }),
    );
    doc.y += PARAGRAPH_GAP;
  }
  article.end();

  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    // Written into the bottom margin, so the margin must not push it onto a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc
      .font(FONT)
      .fontSize(9)
      .fillColor(QUIET)
      .text(`${i + 1} / ${count}`, 0, doc.page.height - MARGIN / 2 - 6, {
        width: doc.page.width,
        align: 'center',
        lineBreak: false,
      });
    doc.endMarkedContent();
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
