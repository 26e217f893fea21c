/**
 * One linear pass over a JSON text, before JSON.parse, for what JSON.parse cannot be asked about:
 * how deep it nests (JSON.parse spends a tenth of a second on a 1 MiB body nested 500,000 deep
 * before any check of its result could refuse it), how many fields it holds (as costly, 70,000 keys
 * in 1 MiB), and whether an object repeats a key (JSON.parse keeps the last silently, where a
 * gateway or auditor reading the same bytes may keep the first).
 *
 * It judges structure only: on text that is not JSON it still ends, without throwing, and what it
 * says then is meaningless; JSON.parse is the judge of syntax.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;

export interface JsonBounds {
  /** Containers nested deeper than this (the top one is 1) are refused. */
  maxDepth: number;
  /** More fields than this are refused; a lower bound is counted (keys, and list items after the first). */
  maxFields: number;
}

export type JsonScan =
  | { exceeds: 'depth' | 'fields' }
  /** `repeatedKey`: the path of the first repeated key (`subject.fullName`, `documents[0].court`). */
  | { exceeds: undefined; repeatedKey: string | undefined };

/** An open object (the keys seen so far, the member being read) or list (the item being read). */
type Container = { keys: Set<string>; key: string | undefined; awaitingKey: boolean } | { index: number };

/** Scans `text`, stopping where it first exceeds one of `bounds`. */
export function scanJson(text: string, { maxDepth, maxFields }: JsonBounds): JsonScan {
  const strings = new StringEnds(text);
  const open: Container[] = [];
  let fields = 0;
  let repeatedKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    switch (text.charCodeAt(i)) {
      case QUOTE: {
        // Brackets inside a string are characters, not structure.
        const end = strings.closingQuote(i);
        const top = open.at(-1);
        if (top !== undefined && 'keys' in top && top.awaitingKey) {
          if (++fields > maxFields) return { exceeds: 'fields' };
          top.awaitingKey = false;
          top.key = decodedString(text, i, end);
          if (top.key !== undefined) {
            if (top.keys.has(top.key)) repeatedKey ??= pathOf(open);
            top.keys.add(top.key);
          }
        }
        i = end;
        break;
      }
      case OPEN_OBJECT:
        if (open.length >= maxDepth) return { exceeds: 'depth' };
        open.push({ keys: new Set(), key: undefined, awaitingKey: true });
        break;
      case OPEN_LIST:
        if (open.length >= maxDepth) return { exceeds: 'depth' };
        open.push({ index: 0 });
        break;
      case CLOSE_OBJECT:
      case CLOSE_LIST:
        open.pop();
        break;
      case COMMA: {
        const top = open.at(-1);
        if (top === undefined) break;
        if ('keys' in top) top.awaitingKey = true;
        else {
          top.index++;
          if (++fields > maxFields) return { exceeds: 'fields' };
        }
        break;
      }
    }
  }
  return { exceeds: undefined, repeatedKey };
}

/** The string literal from `start` to `end` (its quotes) as JSON.parse reads it: `"\u0061"` is `a`. */
function decodedString(text: string, start: number, end: number): string | undefined {
  const raw = text.slice(start + 1, end);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end + 1)) as string;
  } catch {
    return undefined; // Not a JSON string, so not JSON: JSON.parse refuses the body.
  }
}

/** The path of the member being read in the innermost container, as validation errors name fields. */
function pathOf(open: readonly Container[]): string {
  let path = '';
  for (const container of open) {
    if ('keys' in container) path = path === '' ? (container.key ?? '') : `${path}.${container.key ?? ''}`;
    else path = `${path}[${container.index}]`;
  }
  return path;
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
