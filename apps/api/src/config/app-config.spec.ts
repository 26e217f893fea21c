import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, sqliteStoreFile } from './app-config';

describe('loadConfig', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'trust-ledger-config-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('defaults to the embedded set-up and generates the JWT secret once, owner-only', () => {
    const dataDir = join(root, 'data');
    const config = loadConfig({}, { DATA_DIR: dataDir });
    expect(config).toMatchObject({
      port: 3000,
      dataDir,
      eventStore: 'sqlite',
      ordinanceEffectiveFrom: '2000-01-01T00:00:00Z',
      jwtMaxTokenAgeSeconds: 12 * 60 * 60,
    });
    expect(
      loadConfig({}, { DATA_DIR: dataDir, JWT_MAX_TOKEN_AGE_SECONDS: '3600' }).jwtMaxTokenAgeSeconds,
    ).toBe(3600);
    for (const bad of ['59', '604801', '1.5']) {
      expect(() => loadConfig({}, { DATA_DIR: dataDir, JWT_MAX_TOKEN_AGE_SECONDS: bad })).toThrow(
        /JWT_MAX_TOKEN_AGE_SECONDS must be a whole number of seconds from 60 to 604800/,
      );
    }
    expect(sqliteStoreFile(config)).toBe(join(dataDir, 'trust-ledger.db'));
    const secretFile = join(dataDir, 'jwt-secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    expect(config.jwtSecret).toBe(readFileSync(secretFile, 'utf8'));
    expect(config.jwtSecret!.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({}, { DATA_DIR: dataDir }).jwtSecret).toBe(config.jwtSecret);
  });

  it('uses JWT_SECRET as given and writes no secret file', () => {
    const secret = 's'.repeat(40);
    const config = loadConfig({}, { DATA_DIR: root, JWT_SECRET: secret, PORT: '8080' });
    expect(config).toMatchObject({ jwtSecret: secret, port: 8080 });
    expect(existsSync(join(root, 'jwt-secret'))).toBe(false);
  });

  it('takes an identity provider instead of a secret', () => {
    const config = loadConfig(
      {},
      {
        DATA_DIR: root,
        JWT_JWKS_URL: 'https://idp.example.org/jwks',
        JWT_ISSUER: 'https://idp.example.org/',
        JWT_AUDIENCE: 'tl',
      },
    );
    expect(config.jwtSecret).toBeUndefined();
    expect(config.jwtJwksUrl).toBe('https://idp.example.org/jwks');
  });

  it('takes a JWKS URL over https, or over http on the loopback only', () => {
    const problemsWith = (url: string) => {
      try {
        loadConfig(
          {},
          { DATA_DIR: join(root, 'jwks'), JWT_JWKS_URL: url, JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' },
        );
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problemsWith('https://idp.example.org/jwks')).toEqual([]);
    expect(problemsWith('http://127.0.0.1:8080/jwks')).toEqual([]);
    expect(problemsWith('http://[::1]/jwks')).toEqual([]);
    expect(problemsWith('http://10.9.9.9/jwks')).toEqual([
      'JWT_JWKS_URL must be an https URL (http only on this host\'s loopback), got "http://10.9.9.9/jwks"',
    ]);
  });

  it('names every problem at once and creates nothing', () => {
    const dataDir = join(root, 'never');
    let error: unknown;
    try {
      loadConfig(
        {},
        {
          DATA_DIR: dataDir,
          PORT: 'eighty',
          EVENT_STORE: 'postgres',
          JWT_SECRET: 'short',
          JWT_JWKS_URL: 'ftp://idp',
          ORDINANCE_EFFECTIVE_FROM: '2024-01-01T00:00:00',
          JWT_MAX_TOKEN_AGE_SECONDS: '30d',
          MASTER_KEY: 'abc',
          EVIDENCE_SIGNING_KEY: 'garbage',
        },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT must be an integer 0–65535, got "eighty"',
      'EVENT_STORE must be "sqlite" or "eventstoredb", got "postgres"',
      'set either JWT_SECRET or JWT_JWKS_URL, not both: tokens must have exactly one trusted issuer',
      'JWT_SECRET must be at least 32 characters',
      'JWT_JWKS_URL must be an https URL (http only on this host\'s loopback), got "ftp://idp"',
      'JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE',
      'ORDINANCE_EFFECTIVE_FROM must be an ISO 8601 date-time with offset, got "2024-01-01T00:00:00"',
      'JWT_MAX_TOKEN_AGE_SECONDS must be a whole number of seconds from 60 to 604800, got "30d"',
      'MASTER_KEY must be the base64 encoding of exactly 32 bytes',
      'EVIDENCE_SIGNING_KEY is not a PEM private key',
    ]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('needs a connection string for EventStoreDB', () => {
    expect(() => loadConfig({}, { DATA_DIR: root, EVENT_STORE: 'eventstoredb' })).toThrow(
      'EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING',
    );
    expect(
      loadConfig(
        {},
        {
          DATA_DIR: root,
          EVENT_STORE: 'eventstoredb',
          EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
        },
      ),
    ).toMatchObject({ eventStore: 'eventstoredb' });
  });
});
