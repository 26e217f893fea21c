import { UnavailableError } from '@eventstore/db-client';
import { createServer, type Socket } from 'node:net';
import { EventStoreUnavailableError, type EventToAppend } from '../event-store.port';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { encodePosition } from './position';

// Nothing listens on port 1: everything checked here must be decided before the adapter talks to a
// server. Behaviour against a server is test/contract/eventstoredb.contract.spec.ts.
const UNREACHABLE = 'esdb://127.0.0.1:1?tls=false';

function event(overrides: Partial<EventToAppend> = {}): EventToAppend {
  return {
    id: '0b7f9a9e-2f0c-4c8e-9d55-3a1b2c3d4e5f',
    type: 'CaseOpened',
    data: { caseId: 'c-1' },
    metadata: {
      recordedAt: '2026-03-01T10:00:00Z',
      correlationId: 'c',
      causationId: null,
      actor: 'officer-1',
    },
    ...overrides,
  };
}

describe('EventStoreDbEventStore without a server', () => {
  let store: EventStoreDbEventStore;

  beforeEach(() => {
    store = new EventStoreDbEventStore(UNREACHABLE);
  });

  afterEach(async () => {
    await store.close();
  });

  it('appends once more after a leader election or a dropped connection, and only once', async () => {
    const appendOnce = jest.spyOn(
      store as unknown as { appendOnce: EventStoreDbEventStore['append'] },
      'appendOnce',
    );
    const result = { nextExpectedRevision: 0, position: encodePosition({ commit: 7n, prepare: 7n }) };
    appendOnce
      .mockRejectedValueOnce(new UnavailableError(undefined, 'no leader'))
      .mockResolvedValueOnce(result);
    await expect(store.append('case-1', [event()], { expectedRevision: 'no_stream' })).resolves.toEqual(
      result,
    );

    appendOnce
      .mockRejectedValueOnce(new UnavailableError(undefined, 'no leader'))
      .mockRejectedValueOnce(new UnavailableError(undefined, 'still none'));
    // Said as the port says it, so that the API answers a 503 rather than a bare 500.
    const unavailable = store.append('case-1', [event()], { expectedRevision: 'no_stream' });
    await expect(unavailable).rejects.toThrow(EventStoreUnavailableError);
    await expect(unavailable).rejects.toThrow('EventStoreDB at 127.0.0.1:1 cannot be read: still none');

    // Anything else is no election: not tried again.
    appendOnce.mockRejectedValueOnce(new Error('refused'));
    await expect(store.append('case-1', [event()], { expectedRevision: 'no_stream' })).rejects.toThrow(
      'refused',
    );
    expect(appendOnce).toHaveBeenCalledTimes(5);
  });

  it('refuses a malformed connection string', () => {
    expect(() => new EventStoreDbEventStore('http://localhost:2113')).toThrow();
  });

  it('refuses options the client would ignore, and never shows the password', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const failure = (connectionString: string): string => {
      try {
        new EventStoreDbEventStore(connectionString);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    try {
      const base = 'esdb://admin:s3cret-pw@localhost:2113';
      expect(failure(`${base}?tls=false&tlsVerfyCert=false`)).toBe(
        'EVENTSTORE_CONNECTION_STRING: unknown option "tlsVerfyCert"',
      );
      expect(failure(`${base}?tlsVerifyCert=false`)).toMatch(/tlsVerifyCert=false has no effect/);
      const parse = failure(`${base}?tls=maybe`);
      expect(parse).toMatch(/true or false/);
      expect(parse).not.toContain('s3cret-pw');
      // A password may hold `?`: it is not where the options begin.
      const withQuestion = new EventStoreDbEventStore(
        'esdb://admin:Tr0ub4dor?horse@localhost:2113?tls=false',
      );
      await withQuestion.close();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('orders its own positions and refuses any other store’s', () => {
    const early = encodePosition({ commit: 5n, prepare: 5n });
    const late = encodePosition({ commit: 5n, prepare: 9n });
    expect(store.comparePositions(early, late)).toBeLessThan(0);
    expect(store.comparePositions(late, early)).toBeGreaterThan(0);
    expect(store.comparePositions(late, late)).toBe(0);
    expect(() => store.comparePositions('42', late)).toThrow('not a position of the EventStoreDB store');
  });

  it('refuses appends that reads of the log would hide or that the port does not allow', async () => {
    await expect(store.append('$case-1', [event()], { expectedRevision: 'no_stream' })).rejects.toThrow(
      "stream id must not start with '$'",
    );
    await expect(
      store.append('case-1', [event({ type: '$metadata' })], { expectedRevision: 'any' }),
    ).rejects.toThrow("event type must not start with '$'");
    await expect(
      store.append('case-1', [event({ id: 'not-a-uuid' })], { expectedRevision: 'any' }),
    ).rejects.toThrow('id must be a UUID');
    await expect(store.append('case-1', [event(), event()], { expectedRevision: 'any' })).rejects.toThrow(
      'appears twice in the same append',
    );
    await expect(store.append('case-1', [event()], { expectedRevision: -1 })).rejects.toThrow(
      'expected revision',
    );
    await expect(
      store.append('case-1', [event({ metadata: { ...event().metadata, recordedAt: 'yesterday' } })], {
        expectedRevision: 'any',
      }),
    ).rejects.toThrow('recordedAt');
  });

  it('refuses a checkpoint it did not issue', async () => {
    expect(() => store.subscribeToAll({ fromPosition: '17' })).toThrow(
      'not a position of the EventStoreDB store',
    );
    await expect(store.readAll({ fromPosition: '17' })[Symbol.asyncIterator]().next()).rejects.toThrow(
      'not a position of the EventStoreDB store',
    );
    await expect(
      store.readStream('case-1', { upToTime: 'soon' })[Symbol.asyncIterator]().next(),
    ).rejects.toThrow('upToTime');
  });

  it('refuses every operation once closed', async () => {
    await store.close();
    await expect(store.append('case-1', [event()], { expectedRevision: 'any' })).rejects.toThrow('closed');
    await expect(store.headPosition()).rejects.toThrow('closed');
    expect(() => store.subscribeToAll()).toThrow('closed');
    await expect(store.readStream('case-1')[Symbol.asyncIterator]().next()).rejects.toThrow('closed');
  });

  describe('against a server that takes the connection and never answers', () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    let silent: EventStoreDbEventStore;

    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      silent = new EventStoreDbEventStore(`esdb://127.0.0.1:${port}?tls=false`, 300);
    });

    afterAll(async () => {
      await silent.close();
      server.close();
      for (const socket of sockets) socket.destroy();
    });

    const first = <T>(read: AsyncGenerator<T>): Promise<IteratorResult<T>> =>
      read[Symbol.asyncIterator]().next();

    it.each([
      ['a read of a stream', () => first(silent.readStream('case-1'))],
      ['a read of the log', () => first(silent.readAll())],
      ["a read of the log's head", () => silent.headPosition()],
      // An append reads the stream's tail first: a stalled server holds it there.
      ['a read of a stream', () => silent.append('case-1', [event()], { expectedRevision: 'no_stream' })],
    ])('gives up on %s after its answer timeout, as the port says it', async (what, ask) => {
      // Without its deadline the read waits for ever, and the test's own time runs out.
      const asked = ask();
      await expect(asked).rejects.toThrow(EventStoreUnavailableError);
      await expect(asked).rejects.toThrow(new RegExp(`did not answer ${what} within 0.3 s$`));
    });
  });
});
