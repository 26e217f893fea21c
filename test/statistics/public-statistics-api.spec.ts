import { randomUUID } from 'node:crypto';
import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { OpaquePositions } from '@trust-ledger/privacy';
import { SuppressionThread } from '@trust-ledger/projections/statistics';
import { parse } from 'csv-parse/sync';
import { StatisticsReader } from '../../apps/api/src/public-statistics/statistics.reader';
import { STREAMS_PER_CLIENT } from '../../apps/api/src/public-statistics/public-statistics.controller';
import { StatisticsStream } from '../../apps/api/src/public-statistics/statistics-stream';
import { openCaseBody, requestBody } from '../support/case-bodies';
import { API, startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let officer: string;

beforeAll(async () => {
  t = await startTestApp();
  officer = await t.token({ role: 'officer', agencyId: 'agency-a', sub: 'officer-a' });
});
afterAll(() => t.close());

async function recordDetainer(receivedAt = '2025-03-01T10:00:00Z'): Promise<string> {
  const caseId = randomUUID();
  await t.post('/cases', officer, openCaseBody('agency-a', caseId)).expect(201);
  const res = await t
    .post(`/cases/${caseId}/requests`, officer, { ...requestBody(), receivedAt })
    .expect(201);
  return (res.body as { position: string }).position;
}

interface Message {
  id: string | undefined;
  data: {
    period: string;
    rows: { requestingAgency: string; requestType: string; received: number | null }[];
  };
}

/** A real SSE client on the listening server: parses the text/event-stream as it arrives. */
class EventStreamClient {
  private readonly queue: Message[] = [];
  private readonly waiting: ((m: Message) => void)[] = [];
  private buffer = '';
  private request!: ClientRequest;
  response!: IncomingMessage;

  static async open(lastEventId?: string): Promise<EventStreamClient> {
    const client = new EventStreamClient();
    const url = `${await t.app.getUrl()}${API}/public/statistics/stream`;
    await new Promise<void>((resolve, reject) => {
      client.request = get(
        url,
        { headers: lastEventId === undefined ? {} : { 'Last-Event-ID': lastEventId } },
        (res) => {
          client.response = res;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => client.receive(chunk));
          resolve();
        },
      );
      client.request.on('error', reject);
    });
    return client;
  }

  next(): Promise<Message> {
    const queued = this.queue.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => this.waiting.push(resolve));
  }

  get pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.request.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const fields = block.split('\n').filter((line) => !line.startsWith(':'));
      const data = fields.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
      if (data.length === 0) continue;
      const message: Message = {
        id: fields.find((l) => l.startsWith('id: '))?.slice(4),
        data: JSON.parse(data.join('\n')) as Message['data'],
      };
      const waiter = this.waiting.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    }
  }
}

/** The log position a stream message's id stands for (its id also digests its counts). */
function positionOf(id: string | undefined): number {
  const position = id === undefined ? null : t.app.get(OpaquePositions).openWithState(id);
  if (position === null) throw new Error(`not an id the stream sent: ${id}`);
  return Number(position);
}

const detainers = (m: Message) =>
  m.data.rows.find((r) => r.requestingAgency === 'ICE' && r.requestType === 'DETAINER')!;

describe('public statistics over HTTP', () => {
  it('serves JSON and CSV without a token, and validates the period', async () => {
    const position = await recordDetainer();
    const json = await t
      .http()
      .get(`${API}/public/statistics?period=2025-Q1&minPosition=${position}`)
      .expect(200);
    expect(json.body).toMatchObject({
      period: '2025-Q1',
      generatedAt: '2025-03-01T12:00:00.000Z',
      threshold: 5,
    });
    expect(json.body.rows).toHaveLength(10);
    expect(json.body.rows[0]).toEqual({
      requestingAgency: 'ICE',
      requestType: 'DETAINER',
      received: null,
      // Published 0 beside received and pending withheld, these told that every request was pending.
      honored: null,
      declined: null,
      partiallyHonored: null,
      pending: null,
      honoredWithJudicialWarrant: 0,
      honoredUnderException: 0,
      transfersToFederalCustody: 0,
      // Withheld beside received, since received = on time + late + not yet due (see statistics-row.ts).
      noticesOnTime: null,
      noticesLate: 0,
      suppressed: ['received', 'honored', 'declined', 'partiallyHonored', 'pending', 'noticesOnTime'],
    });
    expect(Object.keys(json.body.violationsBySection)).toEqual([
      ...['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'],
      'suppressed',
    ]);
    expect(JSON.stringify(json.body)).not.toMatch(/María|agency-a/);

    const csv = await t.http().get(`${API}/public/statistics.csv?period=2025-03`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="statistics-2025-03.csv"');
    const oneAgency = await t
      .http()
      .get(`${API}/public/statistics.csv?period=2025-03&agencyId=agency-a`)
      .expect(200);
    expect(oneAgency.headers['content-disposition']).toBe(
      'attachment; filename="statistics-2025-03-agency-a.csv"',
    );
    const [header, first] = parse(csv.text);
    expect(header.slice(0, 4)).toEqual(['period', 'requestingAgency', 'requestType', 'received']);
    expect(first.slice(0, 4)).toEqual(['2025-03', 'ICE', 'DETAINER', '']);

    for (const bad of [
      '',
      '?period=2025-Q5',
      '?period=25',
      '?period=2025-13',
      '?period=0000',
      '?period=2025&extra=1',
    ]) {
      await t.http().get(`${API}/public/statistics${bad}`).expect(400);
    }
    await t.http().get(`${API}/public/statistics?period=2025&agencyId=agency-a`).expect(200);
  });

  it('answers a 500, logged once, when the suppression worker dies mid-decision, and decides the next query afresh', async () => {
    // Another year's counts, so that the decision is new (and the quarter the stream follows unchanged).
    const position = await recordDetainer('2023-06-01T10:00:00Z');
    const reader: unknown = t.app.get(StatisticsReader);
    const thread = (reader as { suppression: SuppressionThread }).suppression;
    const decide = jest.spyOn(thread, 'decide').mockImplementationOnce((task) => {
      const deciding = SuppressionThread.prototype.decide.call(thread, task);
      // As a crash would (out of memory, a native fault): the worker ends, the decision unmade.
      void (thread as unknown as { worker: Worker }).worker.terminate();
      return deciding;
    });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const failed = await t
        .http()
        .get(`${API}/public/statistics?period=2023&minPosition=${position}`)
        .expect(500);
      expect(failed.body).toMatchObject({ statusCode: 500, message: 'Internal server error' });
      expect(
        logged.mock.calls.filter(([m]) => String(m).includes('suppression worker stopped')),
      ).toHaveLength(1);
      const again = await t.http().get(`${API}/public/statistics.csv?period=2023`).expect(200);
      expect(parse(again.text)[1].slice(0, 4)).toEqual(['2023', 'ICE', 'DETAINER', '']);
      expect(decide).toHaveBeenCalledTimes(2);
    } finally {
      decide.mockRestore();
      logged.mockRestore();
    }
  });

  it('counts the stream’s statistics only while someone listens, and then from the latest counts', async () => {
    const counted = jest.spyOn(t.app.get(StatisticsReader), 'currentQuarter');
    try {
      // Each count reads the year: with no listener, committed batches are only noted. (Last
      // year's detainer, so as not to change the counts the next test follows.)
      const position = await recordDetainer('2024-12-01T10:00:00Z');
      const now = await t
        .http()
        .get(`${API}/public/statistics?period=2025-Q1&minPosition=${position}`)
        .expect(200);
      expect(counted).not.toHaveBeenCalled();
      const stream = await EventStreamClient.open();
      try {
        const first = await stream.next();
        expect(counted).toHaveBeenCalledTimes(1);
        expect(first.data.rows).toEqual(now.body.rows);
        expect(positionOf(first.id)).toBeGreaterThanOrEqual(Number(t.opened(position)));
        // The id is a position a read can wait for, as a command's is.
        await t.http().get(`${API}/public/statistics?period=2025-Q1&minPosition=${first.id}`).expect(200);
      } finally {
        stream.close();
      }
    } finally {
      counted.mockRestore();
    }
  });

  it('streams the current quarter whenever it changes, resuming from Last-Event-ID', async () => {
    const stream = await EventStreamClient.open();
    try {
      expect(stream.response.statusCode).toBe(200);
      expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
      const initial = await stream.next();
      expect(initial.data.period).toBe('2025-Q1');
      // The position, sealed (in clear it told anyone how busy the log is), and a digest of the counts.
      expect(initial.id).toMatch(/^[A-Za-z0-9_-]{102}\.[A-Za-z0-9_-]{12}$/);

      // Four more detainers in the quarter: received reaches the threshold and is published.
      for (let i = 0; i < 4; i++) await recordDetainer();
      let latest = initial;
      while (detainers(latest).received !== 5) latest = await stream.next();
      expect(positionOf(latest.id)).toBeGreaterThan(positionOf(initial.id));

      // A client that saw the latest message hears only of the next change…
      const resumed = await EventStreamClient.open(latest.id);
      // …and one that saw an older message is sent the current state at once.
      const behind = await EventStreamClient.open(initial.id);
      try {
        const caughtUp = await behind.next();
        expect(caughtUp).toEqual(latest);
        await recordDetainer();
        const change = await resumed.next();
        expect(positionOf(change.id)).toBeGreaterThan(positionOf(latest.id));
        expect(detainers(change).received).toBe(6);
      } finally {
        resumed.close();
        behind.close();
      }
    } finally {
      stream.close();
    }
  });

  it('holds at most a few streams open for one address, and frees a place when one closes', async () => {
    const open = await Promise.all(
      Array.from({ length: STREAMS_PER_CLIENT }, () => EventStreamClient.open()),
    );
    try {
      expect(open.map((stream) => stream.response.statusCode)).toEqual(Array(STREAMS_PER_CLIENT).fill(200));
      const refused = await t.http().get(`${API}/public/statistics/stream`).expect(429);
      expect(refused.headers['retry-after']).toBe('30');
      expect(refused.body).toMatchObject({ statusCode: 429, message: expect.stringContaining('streams') });

      const closing = open.pop()!;
      await new Promise<void>((resolve) => {
        closing.response.once('close', () => resolve());
        closing.close();
      });
      // The server hears of the close a moment later.
      let again = await EventStreamClient.open();
      for (let tries = 0; again.response.statusCode !== 200 && tries < 50; tries++) {
        again.close();
        await new Promise((resolve) => setTimeout(resolve, 20));
        again = await EventStreamClient.open();
      }
      open.push(again);
      expect(again.response.statusCode).toBe(200);
    } finally {
      for (const stream of open) stream.close();
    }
  });

  it('frees the place of a client that leaves while its first message is counted', async () => {
    // A batch while nobody listens: the next client's first message is counted afresh…
    const position = await recordDetainer('2024-10-01T10:00:00Z');
    await t.http().get(`${API}/public/statistics?period=2024&minPosition=${position}`).expect(200);
    // …and that count waits (for its suppression decision) until the test says.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const reader = t.app.get(StatisticsReader);
    const count = reader.currentQuarter.bind(reader);
    const counted = jest.spyOn(reader, 'currentQuarter').mockImplementation(async () => {
      await released;
      return count();
    });
    const open: EventStreamClient[] = [];
    try {
      const leaving = get(`${await t.app.getUrl()}${API}/public/statistics/stream`);
      leaving.on('error', () => undefined);
      while (counted.mock.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      leaving.destroy();
      // The server hears of it a moment later; then the count ends.
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      await Promise.all(counted.mock.results.map(({ value }) => value as Promise<unknown>));
      for (let i = 0; i < STREAMS_PER_CLIENT; i++) open.push(await EventStreamClient.open());
      expect(open.map((stream) => stream.response.statusCode)).toEqual(Array(STREAMS_PER_CLIENT).fill(200));
    } finally {
      counted.mockRestore();
      for (const stream of open) stream.close();
    }
  });

  it('answers a HEAD of the stream with its headers at once, holding no place', async () => {
    for (let i = 0; i <= STREAMS_PER_CLIENT; i++) {
      const head = await t.http().head(`${API}/public/statistics/stream`).timeout(2_000).expect(200);
      expect(head.headers['content-type']).toMatch(/^text\/event-stream/);
    }
    const stream = await EventStreamClient.open();
    try {
      expect(stream.response.statusCode).toBe(200);
    } finally {
      stream.close();
    }
  });

  it('sends the current state at once to a client whose Last-Event-ID this log never sent', async () => {
    const fresh = await EventStreamClient.open();
    const current = await fresh.next();
    fresh.close();
    // Ahead of the log (a log restored from a backup, another deployment's id), not a position, or
    // the position alone (as ids were before they digested the counts: it says nothing of those).
    for (const lastEventId of [
      t.app.get(OpaquePositions).sealWithState(String(positionOf(current.id) + 1000), 'counts'),
      String(positionOf(current.id)),
      'not-a-position',
      t.sealed(String(positionOf(current.id))),
    ]) {
      const stream = await EventStreamClient.open(lastEventId);
      try {
        expect(await stream.next()).toEqual(current);
      } finally {
        stream.close();
      }
    }
  });

  it('logs a failed count of the stream once, when a client that opened meanwhile waits for it', async () => {
    const listening = await EventStreamClient.open();
    await listening.next();
    const stream = t.app.get(StatisticsStream);
    const asked = jest.spyOn(stream, 'latest');
    // Every count fails, once released, as when the suppression worker dies mid-decision.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const counted = jest.spyOn(t.app.get(StatisticsReader), 'currentQuarter').mockImplementation(async () => {
      await released;
      throw new Error('the suppression worker stopped (exit code 1)');
    });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const failures = () =>
      logged.mock.calls.filter(([m]) => String(m).includes('suppression worker stopped')).length;
    try {
      // A batch (last year's, so as to leave the quarter's counts alone): the stream recounts for
      // its listener, in the background; once those recounts are under way or queued…
      await recordDetainer('2024-11-01T10:00:00Z');
      while (counted.mock.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 500));
      // …a client opens, and waits for one of them.
      const opening = EventStreamClient.open();
      while (asked.mock.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      release();
      const waiting = await opening;
      waiting.close();
      expect(waiting.response.statusCode).toBe(500);
      await Promise.allSettled(counted.mock.results.map(({ value }) => value as Promise<unknown>));
      await new Promise((resolve) => setImmediate(resolve));
      // Each failed count is logged once: by the client's 500, or by the background task alone.
      expect(failures()).toBe(counted.mock.calls.length);
    } finally {
      counted.mockRestore();
      asked.mockRestore();
      logged.mockRestore();
      listening.close();
    }
  });
});
