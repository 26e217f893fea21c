import { UnauthorizedException } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { loadConfig } from '../config/app-config';
import { mintToken } from './mint-token';
import { TokenVerifier } from './token-verifier';

describe('TokenVerifier.principalOf', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'trust-ledger-verifier-'));
  const config = loadConfig({}, { JWT_SECRET: 's'.repeat(32), DATA_DIR: dataDir });
  const verifier = new TokenVerifier(config);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('verifies a request bearer token once, however often the caller is asked for', async () => {
    const token = await mintToken(config, { role: 'officer', agencyId: 'agency-a', sub: 'officer-a' });
    const verify = jest.spyOn(verifier, 'verify');
    const request = { headers: { authorization: `Bearer ${token}` } };

    const first = verifier.principalOf(request);
    expect(verifier.principalOf(request)).toBe(first);
    await expect(first).resolves.toEqual({ sub: 'officer-a', role: 'officer', agencyId: 'agency-a' });
    expect(verify).toHaveBeenCalledTimes(1);

    // Another request with the same token is verified on its own (its token may have expired since).
    await verifier.principalOf({ headers: { authorization: `Bearer ${token}` } });
    expect(verify).toHaveBeenCalledTimes(2);
    verify.mockRestore();
  });

  it('refuses a token older than JWT_MAX_TOKEN_AGE_SECONDS whatever its exp, and one without iat', async () => {
    const secret = new TextEncoder().encode(config.jwtSecret);
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = (ageSeconds: number | null) => {
      const jwt = new SignJWT({ role: 'counsel' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('counsel-1')
        .setExpirationTime(now + 3600);
      if (ageSeconds !== null) jwt.setIssuedAt(now - ageSeconds);
      return jwt.sign(secret);
    };
    const maxAge = config.jwtMaxTokenAgeSeconds;
    await expect(verifier.verify(await issuedAt(maxAge - 60))).resolves.toMatchObject({ sub: 'counsel-1' });
    await expect(verifier.verify(await issuedAt(maxAge + 60))).rejects.toThrow(
      new UnauthorizedException('Token expired'),
    );
    await expect(verifier.verify(await issuedAt(null))).rejects.toThrow(
      new UnauthorizedException('Invalid token'),
    );
  });

  it('allows the issuer a clock half a minute ahead, and no more', async () => {
    const secret = new TextEncoder().encode(config.jwtSecret);
    const now = Math.floor(Date.now() / 1000);
    const issuedIn = (seconds: number) =>
      new SignJWT({ role: 'counsel' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('counsel-1')
        .setIssuedAt(now + seconds)
        .setExpirationTime(now + 3600)
        .sign(secret);
    await expect(verifier.verify(await issuedIn(10))).resolves.toMatchObject({ sub: 'counsel-1' });
    await expect(verifier.verify(await issuedIn(120))).rejects.toThrow(
      new UnauthorizedException('Invalid token'),
    );
  });

  it('mints no token the API would refuse before its exp', async () => {
    await expect(mintToken(config, { role: 'counsel', expiresIn: '12h' })).resolves.toEqual(
      expect.any(String),
    );
    await expect(mintToken(config, { role: 'counsel', expiresIn: '13h' })).rejects.toThrow(
      'a token may live at most 43200 s (JWT_MAX_TOKEN_AGE_SECONDS); 13h is 46800 s',
    );
  });

  it('refuses a sub of the service’s own actors, which would pass a person’s acts off as its own', async () => {
    const secret = new TextEncoder().encode(config.jwtSecret);
    const token = await new SignJWT({ role: 'counsel' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('system:violation-register')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret);
    await expect(verifier.verify(token)).rejects.toThrow(
      new UnauthorizedException('Token has no valid sub claim'),
    );
    await expect(mintToken(config, { role: 'counsel', sub: 'system:violation-register' })).rejects.toThrow(
      'sub "system:violation-register" must not begin with "system:", the service\'s own actors',
    );
    await expect(mintToken(config, { role: 'counsel', sub: '' })).rejects.toThrow(
      'sub "" must be 1–256 characters',
    );
  });

  it.each([
    ['a zero-width space before a system actor', '\u200bsystem:violation-register'],
    ['a full-width colon', 'system\uff1aviolation-register'],
    ['capitals', 'SYSTEM:violation-register'],
    ['a space before it', ' system:x'],
    ['only spaces', '   '],
    ['control characters', 'evil\u0000\nSYSTEM'],
    ['a right-to-left override', 'abc\u202edef'],
  ])('refuses a sub with %s, which would not read as what it is', async (_what, subject) => {
    const secret = new TextEncoder().encode(config.jwtSecret);
    const token = await new SignJWT({ role: 'counsel' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secret);
    await expect(verifier.verify(token)).rejects.toThrow(
      new UnauthorizedException('Token has no valid sub claim'),
    );
  });

  it('holds no agency for a role that has none, whatever the token claims', async () => {
    for (const role of ['counsel', 'oversight', 'admin'] as const)
      await expect(
        verifier.verify(await mintToken(config, { role, agencyId: 'agency-a', sub: `${role}-1` })),
      ).resolves.toEqual({ sub: `${role}-1`, role, agencyId: null });
  });

  it('takes a sub of visible text, spaces and other scripts included', async () => {
    for (const subject of ['Ana María Pérez', 'オフィサー-7', 'officer@example.org'])
      await expect(
        verifier.verify(await mintToken(config, { role: 'counsel', sub: subject })),
      ).resolves.toMatchObject({
        sub: subject,
      });
  });

  it('mints no token that has expired before it is used', async () => {
    await expect(mintToken(config, { role: 'counsel', expiresIn: '0s' })).rejects.toThrow(
      'a token must live some time; 0s is 0 s',
    );
    await expect(mintToken(config, { role: 'counsel', expiresIn: '-5m' })).rejects.toThrow(
      'a token must live some time; -5m is -300 s',
    );
    await expect(mintToken(config, { role: 'counsel', expiresIn: 'abc' })).rejects.toThrow(
      'expires-in "abc" is not a lifetime such as 30m, 8h or 2d',
    );
  });

  it('answers 401 without a bearer token, and with an invalid one', async () => {
    await expect(verifier.principalOf({ headers: {} })).rejects.toThrow(
      new UnauthorizedException('Bearer token required'),
    );
    await expect(verifier.principalOf({ headers: { authorization: 'Basic abc' } })).rejects.toThrow(
      'Bearer token required',
    );
    await expect(verifier.principalOf({ headers: { authorization: 'Bearer not.a.jwt' } })).rejects.toThrow(
      'Invalid token',
    );
  });
});
