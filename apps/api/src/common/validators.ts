import { parsePeriod } from '@trust-ledger/domain';
import { isIsoDate, isIsoDateTime } from '@trust-ledger/domain/shared/date-time';
import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsDefined,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';

/**
 * Decorators for API.md's wire formats, shared by every slice's DTOs. Dates and times use the
 * domain's own predicates, so that what the API admits is exactly what the deciders accept.
 */

const formatDecorator =
  (name: string, test: (value: string) => boolean, message: string) =>
  (options?: ValidationOptions): PropertyDecorator =>
    ValidateBy(
      {
        name,
        validator: {
          validate: (value) => typeof value === 'string' && test(value),
          defaultMessage: () => message,
        },
      },
      options,
    );

/** ISO 8601 date-time naming its offset (`Z` or ±hh:mm): a local time without one is ambiguous. */
export const IsIsoDateTime = formatDecorator(
  'isIsoDateTime',
  isIsoDateTime,
  '$property must be an ISO 8601 date-time with an offset from -12:00 to +14:00, e.g. 2024-05-01T14:30:00-04:00',
);

/**
 * The end of a time range: not before its start (`from`, a sibling property). A range that ends
 * before it begins is a mistake in the query, which an empty page would hide. Either end left out
 * or malformed is left to the other checks.
 */
export const NotBefore = (from: string): PropertyDecorator =>
  ValidateBy({
    name: 'notBefore',
    constraints: [from],
    validator: {
      validate: (to, args) => {
        const start = (args?.object as Record<string, unknown> | undefined)?.[from];
        if (typeof to !== 'string' || typeof start !== 'string') return true;
        if (!isIsoDateTime(to) || !isIsoDateTime(start)) return true;
        return Date.parse(to) >= Date.parse(start);
      },
      defaultMessage: () => `$property must not be before ${from}`,
    },
  });

/**
 * A list of vocabulary values (`categories`, `grounds`, …). Checked as an array first, so that a
 * lone value is said to be no array rather than to repeat itself; a value named twice is the
 * decider's to refuse, naming where it repeats.
 */
export const EnumList = (
  values: readonly string[],
  options: { nonEmpty?: boolean } = {},
): PropertyDecorator =>
  applyDecorators(
    IsArray(),
    ...(options.nonEmpty === true ? [ArrayNotEmpty()] : []),
    IsIn(values, { each: true }),
  );

/** A reporting period label as the domain reads it: `YYYY`, `YYYY-Qn` or `YYYY-MM`, year 0001 on. */
export const IsPeriod = formatDecorator(
  'isPeriod',
  (value) => parsePeriod(value) !== null,
  '$property must be YYYY, YYYY-Qn or YYYY-MM',
);

export const IsCalendarDate = formatDecorator(
  'isCalendarDate',
  isIsoDate,
  '$property must be a date YYYY-MM-DD',
);

/**
 * A well-formed BCP 47 tag (ICU decides) whose primary subtag is an ISO 639 code, since tags are
 * compared by primary subtag.
 */
function isLanguageTag(value: string): boolean {
  if (!/^[A-Za-z]{2,3}(?:-|$)/.test(value)) return false;
  try {
    Intl.getCanonicalLocales(value);
    return true;
  } catch {
    return false;
  }
}

export const IsLanguageTag = formatDecorator(
  'isLanguageTag',
  isLanguageTag,
  '$property must be a BCP 47 language tag, e.g. es or es-MX',
);

/** Agencies are named by the deployment (they are not created through this API). */
export const AGENCY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/**
 * A UUID, in either letter case, kept in lower case: UUIDs are case-insensitive (RFC 9562), so a
 * client-chosen id spelled in capitals names the same case (or request, …) as in lower case, and a
 * retry never creates a second one.
 */
export const IsId = (): PropertyDecorator =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? canonicalId(value) : value)),
    IsUUID(),
  );

/** An id as it is kept and looked up: in lower case (see IsId). */
export const canonicalId = (id: string): string => id.toLowerCase();

export const IsAgencyId = formatDecorator(
  'isAgencyId',
  (value) => AGENCY_ID_PATTERN.test(value),
  '$property must be an agency id: 1–64 letters, digits, ".", "_", ":" or "-"',
);

/**
 * A field the contract requires only in some cases (a judicial warrant's judge, an exception's
 * code): missing then is a 400 naming why; given otherwise, it is still validated.
 */
export const RequiredWhen = <T>(condition: (dto: T) => boolean, why: string): PropertyDecorator =>
  applyDecorators(
    // Where it is not required, null is as good as leaving it out (IsOptional's reading of null).
    ValidateIf((dto: T, value: unknown) => condition(dto) || value != null),
    IsDefined({ message: `$property is required ${why}` }),
  );

/** Bidirectional embeddings, overrides and isolates, and the Unicode line and paragraph separators. */
export const DISPLAY_REORDERING = /[\u202A-\u202E\u2066-\u2069\u2028\u2029]/u;

/**
 * Required text of bounded length, with something visible in it: zero-width and other format
 * characters are not (a name of U+200B alone reads as empty), and no control character but tab and
 * line breaks (a NUL cuts the text short in many a reader). Nor what makes a record display other
 * than it reads: bidirectional embeddings, overrides and isolates (after U+202E the stored "desaeler"
 * displays as "released"), and the Unicode line and paragraph separators, which line-based readers
 * of an export do not take for line breaks. Checks run in this order and a field
 * reports only its first failure (stopAtFirstError), so a missing value reads "must be a string",
 * not "too long".
 */
export const Text = (maxLength: number): PropertyDecorator =>
  applyDecorators(
    IsString(),
    Matches(/[^\p{White_Space}\p{Cf}\p{Cc}]/u, { message: '$property must not be blank' }),
    Matches(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, {
      message: '$property must not contain control characters (tab and line breaks aside)',
    }),
    ValidateBy({
      name: 'displaysAsItReads',
      validator: {
        validate: (value) => typeof value === 'string' && !DISPLAY_REORDERING.test(value),
        defaultMessage: () =>
          '$property must not contain bidirectional formatting characters (U+202A-U+202E, U+2066-U+2069) or Unicode line separators (U+2028, U+2029)',
      },
    }),
    MaxLength(maxLength),
  );

// class-validator runs a field's checks in the order they were applied, and decorators stacked on a
// field apply bottom-up: the two below apply theirs in the order their errors should be read.

/** One nested object, validated against its DTO: a list, a string or null is refused, not skipped. */
export const NestedObject = (type: () => new () => object): PropertyDecorator =>
  applyDecorators(Type(type), ValidateNested(), IsObject());

/**
 * A list of at most `maxItems` nested objects, each validated against its DTO; no other element
 * passes. IsArray is applied first, so that an object where a list belongs reads "must be an array",
 * not "must contain no more than … elements".
 */
export const NestedList = (type: () => new () => object, maxItems: number): PropertyDecorator =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(maxItems),
    Type(type),
    ValidateNested({ each: true }),
    IsObject({ each: true }),
  );
