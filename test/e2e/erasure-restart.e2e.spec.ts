import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { keyStoreFile, PersonalDataCipher, SqliteKeyStore, subjectKeyId } from '@trust-ledger/privacy';
import { openCaseBody } from '../support/case-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The log records every erasure; keys.db only carries them out. Whatever keys.db holds when the
 * service starts (a backup restored from before an erasure, a key a crash left behind), an erased
 * person's data is never served again.
 */

const AGENCY = 'agency-a';
const ERASED_NAME = '[erased]';
let dataDir: string;
let t: TestApp | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'trust-ledger-erasure-restart-'));
});
afterEach(async () => {
  await t?.close();
  t = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<{ officer: string; counsel: string; admin: string }> {
  t = await startTestApp({ dataDir });
  return {
    officer: await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' }),
    counsel: await t.token({ role: 'counsel', sub: 'counsel-1' }),
    admin: await t.token({ role: 'admin', sub: 'admin-1' }),
  };
}

async function restart(): Promise<{ officer: string; counsel: string; admin: string }> {
  await t!.close();
  t = undefined;
  return start();
}

/** The name the case's history shows counsel. */
async function historyName(caseId: string, counsel: string): Promise<string> {
  const history = await t!.get(`/cases/${caseId}/history`, counsel).expect(200);
  return history.body.items[0].data.subject.fullName as string;
}

function keyState(caseId: string): 'present' | 'destroyed' | 'absent' {
  const keys = new SqliteKeyStore(keyStoreFile(dataDir));
  try {
    const stored = keys.get(subjectKeyId(caseId));
    return stored === undefined ? 'absent' : stored === 'destroyed' ? 'destroyed' : 'present';
  } finally {
    keys.close();
  }
}

it('destroys again, at start, the key of an erasure a restored keys.db predates', async () => {
  const { officer, counsel, admin } = await start();
  const caseId = randomUUID();
  await t!.post('/cases', officer, openCaseBody(AGENCY, caseId)).expect(201);
  const backup = join(dataDir, 'keys.db.backup');
  copyFileSync(keyStoreFile(dataDir), backup);

  await t!.post(`/cases/${caseId}/erase-personal-data`, admin, { reason: 'Court order' }).expect(201);
  expect(await historyName(caseId, counsel)).toBe(ERASED_NAME);

  await t!.close();
  t = undefined;
  copyFileSync(backup, keyStoreFile(dataDir));
  expect(keyState(caseId)).toBe('present');

  const again = await start();
  expect(keyState(caseId)).toBe('destroyed');
  expect(await historyName(caseId, again.counsel)).toBe(ERASED_NAME);
  const pack = JSON.parse((await t!.get(`/cases/${caseId}/evidence`, again.counsel).expect(200)).text);
  expect(pack.subject.fullName).toBe(ERASED_NAME);
});

it('destroys, at the next start, a key a failure left after the erasure was recorded', async () => {
  const { officer, counsel, admin } = await start();
  const caseId = randomUUID();
  await t!.post('/cases', officer, openCaseBody(AGENCY, caseId)).expect(201);
  const erase = jest.spyOn(t!.app.get(PersonalDataCipher), 'erase').mockImplementationOnce(() => {
    throw new Error('disk full');
  });
  await t!.post(`/cases/${caseId}/erase-personal-data`, admin, { reason: 'Court order' }).expect(500);
  erase.mockRestore();
  expect(await historyName(caseId, counsel)).not.toBe(ERASED_NAME);

  const again = await restart();
  expect(keyState(caseId)).toBe('destroyed');
  expect(await historyName(caseId, again.counsel)).toBe(ERASED_NAME);
});

it('starts, and destroys the key, when the erasure recorded since was altered into something that is not JSON', async () => {
  const { officer, admin } = await start();
  const caseId = randomUUID();
  await t!.post('/cases', officer, openCaseBody(AGENCY, caseId)).expect(201);
  const backup = join(dataDir, 'keys.db.backup');
  copyFileSync(keyStoreFile(dataDir), backup);
  await t!.post(`/cases/${caseId}/erase-personal-data`, admin, { reason: 'Court order' }).expect(201);
  await t!.close();
  t = undefined;
  copyFileSync(backup, keyStoreFile(dataDir));
  const db = new Database(join(dataDir, 'trust-ledger.db'));
  db.prepare(`UPDATE events SET data = '{"x":' || data WHERE type = 'PersonalDataErased'`).run();
  db.close();

  const again = await start();
  expect(keyState(caseId)).toBe('destroyed');
  await t!.get(`/cases/${caseId}/history`, again.counsel).expect(500);
});

it('leaves the keys of people never erased, and keeps in keys.db how far it caught up', async () => {
  const { officer, counsel } = await start();
  const kept = randomUUID();
  await t!.post('/cases', officer, openCaseBody(AGENCY, kept)).expect(201);
  const name = await historyName(kept, counsel);
  const before = (await t!.events()).at(-1)!.position;
  const again = await restart();
  expect(keyState(kept)).toBe('present');
  expect(await historyName(kept, again.counsel)).toBe(name);
  const keys = new SqliteKeyStore(keyStoreFile(dataDir));
  try {
    // At least the head before the restart: a restored keys.db would bring back an older one.
    expect(Number(keys.erasuresAppliedThrough())).toBeGreaterThanOrEqual(Number(before));
  } finally {
    keys.close();
  }
});
