import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '@trust-ledger/event-store';
import {
  LocalKeyProvider,
  PersonalDataCipher,
  PersonalDataCodec,
  SqliteKeyStore,
  isSealed,
  keyStoreFile,
  loadMasterKey,
  subjectKeyId,
  victimKeyId,
} from '@trust-ledger/privacy';

/**
 * The free text officers type on a person's record may name or describe them: it is sealed with the
 * person's key like their data, and forgotten with it.
 */

let dir: string;
let keys: SqliteKeyStore;
let cipher: PersonalDataCipher;
let codec: PersonalDataCodec;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'codec-'));
  keys = new SqliteKeyStore(keyStoreFile(dir));
  cipher = new PersonalDataCipher(keys, new LocalKeyProvider(loadMasterKey(dir)));
  codec = new PersonalDataCodec(cipher);
});

afterEach(() => {
  keys.close();
  rmSync(dir, { recursive: true, force: true });
});

const decision = {
  requestId: 'r-1',
  outcome: 'HONORED',
  basis: 'NONE',
  exceptionCode: null,
  decidedAt: '2025-02-28T11:00:00Z',
  rationale: 'Ms Example asked to be handed over',
};

/** Each free-text field's event on its stream, with the path to the text and the text. */
const FREE_TEXT: { streamId: string; type: string; data: JsonObject; path: (string | number)[] }[] = [
  {
    streamId: 'case-c-1',
    type: 'CaseOpened',
    data: {
      caseId: 'c-1',
      convictions: [
        { offense: 'Assault on her neighbour', category: 'MISDEMEANOR', convictedAt: '2019-06-01' },
        { offense: 'Theft from her employer', category: 'OTHER_FELONY', convictedAt: '2020-01-01' },
      ],
    },
    path: ['convictions', 1, 'offense'],
  },
  { streamId: 'case-c-1', type: 'DecisionRecorded', data: decision, path: ['rationale'] },
  {
    streamId: 'case-c-1',
    type: 'DecisionAmended',
    data: { ...decision, reason: 'Her lawyer showed the warrant was void' },
    path: ['reason'],
  },
  {
    streamId: 'case-c-1',
    type: 'DecisionAmended',
    data: { ...decision, reason: 'r' },
    path: ['rationale'],
  },
  {
    streamId: 'case-c-1',
    type: 'CaseClosed',
    data: { closedAt: '2025-03-01T09:00:00Z', reason: 'Ms Example was deported' },
    path: ['reason'],
  },
  {
    streamId: 'certification-v-1',
    type: 'CertificationRequested',
    data: { certificationId: 'v-1', qualifyingActivity: 'Beaten by her husband, Joe Example' },
    path: ['qualifyingActivity'],
  },
  {
    streamId: 'certification-v-1',
    type: 'AssistanceRefusalRecorded',
    data: { at: '2025-02-21T10:00:00Z', description: 'She would not testify against her brother' },
    path: ['description'],
  },
  {
    streamId: 'certification-v-1',
    type: 'CertificationDecided',
    data: {
      outcome: 'CERTIFIED',
      decidedAt: '2025-02-25T10:00:00Z',
      grounds: null,
      explanation: 'She helped convict him',
    },
    path: ['explanation'],
  },
  {
    streamId: 'certification-v-1',
    type: 'CertificationWithdrawn',
    data: { at: '2025-02-25T10:00:00Z', reason: 'She left the country' },
    path: ['reason'],
  },
  // Why a reader read the person's data, on the access log of the case or certification read.
  {
    streamId: 'access-log-c-1',
    type: 'PersonalDataAccessed',
    data: { caseId: 'c-1', view: 'CASE', purpose: 'Checking on Ms Example’s release date' },
    path: ['purpose'],
  },
  {
    streamId: 'access-log-certification-v-1',
    type: 'PersonalDataAccessed',
    data: { certificationId: 'v-1', view: 'CERTIFICATION', purpose: 'Whether Ms Example may testify' },
    path: ['purpose'],
  },
  // Not free text, but as telling: a docket number names the person's court case.
  {
    streamId: 'case-c-1',
    type: 'FederalRequestReceived',
    data: {
      requestId: 'r-1',
      documents: [
        { kind: 'ADMINISTRATIVE_WARRANT', issuerRole: 'IMMIGRATION_OFFICER' },
        {
          kind: 'JUDICIAL_WARRANT',
          issuerRole: 'JUDGE',
          court: 'Court',
          judgeName: 'J',
          docketNumber: 'CR-2025-0117',
        },
      ],
    },
    path: ['documents', 1, 'docketNumber'],
  },
];

const at = (data: JsonObject, path: (string | number)[]): unknown =>
  path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], data);
const keyOf = (streamId: string): string =>
  streamId.startsWith('case-') || streamId === 'access-log-c-1' ? subjectKeyId('c-1') : victimKeyId('v-1');
const label = FREE_TEXT.map((f) => [`${f.type} ${f.path.join('.')}`, f] as const);

describe('free text on a person’s record', () => {
  it.each(label)('seals %s with the person’s key and reveals it to readers', async (_name, f) => {
    const stored = await codec.encode(f.streamId, { type: f.type, data: f.data });
    const sealed = at(stored.data, f.path);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).toMatchObject({ keyId: keyOf(f.streamId), shape: '[erased]' });
    expect(JSON.stringify(stored.data)).not.toContain(at(f.data, f.path) as string);
    expect(await codec.decode({ streamId: f.streamId, ...stored })).toEqual({ type: f.type, data: f.data });
  });

  it.each(label)('reads %s as "[erased]" once the key is destroyed', async (_name, f) => {
    const stored = await codec.encode(f.streamId, { type: f.type, data: f.data });
    cipher.erase(keyOf(f.streamId));
    const { data } = await codec.decode({ streamId: f.streamId, ...stored });
    expect(at(data, f.path)).toBe('[erased]');
  });

  it.each(label)('reads %s held in clear by an older event as "[erased]" after erasure', async (_name, f) => {
    const older = { streamId: f.streamId, type: f.type, data: f.data };
    // Before: the clear value as recorded (the person's key exists once anything was sealed for them).
    await cipher.seal(keyOf(f.streamId), 'anything');
    expect((await codec.decode(older)).data).toEqual(f.data);
    cipher.erase(keyOf(f.streamId));
    expect(at((await codec.decode(older)).data, f.path)).toBe('[erased]');
  });

  it('keeps what the rules read in clear: a conviction’s category and date, a decision’s outcome', async () => {
    const [opening, decided] = FREE_TEXT;
    const stored = await codec.encode(opening.streamId, opening);
    expect(stored.data.convictions).toEqual([
      expect.objectContaining({ category: 'MISDEMEANOR', convictedAt: '2019-06-01' }),
      expect.objectContaining({ category: 'OTHER_FELONY', convictedAt: '2020-01-01' }),
    ]);
    const { rationale, ...rest } = (await codec.encode(decided.streamId, decided)).data;
    expect(isSealed(rationale)).toBe(true);
    const { rationale: _typed, ...facts } = decision;
    expect(rest).toEqual(facts);
  });

  it('stores "[erased]" for free text recorded after the erasure', async () => {
    const closing = FREE_TEXT.find((f) => f.type === 'CaseClosed')!;
    await cipher.seal(subjectKeyId('c-1'), 'anything');
    cipher.erase(subjectKeyId('c-1'));
    const stored = await codec.encode(closing.streamId, closing);
    expect(stored.data).toEqual({ ...closing.data, reason: '[erased]' });
  });
});
