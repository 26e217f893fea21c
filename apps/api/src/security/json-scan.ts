/**
 * One linear pass over a JSON text, before JSON.parse, for what JSON.parse cannot be asked about:
 * how deep it nests (JSON.parse spends a tenth of a second on a 1 MiB body nested 500,000 deep
 * before any check of its result could refuse it).
 *
 * It judges structure only: on text that is not JSON it still ends, without throwing, and what it
 * says then is meaningless; JSON.parse is the judge of syntax.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;

export type JsonScan = { tooDeep: boolean };

/** Scans `text`, stopping at the first container nested deeper than `maxDepth` (the top one is 1). */
export function scanJson(text: string, maxDepth: number): JsonScan {
  const strings = new StringEnds(text);
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case QUOTE:
        // Brackets inside a string are characters, not structure.
        i = strings.closingQuote(i);
        break;
      case OPEN_OBJECT:
      case OPEN_LIST:
        if (depth >= maxDepth) return { tooDeep: true };
        depth++;
        break;
      case CLOSE_OBJECT:
      case CLOSE_LIST:
        depth--;
        break;
    }
  }
  return { tooDeep: false };
}

/**
 * Finds where strings end: by indexOf (many times faster than a loop over characters) when no
 * backslash comes before the next quote, as in most strings; otherwise character by character from
 * the backslash. The next quote and backslash found are kept, so no part of the text is searched twice.
 */
class StringEnds {
  private nextQuote = -1;
  private nextBackslash = -1;

  constructor(private readonly text: string) {}

  /** The index of the quote closing the string that opens at `start` (the text's length if none). */
  closingQuote(start: number): number {
    const { text } = this;
    if (this.nextQuote <= start) this.nextQuote = this.indexOf('"', start + 1);
    if (this.nextBackslash <= start) this.nextBackslash = this.indexOf('\\', start + 1);
    if (this.nextQuote < this.nextBackslash) return this.nextQuote;
    for (let i = this.nextBackslash; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) return i;
      if (code === BACKSLASH) i++; // The escaped character, a quote or not, ends nothing.
    }
    return text.length;
  }

  private indexOf(character: string, from: number): number {
    const index = this.text.indexOf(character, from);
    return index === -1 ? this.text.length : index;
  }
}
