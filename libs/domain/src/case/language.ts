/** BCP 47 language tags, compared by primary subtag, case-insensitively (`es-MX` is `es`). */

export function sameLanguage(a: string, b: string): boolean {
  return primarySubtag(a) === primarySubtag(b);
}

function primarySubtag(tag: string): string {
  return tag.split('-')[0].toLowerCase();
}
