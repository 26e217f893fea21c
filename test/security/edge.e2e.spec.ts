import { randomUUID } from 'node:crypto';
import { get, type ClientRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { STREAMS_PER_CLIENT } from '../../apps/api/src/public-statistics/public-statistics.controller';
import { openCaseBody } from '../support/case-bodies';
import { API, startTestApp, type TestApp } from '../support/test-app';
import { isErrorBody, NO_RATE_LIMITS, rawRequest, sleep, type RawResponse } from './support';

/**
 * The hardened edge on the real app: security headers (and a CSP the Swagger UI works under),
 * JSON-only strictly parsed bodies with the 1 MiB limit, rate limits per client with Retry-After,
 * TRUST_PROXY, CORS off unless configured, no caching of case data.
 */

const AGENCY = 'agency-a';
const MiB = 1024 * 1024;

describe('headers and bodies', () => {
  let t: TestApp;
  let url: string;
  let officer: string;

  beforeAll(async () => {
    t = await startTestApp({ ...NO_RATE_LIMITS });
    url = await t.app.getUrl();
    officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  });
  afterAll(() => t.close());

  const post = (body: Buffer | string, contentType?: string, path = `${API}/cases`) =>
    rawRequest(url, {
      method: 'POST',
      path,
      headers: {
        Authorization: `Bearer ${officer}`,
        ...(contentType === undefined ? {} : { 'Content-Type': contentType }),
      },
      body,
    });

  const expectHelmet = (headers: Record<string, unknown>) => {
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("object-src 'none'");
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['x-powered-by']).toBeUndefined();
  };

  it('sends the security headers on successes, errors and unknown paths alike', async () => {
    expectHelmet((await t.get('/cases', officer)).headers);
    expectHelmet((await t.http().get(`${API}/cases`)).headers);
    expectHelmet((await t.http().get(`${API}/no-such-thing`)).headers);
    expectHelmet((await t.http().get(`${API}/health`)).headers);
  });

  it('answers a method a path lacks with 405 and the methods it takes, whoever asks; an unknown path stays 404', async () => {
    const caseId = randomUUID(); // No such case: the answer depends on the route alone.
    const cases: Array<[string, string, string]> = [
      ['DELETE', `/cases/${caseId}`, 'GET, HEAD'],
      ['POST', `/cases/${caseId}`, 'GET, HEAD'],
      ['GET', `/cases/${caseId}/notices`, 'POST'],
      ['PUT', '/cases', 'GET, HEAD, POST'],
      ['PATCH', `/cases/${caseId}/requests/${randomUUID()}/decision?x=1`, 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      for (const headers of [{ Authorization: `Bearer ${officer}` }, {}] as Array<Record<string, string>>) {
        const response = await rawRequest(url, { method, path: `${API}${path}`, headers });
        expect({ method, path, status: response.status, allow: response.headers.allow }).toEqual({
          method,
          path,
          status: 405,
          allow,
        });
        expect(response.json).toEqual({
          statusCode: 405,
          error: 'Method Not Allowed',
          message: `${method} is not allowed here; this path takes ${allow}`,
        });
        expect(response.headers['x-request-id']).toBeDefined();
        expect(response.headers['cache-control']).toBe('no-store');
        expectHelmet(response.headers);
      }
    }
    for (const [method, path] of [
      ['GET', `${API}/no-such-thing`],
      ['DELETE', `${API}/no-such-thing`],
      ['GET', `${API}/cases/${caseId}/no-such-thing`],
      ['POST', '/elsewhere'],
    ]) {
      const response = await rawRequest(url, {
        method,
        path,
        headers: { Authorization: `Bearer ${officer}` },
      });
      expect({ method, path, status: response.status, allow: response.headers.allow }).toEqual({
        method,
        path,
        status: 404,
        allow: undefined,
      });
      expect(isErrorBody(response.json, 404)).toBe(true);
    }
    // Before the body is read: what it holds makes no difference.
    const withBody = await rawRequest(url, {
      method: 'POST',
      path: `${API}/cases/${caseId}`,
      headers: { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' },
      body: 'not JSON',
    });
    expect(withBody.status).toBe(405);
    // The methods a path takes are served as before.
    expect((await t.get('/cases', officer)).status).toBe(200);
    expect((await t.http().head(`${API}/cases`).set('Authorization', `Bearer ${officer}`)).status).toBe(200);
    expect((await t.get(`/cases/${caseId}`, officer)).status).toBe(404);
  });

  it('answers an over-long path parameter like any malformed one: a 400 naming it, with the usual headers', async () => {
    const response = await t.get(`/cases/${'a'.repeat(600)}`, officer);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'caseId' })]);
    expectHelmet(response.headers);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-request-id']).toBeDefined();
  });

  it('answers a path it cannot decode with a 400 naming the path, not quoting it back', async () => {
    const response = await t.get('/cases/%E0%A4%A', officer);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed',
      errors: [{ field: 'path', reason: 'is not a valid URL: a percent-encoding is malformed' }],
    });
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-request-id']).toBeDefined();
  });

  it('keeps case data out of every cache and has public data asked for again before a cache serves it', async () => {
    expect((await t.get('/cases', officer)).headers['cache-control']).toBe('no-store');
    expect((await t.http().get(`${API}/cases`)).headers['cache-control']).toBe('no-store');
    for (const path of ['signing-key', 'statistics?period=2025', 'statistics.csv?period=2025', 'reports']) {
      expect({
        path,
        cacheControl: (await t.http().get(`${API}/public/${path}`)).headers['cache-control'],
      }).toEqual({
        path,
        cacheControl: 'no-cache',
      });
    }
  });

  it('gives every response a request id, keeping a sane one from the client', async () => {
    const fresh = await t.http().get(`${API}/health`);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await t.http().get(`${API}/health`).set('X-Request-Id', 'nginx-42.abc');
    expect(given.headers['x-request-id']).toBe('nginx-42.abc');
    const insane = await t.http().get(`${API}/health`).set('X-Request-Id', 'x'.repeat(500));
    expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets the Swagger UI work under the CSP: same-origin scripts and styles, no inline script', async () => {
    const page = await t.http().get(`${API}/docs`);
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .find(([n]) => n === name)
        ?.slice(1) ?? [];
    expect(directive('script-src')).toEqual(["'self'"]);
    expect(directive('style-src')).toContain("'unsafe-inline'");
    expect(directive('img-src')).toContain('data:');
    expect(directive('connect-src')).toContain("'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');

    const html = page.text;
    // Every script is a same-origin file (script-src 'self' forbids inline code)…
    const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].filter(
      ([, code]) => code.trim() !== '',
    );
    expect(inlineScripts).toEqual([]);
    const assets = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)=["']([^"']+)["']/gi)].map(
      ([, src]) => src,
    );
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      const resolved = new URL(asset, `${url}${API}/docs/`);
      expect(resolved.origin).toBe(new URL(url).origin);
      expect((await t.http().get(resolved.pathname)).status).toBe(200);
    }
    // …and the OpenAPI document it loads is served from here too.
    expect((await t.http().get(`${API}/docs-json`)).status).toBe(200);
  });

  it('answers a body over 1 MiB with 413 and a JSON error, declared or streamed', async () => {
    const before = (await t.events()).length;
    const big = Buffer.from(JSON.stringify({ ...openCaseBody(AGENCY), pad: 'x'.repeat(MiB) }));
    const declared = await post(big, 'application/json');
    expect(declared.status).toBe(413);
    expect(isErrorBody(declared.json, 413)).toBe(true);

    const streamed = await rawRequest(url, {
      method: 'POST',
      path: `${API}/cases`,
      headers: {
        Authorization: `Bearer ${officer}`,
        'Content-Type': 'application/json',
        'Transfer-Encoding': 'chunked',
      },
      body: big,
    }).catch((error: Error) => ({ status: -1, json: undefined, error }) as unknown as RawResponse);
    // Either answered 413 or cut off mid-upload: never accepted.
    if (streamed.status !== -1) {
      expect(streamed.status).toBe(413);
      expect(isErrorBody(streamed.json, 413)).toBe(true);
    }
    // Just under the limit is parsed (and refused as invalid, 400), not 413.
    const under = await post(JSON.stringify({ pad: 'x'.repeat(MiB - 100) }), 'application/json');
    expect(under.status).toBe(400);
    expect((await t.events()).length).toBe(before);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['XML', 'application/xml'],
    ['JSON in Latin-1', 'application/json; charset=latin1'],
    ['no Content-Type at all', undefined],
  ])('refuses a body sent as %s with 415 and a JSON error', async (_, contentType) => {
    const before = (await t.events()).length;
    const response = await post(JSON.stringify(openCaseBody(AGENCY)), contentType);
    expect(response.status).toBe(415);
    expect(isErrorBody(response.json, 415)).toBe(true);
    // The coding was not the trouble.
    expect(response.headers['accept-encoding']).toBeUndefined();
    expect((await t.events()).length).toBe(before);
  });

  it('refuses a compressed body with 415 and Accept-Encoding: identity, and takes one marked identity', async () => {
    const before = (await t.events()).length;
    const json = JSON.stringify(openCaseBody(AGENCY));
    const send = (body: Buffer | string, contentEncoding: string) =>
      rawRequest(url, {
        method: 'POST',
        path: `${API}/cases`,
        headers: {
          Authorization: `Bearer ${officer}`,
          'Content-Type': 'application/json',
          'Content-Encoding': contentEncoding,
        },
        body,
      });
    const gzipped = await send(gzipSync(json), 'gzip');
    expect(gzipped.status).toBe(415);
    expect(gzipped.json).toMatchObject({ message: expect.stringContaining('Content-Encoding: gzip') });
    expect(isErrorBody(gzipped.json, 415)).toBe(true);
    // RFC 9110 § 15.5.16: which codings would have been taken.
    expect(gzipped.headers['accept-encoding']).toBe('identity');
    expect(gzipped.headers['x-request-id']).toBeDefined();
    expect((await t.events()).length).toBe(before);
    expect((await send(json, 'identity')).status).toBe(201);
  });

  it('takes JSON with or without charset=utf-8', async () => {
    expect((await post(JSON.stringify(openCaseBody(AGENCY)), 'application/json')).status).toBe(201);
    expect((await post(JSON.stringify(openCaseBody(AGENCY)), 'application/json; charset=UTF-8')).status).toBe(
      201,
    );
  });

  it('keeps exactly the characters sent: a name in UTF-8 round-trips', async () => {
    const caseId = randomUUID();
    const body = openCaseBody(AGENCY, caseId);
    body.subject.fullName = 'Nguyễn Thị Ánh 👩🏽‍⚖️ Ñúñez';
    const opened = await post(Buffer.from(JSON.stringify(body), 'utf8'), 'application/json');
    expect(opened.status).toBe(201);
    const { position } = opened.json as { position: string };
    const read = await t.get(`/cases/${caseId}?minPosition=${position}`, officer);
    expect(read.status).toBe(200);
    expect(read.body.subject.fullName).toBe(body.subject.fullName);
  });

  const valid = () => JSON.stringify(openCaseBody(AGENCY));
  /** A valid open-case body whose subject's name holds `bytes` (raw, not UTF-8 encoded by us). */
  const nameWithBytes = (...bytes: number[]) => {
    const [head, tail] = valid().split('María Pérez');
    return Buffer.concat([Buffer.from(head), Buffer.from('Mar'), Buffer.from(bytes), Buffer.from(tail)]);
  };
  it.each<[string, () => Buffer | string]>([
    ['invalid UTF-8 (a lone 0xFF) inside a name', () => nameWithBytes(0xff)],
    ['a Latin-1 "í" inside a name', () => nameWithBytes(0xed, 0x61)],
    ['an overlong encoding of "/"', () => nameWithBytes(0xc0, 0xaf)],
    ['a truncated multi-byte sequence', () => nameWithBytes(0xe2, 0x82)],
    ['a UTF-8-encoded surrogate (CESU-8)', () => nameWithBytes(0xed, 0xa0, 0x80)],
    ['an escaped lone surrogate', () => valid().replace('María Pérez', 'Mar\\ud800ía')],
    ['an empty body', () => ''],
    ['malformed JSON', () => '{"agencyId": "agency-a",'],
    ['a JSON string', () => '"agency-a"'],
    ['a JSON array', () => '[{"agencyId":"agency-a"}]'],
    ['null', () => 'null'],
    ['__proto__ at the top', () => valid().replace('{', '{"__proto__":{"polluted":true},')],
    [
      '__proto__ inside the subject',
      () => valid().replace('"subject":{', '"subject":{"__proto__":{"polluted":true},'),
    ],
    ['constructor.prototype', () => valid().replace('{', '{"constructor":{"prototype":{"polluted":true}},')],
    ['a key named prototype', () => valid().replace('{', '{"prototype":{"polluted":true},')],
    // class-validator's whitelist takes Object.prototype's names for declared fields.
    ['toString inside the subject', () => valid().replace('"subject":{', '"subject":{"toString":1,')],
    ['valueOf at the top', () => valid().replace('{', '{"valueOf":"x",')],
    [
      'hasOwnProperty inside custody',
      () => valid().replace('"custody":{', '"custody":{"hasOwnProperty":null,'),
    ],
    ['a number too large for a double (1e400)', () => valid().replace('{', '{"pad":1e400,')],
    [
      'a negative number too large for a double',
      () => valid().replace('"convictions":[', '"pad":-1e400,"convictions":['),
    ],
    ['nesting 40 levels deep', () => `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`],
    ['nesting 100000 levels deep', () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    // @ValidateNested({ each: true }) validates a list's inner list as if it were the list.
    [
      'a valid conviction wrapped in a second list',
      () => {
        const body = openCaseBody(AGENCY);
        return JSON.stringify({ ...body, convictions: [body.convictions] });
      },
    ],
  ])('refuses %s with 400 and a JSON error, writing nothing', async (_, make) => {
    const before = (await t.events()).length;
    const body = make();
    const response = await post(body, 'application/json');
    expect(response.status).toBe(400);
    expect(isErrorBody(response.json, 400)).toBe(true);
    // Named, like every 400, by field and reason (`body` when it is the body as a whole).
    expect((response.json as { errors?: unknown }).errors).toEqual(
      expect.arrayContaining([{ field: expect.any(String), reason: expect.any(String) }]),
    );
    expect((await t.events()).length).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('says where a body is not JSON, without quoting it back', async () => {
    const unquoted = await post('Zelda Secretname, born 1990-01-01', 'application/json');
    expect(unquoted.status).toBe(400);
    expect((unquoted.json as { message: string }).message).toBe('Body is not valid JSON');
    const located = await post('{"fullName":"Zelda Secretname" "x":1}', 'application/json');
    expect(located.status).toBe(400);
    expect((located.json as { message: string }).message).toBe('Body is not valid JSON at position 31');
    expect((located.json as { errors: unknown }).errors).toEqual([
      { field: 'body', reason: 'is not valid JSON at position 31' },
    ]);
    for (const notAnObject of ['null', '[]', '123', '"s"']) {
      const refused = await post(notAnObject, 'application/json');
      expect({ notAnObject, errors: (refused.json as { errors: unknown }).errors }).toEqual({
        notAnObject,
        errors: [{ field: 'body', reason: 'must be a JSON object' }],
      });
    }
  });

  const tooDeep = [{ field: 'body', reason: 'nests deeper than 32 levels' }];
  /** `depth` containers: the body's own object, then `pad` holding lists in objects in lists… */
  const nestedPad = (depth: number) => {
    const open = Array.from({ length: depth - 1 }, (_, i) => (i % 2 === 0 ? '[' : '{"a":')).join('');
    const close = Array.from({ length: depth - 1 }, (_, i) => (i % 2 === 0 ? ']' : '}'))
      .reverse()
      .join('');
    return valid().replace('{', `{"pad":${open}1${close},`);
  };

  it('refuses a deeply nested body before parsing it, from its brackets alone', async () => {
    // 1 MB nested 500,000 deep (0.1 s of JSON.parse): refused at the 33rd bracket. Text that is not
    // JSON after it shows that JSON.parse never read it.
    for (const body of ['['.repeat(500_000) + ']'.repeat(500_000), '['.repeat(33) + 'not JSON']) {
      const refused = await post(body, 'application/json');
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ message: 'Body nests deeper than 32 levels', errors: tooDeep });
    }
    // 32 levels are parsed (and `pad` refused as unknown); 33 are not.
    const deepest = await post(nestedPad(32), 'application/json');
    expect(deepest.status).toBe(400);
    expect((deepest.json as { errors: unknown }).errors).toEqual([
      { field: 'pad', reason: expect.any(String) },
    ]);
    expect((await post(nestedPad(33), 'application/json')).json).toMatchObject({ errors: tooDeep });
  });

  it('refuses a body of over 1,000 fields before parsing it, as the validation would after', async () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `"k${i}":0`).join(',');
    const tooMany = [{ field: 'body', reason: 'must hold at most 1000 fields' }];
    // 70,000 keys in 1 MiB cost 60 ms of JSON.parse; cut at the 1,001st, before the text that is not JSON.
    for (const body of [`{${keys(70_000)}}`, `{${keys(1_001)},not JSON`]) {
      const refused = await post(body, 'application/json');
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ message: 'Body must hold at most 1000 fields', errors: tooMany });
    }
    // Within the bound, the validation judges the fields.
    const unknown = await post(`{${keys(900)}}`, 'application/json');
    expect((unknown.json as { errors: Array<{ field: string }> }).errors).toContainEqual(
      expect.objectContaining({ field: 'k0' }),
    );
  });

  it('refuses a key given twice in one object, naming it, where JSON.parse would keep the last', async () => {
    const before = (await t.events()).length;
    const refusals: Array<[string, string]> = [
      [valid().replace('{', '{"agencyId":"agency-b",'), 'agencyId'],
      [valid().replace('"subject":{', '"subject":{"fullName":"Someone Else",'), 'subject.fullName'],
      [
        valid().replace('"convictions":[{', '"convictions":[{"category":"FELONY",'),
        'convictions[0].category',
      ],
      // Spelled differently, the same key once parsed.
      [valid().replace('"custody":{', '"custody":{"st\\u0061tus":"RELEASED",'), 'custody.status'],
    ];
    for (const [body, field] of refusals) {
      const refused = await post(body, 'application/json');
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: `Body gives ${field} more than once`,
        errors: [{ field, reason: 'is given more than once' }],
      });
    }
    // An empty key is shown as "" in the message, where it would have been a blank.
    for (const [body, field, shown] of [
      ['{"":1,"":2}', '', '""'],
      ['{"subject":{"":1,"":2}}', 'subject.', 'subject.""'],
    ]) {
      const refused = await post(body, 'application/json');
      expect(refused.json).toMatchObject({
        message: `Body gives ${shown} more than once`,
        errors: [{ field, reason: 'is given more than once' }],
      });
    }
    expect((await t.events()).length).toBe(before);
    // The same name in two objects is no repetition.
    const body = openCaseBody(AGENCY);
    body.subject.designee.name = body.subject.attorney.name;
    expect((await post(JSON.stringify(body), 'application/json')).status).toBe(201);
  });

  it('counts no bracket inside a string, escaped quotes included, as nesting', async () => {
    const caseId = randomUUID();
    const body = openCaseBody(AGENCY, caseId);
    body.custody.facility = `Block "[" \\ ${'[{'.repeat(40)} \"${'['.repeat(40)}`;
    const opened = await post(JSON.stringify(body), 'application/json');
    expect(opened.status).toBe(201);
    const { position } = opened.json as { position: string };
    const read = await t.get(`/cases/${caseId}?minPosition=${position}`, officer);
    expect(read.body.custody.facility).toBe(body.custody.facility);
  });
});

describe('query strings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...NO_RATE_LIMITS });
  });
  afterAll(() => t.close());

  it('never crash or pollute a prototype, whatever their keys and values', async () => {
    const counsel = await t.token({ role: 'counsel', sub: 'counsel-q' });
    const queries = [
      '__proto__[polluted]=1',
      '__proto__=1',
      'constructor[prototype][polluted]=1',
      'toString=1',
      'hasOwnProperty=x',
      'agencyId=agency-a&agencyId=agency-b',
      'limit=1e400',
      'limit=-1',
      'cursor=%FF%FE',
      'status[]=OPEN',
      `agencyId=${'x'.repeat(5000)}`,
      'minPosition=%00',
    ];
    const paths = [
      '/cases',
      '/violations',
      '/certifications',
      '/matters',
      '/public/statistics',
      '/public/reports',
    ];
    for (const query of queries) {
      for (const path of paths) {
        const response = await t.get(`${path}?${query}`, counsel);
        expect({ path, query, status: response.status < 500 }).toEqual({ path, query, status: true });
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('rate limits with the defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('serve 50 concurrent requests from one client, authenticated or public, without a 429', async () => {
    const officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: `officer-${randomUUID()}` });
    const reads = await Promise.all(Array.from({ length: 50 }, () => t.get('/cases', officer)));
    expect(reads.map((r) => r.status).filter((s) => s === 429)).toEqual([]);
    const publicReads = await Promise.all(
      Array.from({ length: 50 }, () => t.http().get(`${API}/public/signing-key`)),
    );
    expect(publicReads.map((r) => r.status).filter((s) => s === 429)).toEqual([]);
  });

  it('refuse a flood with 429, Retry-After and a JSON error', async () => {
    const officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: `officer-${randomUUID()}` });
    const started = Date.now();
    const reads = await Promise.all(Array.from({ length: 300 }, () => t.get('/cases', officer)));
    const seconds = (Date.now() - started) / 1000;
    const limited = reads.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // A sliding window of one second: never more than the limit in any second.
    const served = reads.filter((r) => r.status === 200).length;
    expect(served).toBeGreaterThanOrEqual(t.config.rateLimitPerSecond);
    expect(served).toBeLessThanOrEqual(t.config.rateLimitPerSecond * Math.ceil(seconds + 1));
    for (const response of limited) {
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(response.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    }
  });
});

describe('rate limits as configured', () => {
  const LIMIT = 5;
  const PUBLIC_LIMIT = 3;
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ rateLimitPerSecond: LIMIT, publicRateLimitPerSecond: PUBLIC_LIMIT });
  });
  afterAll(() => t.close());
  // Address-keyed budgets (127.0.0.1) are shared between tests: start each with a fresh window.
  beforeEach(() => sleep(1100));

  const officerToken = (sub = `officer-${randomUUID()}`) =>
    t.token({ role: 'officer', agencyId: AGENCY, sub });
  const burst = async (n: number, send: () => PromiseLike<{ status: number }>) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await send()).status);
    return statuses;
  };

  it('counts per token sub: one officer is limited, another is not, and every command refused writes nothing', async () => {
    const first = await officerToken();
    const before = (await t.events()).length;
    const statuses = await burst(LIMIT + 2, () => t.post('/cases', first, openCaseBody(AGENCY)));
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(201), 429, 429]);
    expect((await t.events()).length).toBe(before + LIMIT);
    const limited = await t.get('/cases', first);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(limited.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });

    expect((await t.get('/cases', await officerToken())).status).toBe(200);
  });

  it('follows the person, not the token: two tokens of one sub share a budget', async () => {
    const sub = `officer-${randomUUID()}`;
    const [a, b] = [await officerToken(sub), await officerToken(sub)];
    const statuses = [
      ...(await burst(LIMIT - 1, () => t.get('/cases', a))),
      ...(await burst(2, () => t.get('/cases', b))),
    ];
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), 429]);
  });

  it('counts an invalid token against the address, never against the sub it names', async () => {
    const victimSub = `officer-${randomUUID()}`;
    // The signature's first character: all six of its bits are signature bits. The last one's low
    // bits are padding a decoder ignores, so changing only those left the token valid (1 run in 16).
    const forged = (await officerToken(victimSub)).replace(
      /\.([^.])([^.]*)$/,
      (_, c: string, rest: string) => `.${c === 'A' ? 'B' : 'A'}${rest}`,
    );
    const statuses = await burst(LIMIT + 1, () =>
      t.http().get(`${API}/cases`).set('Authorization', `Bearer ${forged}`),
    );
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), 429]);
    // The anonymous address is now limited, the person named in the forgery is not.
    expect((await t.http().get(`${API}/health`)).status).toBe(429);
    expect((await t.get('/cases', await officerToken(victimSub))).status).toBe(200);
  });

  it('holds /public/* to its own stricter budget, and serves again after Retry-After', async () => {
    const statuses = await burst(PUBLIC_LIMIT + 1, () => t.http().get(`${API}/public/signing-key`));
    expect(statuses).toEqual([...Array<number>(PUBLIC_LIMIT).fill(200), 429]);
    const limited = await t.http().get(`${API}/public/signing-key`);
    expect(limited.status).toBe(429);
    // The default budget of the same address is untouched.
    expect((await t.http().get(`${API}/health`)).status).not.toBe(429);

    await sleep(Number(limited.headers['retry-after']) * 1000 + 50);
    expect((await t.http().get(`${API}/public/signing-key`)).status).toBe(200);
  });
});

describe('TRUST_PROXY', () => {
  const PUBLIC_LIMIT = 2;
  const fetchAs = (t: TestApp, forwardedFor: string) =>
    t.http().get(`${API}/public/signing-key`).set('X-Forwarded-For', forwardedFor);

  it('off (the default): X-Forwarded-For is ignored, so nobody escapes the limit by forging it', async () => {
    const t = await startTestApp({ publicRateLimitPerSecond: PUBLIC_LIMIT });
    try {
      const statuses = [];
      for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3'])
        statuses.push((await fetchAs(t, ip)).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await t.close();
    }
  });

  it('naming the proxy: each forwarded client has its own budget', async () => {
    const t = await startTestApp({ publicRateLimitPerSecond: PUBLIC_LIMIT, trustProxy: ['127.0.0.1'] });
    try {
      const statuses = [];
      for (const ip of ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2']) {
        statuses.push((await fetchAs(t, ip)).status);
      }
      expect(statuses).toEqual([200, 200, 429, 200]);
    } finally {
      await t.close();
    }
  });

  it('counts the statistics streams of an IPv6 host by its /64, as the rate limits do', async () => {
    const t = await startTestApp({ ...NO_RATE_LIMITS, trustProxy: ['127.0.0.1'] });
    const url = `${await t.app.getUrl()}${API}/public/statistics/stream`;
    const open: ClientRequest[] = [];
    const status = (forwardedFor: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const request = get(url, { headers: { 'X-Forwarded-For': forwardedFor } }, (response) => {
          response.resume();
          resolve(response.statusCode!);
        });
        request.on('error', reject);
        open.push(request);
      });
    try {
      const held = [];
      for (let i = 0; i < STREAMS_PER_CLIENT; i++)
        held.push(await status(`2001:db8::${(0x100 + i).toString(16)}`));
      expect(held).toEqual(Array(STREAMS_PER_CLIENT).fill(200));
      // Another address of the same /64 is the same host; another /64 is another.
      expect(await status('2001:db8::ffff')).toBe(429);
      expect(await status('2001:db8:0:1::1')).toBe(200);
    } finally {
      for (const request of open) request.destroy();
      await t.close();
    }
  });
});

describe('CORS', () => {
  const ALLOWED = 'https://cases.example.org';
  const preflight = (t: TestApp, origin: string) =>
    t
      .http()
      .options(`${API}/cases`)
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,idempotency-key,if-match');

  it('is off by default: no origin is allowed', async () => {
    const t = await startTestApp({ ...NO_RATE_LIMITS });
    try {
      const read = await t.http().get(`${API}/public/signing-key`).set('Origin', ALLOWED);
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
      const pre = await preflight(t, ALLOWED);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      expect(pre.headers['access-control-allow-headers']).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('allows exactly the configured origins, with the headers the API uses', async () => {
    const t = await startTestApp({ ...NO_RATE_LIMITS, corsOrigins: [ALLOWED] });
    try {
      const pre = await preflight(t, ALLOWED);
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(ALLOWED);
      const allowedHeaders = String(pre.headers['access-control-allow-headers']).toLowerCase();
      for (const header of ['authorization', 'content-type', 'idempotency-key', 'if-match']) {
        expect(allowedHeaders).toContain(header);
      }
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();

      const officer = await t.token({ role: 'officer', agencyId: AGENCY });
      const read = await t.get('/cases', officer).set('Origin', ALLOWED);
      expect(read.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(String(read.headers['access-control-expose-headers']).toLowerCase()).toContain('etag');
      expect(String(read.headers['access-control-expose-headers']).toLowerCase()).toContain('retry-after');

      const other = await t.http().get(`${API}/public/signing-key`).set('Origin', 'https://evil.example.org');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      const otherPre = await preflight(t, 'https://evil.example.org');
      expect(otherPre.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
