import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { SqliteEventStore } from '@trust-ledger/event-store';
import { loadMasterKey, OpaquePositions } from '@trust-ledger/privacy';
import { openReadModelDb, ProjectionRunner, readModelsPath } from '@trust-ledger/projections';
import { cliProjections } from '../../apps/cli/src/commands/projections.command';
import { API_MAIN, builtServiceEnv, CLI_MAIN, LISTENING } from '../support/built-service';
import { snapshot } from './support';

/**
 * The real service, killed with SIGKILL in the middle of a burst of commands and started again:
 * every read model must then equal a rebuild of the same log from scratch. It runs the build
 * (built-service.ts).
 */
const JWT_SECRET = 'crash-test-secret-0123456789abcdef0123456789';
const EVENT_STORE_FILE = 'trust-ledger.db';

beforeAll(() => {
  if (!existsSync(API_MAIN) || !existsSync(CLI_MAIN))
    throw new Error('the crash test runs the build: npm run build first');
  Logger.overrideLogger(false);
});
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

const env = (dataDir: string): NodeJS.ProcessEnv => builtServiceEnv(dataDir, JWT_SECRET);

function cli(dataDir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI_MAIN, ...args], { env: env(dataDir), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Health {
  status: string;
  projections: { name: string; behind: boolean; error: unknown }[];
}

class Service {
  private constructor(
    readonly process: ChildProcess,
    public base: string,
    private readonly output: string[],
  ) {}

  /** On a port of the system's choosing, which the service logs: no other process can take it first. */
  static async start(dataDir: string): Promise<Service> {
    const child = spawn(process.execPath, [API_MAIN], {
      env: env(dataDir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const service = new Service(child, '', output);
    await service.until(
      () => Promise.resolve(LISTENING.test(output.join(''))),
      'the service to log its address',
    );
    service.base = `http://127.0.0.1:${LISTENING.exec(output.join(''))![1]}/api/v1`;
    await service.until(async () => (await service.health()) !== undefined, 'the service to answer /health');
    return service;
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  async health(): Promise<Health | undefined> {
    try {
      const response = await fetch(`${this.base}/health`);
      return (await response.json()) as Health;
    } catch {
      return undefined;
    }
  }

  /** Polls for a condition (the service works at its own pace); fails with its output after a minute. */
  async until(condition: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!(await condition())) {
      if (!this.alive || Date.now() > deadline) {
        throw new Error(`gave up waiting for ${what}; service output:\n${this.output.join('').slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async post(
    token: string,
    path: string,
    body: object,
  ): Promise<{ id: string; revision: number; position: string }> {
    const response = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; revision: number; position: string };
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    const exited = new Promise((r) => this.process.once('exit', r));
    this.process.kill(signal);
    await exited;
  }
}

/** What differs between two snapshots, table by table (a few rows each): small enough to report. */
function differences(a: Record<string, unknown[]>, b: Record<string, unknown[]>): object[] {
  const tables = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return tables.flatMap((table) => {
    const left = (a[table] ?? []).map((row) => JSON.stringify(row));
    const right = new Set((b[table] ?? []).map((row) => JSON.stringify(row)));
    const leftSet = new Set(left);
    const onlyLeft = left.filter((row) => !right.has(row));
    const onlyRight = [...right].filter((row) => !leftSet.has(row));
    return onlyLeft.length + onlyRight.length === 0 && left.length === right.size
      ? []
      : [
          {
            table,
            rows: [left.length, right.size],
            onlyLeft: onlyLeft.slice(0, 3),
            onlyRight: onlyRight.slice(0, 3),
          },
        ];
  });
}

/** One case's commands, in order; each acknowledged one is reported. */
async function caseScript(
  service: Service,
  token: string,
  n: number,
  acked: (r: { id: string; revision: number; position: string }) => void,
): Promise<void> {
  const opened = await service.post(token, '/cases', {
    agencyId: 'agency-a',
    subject: { fullName: `Person ${n}`, preferredLanguage: 'es' },
    custody: { status: 'IN_CUSTODY', bookedAt: '2025-01-01T00:00:00Z', facility: 'County Jail' },
  });
  acked(opened);
  const path = `/cases/${opened.id}`;
  const request = await service.post(token, `${path}/requests`, {
    requestingAgency: 'ICE',
    requestType: n % 2 === 0 ? 'DETAINER' : 'NOTIFICATION',
    form: 'I-247A',
    receivedAt: '2025-01-02T00:00:00Z',
  });
  acked({ ...request, id: opened.id });
  for (const [suffix, body] of [
    [
      '/notices',
      {
        requestId: request.id,
        purpose: 'REQUEST_AND_INTENT',
        recipient: 'SUBJECT',
        deliveredAt: '2025-01-02T05:00:00Z',
        method: n % 3 === 0 ? 'ORAL' : 'WRITTEN_IN_PERSON',
        language: 'es',
        includesCopyOfRequest: true,
        statedIntent: 'DECLINE',
      },
    ],
    [
      `/requests/${request.id}/decision`,
      {
        outcome: n % 4 === 0 ? 'HONORED' : 'DECLINED',
        basis: 'NONE',
        decidedAt: '2025-01-02T06:00:00Z',
        rationale: 'r',
      },
    ],
    ['/custody-events', { kind: 'ELIGIBLE_FOR_RELEASE', at: '2025-01-03T00:00:00Z', reason: 'BAIL_POSTED' }],
    ['/custody-events', { kind: 'RELEASED', at: '2025-01-03T02:00:00Z' }],
    ['/close', { closedAt: '2025-01-04T00:00:00Z', reason: 'released' }],
  ] as const) {
    acked({ ...(await service.post(token, `${path}${suffix}`, body)), id: opened.id });
  }
}

it('after a SIGKILL mid-burst and a restart, every read model equals a fresh rebuild of the log', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tl-crash-'));
  const rebuiltDir = mkdtempSync(join(tmpdir(), 'tl-crash-rebuilt-'));
  let service: Service | undefined;
  try {
    service = await Service.start(dataDir);
    const token = cli(dataDir, 'token', '--role', 'officer', '--agency', 'agency-a').stdout.trim();
    const healthy = await service.health();
    const acks: { id: string; revision: number; position: string }[] = [];

    // Forty cases written at once; the process dies once a hundred commands are acknowledged.
    let killed: Promise<void> | undefined;
    const first = service;
    const scripts = Array.from({ length: 40 }, (_, n) =>
      caseScript(first, token, n, (ack) => {
        acks.push(ack);
        if (acks.length === 100) killed = first.stop('SIGKILL');
      }).catch(() => undefined),
    );
    await Promise.all(scripts);
    await killed;
    expect(acks.length).toBeGreaterThanOrEqual(100);
    expect(acks.length).toBeLessThan(40 * 7);

    const second = await Service.start(dataDir);
    service = second;
    await second.until(async () => {
      const health = await second.health();
      return health?.projections.every((p) => !p.behind && p.error === null) ?? false;
    }, 'the projections to catch up');

    // Nothing acknowledged was lost, and the case views show it.
    // The service answers positions sealed under the DATA_DIR's master key.
    const positions = new OpaquePositions(loadMasterKey(dataDir));
    const at = (ack: { position: string }): number => Number(positions.open(ack.position));
    const last = acks.reduce((a, b) => (at(a) > at(b) ? a : b));
    for (const ack of acks) {
      const response = await fetch(`${service.base}/cases/${ack.id}?minPosition=${last.position}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { revision: number }).revision).toBeGreaterThanOrEqual(ack.revision);
    }
    // The CLI rebuilds what the API runs.
    const names = (await service.health())!.projections.map((p) => p.name).sort();
    expect(
      cliProjections()
        .map((p) => p.name)
        .sort(),
    ).toEqual(names);
    expect(healthy?.projections.map((p) => p.name).sort()).toEqual(names);
    await service.stop('SIGTERM');

    // Whatever the service appended after its last health check (its scheduler runs on its own),
    // incremental processing carries on to the end of the log, as a next start would (with this
    // checkout's projections, which are the build's when the build is fresh).
    const store = new SqliteEventStore(join(dataDir, EVENT_STORE_FILE));
    const db = openReadModelDb(readModelsPath(dataDir));
    const runner = new ProjectionRunner(store, db, cliProjections());
    runner.start();
    const head = await store.headPosition();
    await runner.waitFor(head!, 60_000);
    await runner.stop();
    await store.close();

    // A fresh rebuild of the same log, by the operator's command.
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith(EVENT_STORE_FILE))) {
      copyFileSync(join(dataDir, file), join(rebuiltDir, file));
    }
    const rebuild = cli(rebuiltDir, 'projections', 'rebuild');
    expect(rebuild).toMatchObject({ status: 0 });
    expect(rebuild.stdout).not.toContain('FAILED');

    const rebuilt = openReadModelDb(readModelsPath(rebuiltDir));
    const incremental = snapshot(db);
    expect(Object.keys(incremental)).toEqual(
      expect.arrayContaining(['case_views', 'projection_checkpoints', 'violations']),
    );
    expect(differences(incremental, snapshot(rebuilt))).toEqual([]);
    rebuilt.close();
    db.close();
    // The operator's own check says the same.
    const verified = cli(dataDir, 'projections', 'verify');
    expect(verified).toMatchObject({ status: 0 });
    expect(verified.stdout).toMatch(/^OK: every read model equals a rebuild of the log/);
  } finally {
    if (service?.alive) await service.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(rebuiltDir, { recursive: true, force: true });
  }
}, 240_000);
