import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseStreamId, type CaseOpened } from '@trust-ledger/domain';
import {
  certificationStreamId,
  type CertificationRequested,
} from '@trust-ledger/domain/certification/certification.events';
import {
  SqliteEventStore,
  type EventStore,
  type JsonObject,
  type RecordedEvent,
} from '@trust-ledger/event-store';
import { HashChainingEventStore, verifyAll } from '@trust-ledger/integrity';
import {
  LocalKeyProvider,
  PersonalDataCipher,
  PersonalDataCodec,
  SqliteKeyStore,
  keyStoreFile,
  loadMasterKey,
  subjectKeyId,
  victimKeyId,
} from '@trust-ledger/privacy';

const CASE_ID = '0b9e4c1d-7a52-4f0e-9d31-5c8a2e6f1a01';
const CERTIFICATION_ID = '0b9e4c1d-7a52-4f0e-9d31-5c8a2e6f1a02';

const opened: CaseOpened = {
  type: 'CaseOpened',
  data: {
    caseId: CASE_ID,
    agencyId: 'agency-county-jail',
    openedAt: '2024-06-15T08:00:00Z',
    subject: {
      fullName: 'Esperanza Villalobos Quintero',
      dateOfBirth: '1979-03-28',
      aNumber: 'A-087-431-926',
      preferredLanguage: 'es',
      attorney: { name: 'Theodora Blackwood', phone: '+1 412 555 0199' },
      designee: { name: 'Ignacio Villalobos', phone: '+1 412 555 0123' },
    },
    subjectProfile: { hasAttorney: true, hasDesignee: true },
    custody: { status: 'IN_CUSTODY', bookedAt: '2024-06-15T07:00:00Z' },
    convictions: [],
  },
};

const requested: CertificationRequested = {
  type: 'CertificationRequested',
  data: {
    certificationId: CERTIFICATION_ID,
    agencyId: 'agency-police',
    form: 'I-918B',
    requestedAt: '2024-06-16T10:00:00Z',
    requester: 'ATTORNEY',
    inRemovalProceedings: false,
    qualifyingActivity: 'domestic violence',
    victim: { fullName: 'Wilhelmina Okonkwo-Reyes', dateOfBirth: '1992-08-14' },
  },
};

const PERSONAL = [
  'Esperanza Villalobos Quintero',
  '1979-03-28',
  'A-087-431-926',
  'Theodora Blackwood',
  '+1 412 555 0199',
  'Ignacio Villalobos',
  'Wilhelmina Okonkwo-Reyes',
  '1992-08-14',
];

let dir: string;
let store: EventStore;
let keys: SqliteKeyStore;
let cipher: PersonalDataCipher;
let codec: PersonalDataCodec;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'privacy-raw-'));
  store = new HashChainingEventStore(new SqliteEventStore(join(dir, 'trust-ledger.db')));
  keys = new SqliteKeyStore(keyStoreFile(dir));
  cipher = new PersonalDataCipher(keys, new LocalKeyProvider(loadMasterKey(dir)));
  codec = new PersonalDataCodec(cipher);
});

afterEach(async () => {
  await store.close();
  keys.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What the write path does: encode through the codec, then append. */
async function record(streamId: string, event: { type: string; data: object }): Promise<void> {
  const encoded = await codec.encode(streamId, event);
  await store.append(
    streamId,
    [
      {
        id: randomUUID(),
        ...encoded,
        metadata: {
          recordedAt: '2024-06-16T12:00:00Z',
          correlationId: randomUUID(),
          causationId: null,
          actor: 'officer-1',
        },
      },
    ],
    { expectedRevision: 'no_stream' },
  );
}

async function first(streamId: string): Promise<RecordedEvent> {
  for await (const event of store.readStream(streamId)) return event;
  throw new Error(`${streamId} is empty`);
}

/** Every file of the embedded store and the key store, as raw bytes. */
function databaseFiles(): Buffer[] {
  return ['trust-ledger.db', 'trust-ledger.db-wal', 'keys.db', 'keys.db-journal']
    .map((name) => join(dir, name))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file));
}

describe('personal data at rest', () => {
  beforeEach(async () => {
    await record(caseStreamId(CASE_ID), opened);
    await record(certificationStreamId(CERTIFICATION_ID), requested);
  });

  it('appears nowhere in the raw bytes of the event store or the key store', () => {
    const files = databaseFiles();
    expect(files.length).toBeGreaterThanOrEqual(3); // db, its WAL, keys.db
    for (const bytes of files) {
      for (const text of PERSONAL) expect(bytes.includes(text, 0, 'utf8')).toBe(false);
    }
    // The rest of the event is stored as it was: the rules still read it.
    expect(files[0].includes('agency-county-jail') || files[1].includes('agency-county-jail')).toBe(true);
  });

  it('reads back in clear through the codec, sealed without it', async () => {
    const raw = await first(caseStreamId(CASE_ID));
    expect(raw.data.subject).toMatchObject({ $sealed: 1, keyId: subjectKeyId(CASE_ID) });
    expect(raw.data.subjectProfile).toEqual(opened.data.subjectProfile);
    expect(await codec.decode(raw)).toEqual(opened);
    expect(await codec.decode(await first(certificationStreamId(CERTIFICATION_ID)))).toEqual(requested);
  });

  it('after erasure reads as "[erased]", the wrapped key is gone from keys.db, and the log is intact', async () => {
    const wrapped = keys.get(subjectKeyId(CASE_ID));
    if (!Buffer.isBuffer(wrapped)) throw new Error('no key was created');
    expect(readFileSync(keyStoreFile(dir)).includes(wrapped)).toBe(true);

    cipher.erase(subjectKeyId(CASE_ID));

    for (const bytes of databaseFiles()) expect(bytes.includes(wrapped)).toBe(false);
    const decoded = await codec.decode(await first(caseStreamId(CASE_ID)));
    expect(decoded.data.subject).toEqual({
      fullName: '[erased]',
      dateOfBirth: '[erased]',
      aNumber: '[erased]',
      preferredLanguage: '[erased]',
      attorney: { name: '[erased]', phone: '[erased]' },
      designee: { name: '[erased]', phone: '[erased]' },
    });
    expect(decoded.data.subjectProfile).toEqual(opened.data.subjectProfile);
    // Someone else's data is untouched.
    expect(await codec.decode(await first(certificationStreamId(CERTIFICATION_ID)))).toEqual(requested);
    expect(keys.get(victimKeyId(CERTIFICATION_ID))).toBeInstanceOf(Buffer);
    expect(await verifyAll(store)).toEqual({
      valid: true,
      checkedEvents: 2,
      breaks: [],
      lastCheckpoint: null,
    });
  });
});

describe('what events recorded before it was sealed hold in clear', () => {
  const streamId = caseStreamId(CASE_ID);
  /** As the service wrote them before languages were sealed: the opening's subject sealed, the rest as is. */
  const legacy = [
    {
      ...opened,
      data: { ...opened.data, subjectProfile: { ...opened.data.subjectProfile, preferredLanguage: 'yua' } },
    },
    {
      type: 'NoticeIssued',
      data: {
        noticeId: 'n-1',
        requestId: null,
        purpose: 'RELEASE_DATE',
        recipient: 'SUBJECT',
        language: 'yua',
      },
    },
    {
      type: 'CustodyAccessGranted',
      data: { requestId: null, agency: 'ICE', consent: { written: true, language: 'yua' } },
    },
  ];

  beforeEach(async () => {
    const [first, ...rest] = legacy;
    const sealedOpening = await codec.encode(streamId, first);
    await store.append(
      streamId,
      [sealedOpening, ...rest].map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: event.data as JsonObject,
        metadata: {
          recordedAt: '2024-06-16T12:00:00Z',
          correlationId: 'c',
          causationId: null,
          actor: 'officer-1',
        },
      })),
      { expectedRevision: 'no_stream' },
    );
  });

  const languages = async () => {
    const events: RecordedEvent[] = [];
    for await (const event of store.readStream(streamId)) events.push(event);
    const [o, n, a] = await Promise.all(events.map((event) => codec.decode(event)));
    return [
      (o.data.subjectProfile as JsonObject).preferredLanguage,
      n.data.language,
      (a.data.consent as JsonObject).language,
    ];
  };

  it('finds whose they are from the stream, so that a read never depends on the data being whole', async () => {
    cipher.erase(subjectKeyId(CASE_ID));
    const withoutId = { streamId, type: 'CaseOpened', data: { subject: { fullName: 'Someone In Clear' } } };
    expect((await codec.decode(withoutId)).data.subject).toEqual({ fullName: '[erased]' });
  });

  it('reads as recorded while the person is known, and "[erased]" once they are erased', async () => {
    expect(await languages()).toEqual(['yua', 'yua', 'yua']);
    cipher.erase(subjectKeyId(CASE_ID));
    expect(await languages()).toEqual(['[erased]', '[erased]', '[erased]']);
  });
});
