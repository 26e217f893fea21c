import Database from 'better-sqlite3';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelsPath } from '@trust-ledger/projections';
import { decisionBody, noticeBody, openCaseBody, requestBody } from '../support/case-bodies';
import { startTestApp } from '../support/test-app';
import { runCli } from '../support/cli-in-process';

const A = 'agency-a';
let dataDir: string;
const previousDataDir = process.env.DATA_DIR;

const cli = (...args: string[]) => runCli('projections', ...args);

/** Edits DATA_DIR's read models behind the service's back. */
function tamper(sql: string): void {
  const db = new Database(readModelsPath(dataDir));
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

const OK = /^OK: every read model equals a rebuild of the log at log position \d+\n$/;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'trust-ledger-verify-read-models-'));
  const t = await startTestApp({ dataDir });
  try {
    const officer = await t.token({ role: 'officer', agencyId: A, sub: 'officer-a' });
    // Honored on an administrative warrant: a § 2 violation in the register.
    const caseId = randomUUID();
    const requestId = randomUUID();
    await t.post('/cases', officer, openCaseBody(A, caseId)).expect(201);
    await t.post(`/cases/${caseId}/requests`, officer, requestBody(requestId)).expect(201);
    await t.post(`/cases/${caseId}/notices`, officer, noticeBody(requestId)).expect(201);
    const decided = await t
      .post(`/cases/${caseId}/requests/${requestId}/decision`, officer, {
        ...decisionBody,
        outcome: 'HONORED',
      })
      .expect(201);
    const counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
    const listed = await t.get(`/violations?minPosition=${decided.body.position}`, counsel).expect(200);
    // The notice was recorded after the request: S5 fired, then was withdrawn.
    expect(listed.body.items.map((v: { ruleId: string }) => v.ruleId).sort()).toEqual([
      'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT',
      'S5_NOTICE_NOT_GIVEN',
    ]);
  } finally {
    await t.close();
  }
  process.env.DATA_DIR = dataDir;
});

afterAll(() => {
  process.env.DATA_DIR = previousDataDir;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run cli -- projections verify', () => {
  it('passes read models the service kept, without changing them', async () => {
    const digest = (): string =>
      createHash('sha256')
        .update(readFileSync(readModelsPath(dataDir)))
        .digest('hex');
    const before = digest();
    const { code, out } = await cli('verify');
    expect(out).toMatch(OK);
    expect(code).toBe(0);
    expect(digest()).toBe(before);
  });

  it('names a deleted violation, and a rebuild restores it', async () => {
    tamper("DELETE FROM violations WHERE rule_id = 'S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT'");
    const { code, out } = await cli('verify');
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines.filter((line) => line.startsWith('DIFFERS'))).toEqual([
      "DIFFERS violations: 1 rows in DATA_DIR's read models, 2 rows in a rebuild of the log",
    ]);
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}only in the rebuild: \[.*S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^FAILED: 1 table\(s\) differ from a rebuild/));

    expect((await cli('rebuild')).code).toBe(0);
    expect((await cli('verify')).out).toMatch(OK);
  });

  it('passes while another connection keeps writing to the read models, as a running API does', async () => {
    const writer = new Database(readModelsPath(dataDir));
    // Past one backup step's 100 pages, which SQLite restarts whenever the source is written.
    writer.exec(`CREATE TABLE not_a_projection (n INTEGER, filler BLOB);
      WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 300)
      INSERT INTO not_a_projection SELECT -n, zeroblob(20000) FROM k`);
    const insert = writer.prepare('INSERT INTO not_a_projection (n) VALUES (?)');
    let n = 0;
    const writing = setInterval(() => insert.run(n++), 1);
    try {
      const { code, out } = await cli('verify');
      expect(out).toMatch(OK);
      expect(code).toBe(0);
    } finally {
      clearInterval(writing);
      writer.exec('DROP TABLE not_a_projection');
      writer.close();
    }
    expect(n).toBeGreaterThan(0);
  });

  it("passes read models whose WAL is marked as maybe holding an erasure's former pages", async () => {
    // Left by a process another reader kept from emptying the WAL: the copy verify compares empties
    // its own WAL as its runner starts, and the mark with it, as a rebuild holds none.
    tamper('INSERT INTO wal_holds_erased (id, erasures) VALUES (1, 1)');
    try {
      const { code, out } = await cli('verify');
      expect(out).toMatch(OK);
      expect(code).toBe(0);
    } finally {
      tamper('DELETE FROM wal_holds_erased');
    }
  });

  it('makes no DATA_DIR, and says which projection cannot be compared rather than pass it', async () => {
    process.env.DATA_DIR = join(dataDir, 'mistyped');
    await expect(cli('verify')).rejects.toThrow('does not exist');
    expect(existsSync(join(dataDir, 'mistyped'))).toBe(false);
    process.env.DATA_DIR = dataDir;

    // As DATA_DIR stands after an upgrade the API has not restarted on: deleted rows must not pass.
    tamper(`DELETE FROM violations;
      UPDATE projection_checkpoints SET version = version - 1 WHERE name = 'violation-register'`);
    const { code, out } = await cli('verify');
    expect(code).toBe(1);
    expect(out.split('\n')).toEqual([
      expect.stringMatching(
        /^NOT COMPARED violation-register: DATA_DIR's read models hold version \d+, this code's is \d+$/,
      ),
      expect.stringMatching(/^FAILED: 1 projection\(s\) cannot be compared with a rebuild/),
      '',
    ]);
    expect((await cli('rebuild')).code).toBe(0);
    expect((await cli('verify')).out).toMatch(OK);
  });

  it('names an edited row with both its versions, and a dropped table', async () => {
    tamper(`UPDATE case_views SET status = 'CLOSED'; DROP TABLE st_requests`);
    const { code, out } = await cli('verify');
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines.filter((line) => line.startsWith('DIFFERS'))).toEqual([
      "DIFFERS case_views: 1 rows in DATA_DIR's read models, 1 rows in a rebuild of the log",
      "DIFFERS st_requests: no such table in DATA_DIR's read models, 1 rows in a rebuild of the log",
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}only in DATA_DIR's: \[.*"CLOSED"/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}only in the rebuild: \[.*"OPEN"/));
  });
});
