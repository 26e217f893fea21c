import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { openCaseBody } from '../support/case-bodies';
import { API, startTestApp, type TestApp } from '../support/test-app';
import { ROUTE_WORDS } from '../../apps/api/src/security/logging';
import { NO_RATE_LIMITS } from './support';

/**
 * The log of real requests that carry a person's data: structured (one JSON object a line), and
 * without the person's name, date of birth, A-number, their attorney's or designee's names, or the
 * caller's token, whatever happened to the request. One app in this file: nestjs-pino keeps one
 * root logger per process.
 */

const AGENCY = 'agency-a';
const body = openCaseBody(AGENCY);
const PERSONAL = [
  body.subject.fullName,
  body.subject.dateOfBirth,
  body.subject.aNumber,
  body.subject.attorney.name,
  body.subject.attorney.email,
  body.subject.attorney.phone,
  body.subject.designee.name,
];

let t: TestApp;
let output: string[];
/** Told of each JSON line the app writes, so that a test waits for one rather than polls. */
const listeners = new Set<() => void>();
let write: jest.SpiedFunction<typeof process.stdout.write>;

beforeAll(async () => {
  output = [];
  const original = process.stdout.write.bind(process.stdout);
  write = jest.spyOn(process.stdout, 'write').mockImplementation(((
    chunk: string | Uint8Array,
    ...rest: never[]
  ) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{')) {
      output.push(text);
      for (const listener of listeners) listener();
      return true;
    }
    return original(chunk, ...rest);
  }) as typeof process.stdout.write);
  t = await startTestApp({ logger: undefined, logLevel: 'info', ...NO_RATE_LIMITS });
});
afterAll(async () => {
  await t.close();
  write.mockRestore();
});

const lines = (): Array<Record<string, unknown>> =>
  output
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** Waits for the line a response writes as it finishes, which can come after the client has it. */
function untilLogged(match: (line: Record<string, unknown>) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      listeners.delete(look);
      clearTimeout(timer);
      if (error === undefined) resolve();
      else reject(error);
    };
    // Within the app's write: a line that is not JSON fails the wait, not the app.
    const look = (): void => {
      try {
        if (lines().some(match)) done();
      } catch (error) {
        done(error as Error);
      }
    };
    const timer = setTimeout(() => done(new Error('no such line was logged within 5 s')), 5_000);
    listeners.add(look);
    look();
  });
}

it('logs each request as one JSON line and never the personal data or the token it carried', async () => {
  const token = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-log-1' });
  const caseId = randomUUID();
  const opened = await t.post('/cases', token, { ...body, caseId }, { 'X-Request-Id': 'log-test-1' });
  expect(opened.status).toBe(201);
  // The same data refused (400), read back (200), sent to an unknown path (404) and refused for
  // lack of a role (403), each of which goes down another path of the code.
  expect((await t.post('/cases', token, { ...body, custody: { status: 'NOPE' } })).status).toBe(400);
  expect((await t.get(`/cases/${caseId}?minPosition=${opened.body.position}`, token)).status).toBe(200);
  expect(
    (await t.http().post(`${API}/no-such-path`).set('Authorization', `Bearer ${token}`).send(body)).status,
  ).toBe(404);
  const counsel = await t.token({ role: 'counsel', sub: 'counsel-log-1' });
  expect((await t.post('/cases', counsel, body)).status).toBe(403);
  expect(
    (await t.http().post(`${API}/cases`).set('Authorization', `Bearer ${token}x`).send(body)).status,
  ).toBe(401);

  await untilLogged((line) => (line.res as { statusCode?: number } | undefined)?.statusCode === 401);
  const logged = lines();
  const completed = logged.find(
    (line) =>
      (line.req as { id?: string; method?: string; path?: string } | undefined)?.id === 'log-test-1' &&
      (line.res as { statusCode?: number } | undefined)?.statusCode === 201,
  );
  expect(completed).toMatchObject({
    level: 30,
    msg: 'request completed',
    req: { method: 'POST', path: `${API}/cases` },
    responseTime: expect.any(Number),
  });
  expect(
    logged.filter((line) => (line.res as { statusCode?: number } | undefined)?.statusCode === 400),
  ).not.toEqual([]);

  const all = output.join('');
  for (const value of PERSONAL) expect(all).not.toContain(value);
  expect(all).not.toContain(token);
  expect(all).not.toContain(token.split('.')[2]);
  expect(all).not.toContain(counsel.split('.')[2]);
  expect(all.toLowerCase()).not.toContain('authorization');
});

it('scrubs what application code logs: personal fields at any depth, bearer tokens and JWTs in text', async () => {
  const token = await t.token({ role: 'officer', agencyId: AGENCY });
  output.length = 0;
  const logger = new Logger('LoggingSpec');
  logger.log({
    event: 'test',
    caseId: 'c-1',
    command: { body: { subject: body.subject } },
    deep: { a: { b: { c: { d: { victim: { fullName: 'Victim Name' } } } } } },
    headers: { authorization: `Bearer ${token}`, cookie: 'session=abc' },
  });
  logger.warn(`retrying with Authorization: Bearer ${token} for ${body.subject.aNumber}`);
  logger.error(new Error(`could not open case for token ${token}`));

  const logged = lines();
  expect(logged.length).toBeGreaterThanOrEqual(3);
  expect(logged[0]).toMatchObject({ event: 'test', caseId: 'c-1', context: 'LoggingSpec' });
  const all = output.join('');
  for (const value of [...PERSONAL, 'Victim Name', 'session=abc', token, token.split('.')[2]]) {
    expect(all).not.toContain(value);
  }
  expect(all).toContain('[redacted]');
});

it('logs a path segment the caller chose, other than an id or a period, as :value', async () => {
  const token = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-log-2' });
  const caseId = randomUUID();
  for (const path of [`/cases/${body.subject.fullName}`, `/cases/${caseId}/${body.subject.aNumber}`]) {
    const response = await t
      .http()
      .get(`${API}${encodeURI(path)}`)
      .set({
        Authorization: `Bearer ${token}`,
        'X-Request-Id': `log-path-${caseId.slice(0, 8)}-${path.length}`,
      });
    expect([400, 404]).toContain(response.status);
  }
  await t.http().get(`${API}/public/reports/2025-Q1`);
  await untilLogged(
    (line) => (line.req as { path?: string } | undefined)?.path === `${API}/public/reports/2025-Q1`,
  );
  const paths = lines().map((line) => (line.req as { path?: string } | undefined)?.path);
  expect(paths).toEqual(
    expect.arrayContaining([
      `${API}/cases/:value`,
      `${API}/cases/${caseId}/:value`,
      `${API}/public/reports/2025-Q1`,
    ]),
  );
  const all = output.join('');
  for (const value of PERSONAL) expect(all).not.toContain(encodeURI(value));
});

it("keeps every word of the API's paths, as its OpenAPI document lists them, in the log", async () => {
  const document = (await t.http().get(`${API}/docs-json`).expect(200)).body as { paths: object };
  const words = new Set(
    Object.keys(document.paths).flatMap((path) =>
      path.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')),
    ),
  );
  expect([...words].filter((word) => !ROUTE_WORDS.has(word))).toEqual([]);
  // And no word of a path that is gone: the list says what the API is.
  expect(
    [...ROUTE_WORDS].filter((word) => !words.has(word) && !['docs', 'docs-json'].includes(word)),
  ).toEqual([]);
});
