import Database from 'better-sqlite3';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaseBody } from '../support/case-bodies';
import { runCli } from '../support/cli-in-process';
import { startTestApp, type TestApp } from '../support/test-app';

const AGENCY = 'agency-a';
const previousDataDir = process.env.DATA_DIR;

let scratch: string;
let live: TestApp | undefined;
let restored: TestApp | undefined;

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'backup-'));
});
afterEach(async () => {
  await live?.close();
  await restored?.close();
  live = restored = undefined;
  process.env.DATA_DIR = previousDataDir;
  rmSync(scratch, { recursive: true, force: true });
});

const backup = (dataDir: string, target: string) => {
  process.env.DATA_DIR = dataDir;
  return runCli('backup', target);
};

/** A DATA_DIR a service ran on, the service stopped, for what a running one would not allow. */
async function stoppedDataDir(): Promise<string> {
  const app = await startTestApp({ dataDir: join(scratch, 'data') });
  await app.close();
  return app.dataDir;
}

const removeKeyStore = (dataDir: string): void => {
  for (const file of ['keys.db', 'keys.db-wal', 'keys.db-shm']) rmSync(join(dataDir, file), { force: true });
};

it('copies a running service’s data so that a service started on the copy serves what was recorded before it', async () => {
  live = await startTestApp({ dataDir: join(scratch, 'data') });
  const officer = await live.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  const before = openCaseBody(AGENCY);
  await live.post('/cases', officer, before).expect(201);

  const target = join(scratch, 'backup');
  const { code, out } = await backup(live.dataDir, target);
  expect(code).toBe(0);
  expect(out).toMatch(/^OK: backup in .*; its log verifies \(\d+ events, every hash chain intact\)$/m);
  // The idempotency store no newer than the log (else a retry of a command the log lacks is answered
  // as recorded), the key store no older (else the keys of people the log records are lost).
  expect(out.match(/(?<=^copied )(?:api|trust-ledger|keys)\.db$/gm)).toEqual([
    'api.db',
    'trust-ledger.db',
    'keys.db',
  ]);
  const after = openCaseBody(AGENCY);
  await live.post('/cases', officer, after).expect(201);
  await live.close();
  live = undefined;

  // Owner-only; the read models are left to the rebuild.
  expect(statSync(target).mode & 0o777).toBe(0o700);
  const files = readdirSync(target).sort();
  expect(files).toEqual(
    expect.arrayContaining([
      'api.db',
      'evidence-signing-key.pem',
      'keys.db',
      'master.key',
      'trust-ledger.db',
    ]),
  );
  expect(files).not.toContain('read-models.db');
  // A stolen backup must not mint tokens for the live service.
  expect(files).not.toContain('jwt-secret');
  for (const file of files) expect([file, statSync(join(target, file)).mode & 0o777]).toEqual([file, 0o600]);

  restored = await startTestApp({ dataDir: target });
  await restored.get(`/cases/${before.caseId}`, officer).expect(401);
  const again = await restored.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  const read = await restored
    .get(`/cases/${before.caseId}?minPosition=${restored.sealed('1')}`, again)
    .expect(200);
  // The person's data decrypts: the key store came with the log.
  expect(read.body.subject.fullName).toBe(before.subject.fullName);
  await restored.get(`/cases/${after.caseId}`, again).expect(404);
});

it('refuses a directory that is not empty, and copies nothing into it', async () => {
  live = await startTestApp({ dataDir: join(scratch, 'data') });
  const target = join(scratch, 'occupied');
  mkdirSync(target);
  writeFileSync(join(target, 'notes.txt'), 'mine');
  await expect(backup(live.dataDir, target)).rejects.toThrow(`${target} is not empty`);
  expect(readdirSync(target)).toEqual(['notes.txt']);
});

it('refuses a directory inside DATA_DIR, even through a link, and a DATA_DIR without a log', async () => {
  live = await startTestApp({ dataDir: join(scratch, 'data') });
  const inside = join(live.dataDir, 'backup');
  await expect(backup(live.dataDir, inside)).rejects.toThrow(`${inside} is inside DATA_DIR`);
  expect(existsSync(inside)).toBe(false);
  symlinkSync(live.dataDir, join(scratch, 'link'));
  await expect(backup(live.dataDir, join(scratch, 'link', 'backup'))).rejects.toThrow('is inside DATA_DIR');
  // A name that merely starts with two dots is inside it all the same.
  await expect(backup(live.dataDir, join(live.dataDir, '..backup'))).rejects.toThrow('is inside DATA_DIR');
  expect(existsSync(join(live.dataDir, '..backup'))).toBe(false);

  const empty = join(scratch, 'empty');
  mkdirSync(empty);
  await expect(backup(empty, join(scratch, 'backup'))).rejects.toThrow(
    `${join(empty, 'trust-ledger.db')} does not exist: no event log to back up (is DATA_DIR right?)`,
  );
  expect(existsSync(join(scratch, 'backup'))).toBe(false);
});

it('copies a log that does not verify, names its breaks and fails', async () => {
  live = await startTestApp({ dataDir: join(scratch, 'data') });
  const officer = await live.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  const { caseId } = openCaseBody(AGENCY);
  await live.post('/cases', officer, openCaseBody(AGENCY, caseId)).expect(201);
  const db = new Database(join(live.dataDir, 'trust-ledger.db'));
  db.prepare(`UPDATE events SET data = json_set(data, '$.agencyId', 'agency-b') WHERE stream_id = ?`).run(
    `case-${caseId}`,
  );
  db.close();

  const target = join(scratch, 'backup');
  const { code, out } = await backup(live.dataDir, target);
  expect(code).toBe(1);
  expect(out).toMatch(new RegExp(`^BREAK case-${caseId} revision 0: `, 'm'));
  expect(out).toMatch(/^FAILED: the backup in .* holds a log that does not verify \(1 break\(s\)\)/m);
  expect(existsSync(join(target, 'trust-ledger.db'))).toBe(true);
});

it('leaves nothing under the target’s name when it is cut short, and names the file that failed', async () => {
  const dataDir = await stoppedDataDir();
  // A key store that cannot be read (a disk error, say): the backup fails after copying the log.
  removeKeyStore(dataDir);
  writeFileSync(join(dataDir, 'keys.db'), 'not a database');

  await expect(backup(dataDir, join(scratch, 'backup'))).rejects.toThrow(
    `${join(dataDir, 'keys.db')}: file is not a database`,
  );
  expect(readdirSync(scratch)).toEqual(['data']);
});

it('names an erasure the copied key store carries out but the copied log lacks, and not one it records', async () => {
  live = await startTestApp({ dataDir: join(scratch, 'data') });
  const officer = await live.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  const admin = await live.token({ role: 'admin', sub: 'admin-1' });
  const [recorded, lost] = [openCaseBody(AGENCY), openCaseBody(AGENCY)];
  for (const body of [recorded, lost]) await live.post('/cases', officer, body).expect(201);
  await live
    .post(`/cases/${recorded.caseId}/erase-personal-data`, admin, { reason: 'Court order 24-117' })
    .expect(201);
  const { dataDir } = live;
  await live.close();
  live = undefined;
  // As if erased between the copy of the log and that of the key store: its key is destroyed, and
  // the log does not say so.
  const keys = new Database(join(dataDir, 'keys.db'));
  keys.prepare('DELETE FROM data_keys WHERE key_id = ?').run(`subject:${lost.caseId}`);
  keys.prepare('INSERT INTO destroyed_keys (key_id) VALUES (?)').run(`subject:${lost.caseId}`);
  keys.close();

  const { code, out } = await backup(dataDir, join(scratch, 'backup'));
  expect(code).toBe(0);
  expect(out.split('\n').filter((line) => line.startsWith('WARNING'))).toEqual([
    `WARNING: subject:${lost.caseId} was erased after the log was copied: its data is unreadable in this backup, but its log does not record the erasure; after a restore, record it again`,
  ]);
});

it('fails a backup that could not restore the personal data: no key store, no master key', async () => {
  const dataDir = await stoppedDataDir();
  removeKeyStore(dataDir);
  rmSync(join(dataDir, 'master.key'));
  const { code, out } = await backup(dataDir, join(scratch, 'backup'));
  expect(code).toBe(1);
  expect(out).toMatch(/^MISSING keys\.db: /m);
  expect(out).toMatch(/^MISSING master key: /m);
  expect(out).toMatch(/^FAILED: the backup in .* cannot restore the personal data its log holds$/m);
});

it('creates the target’s missing parents, and refuses a target that is a file', async () => {
  const dataDir = await stoppedDataDir();
  const file = join(scratch, 'notes.txt');
  writeFileSync(file, 'kept');
  await expect(backup(dataDir, file)).rejects.toThrow(`${file} is not a directory`);

  const { code } = await backup(dataDir, join(scratch, 'backups', 'monday'));
  expect(code).toBe(0);
  expect(readdirSync(join(scratch, 'backups'))).toEqual(['monday']);
});

it('removes what it copied when the copy fails its checks, not only when a copy fails', async () => {
  const dataDir = await stoppedDataDir();
  // A key store the checks cannot read: a database, but without its tables.
  removeKeyStore(dataDir);
  const keys = new Database(join(dataDir, 'keys.db'));
  keys.exec('CREATE TABLE unrelated (x INTEGER)');
  keys.close();

  await expect(backup(dataDir, join(scratch, 'backup'))).rejects.toThrow('no such table');
  expect(readdirSync(scratch)).toEqual(['data']);
});

it('fails a backup whose master key cannot unwrap its key store', async () => {
  live = await startTestApp({ dataDir: join(scratch, 'data') });
  const officer = await live.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  await live.post('/cases', officer, openCaseBody(AGENCY)).expect(201);
  const { dataDir } = live;
  await live.close();
  live = undefined;
  writeFileSync(join(dataDir, 'master.key'), `${Buffer.alloc(32, 7).toString('base64')}\n`);

  const { code, out } = await backup(dataDir, join(scratch, 'backup'));
  expect(code).toBe(1);
  expect(out).toMatch(/^MISSING master key: DATA_DIR\/master\.key cannot unwrap keys\.db's keys/m);
  expect(out).toMatch(/^FAILED: the backup in .* cannot restore the personal data its log holds$/m);
});
