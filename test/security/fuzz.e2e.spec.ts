import fc from 'fast-check';
import {
  accessBody,
  closeBody,
  decisionBody,
  disclosureBody,
  eligibleBody,
  noticeBody,
  openCaseBody,
  requestBody,
} from '../support/case-bodies';
import { API, startTestApp, type TestApp } from '../support/test-app';
import {
  assistanceRefusalBody,
  buildFixtures,
  certificationBody,
  certificationDecisionBody,
  encounterBody,
  matterActionBody,
  matterBody,
  mintTokens,
  ordinanceVersionBody,
  reviewBody,
  withdrawalBody,
  resolvePath,
  type Fixtures,
  type Role,
  type Tokens,
} from './fixtures';
import { isErrorBody, NO_RATE_LIMITS, rawRequest, type RawResponse } from './support';

/**
 * Thousands of arbitrary and malformed bodies posted to every command endpoint, by a caller who may
 * call it, at records that exist: near-valid bodies with fields of the wrong type (numbers as
 * strings, arrays for objects, null, blank or huge strings), required fields missing, unknown and
 * prototype-polluting keys, lists wrapped in lists; arbitrary JSON, deep nesting, invalid UTF-8,
 * malformed JSON, other content types, bodies over 1 MiB. Every answer is 400 (invalid), 413 (too
 * large) or 415 (not JSON — decided: a body must be application/json in UTF-8), with a JSON error
 * body; never a 5xx, never a 201 (404 and 409 belong to valid bodies, which none of these is); the
 * log is unchanged by all of them and no prototype is polluted.
 */

const ACCEPTED_STATUSES = [400, 413, 415];
/** Runs per endpoint for the near-valid bodies, and for each family of raw bodies. */
const MUTATION_RUNS = 110;
const RAW_RUNS = 12;

// ---- the body shapes of API.md, as far as the fuzz needs them ------------------------------------

type Kind =
  | { t: 'text' } // free text: any non-blank string up to a bound
  | { t: 'token' } // a formatted string: enum, date, date-time, UUID, agency id, language, period
  | { t: 'bool' }
  | { t: 'int' }
  | { t: 'list'; of: 'token' | 'int' | Shape }
  | { t: 'object'; shape: Shape };
type Field = Kind & { optional?: boolean };
interface Shape {
  [name: string]: Field;
}

const text: Field = { t: 'text' };
const token: Field = { t: 'token' };
const bool: Field = { t: 'bool' };
const int: Field = { t: 'int' };
const list = (of: 'token' | 'int' | Shape): Field => ({ t: 'list', of });
const object = (shape: Shape): Field => ({ t: 'object', shape });
const opt = (field: Field): Field => ({ ...field, optional: true });

const SHAPES = {
  openCase: {
    caseId: opt(token),
    agencyId: token,
    subject: object({
      fullName: text,
      dateOfBirth: opt(token),
      aNumber: opt(text),
      preferredLanguage: opt(token),
      attorney: opt(object({ name: text, phone: opt(text), email: opt(token) })),
      designee: opt(object({ name: text, phone: opt(text) })),
    }),
    custody: object({ status: token, bookedAt: opt(token), facility: opt(text) }),
    convictions: opt(list({ offense: text, category: token, convictedAt: token })),
  },
  request: {
    requestId: opt(token),
    requestingAgency: token,
    requestType: token,
    form: token,
    receivedAt: token,
    documents: opt(list({ kind: token, issuerRole: token })),
    informationRequested: opt(list('token')),
  },
  notice: {
    noticeId: opt(token),
    requestId: token,
    purpose: token,
    recipient: token,
    deliveredAt: token,
    method: token,
    language: token,
    includesCopyOfRequest: bool,
    statedIntent: token,
  },
  decision: { outcome: token, basis: token, decidedAt: token, rationale: text },
  disclosure: {
    requestId: opt(token),
    recipientAgency: token,
    categories: list('token'),
    disclosedAt: token,
  },
  access: {
    requestId: opt(token),
    agency: token,
    purpose: token,
    grantedAt: token,
    consent: opt(object({ written: bool, toldVoluntary: bool, toldMayHaveAttorney: bool, language: token })),
  },
  custodyEvent: { kind: token, at: token, reason: token },
  close: { closedAt: token, reason: text },
  encounter: {
    encounterId: opt(token),
    agencyId: token,
    occurredAt: token,
    kind: token,
    personRole: token,
    grounds: list('token'),
    statusInquiry: opt(object({ asked: bool, justification: token })),
  },
  certification: {
    certificationId: opt(token),
    agencyId: token,
    form: token,
    requestedAt: token,
    requester: token,
    inRemovalProceedings: bool,
    qualifyingActivity: text,
    victim: object({ fullName: text, dateOfBirth: opt(token), preferredLanguage: opt(token) }),
  },
  assistanceRefusal: { at: token, description: text },
  certificationDecision: { outcome: token, decidedAt: token, explanation: text },
  withdrawal: { at: token, reason: text },
  matter: {
    matterId: opt(token),
    agencyId: token,
    kind: token,
    receivedAt: token,
    requestingAgency: opt(token),
    protectedCharacteristics: opt(list('token')),
    description: text,
  },
  matterAction: { action: token, at: token, legalBasis: token },
  review: { status: token, note: text },
  report: { period: token },
  amendment: { reason: text },
  ordinanceVersion: {
    effectiveFrom: token,
    sectionsInForce: list('int'),
    judicialWarrantIssuers: list('token'),
    detainerExceptions: list({
      code: text,
      description: text,
      convictionCategories: list('token'),
      withinYears: int,
    }),
    releaseGraceMinutes: int,
    noticeDeadlineHours: int,
    certificationDeadlineDays: int,
    certificationExpeditedDays: int,
    reportingPeriod: token,
    reportDueDays: int,
    smallCellThreshold: int,
    timeZone: token,
  },
  erase: { reason: text },
} satisfies Record<string, Shape>;

interface Endpoint {
  path: string;
  caller: Role;
  valid: (f: Fixtures) => object;
  shape: Shape;
}

/** Every command endpoint of API.md, addressed at records that exist, by a caller allowed to call it. */
const ENDPOINTS: Endpoint[] = [
  { path: '/cases', caller: 'officer', valid: () => openCaseBody('agency-a'), shape: SHAPES.openCase },
  { path: '/cases/{caseId}/requests', caller: 'officer', valid: () => requestBody(), shape: SHAPES.request },
  {
    path: '/cases/{caseId}/notices',
    caller: 'supervisor',
    valid: (f) => noticeBody(f.requestId),
    shape: SHAPES.notice,
  },
  {
    path: '/cases/{caseId}/requests/{requestId}/decision',
    caller: 'officer',
    valid: () => decisionBody,
    shape: SHAPES.decision,
  },
  {
    path: '/cases/{caseId}/disclosures',
    caller: 'officer',
    valid: (f) => disclosureBody(f.requestId),
    shape: SHAPES.disclosure,
  },
  {
    path: '/cases/{caseId}/access',
    caller: 'officer',
    valid: (f) => accessBody(f.requestId),
    shape: SHAPES.access,
  },
  {
    path: '/cases/{caseId}/custody-events',
    caller: 'officer',
    valid: () => eligibleBody,
    shape: SHAPES.custodyEvent,
  },
  { path: '/cases/{caseId}/close', caller: 'officer', valid: () => closeBody, shape: SHAPES.close },
  {
    path: '/cases/{eraseCaseId}/erase-personal-data',
    caller: 'admin',
    valid: () => ({ reason: 'Ordered by the court' }),
    shape: SHAPES.erase,
  },
  { path: '/encounters', caller: 'officer', valid: encounterBody, shape: SHAPES.encounter },
  { path: '/certifications', caller: 'officer', valid: certificationBody, shape: SHAPES.certification },
  {
    path: '/certifications/{certificationId}/assistance-refusals',
    caller: 'officer',
    valid: assistanceRefusalBody,
    shape: SHAPES.assistanceRefusal,
  },
  {
    path: '/certifications/{certificationId}/decision',
    caller: 'supervisor',
    valid: certificationDecisionBody,
    shape: SHAPES.certificationDecision,
  },
  {
    path: '/certifications/{certificationId}/withdraw',
    caller: 'officer',
    valid: withdrawalBody,
    shape: SHAPES.withdrawal,
  },
  { path: '/matters', caller: 'officer', valid: matterBody, shape: SHAPES.matter },
  {
    path: '/matters/{matterId}/actions',
    caller: 'officer',
    valid: matterActionBody,
    shape: SHAPES.matterAction,
  },
  { path: '/violations/{violationId}/review', caller: 'counsel', valid: reviewBody, shape: SHAPES.review },
  { path: '/reports', caller: 'supervisor', valid: () => ({ period: '2024-Q3' }), shape: SHAPES.report },
  {
    path: '/reports/{publishedPeriod}/amendments',
    caller: 'admin',
    valid: () => ({ reason: 'A late-recorded decision' }),
    shape: SHAPES.amendment,
  },
  {
    path: '/ordinance/versions',
    caller: 'admin',
    valid: ordinanceVersionBody,
    shape: SHAPES.ordinanceVersion,
  },
];

// ---- arbitraries -----------------------------------------------------------------------------

/** Names no DTO declares: random ones, and every name Object.prototype answers to. */
const PROTOTYPE_KEYS = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];
const unknownKey = fc.oneof(
  fc.string({ maxLength: 12 }).map((key) => `zz${key}`),
  fc.constantFrom(...PROTOTYPE_KEYS),
);
const smallJson = fc.jsonValue({ maxDepth: 2 });
const junkArray = fc.array(smallJson, { maxLength: 3 });
const junkObject = fc.dictionary(
  fc.string({ maxLength: 6 }).map((key) => `zz${key}`),
  smallJson,
  { maxKeys: 3 },
);
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
/** Longer than any bounded field (the longest bound is 10 000). */
const hugeString = fc.integer({ min: 10_001, max: 200_000 }).map((n) => 'x'.repeat(n));
/** Never a valid enum member, date, UUID, agency id, language tag or period. */
const badToken = fc.string({ maxLength: 30 }).map((s) => `~${s}`);

function wrongValue(field: Field): fc.Arbitrary<unknown> {
  const nullable: Array<fc.Arbitrary<unknown>> = field.optional ? [] : [fc.constant(null)];
  const notString = [number, fc.boolean(), junkArray, junkObject, ...nullable];
  switch (field.t) {
    case 'text':
      return fc.oneof(...notString, fc.constantFrom('', ' ', '\t\n '), hugeString);
    case 'token':
      return fc.oneof(...notString, badToken, hugeString);
    case 'bool':
      return fc.oneof(
        fc.constantFrom('true', 'false', '1', '0', ''),
        number,
        junkArray,
        junkObject,
        ...nullable,
      );
    case 'int':
      return fc.oneof(
        fc.integer({ min: 0, max: 1000 }).map(String), // numbers as strings
        fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((d) => !Number.isInteger(d)),
        fc.boolean(),
        badToken,
        junkArray,
        junkObject,
        ...nullable,
      );
    case 'list': {
      const element =
        field.of === 'token'
          ? fc.oneof(number, fc.boolean(), junkObject, badToken, fc.constant(null))
          : field.of === 'int'
            ? fc.oneof(
                fc.integer({ min: 0, max: 20 }).map(String),
                fc.boolean(),
                junkObject,
                badToken,
                fc.constant(null),
              )
            : fc.oneof(number, fc.boolean(), fc.string(), fc.constant(null));
      return fc.oneof(
        fc.string({ maxLength: 10 }),
        number,
        fc.boolean(),
        junkObject,
        ...nullable,
        fc.array(element, { minLength: 1, maxLength: 3 }),
      );
    }
    case 'object':
      return fc.oneof(fc.string({ maxLength: 10 }), number, fc.boolean(), junkArray, ...nullable);
  }
}

type Path = Array<string | number>;
interface Site {
  path: Path;
  field: Field;
}

/** Every field of `shape` in `body` (nested objects, and the first item of lists of objects). */
function sitesOf(shape: Shape, body: unknown, prefix: Path = []): { fields: Site[]; objects: Path[] } {
  const fields: Site[] = [];
  const objects: Path[] = [prefix];
  for (const [name, field] of Object.entries(shape)) {
    const path = [...prefix, name];
    fields.push({ path, field });
    const value = (body as Record<string, unknown> | undefined)?.[name];
    if (field.t === 'object' && value !== null && typeof value === 'object') {
      const nested = sitesOf(field.shape, value, path);
      fields.push(...nested.fields);
      objects.push(...nested.objects);
    }
    if (field.t === 'list' && typeof field.of === 'object' && Array.isArray(value) && value.length > 0) {
      const nested = sitesOf(field.of, value[0], [...path, 0]);
      fields.push(...nested.fields);
      objects.push(...nested.objects);
    }
  }
  return { fields, objects };
}

const at = (root: unknown, path: Path): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], root);

/** Sets an own, enumerable property even for `__proto__`, so that JSON.stringify sends it. */
const define = (target: object, key: string | number, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
};

type Mutation =
  | { kind: 'replace'; site: number; value: unknown }
  | { kind: 'delete'; site: number }
  | { kind: 'addKey'; site: number; key: string; value: unknown }
  | { kind: 'wrapList'; site: number };

/** A body that the endpoint must refuse: the valid one with one to three things made invalid. */
function invalidBody(
  endpoint: Endpoint,
  fixtures: Fixtures,
): fc.Arbitrary<{ body: object; mutations: Mutation[] }> {
  return fc.constant(null).chain(() => {
    const valid = endpoint.valid(fixtures);
    const { fields, objects } = sitesOf(endpoint.shape, valid);
    const required = fields.filter((s) => !s.field.optional && at(valid, s.path) !== undefined);
    const lists = fields.filter((s) => s.field.t === 'list' && Array.isArray(at(valid, s.path)));
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .nat(fields.length - 1)
          .chain((site) =>
            wrongValue(fields[site].field).map((value) => ({ kind: 'replace' as const, site, value })),
          ),
      },
      {
        weight: 2,
        arbitrary: fc
          .nat(Math.max(0, required.length - 1))
          .map((site) => ({ kind: 'delete' as const, site })),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('addKey' as const),
          site: fc.nat(objects.length - 1),
          key: unknownKey,
          value: smallJson,
        }),
      },
      {
        weight: 1,
        arbitrary: fc.nat(Math.max(0, lists.length - 1)).map((site) => ({ kind: 'wrapList' as const, site })),
      },
    );
    return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => {
      const body = structuredClone(valid) as Record<string, unknown>;
      let changed = false;
      for (const m of mutations) {
        if (m.kind === 'replace') {
          const { path } = fields[m.site];
          const parent = at(body, path.slice(0, -1));
          if (parent === null || typeof parent !== 'object') continue;
          define(parent, path[path.length - 1], m.value);
        } else if (m.kind === 'delete' && required.length > 0) {
          const { path } = required[m.site];
          const parent = at(body, path.slice(0, -1));
          if (parent === null || typeof parent !== 'object') continue;
          delete (parent as Record<string | number, unknown>)[path[path.length - 1]];
        } else if (m.kind === 'addKey') {
          const target = at(body, objects[m.site]);
          if (target === null || typeof target !== 'object' || Array.isArray(target)) continue;
          define(target, m.key, m.value);
        } else if (m.kind === 'wrapList' && lists.length > 0) {
          const { path } = lists[m.site];
          const parent = at(body, path.slice(0, -1));
          const value = at(body, path);
          if (parent === null || typeof parent !== 'object' || !Array.isArray(value)) continue;
          define(parent, path[path.length - 1], [value]);
        } else {
          continue;
        }
        changed = true;
      }
      // Every mutation may have been skipped (its site replaced by an earlier one): still invalid.
      if (!changed) define(body, 'zzUnknown', true);
      return { body, mutations };
    });
  });
}

/** Raw bytes: the text of a valid body with `bytes` in place of one of its strings. */
const INVALID_UTF8: number[][] = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0xaf], // overlong "/"
  [0xe0, 0x80, 0xaf], // overlong "/"
  [0xed, 0xa0, 0x80], // a surrogate, encoded
  [0xe2, 0x82], // truncated
  [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // five bytes
  [0xc3, 0x28],
];
function withInvalidUtf8(valid: object): fc.Arbitrary<Buffer> {
  const strings = JSON.stringify(valid).match(/"(?:[^"\\]|\\.)*"/g) ?? ['""'];
  return fc
    .tuple(fc.nat(strings.length - 1), fc.constantFrom(...INVALID_UTF8), fc.string({ maxLength: 5 }))
    .map(([index, bytes, around]) => {
      const text = JSON.stringify(valid);
      const target = strings[index];
      const at = text.indexOf(target);
      return Buffer.concat([
        Buffer.from(text.slice(0, at + 1) + around),
        Buffer.from(bytes),
        Buffer.from(around + text.slice(at + 1)),
      ]);
    });
}

const deeplyNested = fc
  .tuple(fc.integer({ min: 33, max: 3000 }), fc.constantFrom('object', 'array', 'mixed'))
  .map(([depth, kind]) => {
    if (kind === 'object') return `${'{"zz":'.repeat(depth)}null${'}'.repeat(depth)}`;
    if (kind === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    return `${'{"zz":['.repeat(depth)}1${']}'.repeat(depth)}`;
  });

const OTHER_CONTENT_TYPES = [
  null,
  'text/plain',
  'text/plain; charset=utf-8',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'application/xml',
  'text/html',
  'application/octet-stream',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/jsonx',
  'application/json; charset=iso-8859-1',
  'application/json; charset=utf-16',
];

// ---- the test ---------------------------------------------------------------------------------

let t: TestApp;
let url: string;
let tokens: Tokens;
let fixtures: Fixtures;
let fixtureProblems: string[];
let prototypeNames: Record<string, string[]>;

const PROTOTYPES = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype };
const namesOf = () =>
  Object.fromEntries(
    Object.entries(PROTOTYPES).map(([name, proto]) => [name, Object.getOwnPropertyNames(proto).sort()]),
  );

beforeAll(async () => {
  prototypeNames = namesOf();
  // No timer writes to the log during the run (integrity checkpoints), so that it can be counted.
  t = await startTestApp({ ...NO_RATE_LIMITS, integrityCheckpointIntervalMs: 0 });
  url = await t.app.getUrl();
  tokens = await mintTokens(t);
  ({ fixtures, problems: fixtureProblems } = await buildFixtures(t, tokens));
}, 60_000);
afterAll(() => t.close());

const resolve = (path: string): string => resolvePath(path, fixtures);

/** `contentType` null: no Content-Type header at all. */
function send(endpoint: Endpoint, body: Buffer | string, contentType: string | null = 'application/json') {
  return rawRequest(url, {
    method: 'POST',
    path: `${API}${resolve(endpoint.path)}`,
    headers: {
      Authorization: `Bearer ${tokens[endpoint.caller]}`,
      ...(contentType === null ? {} : { 'Content-Type': contentType }),
    },
    body,
  });
}

/** The whole contract for one fuzzed request; the body is named in the failure. */
function expectRefused(response: RawResponse, what: () => string): void {
  const ok = ACCEPTED_STATUSES.includes(response.status) && isErrorBody(response.json, response.status);
  if (!ok) {
    throw new Error(`${response.status} ${response.text.slice(0, 500)}\n  for ${what().slice(0, 1500)}`);
  }
}

it('builds every fixture through the API', () => {
  expect(fixtureProblems).toEqual([]);
});

describe.each(ENDPOINTS.map((endpoint) => [`POST ${endpoint.path}`, endpoint] as const))(
  '%s',
  (_, endpoint) => {
    let before: number;
    beforeAll(async () => {
      before = (await t.events()).length;
    });

    it('refuses near-valid bodies: wrong types, missing fields, unknown and prototype keys, lists in lists', async () => {
      await fc.assert(
        fc.asyncProperty(invalidBody(endpoint, fixtures), async ({ body, mutations }) => {
          const json = JSON.stringify(body);
          expectRefused(await send(endpoint, json), () => `${JSON.stringify(mutations)} → ${json}`);
        }),
        { numRuns: MUTATION_RUNS, endOnFailure: true },
      );
    });

    it('refuses arbitrary JSON, deep nesting and malformed text', async () => {
      const raw = fc.oneof(
        fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null'),
        deeplyNested,
        fc.constantFrom(
          '',
          ' ',
          'null',
          '[]',
          '{}',
          '"x"',
          '0',
          'true',
          '{',
          '{"a":}',
          "{'a':1}",
          '{"a":1,}',
          'NaN',
        ),
        fc.nat().map((cut) => {
          const text = JSON.stringify(endpoint.valid(fixtures));
          return text.slice(0, cut % text.length); // truncated mid-way
        }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
        fc
          .constantFrom('1e400', '-1e400')
          .map((n) => JSON.stringify(endpoint.valid(fixtures)).replace('{', `{"zz":${n},`)),
      );
      await fc.assert(
        fc.asyncProperty(raw, async (body) => {
          expectRefused(await send(endpoint, body), () => String(body).slice(0, 300));
        }),
        { numRuns: RAW_RUNS * 4, endOnFailure: true },
      );
    });

    it('refuses invalid UTF-8 anywhere in an otherwise valid body', async () => {
      await fc.assert(
        fc.asyncProperty(withInvalidUtf8(endpoint.valid(fixtures)), async (body) => {
          expectRefused(await send(endpoint, body), () => body.toString('hex'));
        }),
        { numRuns: RAW_RUNS, endOnFailure: true },
      );
    });

    it('refuses a valid body in any other content type (415), and one over 1 MiB (413)', async () => {
      for (const contentType of OTHER_CONTENT_TYPES) {
        const response = await send(endpoint, JSON.stringify(endpoint.valid(fixtures)), contentType);
        expectRefused(response, () => `Content-Type ${contentType}`);
        expect({ contentType, status: response.status }).toEqual({ contentType, status: 415 });
      }
      const huge = JSON.stringify({ ...endpoint.valid(fixtures), zz: 'x'.repeat(1024 * 1024) });
      const response = await send(endpoint, huge);
      expect({ status: response.status, body: isErrorBody(response.json, 413) }).toEqual({
        status: 413,
        body: true,
      });
    });

    it('wrote nothing', async () => {
      expect((await t.events()).length).toBe(before);
    });
  },
);

it('left every prototype as it was', () => {
  expect(namesOf()).toEqual(prototypeNames);
  for (const key of ['polluted', 'zz', 'isAdmin', 'role']) {
    expect(({} as Record<string, unknown>)[key]).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>)[key]).toBeUndefined();
  }
});
