import { NotFoundError } from '@trust-ledger/domain';
import { SqliteEventStore, type JsonObject, type RecordedEvent } from '@trust-ledger/event-store';
import { OpaquePositions } from '@trust-ledger/privacy';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityEventCodec } from '../../../../test/support/identity-event-codec';
import type { PageQuery } from '../common/page-query';
import { StreamHistories } from './stream-history';

/** The identity codec, noting each event it is asked to decode (reveal). */
class CountingCodec extends IdentityEventCodec {
  readonly decoded: number[] = [];
  override decode(recorded: RecordedEvent) {
    this.decoded.push(recorded.revision);
    return super.decode(recorded);
  }
}

describe('StreamHistories', () => {
  const positions = new OpaquePositions(randomBytes(32));
  const streamId = `case-${randomUUID()}`;
  const counsel = { sub: 'counsel-1', role: 'counsel' as const, agencyId: null };
  const notFound = () => new NotFoundError('CASE_NOT_FOUND', 'no such case');
  let dir: string;
  let store: SqliteEventStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trust-ledger-history-'));
    store = new SqliteEventStore(join(dir, 'trust-ledger.db'));
    const metadata = {
      recordedAt: '2025-03-01T12:00:00Z',
      correlationId: 'c',
      causationId: null,
      actor: 'a',
    };
    const events: Array<[string, JsonObject]> = [
      ['CaseOpened', { agencyId: 'agency-a', subject: { fullName: 'X' } }],
      ['FederalRequestReceived', { n: 1 }],
      ['CaseClosed', { n: 2 }],
    ];
    await store.append(
      streamId,
      events.map(([type, data]) => ({ id: randomUUID(), type, data, metadata })),
      { expectedRevision: 'no_stream' },
    );
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const read = async (page: PageQuery) => {
    const codec = new CountingCodec();
    const result = await new StreamHistories(store, codec, positions).page(counsel, streamId, page, notFound);
    return { revisions: result.items.map((i) => i.revision), decoded: codec.decoded, result };
  };

  it('decodes each event of the first page once', async () => {
    const { revisions, decoded, result } = await read({ limit: 2 });
    expect(revisions).toEqual([0, 1]);
    expect(result.nextCursor).toBe('2');
    expect(result.items[0].data).toEqual({ agencyId: 'agency-a', subject: { fullName: 'X' } });
    // Positions are sealed (API.md: opaque), and open to the events'.
    const stored: RecordedEvent[] = [];
    for await (const event of store.readStream(streamId)) stored.push(event);
    expect(result.items.map((i) => positions.open(i.position))).toEqual(
      stored.slice(0, 2).map((e) => e.position),
    );
    expect(result.items.map((i) => i.position)).not.toContain(stored[0].position);
    expect(decoded).toEqual([0, 1]);
  });

  it('decodes only the page on a later page: the agency is read from the first event as stored', async () => {
    const { revisions, decoded } = await read({ cursor: '2', limit: 2 });
    expect(revisions).toEqual([2]);
    expect(decoded).toEqual([2]);
  });

  it("refuses another agency's officer as if the stream did not exist, decoding nothing", async () => {
    const officer = { sub: 'officer-9', role: 'officer' as const, agencyId: 'agency-b' };
    const codec = new CountingCodec();
    await expect(
      new StreamHistories(store, codec, positions).page(officer, streamId, {}, notFound),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(codec.decoded).toEqual([]);
  });
});
