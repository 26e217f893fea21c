import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@trust-ledger/event-store';
import { keyStoreFile, LocalKeyProvider, PersonalDataCipher, SqliteKeyStore } from '@trust-ledger/privacy';
import { API_MAIN, builtServiceEnv, LISTENING } from '../support/built-service';

/**
 * The built service's starts that cannot serve: each says why in one JSON line at level error, as
 * every other line of its log is written, and exits non-zero, in a bounded time. A start that
 * cannot bind its port writes nothing to the log. And the address it serves on is logged whatever
 * LOG_LEVEL says.
 */

const JWT_SECRET = 'startup-test-secret-0123456789abcdef0123456789';
const PINO_ERROR = 50;

interface Run {
  code: number | null;
  /** Every line the process wrote, stdout and stderr together. */
  lines: string[];
  elapsedMs: number;
}

let dataDir: string;
beforeAll(() => {
  if (!existsSync(API_MAIN)) throw new Error('the start-up tests run the build: npm run build first');
});
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tl-startup-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const env = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  builtServiceEnv(dataDir, JWT_SECRET, { MASTER_KEY: undefined, ...extra });

/**
 * Runs the service (or node with `args`) until it exits on its own; SIGKILLed (and the test failed)
 * after `limitMs`.
 */
function runUntilExit(extra: NodeJS.ProcessEnv, limitMs = 20_000, args = [API_MAIN]): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, args, { env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(limit);
      const lines = output
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '');
      resolve({ code, lines, elapsedMs: Date.now() - started });
    }),
  );
}

function parsed(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`not a JSON log line: ${line}`);
  }
}

/** Every line JSON; exactly one at level error, whose message (or error's) is returned. */
function theErrorLine(run: Run): string {
  const errors = run.lines.map(parsed).filter((line) => Number(line.level) >= PINO_ERROR);
  expect(errors).toHaveLength(1);
  const [line] = errors;
  const err = line.err as { message?: string } | undefined;
  return `${String(line.msg)} ${err?.message ?? ''}`;
}

/** A loopback port that takes connections and never answers: a stalled or mistaken server. */
async function silentServer(): Promise<{ port: number; stop: () => void }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  const port = await listening(server, 0, '127.0.0.1');
  return {
    port,
    stop: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

async function listening(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return (server.address() as AddressInfo).port;
}

describe('an event store that cannot be read', () => {
  it('is named with the reason when nothing listens there', async () => {
    const probe = createServer();
    const port = await listening(probe, 0, '127.0.0.1');
    await new Promise((resolve) => probe.close(resolve));

    const run = await runUntilExit({
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: `esdb://admin:s3cret@127.0.0.1:${port}?tls=false`,
    });

    expect(run.code).toBe(1);
    const error = theErrorLine(run);
    expect(error).toContain(`EventStoreDB at 127.0.0.1:${port} cannot be read`);
    expect(error).toContain('ECONNREFUSED');
    expect(run.lines.join('\n')).not.toContain('s3cret');
  });

  it('is given up on within 10 s when it takes the connection and never answers', async () => {
    const server = await silentServer();
    try {
      const run = await runUntilExit(
        {
          EVENT_STORE: 'eventstoredb',
          EVENTSTORE_CONNECTION_STRING: `esdb://127.0.0.1:${server.port}?tls=false`,
        },
        30_000,
      );

      expect(run.code).toBe(1);
      expect(theErrorLine(run)).toContain(
        `EventStoreDB at 127.0.0.1:${server.port} did not answer within 10 s`,
      );
      // It waited its deadline out (a hang is SIGKILLed at runUntilExit's limit, and fails above).
      expect(run.elapsedMs).toBeGreaterThanOrEqual(10_000);
    } finally {
      server.stop();
    }
  }, 40_000);

  it('does not hold a SIGTERM sent while it waits: the start ends at once, saying so', async () => {
    const server = await silentServer();
    const child = spawn(process.execPath, [API_MAIN], {
      env: env({
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: `esdb://127.0.0.1:${server.port}?tls=false`,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      // Nest builds the application, waiting on the store, once it says it starts. The store would
      // give up only after 10 s: the line below, well before the test's time is up, is the signal's.
      while (!output.join('').includes('Starting Nest application')) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child.kill('SIGTERM');
      const code = await exited;

      expect(code).toBe(1);
      const lines = output
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '');
      expect(theErrorLine({ code, lines, elapsedMs: 0 })).toContain('start interrupted by SIGTERM');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      server.stop();
    }
  }, 20_000);
});

it('says so of a SIGTERM sent while its modules still load', async () => {
  // The service sends itself the signal as it starts to load Nest (bootstrap), the bulk of a start's
  // first second, when a signal with no listener would end it at once, without a word.
  const signalAtBootstrap = `
    const Module = require('node:module');
    const load = Module._load;
    Module._load = function (request, ...rest) {
      if (request === './bootstrap') process.kill(process.pid, 'SIGTERM');
      return load.call(this, request, ...rest);
    };
    require(${JSON.stringify(API_MAIN)});`;

  const run = await runUntilExit({}, 20_000, ['-e', signalAtBootstrap]);

  expect(run.code).toBe(1);
  expect(theErrorLine(run)).toContain('start interrupted by SIGTERM');
});

describe('key material that cannot be used', () => {
  it('refuses a MASTER_KEY that is not 32 bytes of base64 in a JSON line', async () => {
    const run = await runUntilExit({ MASTER_KEY: 'not-a-key' });

    expect(run.code).toBe(1);
    expect(theErrorLine(run)).toContain('MASTER_KEY must be the base64 encoding of exactly 32 bytes');
  });

  it('refuses a DATA_DIR/master.key that is not 32 bytes of base64 in a JSON line', async () => {
    writeFileSync(join(dataDir, 'master.key'), `${randomBytes(16).toString('base64')}\n`, { mode: 0o600 });

    const run = await runUntilExit({});

    expect(run.code).toBe(1);
    expect(theErrorLine(run)).toContain('master.key must be the base64 encoding of exactly 32 bytes');
  });

  it('refuses a MASTER_KEY other than the one keys.db was sealed under in a JSON line', async () => {
    const keys = new SqliteKeyStore(keyStoreFile(dataDir));
    await new PersonalDataCipher(keys, new LocalKeyProvider(randomBytes(32))).seal('person-1', 'María');
    keys.close();

    const run = await runUntilExit({ MASTER_KEY: randomBytes(32).toString('base64') });

    expect(run.code).toBe(1);
    expect(theErrorLine(run)).toContain('The master key cannot unwrap the data keys in keys.db');
  });
});

it('writes nothing to the log when its port is taken, and says so in a JSON line', async () => {
  const taken = createServer();
  const port = await listening(taken, 0, '0.0.0.0');
  try {
    const run = await runUntilExit({ PORT: String(port) });

    expect(run.code).toBe(1);
    expect(theErrorLine(run)).toContain(`cannot listen on 0.0.0.0:${port}`);
    const file = join(dataDir, 'trust-ledger.db');
    if (existsSync(file)) {
      const store = new SqliteEventStore(file, { readonly: true });
      try {
        expect(await store.headPosition()).toBeNull();
      } finally {
        await store.close();
      }
    }
  } finally {
    taken.close();
  }
});

it('creates neither DATA_DIR nor the JWT secret when its port is taken', async () => {
  const taken = createServer();
  const port = await listening(taken, 0, '0.0.0.0');
  const newDataDir = join(dataDir, 'new-installation');
  try {
    const run = await runUntilExit({ PORT: String(port), DATA_DIR: newDataDir, JWT_SECRET: undefined });

    expect(run.code).toBe(1);
    expect(theErrorLine(run)).toContain(`cannot listen on 0.0.0.0:${port}`);
    expect(existsSync(newDataDir)).toBe(false);
  } finally {
    taken.close();
  }
});

it('logs the address it serves on at LOG_LEVEL=warn too, as a JSON line', async () => {
  const child = spawn(process.execPath, [API_MAIN], {
    env: env({ LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 20_000;
    while (!LISTENING.test(output.join('')) && child.exitCode === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lines = output
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(parsed);
    expect(lines).toEqual([
      expect.objectContaining({ context: 'Main', msg: expect.stringMatching(LISTENING) }),
    ]);
    const port = LISTENING.exec(String(lines[0].msg))![1];
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status).toBe(200);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});
