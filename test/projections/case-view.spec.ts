import { ConsoleLogger, Logger } from '@nestjs/common';
import * as fc from 'fast-check';
import {
  defaultOrdinanceVersion,
  type CaseEvent,
  type OrdinanceVersion,
  type ReleaseEligibilityReason,
  type RequestDocument,
} from '@trust-ledger/domain';
import type { RecordedEvent } from '@trust-ledger/event-store';
import {
  caseRecordFrom,
  caseViewFrom,
  erasedSubject,
  CaseViewProjection,
  CaseViewQueries,
  ProjectionRunner,
  type ReadModelDb,
} from '@trust-ledger/projections';
import { ViolationRegisterProjection } from '@trust-ledger/projections/violations';
import { caseCommandSequences, recordCommands } from './case-commands';
import { replayOptions, TempData } from './support';

beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

const CASE = 'c0ffee00-0000-4000-8000-000000000001';

/** Case events as a stream would hold them, recorded a minute apart. */
function stream(events: CaseEvent[]): RecordedEvent[] {
  return events.map((e, revision) => ({
    id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    streamId: `case-${CASE}`,
    revision,
    position: String(revision + 1),
    type: e.type,
    data: JSON.parse(JSON.stringify(e.data)),
    metadata: {
      recordedAt: new Date(Date.parse('2024-05-01T00:00:00Z') + revision * 60_000).toISOString(),
      correlationId: 'c',
      causationId: null,
      actor: 'officer-1',
    },
  }));
}

const opened: CaseEvent = {
  type: 'CaseOpened',
  data: {
    caseId: CASE,
    agencyId: 'agency-a',
    openedAt: '2024-05-01T00:00:00Z',
    subject: { fullName: 'Ana Pérez', preferredLanguage: 'es', attorney: { name: 'Bo Li', phone: '555' } },
    subjectProfile: { preferredLanguage: 'es', hasAttorney: true, hasDesignee: false },
    custody: { status: 'IN_CUSTODY', bookedAt: '2024-04-30T22:00:00Z', facility: 'County Jail' },
    convictions: [],
  },
};
const stateJudgeWarrant: RequestDocument = {
  kind: 'JUDICIAL_WARRANT',
  issuerRole: 'STATE_JUDGE',
  court: 'Superior Court',
  judgeName: 'Judge Roe',
  signedAt: '2024-04-30T12:00:00Z',
};
const request = (requestId: string, receivedAt: string, documents = [stateJudgeWarrant]): CaseEvent => ({
  type: 'FederalRequestReceived',
  data: {
    requestId,
    requestingAgency: 'ICE',
    requestType: 'DETAINER',
    form: 'I-247A',
    receivedAt,
    documents,
    informationRequested: [],
  },
});
const decision = (
  requestId: string,
  outcome: 'HONORED' | 'DECLINED',
  decidedAt: string,
  reason?: string,
): CaseEvent =>
  reason === undefined
    ? {
        type: 'DecisionRecorded',
        data: { requestId, outcome, basis: 'NONE', exceptionCode: null, decidedAt, rationale: 'r' },
      }
    : {
        type: 'DecisionAmended',
        data: { requestId, outcome, basis: 'NONE', exceptionCode: null, decidedAt, rationale: 'r2', reason },
      };

describe('caseViewFrom', () => {
  const R1 = '11111111-0000-4000-8000-000000000001';
  const R2 = '11111111-0000-4000-8000-000000000002';
  const notice: CaseEvent = {
    type: 'NoticeIssued',
    data: {
      noticeId: 'n1',
      requestId: R1,
      purpose: 'REQUEST_AND_INTENT',
      recipient: 'SUBJECT',
      deliveredAt: '2024-05-01T03:00:00Z',
      method: 'WRITTEN_IN_PERSON',
      language: 'es',
      includesCopyOfRequest: true,
      statedIntent: 'DECLINE',
    },
  };
  const events = stream([
    opened,
    request(R1, '2024-05-01T01:00:00Z'),
    request(R2, '2024-07-01T01:00:00Z'),
    notice,
    decision(R1, 'HONORED', '2024-05-01T04:00:00Z'),
    decision(R1, 'DECLINED', '2024-05-01T05:00:00Z', 'counsel found no warrant'),
    {
      type: 'InformationDisclosed',
      data: {
        requestId: R1,
        recipientAgency: 'ICE',
        categories: ['RELEASE_DATE'],
        disclosedAt: '2024-05-01T06:00:00Z',
      },
    },
    {
      type: 'CustodyAccessGranted',
      data: {
        requestId: null,
        agency: 'CBP',
        purpose: 'CRIMINAL_INVESTIGATION',
        grantedAt: '2024-05-01T06:30:00Z',
        consent: null,
      },
    },
    {
      type: 'SubjectEligibleForRelease',
      data: { at: '2024-05-02T00:00:00Z', reason: 'BAIL_POSTED', requestId: null },
    },
    { type: 'SubjectTransferred', data: { at: '2024-05-02T10:00:00Z', toAgency: 'ICE', requestId: R1 } },
    { type: 'CaseClosed', data: { closedAt: '2024-05-03T00:00:00Z', reason: 'transferred' } },
  ]);

  it("builds API.md's case view from the case's events", () => {
    const view = caseViewFrom(events, [defaultOrdinanceVersion()]);
    expect(view).toMatchObject({
      caseId: CASE,
      agencyId: 'agency-a',
      status: 'CLOSED',
      revision: 10,
      subject: { fullName: 'Ana Pérez', preferredLanguage: 'es', attorney: { name: 'Bo Li', phone: '555' } },
      custody: {
        status: 'NOT_IN_CUSTODY',
        facility: 'County Jail',
        bookedAt: '2024-04-30T22:00:00Z',
        eligibleForReleaseAt: '2024-05-02T00:00:00Z',
        releasedAt: null,
        transferredAt: '2024-05-02T10:00:00Z',
        transferredTo: 'ICE',
      },
      convictions: [],
      notices: [notice.data],
      disclosures: [
        { eventId: events[6].id, requestId: R1, recipientAgency: 'ICE', categories: ['RELEASE_DATE'] },
      ],
      accessGrants: [
        { eventId: events[7].id, agency: 'CBP', purpose: 'CRIMINAL_INVESTIGATION', consent: null },
      ],
      violations: [],
    });
    expect(view!.requests[0]).toMatchObject({
      requestId: R1,
      requestingAgency: 'ICE',
      requestType: 'DETAINER',
      form: 'I-247A',
      receivedAt: '2024-05-01T01:00:00Z',
      documents: [stateJudgeWarrant],
      status: 'DECLINED',
      decision: { outcome: 'DECLINED', amendmentReason: 'counsel found no warrant', eventId: events[5].id },
      previousDecisions: [{ outcome: 'HONORED', amendmentReason: null, eventId: events[4].id }],
      notices: [notice.data],
    });
    expect(view!.requests[1]).toMatchObject({
      requestId: R2,
      status: 'PENDING',
      decision: null,
      notices: [],
    });
  });

  it('shows the eligibility the hold is measured from, as the register measures it, not the last recorded', () => {
    const eligible = (at: string, reason: ReleaseEligibilityReason = 'BAIL_POSTED'): CaseEvent => ({
      type: 'SubjectEligibleForRelease',
      data: { at, reason, requestId: null },
    });
    const released: CaseEvent = {
      type: 'SubjectReleased',
      data: { at: '2024-05-03T12:00:00Z', requestId: null },
    };
    const custodyAfter = (more: CaseEvent[]) =>
      caseViewFrom(stream([opened, request(R1, '2024-05-01T01:00:00Z'), ...more]), [
        defaultOrdinanceVersion(),
      ])!.custody;
    // A second reason, or a correction recorded after the release but dated before it: still the first.
    expect(
      custodyAfter([eligible('2024-05-02T00:00:00Z'), released, eligible('2024-05-03T11:30:00Z', 'OTHER')]),
    ).toMatchObject({
      eligibleForReleaseAt: '2024-05-02T00:00:00Z',
      eligibleForReleaseReason: 'BAIL_POSTED',
    });
    // Recorded late but dated earlier: the hold began then.
    expect(
      custodyAfter([eligible('2024-05-02T00:00:00Z'), eligible('2024-05-01T20:00:00Z', 'CHARGES_DISMISSED')]),
    ).toMatchObject({
      eligibleForReleaseAt: '2024-05-01T20:00:00Z',
      eligibleForReleaseReason: 'CHARGES_DISMISSED',
    });
    // After the release, a new hold.
    expect(
      custodyAfter([eligible('2024-05-02T00:00:00Z'), released, eligible('2024-05-04T00:00:00Z', 'OTHER')]),
    ).toMatchObject({ eligibleForReleaseAt: '2024-05-04T00:00:00Z', eligibleForReleaseReason: 'OTHER' });
  });

  it('judges a warrant under the ordinance version in force when the request was received', () => {
    // Version 2 (adopted later) recognises state judges from June on: R1 (May) is judged by version 1.
    const v2: OrdinanceVersion = {
      ...defaultOrdinanceVersion(),
      version: 2,
      effectiveFrom: '2024-06-01T00:00:00Z',
      judicialWarrantIssuers: ['FEDERAL_JUDGE', 'FEDERAL_MAGISTRATE_JUDGE', 'STATE_JUDGE'],
    };
    const view = caseViewFrom(events, [defaultOrdinanceVersion(), v2]);
    expect(view!.requests.map((r) => r.hasJudicialWarrant)).toEqual([false, true]);
    const federal = stream([
      opened,
      request(R1, '2024-05-01T01:00:00Z', [{ ...stateJudgeWarrant, issuerRole: 'FEDERAL_JUDGE' }]),
    ]);
    expect(caseViewFrom(federal, [defaultOrdinanceVersion()])!.requests[0].hasJudicialWarrant).toBe(true);
    // Before any version took effect nothing is a judicial warrant under the ordinance.
    expect(
      caseViewFrom(federal, [defaultOrdinanceVersion('2025-01-01T00:00:00Z')])!.requests[0]
        .hasJudicialWarrant,
    ).toBe(false);
  });

  it('keeps nothing of the subject once their personal data is erased', () => {
    const erased = stream([
      opened,
      { type: 'PersonalDataErased', data: { erasedAt: '2024-06-01T00:00:00Z', reason: 'asked' } },
    ]);
    expect(caseViewFrom(erased, [defaultOrdinanceVersion()])).toMatchObject({
      personalDataErased: true,
      subject: {
        fullName: '[erased]',
        preferredLanguage: '[erased]',
        attorney: { name: '[erased]', phone: '[erased]' },
      },
    });
  });

  it('erases a subject recorded in clear leaf by leaf as a sealed one reads, nulls staying null', () => {
    expect(erasedSubject({ fullName: 'Ana Pérez', aNumber: null, attorney: { name: 'Bo Li' } })).toEqual({
      fullName: '[erased]',
      aNumber: null,
      attorney: { name: '[erased]' },
    });
  });

  it('keeps no language the person was given notice or asked consent in once erased, those in clear included', () => {
    const consent = { written: true, toldVoluntary: true, toldMayHaveAttorney: true, language: 'es' };
    const withLanguages: CaseEvent[] = [
      opened,
      request(R1, '2024-05-01T01:00:00Z'),
      { ...notice, data: { ...notice.data, inPreferredLanguage: true } },
      {
        type: 'CustodyAccessGranted',
        data: {
          requestId: null,
          agency: 'CBP',
          purpose: 'CIVIL_IMMIGRATION',
          grantedAt: '2024-05-01T06:30:00Z',
          consent,
        },
      },
    ];
    const before = caseViewFrom(stream(withLanguages), [defaultOrdinanceVersion()])!;
    // The rules' own judgement of the language is no part of API.md's notice.
    expect(before.notices).toEqual([notice.data]);
    expect(before.accessGrants[0].consent).toEqual(consent);

    const erasure: CaseEvent = {
      type: 'PersonalDataErased',
      data: { erasedAt: '2024-06-01T00:00:00Z', reason: 'asked' },
    };
    const after = caseViewFrom(stream([...withLanguages, erasure]), [defaultOrdinanceVersion()])!;
    expect(after.notices).toEqual([{ ...notice.data, language: '[erased]' }]);
    expect(after.requests[0].notices).toEqual([{ ...notice.data, language: '[erased]' }]);
    expect(after.accessGrants[0].consent).toEqual({ ...consent, language: '[erased]' });
  });

  it('is undefined before the case is opened, and lets unknown events only move the revision', () => {
    expect(caseViewFrom([], [defaultOrdinanceVersion()])).toBeUndefined();
    const withUnknown = [
      ...stream([opened]),
      { ...stream([opened])[0], type: 'SomethingNew', revision: 1, data: {} },
    ];
    expect(caseViewFrom(withUnknown, [defaultOrdinanceVersion()])).toMatchObject({
      revision: 1,
      status: 'OPEN',
    });
  });
});

function dump(db: ReadModelDb): unknown {
  return {
    cases: db.prepare('SELECT * FROM case_views ORDER BY seq').all(),
    requests: db.prepare('SELECT * FROM case_view_requests ORDER BY case_seq, request_id').all(),
  };
}

describe('CaseViewProjection', () => {
  it('answers each case-list filter from the rows it asks for, not by scanning every case or request', async () => {
    const data = new TempData();
    const db = data.openDb();
    try {
      new CaseViewProjection().setup(db);
      new ViolationRegisterProjection().setup(db);
      // The plan of each statement the list runs, with the parameters it runs it with.
      const plans: string[] = [];
      const planned = new Proxy(db, {
        get(target, property) {
          if (property === 'prepare') {
            return (sql: string) => {
              const statement = target.prepare(sql);
              return new Proxy(statement, {
                get(inner, method) {
                  if (method === 'all') {
                    return (...params: unknown[]) => {
                      const plan = target.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
                        detail: string;
                      }[];
                      plans.push(plan.map((step) => step.detail).join('; '));
                      return inner.all(...params);
                    };
                  }
                  const value: unknown = Reflect.get(inner, method, inner);
                  return typeof value === 'function'
                    ? (value as (...args: unknown[]) => unknown).bind(inner)
                    : value;
                },
              });
            };
          }
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function'
            ? (value as (...args: unknown[]) => unknown).bind(target)
            : value;
        },
      });
      const queries = new CaseViewQueries(planned);
      queries.list({ requestType: 'DETAINER' }, 0, 50);
      queries.list({ receivedFrom: '2024-01-01T00:00:00Z', receivedTo: '2024-02-01T00:00:00Z' }, 0, 50);
      queries.list(
        { agencyId: 'agency-a', requestType: 'TRANSFER', receivedFrom: '2024-01-01T00:00:00Z' },
        0,
        50,
      );
      queries.list({ status: 'OPEN' }, 0, 50);
      queries.list({ agencyId: 'agency-a', status: 'CLOSED' }, 7, 50);
      queries.list({ agencyId: 'agency-a', requestType: 'INTERVIEW' }, 0, 50);
      queries.list({ hasOpenViolations: true }, 0, 50);
      queries.list({ hasOpenViolations: true, agencyId: 'agency-a' }, 0, 50);
      queries.list({ hasOpenViolations: true, status: 'OPEN' }, 0, 50);
      expect(plans).toEqual([
        // A type alone: the requests of that type in case order, then their cases.
        'SEARCH r USING COVERING INDEX case_view_requests_type (request_type=? AND case_seq>?); SEARCH c USING INTEGER PRIMARY KEY (rowid=?)',
        // A time range: the requests received in it, then their cases.
        expect.stringMatching(
          /^SEARCH c USING INTEGER PRIMARY KEY \(rowid=\?\);.*SEARCH r USING COVERING INDEX case_view_requests_received \(received_at_ms>\? AND received_at_ms<\?\)$/,
        ),
        expect.stringMatching(
          /SEARCH r USING COVERING INDEX case_view_requests_received \(received_at_ms>\?\)$/,
        ),
        // A status, alone or with the agency: only the cases in it.
        'SEARCH c USING INDEX case_views_status (status=? AND seq>?)',
        'SEARCH c USING INDEX case_views_agency_status (agency_id=? AND status=? AND seq>?)',
        // A type with an agency: the agency's requests of that type in case order, then their cases.
        'SEARCH r USING COVERING INDEX case_view_requests_agency_type (agency_id=? AND request_type=? AND case_seq>?); SEARCH c USING INTEGER PRIMARY KEY (rowid=?)',
        // Open violations: the register's streams that have one (all, or the agency's) in order,
        // then their cases; with the (few) open cases, those cases, each looked up in the violations.
        'SEARCH s USING INDEX vr_streams_unresolved (seq>?); SEARCH c USING INDEX sqlite_autoindex_case_views_1 (case_id=? AND rowid>?)',
        'SEARCH s USING INDEX vr_streams_unresolved_agency (agency_id=? AND seq>?); SEARCH c USING INDEX sqlite_autoindex_case_views_1 (case_id=? AND rowid>?)',
        'SEARCH c USING INDEX case_views_status (status=? AND seq>?); SEARCH v EXISTS USING COVERING INDEX violations_stream (stream_id=? AND status=?)',
      ]);
    } finally {
      await data.close();
    }
  });

  it('reaches the same rows incrementally (interrupted at random) as by a rebuild, and each equals the pure fold', async () => {
    await fc.assert(
      fc.asyncProperty(
        caseCommandSequences(),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        replayOptions,
        async (commands, restarts, replay) => {
          const data = new TempData();
          const projection = new CaseViewProjection();
          const db = data.openDb();
          let runner = new ProjectionRunner(data.store, db, [projection], { batchSize: 3, ...replay });
          try {
            runner.start();
            let i = 0;
            const head = await recordCommands(data.store, commands, async () => {
              if (!restarts[i++ % restarts.length]) return;
              await runner.stop();
              runner = new ProjectionRunner(data.store, data.openDb(), [projection], {
                batchSize: 3,
                ...replay,
              });
              runner.start();
            });
            if (head === null) return;
            await runner.waitFor(head, 10_000);
            const incremental = dump(db);

            await runner.rebuild();
            expect(dump(db)).toEqual(incremental);

            const queries = new CaseViewQueries(db);
            const { items } = queries.list({}, 0, 500);
            for (const { record } of items) {
              const events: RecordedEvent[] = [];
              for await (const e of data.store.readStream(`case-${record.caseId}`)) events.push(e);
              expect(record).toEqual(caseRecordFrom(events));
            }
          } finally {
            await runner.stop();
            await data.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
