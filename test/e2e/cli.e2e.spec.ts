import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openCaseBody } from '../support/case-bodies';
import { startTestApp } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');

/** The CLI as an operator runs it, from source, with only DATA_DIR configured. */
function cli(args: string[], dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  for (const name of ['JWT_SECRET', 'JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE']) delete env[name];
  return spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'apps/cli/src/main.ts'), ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
}

describe('npm run cli -- token', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'trust-ledger-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints only a token, which the API on the same DATA_DIR accepts, with the secret kept private', async () => {
    const result = cli(['token', '--role', 'officer', '--agency', 'agency-a', '--sub', 'alice'], dataDir);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);

    const t = await startTestApp({ dataDir });
    try {
      const response = await t.post('/cases', result.stdout.trim(), openCaseBody('agency-a'));
      expect(response.status).toBe(201);
      const [event] = await t.events(response.body.streamId);
      expect(event.metadata.actor).toBe('alice');
    } finally {
      await t.close();
    }
  });

  it('fails, printing nothing on stdout, when an officer has no agency', () => {
    const result = cli(['token', '--role', 'officer'], dataDir);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('needs an agency id');
  });

  it('refuses a DATA_DIR that does not exist, creating nothing, rather than mint a token no service accepts', () => {
    const mistyped = join(dataDir, 'dta');
    for (const args of [
      ['token', '--role', 'counsel'],
      ['import', 'detainers', 'log.csv', '--mapping', 'mapping.json'],
    ]) {
      const result = cli(args, mistyped);
      expect({ args, status: result.status, stdout: result.stdout }).toEqual({ args, status: 1, stdout: '' });
      expect(result.stderr).toContain(`DATA_DIR ${mistyped} does not exist`);
      expect(existsSync(mistyped)).toBe(false);
    }
  });

  it('lists its commands with --help', () => {
    const result = cli(['--help'], dataDir);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\s+token \[options\]/m);
  });
});
