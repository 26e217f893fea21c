import { defaultOrdinanceVersion, versionInForceAt, type OrdinanceVersion } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { ProjectionRunner } from '@trust-ledger/projections';
import { VIOLATION_REGISTER } from '@trust-ledger/projections/violations';
import { API, startTestApp, type TestApp } from '../support/test-app';

/*
 * § 14 through the whole service: versions adopted over HTTP, acts recorded over HTTP, and the real
 * violation register judging each act under the version in force when it happened.
 */

const { version: _, ...DEFAULT_TERMS } = defaultOrdinanceVersion();
const ALL_BUT_3 = [1, 2, 4, 5, 6, 7, 8, 9, 10, 11];

interface Violation {
  violationId: string;
  ruleId: string;
  streamId: string;
  occurredAt: string;
  ordinanceVersion: number;
  status: string;
  statusHistory: { status: string; eventId: string }[];
  requestId?: string;
  evidence: object[];
  explanation: string;
  earlierFacts: object[];
}

describe('ordinance versions judge acts by when they happened (§ 14)', () => {
  let t: TestApp;
  let officer: string;
  let admin: string;
  let counsel: string;

  beforeEach(async () => {
    t = await startTestApp();
    officer = await t.token({ role: 'officer', agencyId: 'agency-a', sub: 'officer-a' });
    admin = await t.token({ role: 'admin', sub: 'admin-1' });
    counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
  });
  afterEach(() => t.close());

  async function post(
    path: string,
    body: object,
    token = officer,
  ): Promise<{ id: string; position: string }> {
    const response = await t.http().post(`${API}${path}`).set('Authorization', `Bearer ${token}`).send(body);
    if (response.status !== 201)
      throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { id: string; position: string };
  }

  const adopt = (terms: object) => post('/ordinance/versions', { ...DEFAULT_TERMS, ...terms }, admin);

  const openCase = async (convictions: object[] = []): Promise<string> =>
    (
      await post('/cases', {
        agencyId: 'agency-a',
        subject: { fullName: 'Ana Pérez' },
        custody: { status: 'IN_CUSTODY' },
        convictions,
      })
    ).id;

  /** A case whose detainer was honored under the violent-felony exception on `decidedAt`. */
  async function honoredUnderException(decidedAt: string): Promise<string> {
    const caseId = await openCase([
      { offense: 'robbery', category: 'VIOLENT_FELONY', convictedAt: '2022-06-01' },
    ]);
    const request = await post(`/cases/${caseId}/requests`, {
      requestingAgency: 'ICE',
      requestType: 'DETAINER',
      form: 'I-247A',
      receivedAt: new Date(Date.parse(decidedAt) - 3_600_000).toISOString(),
    });
    await post(`/cases/${caseId}/requests/${request.id}/decision`, {
      outcome: 'HONORED',
      basis: 'ORDINANCE_EXCEPTION',
      exceptionCode: 'VIOLENT_OR_SERIOUS_FELONY_5Y',
      decidedAt,
      rationale: 'Convicted of a violent felony within five years',
    });
    return `case-${caseId}`;
  }

  const disclose = (caseId: string, disclosedAt: string) =>
    post(`/cases/${caseId}/disclosures`, {
      recipientAgency: 'ICE',
      categories: ['HOME_ADDRESS'],
      disclosedAt,
    });

  /** Lets every projection take in everything recorded so far. */
  async function caughtUp(): Promise<void> {
    const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
    if (head !== null) await t.app.get(ProjectionRunner).waitFor(head, 10_000);
  }

  async function violations(ruleId?: string): Promise<Violation[]> {
    await caughtUp();
    const response = await t
      .http()
      .get(`${API}/violations?limit=500${ruleId === undefined ? '' : `&ruleId=${ruleId}`}`)
      .set('Authorization', `Bearer ${counsel}`);
    expect(response.status).toBe(200);
    return response.body.items as Violation[];
  }

  /** Every violation names the version in force when its act happened. */
  async function expectEachNamesItsVersion(): Promise<void> {
    const versions = (
      await t.http().get(`${API}/ordinance/versions`).set('Authorization', `Bearer ${counsel}`)
    ).body.items as OrdinanceVersion[];
    const all = await violations();
    expect(all.length).toBeGreaterThan(0);
    for (const v of all) {
      expect(v.ordinanceVersion).toBe(versionInForceAt(versions, v.occurredAt)?.version);
    }
  }

  it('keeps a detainer honored under an exception lawful if decided before a version removed it, and not after', async () => {
    const before = await honoredUnderException('2025-01-11T10:00:00Z');
    await adopt({ effectiveFrom: '2025-02-01T00:00:00Z', detainerExceptions: [] });
    const after = await honoredUnderException('2025-02-10T10:00:00Z');

    const found = await violations('S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT');
    expect(found.map((v) => [v.streamId, v.ordinanceVersion, v.status])).toEqual([[after, 2, 'OPEN']]);
    expect(found.map((v) => v.streamId)).not.toContain(before);
    await expectEachNamesItsVersion();
  });

  it('fires nothing under § 3 for acts in a period when § 3 was not in force', async () => {
    await adopt({ effectiveFrom: '2024-06-01T00:00:00Z', sectionsInForce: ALL_BUT_3 });
    await adopt({ effectiveFrom: '2024-09-01T00:00:00Z' });
    const caseId = await openCase();
    await disclose(caseId, '2024-05-15T10:00:00Z');
    await disclose(caseId, '2024-07-15T10:00:00Z');
    await disclose(caseId, '2024-10-01T10:00:00Z');

    const found = await violations('S3_SENSITIVE_INFORMATION_DISCLOSED');
    expect(found.map((v) => [v.occurredAt, v.ordinanceVersion])).toEqual([
      ['2024-05-15T10:00:00Z', 1],
      ['2024-10-01T10:00:00Z', 3],
    ]);
    await expectEachNamesItsVersion();
  });

  it('re-judges the acts after an earlier effectiveFrom when a version is adopted, and a rebuild reaches the same register', async () => {
    const caseId = await openCase();
    await disclose(caseId, '2024-05-15T10:00:00Z');
    await disclose(caseId, '2024-07-15T10:00:00Z');
    const s3 = async (): Promise<Map<string, Violation>> =>
      new Map((await violations('S3_SENSITIVE_INFORMATION_DISCLOSED')).map((v) => [v.occurredAt, v]));
    expect([...(await s3()).values()].map((v) => [v.occurredAt, v.ordinanceVersion, v.status])).toEqual([
      ['2024-05-15T10:00:00Z', 1, 'OPEN'],
      ['2024-07-15T10:00:00Z', 1, 'OPEN'],
    ]);

    // Adopted now, in force since 1 July 2024: § 3 did not apply to the July disclosure after all.
    const repeal = await adopt({ effectiveFrom: '2024-07-01T00:00:00Z', sectionsInForce: ALL_BUT_3 });
    let judged = await s3();
    expect(judged.get('2024-05-15T10:00:00Z')).toMatchObject({ ordinanceVersion: 1, status: 'OPEN' });
    const withdrawn = judged.get('2024-07-15T10:00:00Z')!;
    expect(withdrawn.status).toBe('WITHDRAWN');
    // The withdrawal cites the adoption that cleared it.
    expect(withdrawn.statusHistory.at(-1)).toMatchObject({ status: 'WITHDRAWN', eventId: repeal.id });

    // A later adoption reaching back further restores § 3 from 10 July: the July act fires again, under it.
    await adopt({ effectiveFrom: '2024-07-10T00:00:00Z' });
    judged = await s3();
    expect(judged.get('2024-07-15T10:00:00Z')).toMatchObject({
      violationId: withdrawn.violationId,
      ordinanceVersion: 3,
      status: 'OPEN',
    });
    expect(judged.get('2024-05-15T10:00:00Z')).toMatchObject({ ordinanceVersion: 1, status: 'OPEN' });
    await expectEachNamesItsVersion();

    const incremental = await violations();
    await t.app.get(ProjectionRunner).rebuild(VIOLATION_REGISTER);
    expect(await violations()).toEqual(incremental);
  });

  it('shows a case as of a moment with its violations as they were judged then', async () => {
    const caseId = await openCase();
    await disclose(caseId, '2024-07-15T10:00:00Z');
    const judgedUnderV1 = t.clock.now();
    t.clock.advance(60_000);
    // The same terms, in force since 10 July 2024: the July act is judged anew, under version 2.
    await adopt({ effectiveFrom: '2024-07-10T00:00:00Z' });
    await caughtUp();
    const view = async (query = '') =>
      (await t.http().get(`${API}/cases/${caseId}${query}`).set('Authorization', `Bearer ${counsel}`))
        .body as { violations: Violation[] };

    const now = (await view()).violations;
    expect(now.map((v) => [v.ruleId, v.ordinanceVersion, v.status])).toEqual([
      ['S3_SENSITIVE_INFORMATION_DISCLOSED', 2, 'OPEN'],
    ]);
    const then = (await view(`?asOf=${judgedUnderV1}`)).violations;
    expect(then).toEqual([{ ...now[0], ordinanceVersion: 1, earlierFacts: [] }]);
    expect((await view(`?asOf=${t.clock.now()}`)).violations).toEqual(now);
    // Counsel reading the violation now see what it was judged with before, and until when.
    const { earlierFacts, ...current } = then[0];
    const register = await t
      .http()
      .get(`${API}/violations/${now[0].violationId}`)
      .set('Authorization', `Bearer ${counsel}`)
      .expect(200);
    expect(register.body).toEqual(now[0]);
    expect(register.body.earlierFacts).toEqual([
      {
        requestId: current.requestId,
        occurredAt: current.occurredAt,
        ordinanceVersion: 1,
        evidence: current.evidence,
        explanation: current.explanation,
        until: t.clock.now(),
      },
    ]);
    expect(earlierFacts).toEqual([]);
  });

  it("carries in a case's evidence pack the versions that judged its violations' earlier facts", async () => {
    const caseId = await openCase();
    await disclose(caseId, '2024-07-15T10:00:00Z');
    t.clock.advance(60_000);
    // The same terms, in force since 10 July 2024: the July act is judged anew, under version 2.
    await adopt({ effectiveFrom: '2024-07-10T00:00:00Z' });
    await caughtUp();
    const response = await t
      .http()
      .get(`${API}/cases/${caseId}/evidence`)
      .set('Authorization', `Bearer ${counsel}`)
      .expect(200);
    const pack = JSON.parse(response.text) as {
      violations: { ordinanceVersion: number; earlierFacts: { ordinanceVersion: number }[] }[];
      ordinanceVersions: { version: number }[];
    };
    expect(
      pack.violations.map((v) => [v.ordinanceVersion, v.earlierFacts.map((f) => f.ordinanceVersion)]),
    ).toEqual([[2, [1]]]);
    // Counsel who confirmed it under version 1 check their review offline against version 1's terms.
    expect(pack.ordinanceVersions.map((v) => v.version)).toEqual([1, 2]);
  });
});
