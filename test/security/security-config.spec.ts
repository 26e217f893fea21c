import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../apps/api/src/config/app-config';

/** The edge's environment variables: defaults, parsing, and every mistake named at once. */
describe('security configuration', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'trust-ledger-security-config-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) => loadConfig({}, { DATA_DIR: dataDir, ...env });

  it('defaults: at least 50 requests per second per client, stricter on /public, no proxy trusted, CORS off', () => {
    const config = load({});
    expect(config.rateLimitPerSecond).toBeGreaterThanOrEqual(50);
    expect(config.publicRateLimitPerSecond).toBeGreaterThanOrEqual(50);
    expect(config.publicRateLimitPerSecond).toBeLessThan(config.rateLimitPerSecond);
    expect(config.trustProxy).toBe(false);
    expect(config.corsOrigins).toEqual([]);
    expect(config.logLevel).toBe('info');
  });

  it('reads every variable', () => {
    const config = load({
      RATE_LIMIT_PER_SECOND: '200',
      PUBLIC_RATE_LIMIT_PER_SECOND: '0',
      TRUST_PROXY: '10.0.0.1, 10.1.0.0/16 ,::1',
      CORS_ORIGINS: 'https://cases.example.org, http://localhost:5173/',
      LOG_LEVEL: 'WARN',
      METRICS_TOKEN: 'a-scraper-secret-of-at-least-32-characters',
    });
    expect(config).toMatchObject({
      rateLimitPerSecond: 200,
      publicRateLimitPerSecond: 0,
      trustProxy: ['10.0.0.1', '10.1.0.0/16', '::1'],
      corsOrigins: ['https://cases.example.org', 'http://localhost:5173'],
      logLevel: 'warn',
      metricsToken: 'a-scraper-secret-of-at-least-32-characters',
    });
    expect(load({}).metricsToken).toBeUndefined();
    expect(load({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(load({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(load({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('names every invalid value in one error', () => {
    let error: unknown;
    try {
      load({
        RATE_LIMIT_PER_SECOND: 'fast',
        PUBLIC_RATE_LIMIT_PER_SECOND: '-1',
        TRUST_PROXY: 'nginx.internal',
        CORS_ORIGINS: '*, https://ok.example.org, https://a.example.org/path, ftp://files.example.org',
        LOG_LEVEL: 'loud',
        METRICS_TOKEN: 'short',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'RATE_LIMIT_PER_SECOND',
      'PUBLIC_RATE_LIMIT_PER_SECOND',
      'TRUST_PROXY',
      '"*"',
      'https://a.example.org/path',
      'ftp://files.example.org',
      'LOG_LEVEL',
      'METRICS_TOKEN',
    ]) {
      expect(problems).toContain(name);
    }
  });
});
