import { epochMsOf, isIsoDate, isIsoDateTime } from './date-time';
import { ValidationError, type FieldError } from './errors';

/** Field checks for deciders: each returns one field's errors, so a command's errors are reported together. */

export function assertValid(errors: FieldError[]): void {
  if (errors.length > 0) throw new ValidationError(errors);
}

export function check(ok: boolean, field: string, reason: string): FieldError[] {
  return ok ? [] : [{ field, reason }];
}

export function requiredText(field: string, value: string | null | undefined, when?: string): FieldError[] {
  return value == null || value.trim() === ''
    ? [{ field, reason: when ? `is required ${when}` : 'is required' }]
    : [];
}

export function dateTime(field: string, value: string | null | undefined): FieldError[] {
  if (value == null) return [{ field, reason: 'is required' }];
  return check(isIsoDateTime(value), field, 'must be an ISO 8601 date-time with an offset');
}

/** How far ahead of the service's clock a writer's may run before its "now" counts as still to come. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The time of an act that has happened by `now`: an act still to come would be judged before it
 * happened, under whatever ordinance version is in force today.
 */
export function pastDateTime(field: string, value: string | null | undefined, now: string): FieldError[] {
  const errors = dateTime(field, value);
  if (errors.length > 0) return errors;
  return check(epochMsOf(value!) <= epochMsOf(now) + CLOCK_SKEW_MS, field, 'must not be in the future');
}

function date(field: string, value: string): FieldError[] {
  return check(isIsoDate(value), field, 'must be a date YYYY-MM-DD');
}

/**
 * A calendar date that has come somewhere on earth by `now` (UTC+14 is the first to reach a day): a
 * birth or a conviction recorded as still to come is a mistake.
 */
export function pastDate(field: string, value: string, now: string): FieldError[] {
  if (!isIsoDate(value)) return date(field, value);
  const today = new Date(Date.parse(now) + 14 * 3_600_000).toISOString().slice(0, 10);
  return check(value <= today, field, 'must not be after today');
}

/** Each listed value at most once: a repeated one is a mistake, never a second fact. */
export function distinct(field: string, values: readonly unknown[]): FieldError[] {
  return values.flatMap((v, i) =>
    values.indexOf(v) < i ? [{ field: `${field}[${i}]`, reason: `repeats ${String(v)}` }] : [],
  );
}

/** Each value one of `allowed`, for lists that arrive from outside the type system (configuration). */
export function oneOf(field: string, value: unknown, allowed: readonly unknown[]): FieldError[] {
  return check(allowed.includes(value), field, `must be one of ${allowed.join(', ')}`);
}

const LANGUAGE_TAG = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;

export function languageTag(field: string, value: string): FieldError[] {
  return check(LANGUAGE_TAG.test(value), field, 'must be a BCP 47 language tag');
}
