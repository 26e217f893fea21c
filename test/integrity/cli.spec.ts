import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type EventToAppend, type RecordedEvent } from '@trust-ledger/event-store';
import {
  EvidenceSigner,
  HashChainingEventStore,
  IntegrityCheckpointer,
  loadOrCreateSigningKey,
  PUBLIC_KEY_FILE,
  serializeEvidence,
  type CheckpointData,
} from '@trust-ledger/integrity';
import { runCli } from '../support/cli-in-process';
import { withEnv } from '../support/with-env';

const A = 'case-5e3b7c2a-9d41-4f6e-8a10-2b4c6d8e0f01';
const B = 'case-5e3b7c2a-9d41-4f6e-8a10-2b4c6d8e0f02';

let dir: string;
/** What `verify` prints of the checkpoint recorded below, with its digest, to keep outside the database. */
let LAST_CHECKPOINT: string;
/** The same checkpoint as `--anchor` takes it: its revision and digest. */
let ANCHOR: string;
const previousDataDir = process.env.DATA_DIR;

const cli = (...args: string[]) => runCli(...args);

const storeFile = (): string => join(dir, 'trust-ledger.db');

const note = (n: number): EventToAppend => ({
  id: randomUUID(),
  type: 'NoteRecorded',
  data: { n },
  metadata: {
    recordedAt: `2024-06-15T1${n}:00:00Z`,
    correlationId: randomUUID(),
    causationId: null,
    actor: 'a',
  },
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-verify-'));
  process.env.DATA_DIR = dir;
  const store = new HashChainingEventStore(new SqliteEventStore(storeFile()));
  for (const streamId of [A, B]) {
    for (let n = 0; n < 3; n++) {
      await store.append(streamId, [note(n)], { expectedRevision: 'any' });
    }
  }
  const clock = { now: () => '2024-06-16T00:00:00.000Z' };
  const checkpoint = await new IntegrityCheckpointer(store, clock, loadOrCreateSigningKey(dir)).record();
  LAST_CHECKPOINT = `Last checkpoint: revision 0 (2024-06-16T00:00:00.000Z, log position ${checkpoint!.position}), digest ${checkpoint!.digest}, signed by key ${checkpoint!.signature!.keyId}`;
  ANCHOR = `0:${checkpoint!.digest}`;
  await store.close();
});

afterEach(() => {
  process.env.DATA_DIR = previousDataDir;
  rmSync(dir, { recursive: true, force: true });
});

function tamper(sql: string, ...params: unknown[]): void {
  const db = new Database(storeFile());
  db.prepare(sql).run(...params);
  db.close();
}

describe('npm run cli -- verify', () => {
  it('exits 0 on an intact log', async () => {
    expect(await cli('verify')).toEqual({
      code: 0,
      out: `OK: 7 events checked, every hash chain intact\n${LAST_CHECKPOINT}\n`,
    });
    expect(await cli('verify', '--stream', A)).toEqual({
      code: 0,
      out: 'OK: 3 events checked, every hash chain intact\n',
    });
    expect(await cli('verify', '--stream', 'case-nosuch')).toEqual({
      code: 1,
      out: 'FAILED: no stream case-nosuch in the log (is the id right?)\n',
    });
  });

  it('names an event altered into something that is not JSON as a break, and goes on to the rest', async () => {
    tamper(`UPDATE events SET data = '{"n":' WHERE stream_id = ? AND revision = 1`, A);
    tamper(`UPDATE events SET data = '{"n":9}' WHERE stream_id = ? AND revision = 1`, B);
    const { code, out } = await cli('verify');
    expect(code).toBe(1);
    expect(out.split('\n')).toEqual([
      `BREAK ${A} revision 1: the stored event is not valid JSON (it was altered)`,
      `BREAK ${B} revision 1: content does not match its hash (edited, moved or reordered)`,
      'FAILED: 2 break(s) in 7 events checked',
      LAST_CHECKPOINT,
      '',
    ]);
    expect(await cli('verify', '--stream', A)).toEqual({
      code: 1,
      out: `BREAK ${A} revision 1: the stored event is not valid JSON (it was altered)\nFAILED: 1 break(s) in 3 events checked\n`,
    });
  });

  it('exits 1 and names each break by stream and revision', async () => {
    tamper(`UPDATE events SET data = '{"n":9}' WHERE stream_id = ? AND revision = 1`, A);
    tamper(`DELETE FROM events WHERE stream_id = ? AND revision = 2`, B);
    const { code, out } = await cli('verify');
    expect(code).toBe(1);
    expect(out.split('\n')).toEqual([
      `BREAK ${A} revision 1: content does not match its hash (edited, moved or reordered)`,
      expect.stringMatching(
        new RegExp(`^BREAK ${B} revision 2: revision 2 is missing \\(deleted tail\\): checkpoint 0 `),
      ),
      'FAILED: 2 break(s) in 6 events checked',
      LAST_CHECKPOINT,
      '',
    ]);
    expect((await cli('verify', '--stream', B)).code).toBe(1);
    expect((await cli('verify', '--stream', A)).code).toBe(1);
  });

  it('gives up on an EventStoreDB that does not answer and names it, as the service does', async () => {
    await withEnv(
      { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false' },
      () => expect(cli('verify')).rejects.toThrow('EventStoreDB at 127.0.0.1:1 cannot be read'),
    );
  });

  it('shows a deleted checkpoint stream only as "no checkpoint", which the digest kept outside contradicts', async () => {
    expect((await cli('verify', '--anchor', ANCHOR)).code).toBe(0);
    tamper(`DELETE FROM events WHERE stream_id = 'integrity'`);
    expect(await cli('verify')).toEqual({
      code: 0,
      out: 'OK: 6 events checked, every hash chain intact\nNo checkpoint recorded yet\n',
    });
    const cut =
      'BREAK integrity revision 0: the checkpoint stream ends before revision 0, whose digest is kept outside the database (cut back or replaced)\n';
    expect(await cli('verify', '--anchor', ANCHOR)).toEqual({
      code: 1,
      out: `${cut}FAILED: 1 break(s) in 6 events checked\nNo checkpoint recorded yet\n`,
    });
    expect(await cli('verify', '--stream', A, '--anchor', ANCHOR)).toEqual({
      code: 1,
      out: `${cut}FAILED: 1 break(s) in 3 events checked\n`,
    });
    // INTEGRITY_ANCHOR is the default.
    process.env.INTEGRITY_ANCHOR = ANCHOR;
    try {
      expect((await cli('verify')).code).toBe(1);
    } finally {
      delete process.env.INTEGRITY_ANCHOR;
    }
    await expect(cli('verify', '--anchor', '0:abc')).rejects.toThrow('--anchor must be <revision>:<digest>');
  });

  describe('signed checkpoints', () => {
    let otherDir: string;
    let otherKey: string;
    const ownKey = (): string => join(dir, PUBLIC_KEY_FILE);

    beforeEach(() => {
      otherDir = mkdtempSync(join(tmpdir(), 'cli-other-key-'));
      loadOrCreateSigningKey(otherDir);
      otherKey = join(otherDir, PUBLIC_KEY_FILE);
    });
    afterEach(() => rmSync(otherDir, { recursive: true, force: true }));

    /** Appends a note to A and records a checkpoint signed with the key in `keyDir`. */
    async function signedCheckpoint(keyDir: string): Promise<CheckpointData> {
      const store = new HashChainingEventStore(new SqliteEventStore(storeFile()));
      try {
        await store.append(A, [note(3)], { expectedRevision: 2 });
        const clock = { now: () => '2024-06-17T00:00:00.000Z' };
        return (await new IntegrityCheckpointer(store, clock, loadOrCreateSigningKey(keyDir)).record())!;
      } finally {
        await store.close();
      }
    }

    it("leaves a signature by a key neither DATA_DIR's nor trusted unchecked, and says so", async () => {
      const { signature } = await signedCheckpoint(otherDir);
      const { code, out } = await cli('verify');
      expect(code).toBe(0);
      expect(out).toMatch(
        new RegExp(
          `, signed by key ${signature!.keyId}, not checked \\(neither DATA_DIR's key nor a trusted one: pass --public-key\\)\n$`,
        ),
      );
    });

    it('checks signatures by the keys in EVIDENCE_TRUSTED_PUBLIC_KEYS too', async () => {
      const { signature } = await signedCheckpoint(otherDir);
      process.env.EVIDENCE_TRUSTED_PUBLIC_KEYS = readFileSync(otherKey, 'utf8');
      try {
        const { code, out } = await cli('verify');
        expect(code).toBe(0);
        expect(out).toMatch(new RegExp(`, signed by key ${signature!.keyId}\n$`));
        // A trusted key's signature is checked, not merely named: a changed checkpoint is a break.
        tamper(
          `UPDATE events SET data = json_set(data, '$.checkpointedAt', '2024-06-18T00:00:00.000Z')
           WHERE stream_id = 'integrity' AND revision = 1`,
        );
        expect((await cli('verify')).out).toContain(
          'BREAK integrity revision 1: checkpoint signature: the signature does not match the content',
        );
      } finally {
        delete process.env.EVIDENCE_TRUSTED_PUBLIC_KEYS;
      }
    });

    it('with --public-key, accepts signatures by the keys given only', async () => {
      expect((await cli('verify', '--public-key', ownKey())).code).toBe(0);
      const { code, out } = await cli('verify', '--public-key', otherKey);
      expect(code).toBe(1);
      expect(out).toContain(
        `BREAK integrity revision 0: checkpoint is signed by key ${LAST_CHECKPOINT.split(' ').pop()}, which is not among the public keys given\n`,
      );
      // The last line says the same, not to pass the --public-key that was passed.
      expect(out).toMatch(/, signed by key [0-9a-f]{32}, which is not among the public keys given\n$/);
      // One stream: the last checkpoint's signature, checked with the keys given.
      expect((await cli('verify', '--stream', A, '--public-key', ownKey())).code).toBe(0);
      expect(await cli('verify', '--stream', A, '--public-key', otherKey)).toEqual({
        code: 1,
        out:
          `BREAK integrity revision 0: checkpoint is signed by key ${LAST_CHECKPOINT.split(' ').pop()}, which is not among the public keys given\n` +
          'FAILED: 1 break(s) in 3 events checked\n',
      });
      // After the key was changed, the key used before is given as well.
      await signedCheckpoint(otherDir);
      expect((await cli('verify', '--public-key', otherKey)).code).toBe(1);
      expect((await cli('verify', '--public-key', otherKey, '--public-key', ownKey())).code).toBe(0);
    });
  });

  it('refuses to verify a DATA_DIR without an event store rather than pass it, and does not make one', async () => {
    process.env.DATA_DIR = join(dir, 'mistyped');
    await expect(cli('verify')).rejects.toThrow(`DATA_DIR ${join(dir, 'mistyped')} does not exist`);
    expect(existsSync(join(dir, 'mistyped'))).toBe(false);

    mkdirSync(join(dir, 'empty'));
    process.env.DATA_DIR = join(dir, 'empty');
    await expect(cli('verify')).rejects.toThrow(`no event store at ${join(dir, 'empty', 'trust-ledger.db')}`);
    expect(readdirSync(join(dir, 'empty'))).toEqual([]);
  });

  it('changes nothing in a log left by a crash: the file stays byte for byte, and no secret is made', async () => {
    // A copy taken while the writer still had events in its WAL, as a kill -9 leaves the files.
    const store = new HashChainingEventStore(new SqliteEventStore(storeFile()));
    await store.append(A, [note(3)], { expectedRevision: 2 });
    const crashed = join(dir, 'crashed');
    mkdirSync(crashed);
    for (const file of ['trust-ledger.db', 'trust-ledger.db-wal']) {
      writeFileSync(join(crashed, file), readFileSync(join(dir, file)));
    }
    await store.close();
    process.env.DATA_DIR = crashed;
    const digest = (): string =>
      createHash('sha256')
        .update(readFileSync(join(crashed, 'trust-ledger.db')))
        .digest('hex');
    const before = digest();

    const { code, out } = await cli('verify', '--stream', A);
    expect({ code, out }).toEqual({ code: 0, out: 'OK: 4 events checked, every hash chain intact\n' });
    expect(digest()).toBe(before);
    expect(existsSync(join(crashed, 'jwt-secret'))).toBe(false);
  });
});

describe('npm run cli -- verify-evidence', () => {
  let packFile: string;

  beforeEach(async () => {
    const events: RecordedEvent[] = [];
    const store = new SqliteEventStore(storeFile());
    for await (const event of store.readStream(A)) events.push(event);
    await store.close();
    const signed = new EvidenceSigner(loadOrCreateSigningKey(dir)).sign({ caseId: A.slice(5), events });
    packFile = join(dir, 'evidence.json');
    writeFileSync(packFile, serializeEvidence(signed));
  });

  it('exits 0 for an untouched pack, using the public key in DATA_DIR', async () => {
    const { code, out } = await cli('verify-evidence', packFile);
    expect(code).toBe(0);
    expect(out).toMatch(/^OK: .* is signed by key [0-9a-f]{32} and its 3 events form intact hash chains\n$/);
  });

  it('exits 1 with a clear message when a byte was changed', async () => {
    const bytes = readFileSync(packFile);
    bytes[bytes.indexOf('"n":1') + 4] = '7'.charCodeAt(0);
    writeFileSync(packFile, bytes);
    expect(await cli('verify-evidence', packFile)).toEqual({
      code: 1,
      out:
        `FAILED: ${packFile} cannot be trusted:\n` +
        '  - the signature does not match the content (the document was changed)\n' +
        `  - ${A} revision 1: content does not match its hash (edited, moved or reordered)\n`,
    });
  });

  it('exits 1 when checked against another public key', async () => {
    const otherDir = join(dir, 'other');
    const otherKey = join(otherDir, 'evidence-signing-key.pub.pem');
    mkdirSync(otherDir);
    loadOrCreateSigningKey(otherDir);
    const { code, out } = await cli('verify-evidence', packFile, '--public-key', otherKey);
    expect(code).toBe(1);
    expect(out).toMatch(/signed with key [0-9a-f]{32}, but the public key given is [0-9a-f]{32}/);
  });

  it('says in words what is wrong with a path given, and where the public key should come from', async () => {
    await expect(cli('verify-evidence', dir)).rejects.toThrow(`the pack: ${dir} is a directory, not a file`);
    await expect(cli('verify-evidence', join(dir, 'nosuch.json'))).rejects.toThrow(
      `the pack: no such file: ${join(dir, 'nosuch.json')}`,
    );
    // Counsel's machine: no DATA_DIR there.
    process.env.DATA_DIR = join(dir, 'elsewhere');
    await expect(cli('verify-evidence', packFile)).rejects.toThrow(
      `no public key at ${join(dir, 'elsewhere', 'evidence-signing-key.pub.pem')}: pass --public-key`,
    );
  });

  it('refuses a private key passed as the public one, by verify-evidence and verify alike', async () => {
    const privateKey = join(dir, 'evidence-signing-key.pem');
    const refusal = `${privateKey} is a private key: give its public key (evidence-signing-key.pub.pem)`;
    await expect(cli('verify-evidence', packFile, '--public-key', privateKey)).rejects.toThrow(refusal);
    await expect(cli('verify', '--public-key', privateKey)).rejects.toThrow(refusal);
  });
});
