/** BCP 47 language tags, compared by primary subtag, case-insensitively (`es-MX` is `es`). */

const LANGUAGE_TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;

export function isLanguageTag(value: string): boolean {
  return LANGUAGE_TAG.test(value);
}

export function sameLanguage(a: string, b: string): boolean {
  return primarySubtag(a) === primarySubtag(b);
}

function primarySubtag(tag: string): string {
  return tag.split('-')[0].toLowerCase();
}
