import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SqliteEventStore, type EventStore, type RecordedEvent } from '@trust-ledger/event-store';
import {
  EvidenceSigner,
  HashChainingEventStore,
  PUBLIC_KEY_FILE,
  SIGNING_KEY_FILE,
  loadOrCreateSigningKey,
  parsePublicKey,
  serializeEvidence,
  signingKeyId,
  verifyEvidence,
  verifyEvidenceFile,
  verifyStream,
  type EvidenceSigningKey,
} from '@trust-ledger/integrity';

const STREAM = 'case-3d0c5a52-1f7e-4c1b-9a55-6b0f0e1d2c01';

let dir: string;
let key: EvidenceSigningKey;
let signer: EvidenceSigner;
let events: RecordedEvent[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'evidence-'));
  key = loadOrCreateSigningKey(dir);
  signer = new EvidenceSigner(key);
  const store: EventStore = new HashChainingEventStore(new SqliteEventStore(join(dir, 'trust-ledger.db')));
  const types = ['CaseOpened', 'FederalRequestReceived', 'DecisionRecorded'];
  for (const [i, type] of types.entries()) {
    await store.append(
      STREAM,
      [
        {
          id: randomUUID(),
          type,
          data: { n: i, note: 'declined: no judicial warrant' },
          metadata: {
            recordedAt: `2024-06-15T1${i}:00:00Z`,
            correlationId: randomUUID(),
            causationId: null,
            actor: 'officer-1',
          },
        },
      ],
      { expectedRevision: i === 0 ? 'no_stream' : i - 1 },
    );
  }
  events = [];
  for await (const event of store.readStream(STREAM)) events.push(event);
  const integrity = await verifyStream(store, STREAM);
  await store.close();
  pack = signer.sign({
    caseId: STREAM.slice(5),
    generatedAt: '2024-06-20T12:00:00Z',
    events,
    integrity,
    violations: [],
    ordinanceVersions: [],
  });
});

let pack: ReturnType<EvidenceSigner['sign']>;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fileOf = (document: object): Buffer => Buffer.from(serializeEvidence(document), 'utf8');

describe('evidence signing', () => {
  it('signs the canonical JSON of the document with Ed25519 and names the key', () => {
    expect(pack.signature).toEqual({ algorithm: 'Ed25519', keyId: key.keyId, value: expect.any(String) });
    const der = key.publicKey.export({ type: 'spki', format: 'der' });
    expect(key.keyId).toBe(createHash('sha256').update(der).digest('hex').slice(0, 32));
    expect(verifyEvidence(pack, key.publicKey)).toEqual({ valid: true });
    expect(signer.publicSigningKey()).toEqual({
      algorithm: 'Ed25519',
      keyId: key.keyId,
      publicKey: expect.stringContaining('-----BEGIN PUBLIC KEY-----'),
      trustedKeys: [],
    });
  });

  it('verifies an untouched pack file, with or without a trailing newline', () => {
    expect(verifyEvidenceFile(fileOf(pack), key.publicKey)).toEqual({
      valid: true,
      checkedEvents: 3,
      problems: [],
    });
    const withNewline = Buffer.concat([fileOf(pack), Buffer.from('\n')]);
    expect(verifyEvidenceFile(withNewline, key.publicKey).valid).toBe(true);
  });

  it('fails when any single byte of the file is changed', () => {
    const file = fileOf(pack);
    fc.assert(
      fc.property(fc.nat({ max: file.length - 1 }), fc.integer({ min: 1, max: 255 }), (position, mask) => {
        const changed = Buffer.from(file);
        changed[position] ^= mask;
        expect(verifyEvidenceFile(changed, key.publicKey).valid).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('fails with another key, naming both keys', () => {
    const other = generateKeyPairSync('ed25519').publicKey;
    expect(verifyEvidenceFile(fileOf(pack), other)).toEqual({
      valid: false,
      checkedEvents: 3,
      problems: [`signed with key ${key.keyId}, but the public key given is ${signingKeyId(other)}`],
    });
  });

  it('fails on a reformatted file, even though its content is the same', () => {
    const pretty = Buffer.from(JSON.stringify(pack, null, 2));
    expect(verifyEvidenceFile(pretty, key.publicKey).problems).toEqual([
      'the file is not byte for byte the canonical JSON that was signed (it was changed or reformatted)',
    ]);
  });

  it('says where a damaged file stops being JSON, without quoting what it holds', () => {
    // V8 quotes the text around an unexpected token, and names the position only for some errors.
    const damaged = Buffer.from('{"subject":{"fullName":Zelda Quintanilla}}');
    expect(verifyEvidenceFile(damaged, key.publicKey).problems).toEqual(['the file is not valid JSON']);
    const cut = Buffer.from('{"subject":{"fullName":"Zelda Quintanilla"}');
    expect(verifyEvidenceFile(cut, key.publicKey).problems).toEqual([
      expect.stringMatching(/^the file is not valid JSON \(at position \d+\)$/),
    ]);
  });

  it('finds a broken chain even in a pack signed after the events were altered', () => {
    const altered = events.map((e) =>
      e.revision === 1 ? { ...e, data: { ...e.data, note: 'honored' } } : e,
    );
    const result = verifyEvidenceFile(fileOf(signer.sign({ ...pack, events: altered })), key.publicKey);
    expect(result.problems).toEqual([
      `${STREAM} revision 1: content does not match its hash (edited, moved or reordered)`,
    ]);
    const truncated = events.filter((e) => e.revision !== 1);
    expect(
      verifyEvidenceFile(fileOf(signer.sign({ ...pack, events: truncated })), key.publicKey).problems,
    ).toEqual([`${STREAM} revision 1: revision 1 is missing (deleted)`]);
  });

  it('checks the chains of the streams the violations rest on (citedEvents) like the record’s own', () => {
    const cited = { ...pack, events: [], citedEvents: events };
    expect(verifyEvidenceFile(fileOf(signer.sign(cited)), key.publicKey)).toMatchObject({
      valid: true,
      checkedEvents: 3,
    });
    const gap = { ...cited, citedEvents: events.filter((e) => e.revision !== 1) };
    expect(verifyEvidenceFile(fileOf(signer.sign(gap)), key.publicKey).problems).toEqual([
      `${STREAM} revision 1: revision 1 is missing (deleted)`,
    ]);
  });

  it('fails a pack whose own integrity says the server found the log broken, its events intact', () => {
    const tail = events.filter((e) => e.revision < 2);
    const broken = {
      valid: false,
      checkedEvents: 2,
      breaks: [{ streamId: STREAM, revision: 2, reason: 'revision 2 is missing (deleted tail)' }],
    };
    expect(
      verifyEvidenceFile(fileOf(signer.sign({ ...pack, events: tail, integrity: broken })), key.publicKey),
    ).toEqual({
      valid: false,
      checkedEvents: 2,
      problems: [
        `the server found the record's log broken when it made the pack: ${STREAM} revision 2: revision 2 is missing (deleted tail)`,
      ],
    });
  });
});

describe('the signing key', () => {
  it('is generated once into DATA_DIR (private key owner-only) with its public key beside it', () => {
    expect(statSync(join(dir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
    const again = loadOrCreateSigningKey(dir);
    expect(again.keyId).toBe(key.keyId);
    const publicFile = join(dir, PUBLIC_KEY_FILE);
    expect(signingKeyId(parsePublicKey(readFileSync(publicFile, 'utf8'), publicFile))).toBe(key.keyId);
  });

  it('can come from configuration, and must be Ed25519', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'evidence-config-'));
    try {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const configured = loadOrCreateSigningKey(
        elsewhere,
        privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      );
      expect(configured.keyId).toBe(signingKeyId(publicKey));
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      });
      expect(() => loadOrCreateSigningKey(elsewhere, rsa.toString())).toThrow(
        'EVIDENCE_SIGNING_KEY is not an Ed25519 private key',
      );
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
