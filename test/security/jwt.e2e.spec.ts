import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { openCaseBody } from '../support/case-bodies';
import { serveJwks } from '../support/jwks-server';
import { API, startTestApp, type TestApp } from '../support/test-app';
import { NO_RATE_LIMITS } from './support';

/**
 * The token verifier against the attacks on JWTs: algorithm `none`, algorithm confusion (an HS256
 * token keyed with the provider's public key), missing or expired `exp`, `nbf` in the future, the
 * wrong issuer or audience, tampering, keys offered by the token itself. Every one is 401 and
 * writes nothing.
 */

const AGENCY = 'agency-a';
const ISSUER = 'https://idp.example.org/';
const AUDIENCE = 'trust-ledger';
const now = (): number => Math.floor(Date.now() / 1000);
const b64 = (value: object | string): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

const claims = (overrides: JWTPayload = {}): JWTPayload => ({
  sub: 'officer-1',
  role: 'officer',
  agencyId: AGENCY,
  iss: ISSUER,
  aud: AUDIENCE,
  iat: now(),
  exp: now() + 300,
  ...overrides,
});

/** A token signed by hand with HMAC, whatever the header claims, so that no library refuses to make it. */
function hmacToken(
  header: object,
  payload: object,
  key: Buffer | Uint8Array | string,
  hash = 'sha256',
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

const withoutKeys = (payload: JWTPayload, ...keys: string[]): JWTPayload =>
  Object.fromEntries(Object.entries(payload).filter(([key]) => !keys.includes(key)));

async function expectRefused(t: TestApp, token: string): Promise<void> {
  const before = (await t.events()).length;
  const read = await t.http().get(`${API}/cases`).set('Authorization', `Bearer ${token}`);
  expect(read.status).toBe(401);
  expect(read.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  const write = await t
    .http()
    .post(`${API}/cases`)
    .set('Authorization', `Bearer ${token}`)
    .send(openCaseBody(AGENCY));
  expect(write.status).toBe(401);
  expect((await t.events()).length).toBe(before);
}

describe('tokens signed with the shared secret (HS256), issuer and audience configured', () => {
  let t: TestApp;
  let secret: Uint8Array;

  beforeAll(async () => {
    t = await startTestApp({ jwtIssuer: ISSUER, jwtAudience: AUDIENCE, ...NO_RATE_LIMITS });
    secret = new TextEncoder().encode(t.config.jwtSecret);
  });
  afterAll(() => t.close());

  const hs256 = (payload: JWTPayload, header: object = { alg: 'HS256', typ: 'JWT' }) =>
    hmacToken(header, payload, secret);

  it('accepts a well-formed token (the control for every refusal below)', async () => {
    const response = await t.get('/cases', hs256(claims()));
    expect(response.status).toBe(200);
    expect((await t.get('/cases', await t.token({ role: 'officer', agencyId: AGENCY }))).status).toBe(200);
  });

  it.each<[string, () => Promise<string> | string]>([
    ['alg "none", unsigned', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
    ['alg "None", unsigned', () => `${b64({ alg: 'None' })}.${b64(claims())}.`],
    ['alg "NONE" with a signature', () => `${b64({ alg: 'NONE' })}.${b64(claims())}.${b64('sig')}`],
    [
      'alg "none" keeping a valid HS256 signature',
      () => {
        const [, payload, signature] = hs256(claims()).split('.');
        return `${b64({ alg: 'none' })}.${payload}.${signature}`;
      },
    ],
    [
      'HS384 signed with the right secret (algorithm not pinned)',
      () => hmacToken({ alg: 'HS384' }, claims(), secret, 'sha384'),
    ],
    [
      'HS512 signed with the right secret (algorithm not pinned)',
      () => hmacToken({ alg: 'HS512' }, claims(), secret, 'sha512'),
    ],
    ['HS256 signed with another secret', () => hmacToken({ alg: 'HS256' }, claims(), Buffer.alloc(48, 7))],
    [
      'RS256 signed with a key of its own',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
      },
    ],
    [
      'a payload tampered after signing (role raised to admin)',
      () => {
        const [header, , signature] = hs256(claims()).split('.');
        return `${header}.${b64(claims({ role: 'admin' }))}.${signature}`;
      },
    ],
    ['no exp', () => hs256(withoutKeys(claims(), 'exp'))],
    ['exp in the past', () => hs256(claims({ exp: now() - 60 }))],
    ['exp not a number', () => hs256(claims({ exp: 'never' as unknown as number }))],
    ['nbf in the future', () => hs256(claims({ nbf: now() + 600 }))],
    ['another issuer', () => hs256(claims({ iss: 'https://evil.example.org/' }))],
    ['no issuer', () => hs256(withoutKeys(claims(), 'iss'))],
    ['another audience', () => hs256(claims({ aud: 'another-app' }))],
    ['no audience', () => hs256(withoutKeys(claims(), 'aud'))],
    ['no sub', () => hs256(withoutKeys(claims(), 'sub'))],
    ['an unknown role', () => hs256(claims({ role: 'mayor' }))],
    ['an officer without agencyId', () => hs256(withoutKeys(claims(), 'agencyId'))],
    [
      'a JWT with a critical header this verifier does not know',
      () => hs256(claims(), { alg: 'HS256', crit: ['x-unknown'], 'x-unknown': true }),
    ],
    ['two segments only', () => hs256(claims()).split('.').slice(0, 2).join('.')],
    ['garbage', () => 'not-a-jwt'],
  ])('refuses %s with 401 and writes nothing', async (_, make) => {
    await expectRefused(t, await make());
  });

  it('refuses the token when it is not sent as a Bearer credential', async () => {
    const token = hs256(claims());
    for (const authorization of [token, `Basic ${token}`, `Bearer`, `Bearer  ${token}`, `Token ${token}`]) {
      const response = await t.http().get(`${API}/cases`).set('Authorization', authorization);
      expect(response.status).toBe(401);
    }
    // A token in the query string is no credential at all.
    expect((await t.http().get(`${API}/cases?access_token=${token}`)).status).toBe(401);
  });
});

describe('tokens from an identity provider (JWKS, RS256)', () => {
  let t: TestApp;
  let jwks: Server;
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  let attackerKey: CryptoKey;

  beforeAll(async () => {
    ({ privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true }));
    attackerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const served = await serveJwks([jwk]);
    jwks = served.server;
    t = await startTestApp({
      jwtJwksUrl: served.url,
      jwtIssuer: ISSUER,
      jwtAudience: AUDIENCE,
      ...NO_RATE_LIMITS,
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const rs256 = (payload: JWTPayload, key: CryptoKey = privateKey, header: object = {}) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header }).sign(key);

  it("accepts the provider's RS256 token (the control)", async () => {
    expect((await t.get('/cases', await rs256(claims()))).status).toBe(200);
  });

  it.each<[string, () => Promise<string> | string]>([
    [
      'HS256 keyed with the PEM of the public key (algorithm confusion)',
      async () => hmacToken({ alg: 'HS256', kid: 'k1' }, claims(), await exportSPKI(publicKey)),
    ],
    [
      'HS256 keyed with the JWK of the public key (algorithm confusion)',
      async () =>
        hmacToken({ alg: 'HS256', kid: 'k1' }, claims(), JSON.stringify(await exportJWK(publicKey))),
    ],
    [
      'HS256 keyed with the modulus of the public key',
      async () =>
        hmacToken(
          { alg: 'HS256', kid: 'k1' },
          claims(),
          Buffer.from((await exportJWK(publicKey)).n!, 'base64url'),
        ),
    ],
    ['alg "none"', () => `${b64({ alg: 'none', kid: 'k1' })}.${b64(claims())}.`],
    ['RS256 signed by another key under the same kid', () => rs256(claims(), attackerKey)],
    [
      'RS256 carrying its own key in the header (jwk)',
      async () => {
        const { privateKey: own, publicKey: ownPublic } = await generateKeyPair('RS256', {
          extractable: true,
        });
        return rs256(claims(), own, { jwk: await exportJWK(ownPublic) });
      },
    ],
    [
      'RS256 pointing at its own key set (jku)',
      () => rs256(claims(), attackerKey, { jku: 'https://evil.example.org/jwks' }),
    ],
    ['no exp', () => rs256(withoutKeys(claims(), 'exp'))],
    ['exp in the past', () => rs256(claims({ exp: now() - 60 }))],
    ['nbf in the future', () => rs256(claims({ nbf: now() + 600 }))],
    ['another issuer', () => rs256(claims({ iss: 'https://evil.example.org/' }))],
    ['another audience', () => rs256(claims({ aud: 'another-app' }))],
    ['an unknown kid', () => rs256(claims(), privateKey, { kid: 'k2' })],
  ])('refuses %s with 401 and writes nothing', async (_, make) => {
    await expectRefused(t, await make());
  });
});
