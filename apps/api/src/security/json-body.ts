import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { MAX_BODY_FIELDS } from '../common/validation';
import { scanJson } from './json-scan';

/**
 * The only request bodies this API takes are JSON (API.md), parsed strictly: a record that says
 * what happened to a person must hold exactly the characters that were sent, and nothing in a body
 * may reach an object's prototype.
 */

/**
 * API bodies nest four levels at most: eight times that leaves room for any future field, while a
 * deeper body is refused at its 33rd open bracket, before JSON.parse or any recursive code
 * (class-transformer, class-validator) spends time on it.
 */
const MAX_JSON_DEPTH = 32;

/**
 * Keys that, merged anywhere, would reach an object's prototype (`__proto__`, `constructor`,
 * `prototype`), and every other name Object.prototype answers to (`toString`, `valueOf`,
 * `hasOwnProperty`…): class-validator's whitelist looks field names up in a plain object, so those
 * pass as known fields and would be recorded. No API field has any of these names.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

/** An unpaired UTF-16 surrogate (from a `\ud800` escape): not a character, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** A 400 for the body as a whole: named, like every other 400, by its field (`body`) and reason. */
function badBody(reason: string): BadRequestException {
  return new BadRequestException({ message: `Body ${reason}`, errors: [{ field: 'body', reason }] });
}

/**
 * The catch-all parser: a body of any other type is read (so that the client, still uploading, gets
 * the answer rather than a reset connection; the body limit still applies) and refused with 415,
 * before any parser (Fastify's text/plain, Nest's urlencoded) could turn it into something a
 * handler would take.
 */
export function refuseNonJsonBody(): never {
  throw new UnsupportedMediaTypeException('Request bodies must be application/json');
}

/** `application/json` with no charset or UTF-8: anything else is 415. */
export function assertUtf8Charset(contentType: string | undefined): void {
  for (const parameter of (contentType ?? '').split(';').slice(1)) {
    const [name, value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() === 'charset' && !/^"?utf-8"?$/i.test(value.trim())) {
      throw new UnsupportedMediaTypeException('Request bodies must be JSON in UTF-8 (charset=utf-8)');
    }
  }
}

/**
 * The 415 for a compressed body, which the error filter answers with `Accept-Encoding: identity`:
 * RFC 9110 § 15.5.16 has a 415 for a content coding say which codings would have been accepted.
 */
export class EncodedBodyException extends UnsupportedMediaTypeException {
  static readonly ACCEPTED_ENCODING = 'identity';
  constructor(coding: string) {
    super(`Request bodies must not be compressed (Content-Encoding: ${coding} is not accepted)`);
  }
}

/**
 * A body sent compressed is refused, not read as its compressed bytes (which made it "not valid
 * UTF-8", a 400 that blamed the JSON): this API takes no content coding but `identity`.
 */
export function assertIdentityEncoding(contentEncoding: string | undefined): void {
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  if (coding !== '' && coding !== 'identity') throw new EncodedBodyException(coding);
}

/** Parses a JSON body: strict UTF-8, bounded depth, no repeated or prototype keys, no lone surrogates. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) {
    throw badBody("cannot be empty when Content-Type is 'application/json'");
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw badBody('is not valid UTF-8');
  }
  // Before JSON.parse, which spends up to 0.1 s on a hostile shape before its result can be checked.
  const scan = scanJson(text, { maxDepth: MAX_JSON_DEPTH, maxFields: MAX_BODY_FIELDS });
  if (scan.exceeds !== undefined) {
    throw badBody(
      scan.exceeds === 'depth'
        ? `nests deeper than ${MAX_JSON_DEPTH} levels`
        : // The validation pipe's bound and words: it counts every list item, so it refuses these too.
          `must hold at most ${MAX_BODY_FIELDS} fields`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Only where: V8's own message quotes the body, which may name a person.
    const at = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw badBody(`is not valid JSON${at === undefined ? '' : ` at position ${at}`}`);
  }
  assertSafeJson(value);
  // Every command's body is an object: `null`, a list or a number would be validated as `{}`.
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badBody('must be a JSON object');
  // JSON.parse kept the last; anything else reading these bytes may keep the first.
  if (scan.repeatedKey !== undefined) {
    const field = scan.repeatedKey;
    throw new BadRequestException({
      // An empty key, at the top or at the end of a path, is named so that the message shows it.
      message: `Body gives ${field === '' || field.endsWith('.') ? `${field}""` : field} more than once`,
      errors: [{ field, reason: 'is given more than once' }],
    });
  }
  return value;
}

/** Walks the parsed value (its depth already bounded by the scan). */
function assertSafeJson(root: unknown): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) throw badBody('contains an unpaired surrogate');
      continue;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      // 1e400 parses to Infinity, which no record can hold (nor canonical JSON encode).
      throw badBody('contains a number out of range');
    }
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const item of value) {
        // No API field is a list of lists, and class-validator's @ValidateNested({ each: true })
        // validates the inner list's items as if they were the outer's, so `documents: [[warrant]]`
        // would pass and be recorded as a document without its fields.
        if (Array.isArray(item)) throw badBody('nests a list directly in a list');
        stack.push(item);
      }
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) throw badBody(`contains the forbidden key "${key}"`);
      if (LONE_SURROGATE.test(key)) throw badBody('contains an unpaired surrogate');
      stack.push(item);
    }
  }
}
