import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { ProjectionRunner, readModelsPath } from '@trust-ledger/projections';
import { decisionBody, openCaseBody, requestBody } from '../support/case-bodies';
import { requestCertification } from '../support/certification-bodies';
import { runCli, runCliWithStderr } from '../support/cli-in-process';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Once a person is erased, nothing of theirs is left in clear in any file the service keeps in
 * DATA_DIR, while it runs and once it stops: not in the key store, the API's tables, nor the read
 * models, whose rows may have held it before (their freed space and WAL frames included). Only the
 * log keeps what it recorded in clear before personal data was sealed: it is never rewritten.
 */

const AGENCY = 'agency-a';
/** Every personal field API.md names, each found nowhere else, so that finding one means a leak. */
const SUBJECT = {
  fullName: 'Eulalia Marrowfield-Szymanska',
  dateOfBirth: '1961-02-17',
  aNumber: 'A975318642',
  preferredLanguage: 'ga-IE',
  attorney: { name: 'Bartholomew Quillsworth', phone: '+1 555 0142 77', email: 'quillsworth@example.net' },
  designee: { name: 'Persephone Marrowfield', phone: '+1 555 0142 88' },
};
const VICTIM = {
  fullName: 'Ximena Thistlewood-Oyelaran',
  dateOfBirth: '1979-09-09',
  preferredLanguage: 'yo-NG',
};
/** Officers' words about the person, sealed with their data and "[erased]" with it. */
const RATIONALE = 'Honored: Eulalia said her sister Persephone would take her in';
const OFFENSE = 'Pushed Mr Quillfeather-Amadi down the stairs';
/** Why readers read the person's data (the reads' X-Purpose), sealed with it too. */
const PURPOSE = 'Persephone asked whether Eulalia is still held';
const VICTIM_PURPOSE = 'Ximena wants to know when she may testify';
const PERSONAL = [
  SUBJECT.fullName,
  'Marrowfield',
  SUBJECT.dateOfBirth,
  SUBJECT.aNumber,
  SUBJECT.attorney.name,
  SUBJECT.attorney.phone,
  SUBJECT.attorney.email,
  SUBJECT.designee.phone,
  VICTIM.fullName,
  VICTIM.dateOfBirth,
  RATIONALE,
  OFFENSE,
  PURPOSE,
  VICTIM_PURPOSE,
];

let dataDir: string;
let t: TestApp | undefined;
let officer: string;
let counsel: string;
let admin: string;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'trust-ledger-erasure-files-'));
  t = await startTestApp({ dataDir });
  officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
  admin = await t.token({ role: 'admin', sub: 'admin-1' });
});
afterEach(async () => {
  await t?.close();
  t = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The files of DATA_DIR holding some personal value in their raw bytes, each with the values. */
function filesHolding(dir: string): Record<string, string[]> {
  return Object.fromEntries(
    filesUnder(dir).flatMap((file) => {
      const bytes = readFileSync(file);
      const found = PERSONAL.filter((value) => bytes.includes(Buffer.from(value, 'utf8')));
      return found.length === 0 ? [] : [[file.slice(dir.length + 1), found]];
    }),
  );
}

/** Erases the case's subject, and waits until every projection has applied it. */
async function erase(path: string): Promise<void> {
  const erased = await t!.post(`${path}/erase-personal-data`, admin, { reason: 'Court order' }).expect(201);
  await t!.app.get(ProjectionRunner).waitFor(t!.opened(erased.body.position as string), 5000);
}

async function stop(): Promise<void> {
  await t!.close();
  t = undefined;
}

/** Opens a case as the service recorded it before it sealed anything, and waits for its views. */
async function openInClear(): Promise<string> {
  const caseId = randomUUID();
  const opening = openCaseBody(AGENCY, caseId);
  // The subject and the words in clear.
  const recorded = await t!.app.get<EventStore>(EVENT_STORE).append(
    `case-${caseId}`,
    [
      {
        id: randomUUID(),
        type: 'CaseOpened',
        data: {
          caseId,
          agencyId: AGENCY,
          openedAt: '2025-02-28T08:00:00Z',
          subject: SUBJECT,
          subjectProfile: { hasAttorney: true, hasDesignee: true },
          custody: opening.custody,
          // Enough to spill the case view's row onto overflow pages, which its rewrite frees.
          convictions: Array.from({ length: 300 }, (_, i) => ({
            ...opening.convictions[0],
            offense: `${OFFENSE} (${i + 1})`,
          })),
        },
        metadata: {
          recordedAt: t!.clock.now(),
          correlationId: 'legacy',
          causationId: null,
          actor: 'officer-1',
        },
      },
    ],
    { expectedRevision: 'no_stream' },
  );
  await t!.app.get(ProjectionRunner).waitFor(recorded.position, 5000);
  return caseId;
}

it('leaves nothing of an erased person in clear in any file of DATA_DIR', async () => {
  const caseId = randomUUID();
  const requestId = randomUUID();
  const opening = openCaseBody(AGENCY, caseId);
  await t!
    .post('/cases', officer, {
      ...opening,
      subject: SUBJECT,
      convictions: [{ ...opening.convictions[0], offense: OFFENSE }],
    })
    .expect(201);
  await t!.post(`/cases/${caseId}/requests`, officer, requestBody(requestId)).expect(201);
  const decided = await t!
    .post(`/cases/${caseId}/requests/${requestId}/decision`, officer, {
      ...decisionBody,
      outcome: 'HONORED',
      rationale: RATIONALE,
    })
    .expect(201);
  const { certificationId } = await requestCertification(t!, officer, AGENCY, { victim: VICTIM });
  // Every read model and read path written and taken while the person's data can still be read.
  const view = await t!
    .get(`/cases/${caseId}?minPosition=${decided.body.position}`, counsel)
    .set('X-Purpose', PURPOSE)
    .expect(200);
  expect(view.body.subject).toEqual(SUBJECT);
  await t!.get(`/cases?agencyId=${AGENCY}`, officer).set('X-Purpose', PURPOSE).expect(200);
  await t!.get(`/cases/${caseId}/history`, counsel).set('X-Purpose', PURPOSE).expect(200);
  await t!.get(`/cases/${caseId}/evidence`, counsel).set('X-Purpose', PURPOSE).expect(200);
  const certification = await t!
    .get(`/certifications/${certificationId}`, officer)
    .set('X-Purpose', VICTIM_PURPOSE)
    .expect(200);
  expect(certification.text).toContain(VICTIM.fullName);

  await erase(`/cases/${caseId}`);
  await erase(`/certifications/${certificationId}`);
  expect((await t!.get(`/cases/${caseId}`, counsel).expect(200)).body.subject.fullName).toBe('[erased]');
  expect((await t!.get(`/certifications/${certificationId}`, officer).expect(200)).text).not.toContain(
    VICTIM.fullName,
  );
  expect(filesHolding(dataDir)).toEqual({});
  await stop();
  expect(filesHolding(dataDir)).toEqual({});
});

it('keeps what was recorded in clear before it was sealed in the log alone, once the person is erased', async () => {
  const caseId = await openInClear();
  expect((await t!.get(`/cases/${caseId}`, counsel).expect(200)).body.subject).toEqual(SUBJECT);
  const inClear = PERSONAL.filter((value) => JSON.stringify({ SUBJECT, OFFENSE }).includes(value));
  /** Each personal value, with the files of DATA_DIR (but its WAL suffix) holding it. */
  const whereHeld = (): Record<string, string[]> => {
    const held: Record<string, Set<string>> = {};
    for (const [file, values] of Object.entries(filesHolding(dataDir))) {
      for (const value of values) (held[value] ??= new Set()).add(file.replace(/-wal$/, ''));
    }
    return Object.fromEntries(Object.entries(held).map(([value, files]) => [value, [...files].sort()]));
  };
  // The case view holds it in clear, as the log does.
  expect(whereHeld()).toEqual(
    Object.fromEntries(inClear.map((value) => [value, ['read-models.db', 'trust-ledger.db']])),
  );

  await erase(`/cases/${caseId}`);
  expect((await t!.get(`/cases/${caseId}`, counsel).expect(200)).text).not.toContain(SUBJECT.fullName);
  const inTheLogAlone = Object.fromEntries(inClear.map((value) => [value, ['trust-ledger.db']]));
  expect(whereHeld()).toEqual(inTheLogAlone);
  // Nor does a rebuild, which replays the opening in clear before its erasure, leave it anywhere.
  await t!.app.get(ProjectionRunner).rebuild();
  expect(whereHeld()).toEqual(inTheLogAlone);
  await stop();
  expect(whereHeld()).toEqual(inTheLogAlone);
});

it('has a CLI rebuild that another process keeps from emptying the WAL say so, and the next rebuild empty it', async () => {
  const caseId = await openInClear();
  await erase(`/cases/${caseId}`);
  await stop();
  const inTheLogAlone = filesHolding(dataDir);
  expect(Object.keys(inTheLogAlone)).toEqual(['trust-ledger.db']);
  // Another process reading read-models.db through the rebuild (a backup's snapshot, a sqlite3 shell).
  const reader = new Database(readModelsPath(dataDir));
  const marks = (): number =>
    reader.prepare<[], number>('SELECT count(*) FROM wal_holds_erased').pluck().get()!;
  const previousDataDir = process.env.DATA_DIR;
  process.env.DATA_DIR = dataDir;
  try {
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM projection_checkpoints').get();
    // The replay applies the erasure, and read-models.db marks its WAL as maybe holding the opening
    // in clear (here the two share a batch; test/projections/erased-wal.spec.ts has it reach the WAL).
    const held = await runCliWithStderr('projections', 'rebuild');
    expect(held.code).toBe(0);
    expect(held.err).toContain(
      "WARNING: the rebuild succeeded, but read-models.db's WAL may still hold personal data of an erased person in clear",
    );
    reader.exec('COMMIT');
    expect(marks()).toBe(1);
    const pending = "read-models.db's WAL may still hold personal data of an erased person in clear";
    expect((await runCli('projections', 'status')).out).toContain(pending);

    const free = await runCliWithStderr('projections', 'rebuild');
    expect(free.code).toBe(0);
    expect(free.err).not.toContain('WARNING');
    expect(marks()).toBe(0);
    expect((await runCli('projections', 'status')).out).not.toContain(pending);
    expect(filesHolding(dataDir)).toEqual(inTheLogAlone);
  } finally {
    process.env.DATA_DIR = previousDataDir;
    reader.close();
  }
});
