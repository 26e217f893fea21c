import { randomUUID } from 'node:crypto';
import {
  accessBody,
  closeBody,
  decisionBody,
  disclosureBody,
  eligibleBody,
  judicialWarrant,
  noticeBody,
  openCaseBody,
  requestBody,
} from '../support/case-bodies';
import { openCaseWithRequest } from '../support/case-with-request';
import { NO_RATE_LIMITS } from '../security/support';
import { SEVERAL_STREAMS_ETAG } from '../support/etags';
import { startTestApp, type TestApp } from '../support/test-app';

const AGENCY = 'agency-a';
const OTHER_AGENCY = 'agency-b';

let t: TestApp;
let officer: string;
let supervisor: string;
let otherOfficer: string;

beforeAll(async () => {
  // Its one officer sends well over 100 commands a second; the limits have their own suite.
  t = await startTestApp({ ...NO_RATE_LIMITS });
  officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  supervisor = await t.token({ role: 'supervisor', agencyId: AGENCY, sub: 'supervisor-1' });
  otherOfficer = await t.token({ role: 'officer', agencyId: OTHER_AGENCY, sub: 'officer-9' });
});
afterAll(() => t.close());

/** Opens a case with one pending detainer request; returns their ids. */
const caseWithRequest = () => openCaseWithRequest(t, officer, AGENCY);

/** Runs a rejected command and proves that nothing at all was written. */
async function rejected(send: () => PromiseLike<{ status: number; body: Record<string, unknown> }>) {
  const before = (await t.events()).length;
  const response = await send();
  expect((await t.events()).length).toBe(before);
  return response;
}

describe('happy paths', () => {
  it('opens a case and records every kind of fact on it, each 201 with the recorded position and ETag', async () => {
    const caseId = randomUUID();
    const requestId = randomUUID();
    const streamId = `case-${caseId}`;

    const opened = await t.post('/cases', officer, openCaseBody(AGENCY, caseId), {
      'X-Correlation-Id': 'corr-42',
    });
    expect(opened.status).toBe(201);
    expect(opened.body).toEqual({ id: caseId, streamId, revision: 0, position: expect.any(String) });
    expect(opened.headers.etag).toBe('"0"');

    const request = await t.post(`/cases/${caseId}/requests`, officer, {
      ...requestBody(requestId),
      documents: [judicialWarrant],
    });
    expect(request.status).toBe(201);
    expect(request.body).toMatchObject({ id: requestId, streamId, revision: 1 });

    const notice = noticeBody(requestId);
    const noticed = await t.post(`/cases/${caseId}/notices`, supervisor, notice);
    expect(noticed.status).toBe(201);
    expect(noticed.body).toMatchObject({ id: notice.noticeId, revision: 2 });

    const decided = await t.post(`/cases/${caseId}/requests/${requestId}/decision`, officer, decisionBody);
    const amended = await t.post(`/cases/${caseId}/requests/${requestId}/decision`, officer, {
      ...decisionBody,
      outcome: 'HONORED',
      basis: 'JUDICIAL_WARRANT',
      decidedAt: '2025-02-28T11:30:00Z',
      amendsDecision: true,
      reason: 'The judicial warrant was overlooked.',
    });
    const disclosed = await t.post(`/cases/${caseId}/disclosures`, officer, disclosureBody(requestId));
    const accessed = await t.post(`/cases/${caseId}/access`, officer, accessBody(requestId));
    const eligible = await t.post(`/cases/${caseId}/custody-events`, officer, eligibleBody);
    const released = await t.post(`/cases/${caseId}/custody-events`, officer, {
      kind: 'RELEASED',
      at: '2025-02-28T15:00:00Z',
    });
    const transferred = await t.post(`/cases/${caseId}/custody-events`, officer, {
      kind: 'TRANSFERRED',
      at: '2025-02-28T15:00:00Z',
      toAgency: 'OTHER',
    });
    const closed = await t.post(`/cases/${caseId}/close`, officer, closeBody);

    const responses = [decided, amended, disclosed, accessed, eligible, released, transferred, closed];
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));

    const events = await t.events(streamId);
    expect(events.map((e) => e.type)).toEqual([
      'CaseOpened',
      'FederalRequestReceived',
      'NoticeIssued',
      'DecisionRecorded',
      'DecisionAmended',
      'InformationDisclosed',
      'CustodyAccessGranted',
      'SubjectEligibleForRelease',
      'SubjectReleased',
      'SubjectTransferred',
      'CaseClosed',
    ]);
    // For a decision, disclosure, access, custody event or closing, `id` is the recorded event's id.
    responses.forEach((response, i) => {
      const event = events[3 + i];
      expect(response.body).toEqual({
        id: event.id,
        streamId,
        revision: event.revision,
        position: t.sealed(event.position),
      });
      expect(response.headers.etag).toBe(`"${event.revision}"`);
    });
    expect(events[0].data).toMatchObject({ caseId, agencyId: AGENCY });
    expect(events[0].metadata).toMatchObject({
      actor: 'officer-1',
      correlationId: 'corr-42',
      causationId: null,
      recordedAt: '2025-03-01T12:00:00.000Z',
    });
    expect(events[2].metadata.actor).toBe('supervisor-1');
  });

  it('names the created thing itself when the client chose no id', async () => {
    const opened = await t.post('/cases', officer, { ...openCaseBody(AGENCY), caseId: undefined });
    expect(opened.status).toBe(201);
    const [event] = await t.events(opened.body.streamId);
    expect(opened.body.id).toBe(event.data.caseId);
    expect(opened.body.streamId).toBe(`case-${opened.body.id}`);

    const recorded = await t.post(`/cases/${opened.body.id}/requests`, officer, {
      ...requestBody(),
      requestId: undefined,
    });
    expect(recorded.status).toBe(201);
    const events = await t.events(opened.body.streamId);
    expect(recorded.body.id).toBe(events[1].data.requestId);
  });

  it('takes the actor from the token, never from the body', async () => {
    const opened = await rejected(() =>
      t.post('/cases', officer, { ...openCaseBody(AGENCY), actor: 'someone-else' }),
    );
    expect(opened.status).toBe(400);
    expect(opened.body.errors).toEqual([{ field: 'actor', reason: 'property actor should not exist' }]);
  });
});

describe('400: every offending field is named and nothing is written', () => {
  it('names missing fields, wrong enums, bad dates, dates without offset and unknown fields, nested', async () => {
    const body = openCaseBody(AGENCY);
    const response = await rejected(() =>
      t.post('/cases', officer, {
        ...body,
        caseId: 'not-a-uuid',
        subject: {
          ...body.subject,
          fullName: undefined,
          dateOfBirth: '1990-02-30',
          nickname: 'x',
          preferredLanguage: 'spanish!',
        },
        custody: { status: 'JAILED', bookedAt: '2025-02-27T08:00:00' },
        convictions: [{ offense: 'x', category: 'FELONY', convictedAt: '2019-06-01T00:00:00Z' }],
        extra: true,
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed',
    });
    const fields = (response.body.errors as Array<{ field: string; reason: string }>)
      .map((e) => e.field)
      .sort();
    expect(fields).toEqual(
      [
        'caseId',
        'convictions[0].category',
        'convictions[0].convictedAt',
        'custody.bookedAt',
        'custody.status',
        'extra',
        'subject.dateOfBirth',
        'subject.fullName',
        'subject.nickname',
        'subject.preferredLanguage',
      ].sort(),
    );
    expect(response.body.errors).toContainEqual({
      field: 'custody.bookedAt',
      reason:
        'bookedAt must be an ISO 8601 date-time with an offset from -12:00 to +14:00, e.g. 2024-05-01T14:30:00-04:00',
    });
    expect(JSON.stringify(response.body)).not.toMatch(/stack|\.ts:/);
  });

  it('refuses an offset no place keeps and an instant past year 9999', async () => {
    const { caseId } = await caseWithRequest();
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/custody-events`, officer, {
        ...eligibleBody,
        at: '2025-03-01T08:00:00+23:00',
      }),
    );
    expect(response.status).toBe(400);
    const late = await rejected(() =>
      t.post(`/cases/${caseId}/close`, officer, { ...closeBody, closedAt: '9999-12-31T23:00:00-05:00' }),
    );
    expect(late.status).toBe(400);
    const reason =
      'must be an ISO 8601 date-time with an offset from -12:00 to +14:00, e.g. 2024-05-01T14:30:00-04:00';
    expect(response.body.errors).toEqual([{ field: 'at', reason: `at ${reason}` }]);
    expect(late.body.errors).toEqual([{ field: 'closedAt', reason: `closedAt ${reason}` }]);
  });

  it('refuses an act that has not happened yet, which would be judged before it happened', async () => {
    const { caseId, requestId } = await caseWithRequest();
    const inAnHour = new Date(Date.parse(t.clock.now()) + 3_600_000).toISOString();
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/requests/${requestId}/decision`, officer, {
        ...decisionBody,
        decidedAt: inAnHour,
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'decidedAt', reason: 'must not be in the future' }]);
  });

  it("names the shape's and the domain's offending fields in one 400, each field once", async () => {
    const { caseId } = await caseWithRequest();
    const inAnHour = new Date(Date.parse(t.clock.now()) + 3_600_000).toISOString();
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/requests`, officer, {
        ...requestBody(),
        form: 'I-999',
        receivedAt: inAnHour,
        documents: [{ ...judicialWarrant, court: '', signedAt: inAnHour }],
        informationRequested: ['RELEASE_DATE', 'RELEASE_DATE'],
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { field: 'form', reason: expect.stringContaining('must be one of') },
      { field: 'documents[0].court', reason: expect.any(String) },
      { field: 'receivedAt', reason: 'must not be in the future' },
      { field: 'documents[0].signedAt', reason: 'must not be in the future' },
      { field: 'informationRequested[1]', reason: 'repeats RELEASE_DATE' },
    ]);
    // A field of the wrong shape is named once, by its shape, and does not stop the others' checks.
    const misshapen = await rejected(() =>
      t.post(`/cases/${caseId}/requests`, officer, {
        ...requestBody(),
        receivedAt: inAnHour,
        informationRequested: 'RELEASE_DATE',
      }),
    );
    expect(misshapen.body.errors).toEqual([
      { field: 'informationRequested', reason: expect.any(String) },
      { field: 'receivedAt', reason: 'must not be in the future' },
    ]);
    // …nor does a nested one.
    const nested = await rejected(() =>
      t.post('/cases', officer, {
        ...openCaseBody(AGENCY, randomUUID()),
        subject: { fullName: 5, dateOfBirth: '2999-01-01' },
        custody: { status: 'IN_CUSTODY', bookedAt: inAnHour },
      }),
    );
    expect(nested.body.errors).toEqual([
      { field: 'subject.fullName', reason: expect.any(String) },
      { field: 'subject.dateOfBirth', reason: 'must not be after today' },
      { field: 'custody.bookedAt', reason: 'must not be in the future' },
    ]); // …nor does a required part left out: its fields are judged as given by nobody.
    const { subject: _subject, ...withoutSubject } = openCaseBody(AGENCY, randomUUID());
    const leftOut = await rejected(() =>
      t.post('/cases', officer, { ...withoutSubject, custody: { status: 'IN_CUSTODY', bookedAt: inAnHour } }),
    );
    expect(leftOut.body.errors).toEqual([
      { field: 'subject', reason: expect.any(String) },
      { field: 'custody.bookedAt', reason: 'must not be in the future' },
    ]);
    const { categories: _categories, ...noCategories } = disclosureBody(randomUUID());
    const withoutCategories = await rejected(() =>
      t.post(`/cases/${caseId}/disclosures`, officer, { ...noCategories, disclosedAt: inAnHour }),
    );
    expect(withoutCategories.body.errors).toEqual([
      { field: 'categories', reason: expect.any(String) },
      { field: 'disclosedAt', reason: 'must not be in the future' },
    ]);
  });

  it('judges no field by a kind, purpose, basis or amendsDecision it could not read', async () => {
    const { caseId, requestId } = await caseWithRequest();
    const inAnHour = new Date(Date.parse(t.clock.now()) + 3_600_000).toISOString();
    // Each the body of the kind the client meant, misspelt: the field it branches on is the only fault.
    const misspelt: Array<[string, object, string]> = [
      ['custody-events', { ...eligibleBody, kind: 'ELIGIBLE_FOR_RELEASEE', at: inAnHour }, 'kind'],
      ['custody-events', { kind: 'TRANSFERED', at: eligibleBody.at, toAgency: 'ICE' }, 'kind'],
      ['notices', { ...noticeBody(requestId), purpose: 'REQUEST_AND_INTNT' }, 'purpose'],
      [
        `requests/${requestId}/decision`,
        { ...decisionBody, basis: 'ORDINANCE_EXCEPTON', exceptionCode: 'E-1' },
        'basis',
      ],
      [
        `requests/${requestId}/decision`,
        { ...decisionBody, amendsDecision: 'yes', reason: 'Wrong basis recorded' },
        'amendsDecision',
      ],
    ];
    for (const [path, body, field] of misspelt) {
      const response = await rejected(() => t.post(`/cases/${caseId}/${path}`, officer, body));
      expect({ path, status: response.status, errors: response.body.errors }).toEqual({
        path,
        status: 400,
        errors: [{ field, reason: expect.any(String) }],
      });
    }
  });

  it('says a lone category is no list, a missing one is required, and where a category repeats', async () => {
    const { caseId, requestId } = await caseWithRequest();
    const errorsOf = async (body: object) =>
      (await rejected(() => t.post(`/cases/${caseId}/disclosures`, officer, body))).body.errors;
    const { categories: _categories, ...withoutCategories } = disclosureBody(requestId);
    expect(await errorsOf({ ...disclosureBody(requestId), categories: 'RELEASE_DATE' })).toEqual([
      { field: 'categories', reason: 'categories must be an array' },
    ]);
    expect(await errorsOf(withoutCategories)).toEqual([
      { field: 'categories', reason: 'categories must be an array' },
    ]);
    const repeated = ['RELEASE_DATE', 'HOME_ADDRESS', 'RELEASE_DATE'];
    expect(await errorsOf({ ...disclosureBody(requestId), categories: repeated })).toEqual([
      { field: 'categories[2]', reason: 'repeats RELEASE_DATE' },
    ]);
  });

  it('refuses text with nothing visible in it, control characters but tab and line breaks, and text that displays other than it reads', async () => {
    const body = openCaseBody(AGENCY);
    const invisible = await rejected(() =>
      t.post('/cases', officer, { ...body, subject: { ...body.subject, fullName: '\u200b\u200b' } }),
    );
    expect(invisible.body.errors).toEqual([
      { field: 'subject.fullName', reason: 'fullName must not be blank' },
    ]);
    const { caseId } = await caseWithRequest();
    const nul = await rejected(() =>
      t.post(`/cases/${caseId}/close`, officer, { ...closeBody, reason: 'Released\u0000 on bail' }),
    );
    expect(nul.body.errors).toEqual([
      { field: 'reason', reason: 'reason must not contain control characters (tab and line breaks aside)' },
    ]);
    const reordering = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u2028\u2029';
    for (const character of reordering) {
      const refused = await rejected(() =>
        t.post(`/cases/${caseId}/close`, officer, { ...closeBody, reason: `Released ${character}no bail` }),
      );
      expect(refused.body.errors).toEqual([
        {
          field: 'reason',
          reason:
            'reason must not contain bidirectional formatting characters (U+202A-U+202E, U+2066-U+2069) or Unicode line separators (U+2028, U+2029)',
        },
      ]);
    }
    // Right-to-left scripts need none of them, nor do the left-to-right and right-to-left marks.
    const lines = await t.post(`/cases/${caseId}/close`, officer, {
      ...closeBody,
      reason: 'Released.\n\tBail posted. \u200Fأُفرج عنه\u200E',
    });
    expect(lines.status).toBe(201);
  });

  it('requires court, judge and signing date on a judicial warrant or court order', async () => {
    const { caseId } = await caseWithRequest();
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/requests`, officer, {
        ...requestBody(),
        documents: [
          { kind: 'JUDICIAL_WARRANT', issuerRole: 'FEDERAL_JUDGE', court: 'E.D. Pa.' },
          {
            kind: 'COURT_ORDER',
            issuerRole: 'STATE_JUDGE',
            court: 'X',
            judgeName: 'Y',
            signedAt: '2025-01-01',
          },
          { kind: 'ADMINISTRATIVE_WARRANT_I205', issuerRole: 'IMMIGRATION_OFFICER' },
        ],
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      {
        field: 'documents[0].judgeName',
        reason: 'judgeName is required for JUDICIAL_WARRANT and COURT_ORDER documents',
      },
      {
        field: 'documents[0].signedAt',
        reason: 'signedAt is required for JUDICIAL_WARRANT and COURT_ORDER documents',
      },
      {
        field: 'documents[1].signedAt',
        reason:
          'signedAt must be an ISO 8601 date-time with an offset from -12:00 to +14:00, e.g. 2024-05-01T14:30:00-04:00',
      },
    ]);
  });

  it.each([
    [
      'notice for a request without requestId and statedIntent',
      'notices',
      { requestId: undefined, statedIntent: undefined },
      ['requestId', 'statedIntent'],
    ],
    [
      'notice in a language that is not a BCP 47 tag',
      'notices',
      { language: 'Spanish language' },
      ['language'],
    ],
    ['disclosure naming no category', 'disclosures', { categories: [] }, ['categories']],
    ['disclosure of an unknown category', 'disclosures', { categories: ['GOSSIP'] }, ['categories']],
    ['custody event of an unknown kind', 'custody-events', { kind: 'ESCAPED' }, ['kind']],
    ['release eligibility without reason', 'custody-events', { reason: undefined }, ['reason']],
    ['close without reason', 'close', { reason: '   ' }, ['reason']],
  ])('rejects a %s', async (_, path, change, fields) => {
    const { caseId, requestId } = await caseWithRequest();
    const valid: Record<string, object> = {
      notices: noticeBody(requestId),
      disclosures: disclosureBody(requestId),
      'custody-events': eligibleBody,
      close: closeBody,
    };
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/${path}`, officer, { ...valid[path], ...change }),
    );
    expect(response.status).toBe(400);
    expect((response.body.errors as Array<{ field: string }>).map((e) => e.field)).toEqual(fields);
  });

  it('requires an exception code with ORDINANCE_EXCEPTION and a reason to amend', async () => {
    const { caseId, requestId } = await caseWithRequest();
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/requests/${requestId}/decision`, officer, {
        ...decisionBody,
        outcome: 'MAYBE',
        basis: 'ORDINANCE_EXCEPTION',
        amendsDecision: true,
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      {
        field: 'outcome',
        reason: 'outcome must be one of the following values: HONORED, DECLINED, PARTIALLY_HONORED',
      },
      { field: 'exceptionCode', reason: 'exceptionCode is required with basis ORDINANCE_EXCEPTION' },
      { field: 'reason', reason: 'reason is required to amend a decision' },
    ]);
  });

  it('requires a destination for a transfer', async () => {
    const { caseId } = await caseWithRequest();
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/custody-events`, officer, { kind: 'TRANSFERRED', at: '2025-02-28T15:00:00Z' }),
    );
    expect(response.body.errors).toEqual([
      { field: 'toAgency', reason: 'toAgency is required for TRANSFERRED' },
    ]);
  });

  it('rejects ids in the path that are not UUIDs', async () => {
    const response = await rejected(() => t.post('/cases/123/close', officer, closeBody));
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'caseId', reason: 'caseId must be a UUID' }]);
  });

  it("names the path's and the body's offending fields in one 400", async () => {
    const inAnHour = new Date(Date.parse(t.clock.now()) + 3_600_000).toISOString();
    const response = await rejected(() =>
      t.post('/cases/123/close', officer, { closedAt: inAnHour, reason: 7 }),
    );
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { field: 'caseId', reason: 'caseId must be a UUID' },
      { field: 'reason', reason: expect.any(String) },
      { field: 'closedAt', reason: 'must not be in the future' },
    ]);
  });

  it("names the path's and the query's offending fields in one 400", async () => {
    const response = await t.get('/cases/123?asOf=yesterday', officer);
    expect(response.status).toBe(400);
    expect((response.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual([
      'asOf',
      'caseId',
    ]);
  });

  it('rejects a malformed If-Match or Idempotency-Key header', async () => {
    const { caseId } = await caseWithRequest();
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/close`, officer, closeBody, { 'If-Match': 'three', 'Idempotency-Key': 'a b' }),
    );
    expect(response.status).toBe(400);
    expect((response.body.errors as Array<{ field: string }>).map((e) => e.field)).toEqual([
      'Idempotency-Key',
      'If-Match',
    ]);
    // Only the ETags the API gives out: a revision written with a leading zero is none of them.
    const padded = await rejected(() =>
      t.post(`/cases/${caseId}/close`, officer, closeBody, { 'If-Match': '"02"' }),
    );
    expect(padded.status).toBe(400);
    expect(padded.body.errors).toEqual([
      { field: 'If-Match', reason: 'must be * or ETags from this API, e.g. "3" or "3", "4"' },
    ]);
  });

  it('rejects malformed JSON', async () => {
    const response = await rejected(() =>
      t
        .http()
        .post('/api/v1/cases')
        .set('Authorization', `Bearer ${officer}`)
        .set('Content-Type', 'application/json')
        .send('{"agencyId":'),
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });
});

describe('403, 404: the agency scope', () => {
  it('refuses roles that do not record case facts', async () => {
    for (const role of ['counsel', 'oversight', 'admin'] as const) {
      const token = await t.token({ role });
      const response = await rejected(() => t.post('/cases', token, openCaseBody(AGENCY)));
      expect(response.status).toBe(403);
    }
  });

  it('refuses an officer opening a case for another agency', async () => {
    const response = await rejected(() => t.post('/cases', officer, openCaseBody(OTHER_AGENCY)));
    expect(response.status).toBe(403);
  });

  it("answers another agency's case exactly like an unknown one", async () => {
    const { caseId, requestId } = await caseWithRequest();
    const foreign = await rejected(() =>
      t.post(`/cases/${caseId}/notices`, otherOfficer, noticeBody(requestId)),
    );
    const unknown = await rejected(() =>
      t.post(`/cases/${randomUUID()}/notices`, otherOfficer, noticeBody(requestId)),
    );
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(unknown.body);
    expect(foreign.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'CASE_NOT_FOUND',
      message: 'No such case',
    });
  });
});

describe('409: commands that contradict the record write nothing', () => {
  it('refuses a decision on an unknown request', async () => {
    const { caseId } = await caseWithRequest();
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/requests/${randomUUID()}/decision`, officer, decisionBody),
    );
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('UNKNOWN_REQUEST');
  });

  it('refuses a notice answering an unknown request', async () => {
    const { caseId } = await caseWithRequest();
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/notices`, officer, noticeBody(randomUUID())),
    );
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('UNKNOWN_REQUEST');
  });

  it('refuses a second decision without amendment', async () => {
    const { caseId, requestId } = await caseWithRequest();
    await t.post(`/cases/${caseId}/requests/${requestId}/decision`, officer, decisionBody).expect(201);
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/requests/${requestId}/decision`, officer, {
        ...decisionBody,
        outcome: 'HONORED',
      }),
    );
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('ALREADY_DECIDED');
  });

  it('refuses any command on a closed case', async () => {
    const { caseId, requestId } = await caseWithRequest();
    await t.post(`/cases/${caseId}/close`, officer, closeBody).expect(201);
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/requests/${requestId}/decision`, officer, decisionBody),
    );
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('CASE_CLOSED');
  });

  it('refuses opening a caseId that exists', async () => {
    const { caseId } = await caseWithRequest();
    const response = await rejected(() => t.post('/cases', officer, openCaseBody(AGENCY, caseId)));
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('CASE_ALREADY_EXISTS');
  });

  it('names an object where a list belongs for what it is', async () => {
    const response = await rejected(() =>
      t.post('/cases', officer, { ...openCaseBody(AGENCY), convictions: { offense: 'theft' } }),
    );
    expect(response.body.errors).toEqual([{ field: 'convictions', reason: 'convictions must be an array' }]);
  });

  it('takes null in a field it does not require as the field left out', async () => {
    // The same facts recorded twice, once with nulls and once with those fields left out.
    const record = async (withNulls: boolean): Promise<unknown[]> => {
      const caseId = randomUUID();
      const requestId = randomUUID();
      const none = (fields: Record<string, null>) => (withNulls ? fields : {});
      const { subject, custody } = openCaseBody(AGENCY);
      const bodies: [string, object][] = [
        ['/cases', { caseId, agencyId: AGENCY, subject, custody, ...none({ convictions: null }) }],
        [
          `/cases/${caseId}/requests`,
          {
            ...requestBody(requestId),
            documents: undefined,
            informationRequested: undefined,
            ...none({ documents: null, informationRequested: null }),
          },
        ],
        [
          `/cases/${caseId}/notices`,
          {
            ...noticeBody(requestId),
            noticeId: undefined,
            purpose: 'RELEASE_DATE',
            requestId: undefined,
            statedIntent: undefined,
            ...none({ requestId: null, statedIntent: null }),
          },
        ],
        [
          `/cases/${caseId}/custody-events`,
          { kind: 'RELEASED', at: '2025-02-28T15:00:00Z', ...none({ reason: null, toAgency: null }) },
        ],
      ];
      for (const [path, body] of bodies) {
        const response = await t.post(path, officer, body);
        expect({ path, withNulls, status: response.status }).toEqual({ path, withNulls, status: 201 });
      }
      // Ids apart (the case's, and those the service chose), the recorded facts.
      const events = await t.events(`case-${caseId}`);
      return events.map((e) => {
        // The subject and a notice's language are encrypted under the case's own key: their bytes
        // differ from case to case.
        const {
          caseId: _c,
          requestId: _r,
          noticeId: _n,
          subject: _s,
          language: _l,
          ...data
        } = e.data as Record<string, unknown>;
        return { type: e.type, data };
      });
    };
    expect(await record(true)).toEqual(await record(false));

    // Not required on a document that is no court's: null is no 400 "required for JUDICIAL_WARRANT…".
    const { caseId } = await caseWithRequest();
    const document = { kind: 'OTHER', issuerRole: 'OTHER', court: null, judgeName: null, signedAt: null };
    const response = await t.post(`/cases/${caseId}/requests`, officer, {
      ...requestBody(),
      documents: [document],
    });
    expect(response.status).toBe(201);
  });

  it('takes an id in capitals for the same id: UUIDs are case-insensitive', async () => {
    const caseId = randomUUID();
    const opened = await t.post('/cases', officer, openCaseBody(AGENCY, caseId.toUpperCase()));
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ id: caseId, streamId: `case-${caseId}` });
    const again = await rejected(() => t.post('/cases', officer, openCaseBody(AGENCY, caseId)));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CASE_ALREADY_EXISTS');
    const requestId = randomUUID();
    const path = `/cases/${caseId.toUpperCase()}/requests`;
    const recorded = await t.post(path, officer, requestBody(requestId.toUpperCase()));
    expect(recorded.body).toMatchObject({ id: requestId, streamId: `case-${caseId}` });
    const shown = await t.get(`/cases/${caseId.toUpperCase()}/history`, officer);
    expect(shown.status).toBe(200);
    expect(shown.body.items.map((i: { type: string }) => i.type)).toEqual([
      'CaseOpened',
      'FederalRequestReceived',
    ]);
  });
});

describe('412: If-Match', () => {
  it('accepts the current ETag and refuses a stale one without deciding', async () => {
    const { caseId } = await caseWithRequest();
    const current = await t.post(
      `/cases/${caseId}/disclosures`,
      officer,
      { recipientAgency: 'ICE', categories: ['PUBLICLY_AVAILABLE'], disclosedAt: '2025-02-28T12:00:00Z' },
      { 'If-Match': '"1"' },
    );
    expect(current.status).toBe(201);
    expect(current.headers.etag).toBe('"2"');

    const stale = await rejected(() =>
      t.post(`/cases/${caseId}/close`, officer, closeBody, { 'If-Match': '"1"' }),
    );
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({
      statusCode: 412,
      code: 'REVISION_MISMATCH',
      message: `If-Match "1" is stale: case-${caseId} has changed since`,
    });
    const ahead = await rejected(() =>
      t.post(`/cases/${caseId}/close`, officer, closeBody, { 'If-Match': '"7"' }),
    );
    expect(ahead.status).toBe(412);
    expect(ahead.body.message).toBe(`If-Match "7" is ahead of case-${caseId}, which is at revision 2`);
    // The form of a violation's ETag over several review streams: never a case's, alone or beside
    // one ahead, nor one of a case with nothing recorded.
    for (const ifMatch of [SEVERAL_STREAMS_ETAG, `"7", ${SEVERAL_STREAMS_ETAG}`]) {
      const another = await rejected(() =>
        t.post(`/cases/${caseId}/close`, officer, closeBody, { 'If-Match': ifMatch }),
      );
      expect(another.status).toBe(412);
      expect(another.body.message).toBe(
        `If-Match ${ifMatch} was never given out for case-${caseId}, whose ETag is its revision (revision 2)`,
      );
    }
    const unopened = randomUUID();
    const none = await rejected(() =>
      t.post('/cases', officer, openCaseBody(AGENCY, unopened), { 'If-Match': SEVERAL_STREAMS_ETAG }),
    );
    expect(none.status).toBe(412);
    expect(none.body.message).toBe(
      `If-Match ${SEVERAL_STREAMS_ETAG} was never given out for case-${unopened}, which has nothing recorded`,
    );
    // Beside a tag given out before, the list is stale.
    const staleList = await rejected(() =>
      t.post(`/cases/${caseId}/close`, officer, closeBody, { 'If-Match': `${SEVERAL_STREAMS_ETAG}, "1"` }),
    );
    expect(staleList.body.message).toBe(
      `If-Match ${SEVERAL_STREAMS_ETAG}, "1" is stale: case-${caseId} has changed since`,
    );

    const weak = await t.post(`/cases/${caseId}/close`, officer, closeBody, { 'If-Match': 'W/"2"' });
    expect(weak.status).toBe(201);
  });

  it('takes a list of ETags, any of which will do, and * for "whatever is recorded" (RFC 9110)', async () => {
    const { caseId } = await caseWithRequest();
    const disclosure = {
      recipientAgency: 'ICE',
      categories: ['PUBLICLY_AVAILABLE'],
      disclosedAt: '2025-02-28T12:00:00Z',
    };
    const listed = await t.post(`/cases/${caseId}/disclosures`, officer, disclosure, {
      'If-Match': '"0", "1"',
    });
    expect(listed.status).toBe(201);
    const stale = await rejected(() =>
      t.post(`/cases/${caseId}/disclosures`, officer, disclosure, { 'If-Match': '"0", W/"1"' }),
    );
    expect(stale.status).toBe(412);
    expect(stale.body.message).toBe(`If-Match "0", "1" is stale: case-${caseId} has changed since`);
    const any = await t.post(`/cases/${caseId}/disclosures`, officer, disclosure, { 'If-Match': '*' });
    expect(any.status).toBe(201);
    // Nothing is recorded on a case not opened: * does not match it.
    const none = await rejected(() => t.post('/cases', officer, openCaseBody(AGENCY), { 'If-Match': '*' }));
    expect(none.status).toBe(412);
    expect(none.body.message).toMatch(/^If-Match: \* but case-[0-9a-f-]+ has nothing recorded$/);
    const malformed = await rejected(() =>
      t.post(`/cases/${caseId}/close`, officer, closeBody, { 'If-Match': '"3", 3' }),
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ field: 'If-Match', reason: expect.stringContaining('ETags') }]);
  });
});

describe('413', () => {
  it('refuses a body over 1 MiB', async () => {
    const { caseId } = await caseWithRequest();
    const response = await rejected(() =>
      t.post(`/cases/${caseId}/close`, officer, { ...closeBody, reason: 'x'.repeat(1024 * 1024) }),
    );
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('refuses a body of more than 1,000 fields at once, rather than judging each (400)', async () => {
    const fields = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 0]));
    const many = await t.post('/cases', officer, fields(95_000)).expect(400);
    expect(many.body.errors).toEqual([{ field: 'body', reason: 'must hold at most 1000 fields' }]);
    // Nested fields count too; a body within the bound is judged field by field as before.
    const nested = await t
      .post('/cases', officer, { ...openCaseBody(AGENCY), extra: fields(1_000) })
      .expect(400);
    expect(nested.body.errors).toEqual([{ field: 'body', reason: 'must hold at most 1000 fields' }]);
    const within = await t.post('/cases', officer, fields(900)).expect(400);
    expect(within.body.errors).toEqual(
      expect.arrayContaining([{ field: 'k0', reason: 'property k0 should not exist' }]),
    );
  });
});
