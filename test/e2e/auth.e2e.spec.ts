import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { Server } from 'node:http';
import { TokenVerifier } from '../../apps/api/src/auth/token-verifier';
import { openCaseBody } from '../support/case-bodies';
import { serveJwks } from '../support/jwks-server';
import { API, startTestApp, type TestApp } from '../support/test-app';

const AGENCY = 'agency-a';

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

describe('bearer tokens signed with the shared secret', () => {
  let t: TestApp;
  let secret: Uint8Array;
  beforeAll(async () => {
    t = await startTestApp();
    secret = new TextEncoder().encode(t.config.jwtSecret);
  });
  afterAll(() => t.close());

  const openCase = (authorization?: string) => {
    const request = t.http().post(`${API}/cases`);
    return (authorization === undefined ? request : request.set('Authorization', authorization)).send(
      openCaseBody(AGENCY),
    );
  };

  const signed = (claims: object, header: { alg: string } = { alg: 'HS256' }, key: Uint8Array = secret) =>
    new SignJWT({ ...claims })
      .setProtectedHeader(header)
      .setSubject('officer-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  /** An officer's token signed with the API's secret, with these times (a claim not given is left out). */
  const officerToken = (times: { iat?: number; exp?: number }) => {
    const jwt = new SignJWT({ role: 'officer', agencyId: AGENCY })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('officer-1');
    if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
    if (times.exp !== undefined) jwt.setExpirationTime(times.exp);
    return jwt.sign(secret);
  };

  it('accepts a valid token', async () => {
    const token = await t.token({ role: 'officer', agencyId: AGENCY });
    expect((await openCase(`Bearer ${token}`)).status).toBe(201);
    // The tokens refused below differ from this one only in the claim each gets wrong.
    const handBuilt = await officerToken({ iat: nowSeconds(), exp: nowSeconds() + 300 });
    expect((await openCase(`Bearer ${handBuilt}`)).status).toBe(201);
  });

  it('verifies the token once per request, though the rate limiter and the guard both need the caller', async () => {
    const token = await t.token({ role: 'officer', agencyId: AGENCY });
    const verify = jest.spyOn(t.app.get(TokenVerifier), 'verify');
    try {
      expect((await openCase(`Bearer ${token}`)).status).toBe(201);
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      verify.mockRestore();
    }
  });

  it.each([
    ['no Authorization header', () => undefined],
    ['another scheme', () => `Basic ${Buffer.from('officer:secret').toString('base64')}`],
    ['a token that is not a JWT', () => 'Bearer not.a.jwt'],
    [
      'a token signed with another secret',
      async () =>
        `Bearer ${await signed({ role: 'officer', agencyId: AGENCY }, undefined, new Uint8Array(32).fill(7))}`,
    ],
    [
      'an expired token',
      async () => `Bearer ${await officerToken({ iat: nowSeconds() - 120, exp: nowSeconds() - 60 })}`,
    ],
    ['a token without exp', async () => `Bearer ${await officerToken({ iat: nowSeconds() })}`],
    ['a token without iat', async () => `Bearer ${await officerToken({ exp: nowSeconds() + 300 })}`],
    [
      'a token issued longer ago than JWT_MAX_TOKEN_AGE_SECONDS, though its exp is ahead',
      async () => `Bearer ${await officerToken({ iat: nowSeconds() - 13 * 3600, exp: nowSeconds() + 300 })}`,
    ],
    [
      'an unsigned token (alg none)',
      () =>
        `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({
          sub: 'officer-1',
          role: 'officer',
          agencyId: AGENCY,
          exp: nowSeconds() + 300,
        })}.`,
    ],
    ['a token with an unknown role', async () => `Bearer ${await signed({ role: 'mayor' })}`],
    ['an officer token without agencyId', async () => `Bearer ${await signed({ role: 'officer' })}`],
  ])('refuses %s with 401 and writes nothing', async (_, authorization) => {
    const before = (await t.events()).length;
    const response = await openCase(await authorization());
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect((await t.events()).length).toBe(before);
  });

  it('refuses a valid token without the right role with 403', async () => {
    const token = await t.token({ role: 'oversight' });
    const response = await openCase(`Bearer ${token}`);
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
  });

  it('serves the OpenAPI document without a token', async () => {
    const response = await t.http().get(`${API}/docs-json`);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.paths)).toEqual(
      expect.arrayContaining([`${API}/cases`, `${API}/cases/{caseId}/requests/{requestId}/decision`]),
    );
    expect((await t.http().get(`${API}/docs`)).status).toBe(200);
  });
});

describe('bearer tokens from an identity provider (JWKS)', () => {
  const ISSUER = 'https://idp.example.org/';
  const AUDIENCE = 'trust-ledger';
  let t: TestApp;
  let jwks: Server;
  let privateKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const served = await serveJwks([jwk]);
    jwks = served.server;
    t = await startTestApp({
      jwtJwksUrl: served.url,
      jwtIssuer: ISSUER,
      jwtAudience: AUDIENCE,
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const issued = (overrides: { issuer?: string; audience?: string } = {}) =>
    new SignJWT({ role: 'officer', agencyId: AGENCY })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('idp-user-7')
      .setIssuedAt()
      .setIssuer(overrides.issuer ?? ISSUER)
      .setAudience(overrides.audience ?? AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey);

  const openCase = (token: string) =>
    t.http().post(`${API}/cases`).set('Authorization', `Bearer ${token}`).send(openCaseBody(AGENCY));

  it("accepts the provider's token and records its sub as the actor", async () => {
    const response = await openCase(await issued());
    expect(response.status).toBe(201);
    const [event] = await t.events(response.body.streamId);
    expect(event.metadata.actor).toBe('idp-user-7');
  });

  it('refuses another issuer or audience', async () => {
    expect((await openCase(await issued({ issuer: 'https://evil.example.org/' }))).status).toBe(401);
    expect((await openCase(await issued({ audience: 'another-app' }))).status).toBe(401);
  });

  it('refuses an HS256 token, whatever secret signed it', async () => {
    const token = await new SignJWT({ role: 'officer', agencyId: AGENCY })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuedAt()
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new Uint8Array(32));
    expect((await openCase(token)).status).toBe(401);
  });
});
