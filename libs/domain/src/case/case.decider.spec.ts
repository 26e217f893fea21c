import { fieldErrorsFor, specFor } from '../../testing/given-when-then';
import {
  caseClosed,
  caseOpened,
  closeCase,
  CASE_ID,
  AGENCY_ID,
  custodyAccessGranted,
  decideRequest,
  decisionAmended,
  decisionRecorded,
  eligibleForRelease,
  erasePersonalData,
  hoursAfter,
  informationDisclosed,
  judicialWarrant,
  minutesAfter,
  noticeIssued,
  NOW,
  openCase,
  personalDataErased,
  recordCustodyAccess,
  recordCustodyEvent,
  recordDisclosure,
  recordFederalRequest,
  recordNotice,
  released,
  transferred,
  REQUEST_ID,
  requestReceived,
  T0,
} from '../../testing/case-builders';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import type { CaseCommand } from './case.commands';
import type { CaseEvent } from './case.events';
import { caseDecider, decideCase } from './case.decider';

const given = specFor(caseDecider);
const fieldErrors = fieldErrorsFor(caseDecider);

const opened = caseOpened();
const detainer = requestReceived();
/** An instant written with an offset: textually after T0, in fact half an hour before it. */
const HALF_HOUR_BEFORE_T0_WITH_OFFSET = '2024-06-15T11:30:00+02:00';

const everyCommandButOpen: CaseCommand[] = [
  recordFederalRequest({ requestId: 'another-request' }),
  recordNotice(),
  decideRequest(),
  recordDisclosure(),
  recordCustodyAccess(),
  recordCustodyEvent(),
  closeCase(),
  erasePersonalData(),
];

describe('Case aggregate', () => {
  describe('any command', () => {
    it.each(everyCommandButOpen.map((c) => [c.type, c] as const))(
      '%s on a case never opened is CASE_NOT_FOUND',
      (_type, command) => {
        given([]).when(command).thenThrows(NotFoundError, 'CASE_NOT_FOUND');
      },
    );

    it.each(
      everyCommandButOpen.filter((c) => c.type !== 'ErasePersonalData').map((c) => [c.type, c] as const),
    )('%s on a closed case is CASE_CLOSED', (_type, command) => {
      given([opened, detainer, decisionRecorded(), caseClosed()])
        .when(command)
        .thenThrows(ConflictError, 'CASE_CLOSED');
    });
  });

  describe('OpenCase', () => {
    it('opens the case at the command time, deriving the subject profile the rules need (no language: it stays in the sealed subject)', () => {
      given([])
        .when(
          openCase({
            subject: {
              fullName: 'Test Subject',
              dateOfBirth: '1990-02-28',
              preferredLanguage: 'es-MX',
              attorney: { name: 'Counsel', email: 'counsel@example.org' },
            },
            custody: { status: 'IN_CUSTODY', bookedAt: '2024-06-15T07:00:00Z', facility: 'County Jail' },
            convictions: [{ offense: 'Robbery', category: 'VIOLENT_FELONY', convictedAt: '2020-01-10' }],
          }),
        )
        .then([
          {
            type: 'CaseOpened',
            data: {
              caseId: CASE_ID,
              agencyId: AGENCY_ID,
              openedAt: NOW,
              subject: {
                fullName: 'Test Subject',
                dateOfBirth: '1990-02-28',
                preferredLanguage: 'es-MX',
                attorney: { name: 'Counsel', email: 'counsel@example.org' },
              },
              subjectProfile: { hasAttorney: true, hasDesignee: false },
              custody: { status: 'IN_CUSTODY', bookedAt: '2024-06-15T07:00:00Z', facility: 'County Jail' },
              convictions: [{ offense: 'Robbery', category: 'VIOLENT_FELONY', convictedAt: '2020-01-10' }],
            },
          },
        ]);
    });

    it('records no attorney or designee when none is given', () => {
      const [event] = decideCase(
        caseDecider.initialState,
        openCase({ subject: { fullName: 'Test Subject', designee: { name: 'Sister' } } }),
      );
      expect(event).toMatchObject({
        data: { subjectProfile: { hasAttorney: false, hasDesignee: true } },
      });
    });

    it('keeps only the fields the event defines, so nothing unexpected is stored', () => {
      const subject = { fullName: 'Test Subject', nickname: 'not a field' };
      const [event] = decideCase(caseDecider.initialState, openCase({ subject }));
      expect(event?.type === 'CaseOpened' && event.data.subject).toStrictEqual({ fullName: 'Test Subject' });
    });

    it('keeps a designee and an attorney as given, and no field the event does not name', () => {
      const [event] = decideCase(
        caseDecider.initialState,
        openCase({
          subject: {
            fullName: 'Test Subject',
            aNumber: 'A123456789',
            attorney: { name: 'Counsel', phone: '555-0100', extra: 'x' } as never,
            designee: { name: 'Sister', phone: '555-0101', extra: 'y' } as never,
          },
        }),
      );
      expect(event?.type === 'CaseOpened' && event.data.subject).toStrictEqual({
        fullName: 'Test Subject',
        aNumber: 'A123456789',
        attorney: { name: 'Counsel', phone: '555-0100' },
        designee: { name: 'Sister', phone: '555-0101' },
      });
      expect(event?.type === 'CaseOpened' && event.data.subjectProfile).toEqual({
        hasAttorney: true,
        hasDesignee: true,
      });
    });

    it('refuses to open a case that exists', () => {
      given([opened]).when(openCase()).thenThrows(ConflictError, 'CASE_ALREADY_EXISTS');
    });

    it('refuses to reopen a closed case', () => {
      given([opened, caseClosed()]).when(openCase()).thenThrows(ConflictError, 'CASE_ALREADY_EXISTS');
    });

    it('names every invalid field at once', () => {
      expect(
        fieldErrors(
          [],
          openCase({
            subject: { fullName: ' ', dateOfBirth: '1990-02-30', preferredLanguage: 'spanish!' },
            custody: { status: 'IN_CUSTODY', bookedAt: '2024-06-15 07:00' },
            convictions: [{ offense: 'Theft', category: 'MISDEMEANOR', convictedAt: '2020-13-01' }],
          }),
        ).map((e) => e.field),
      ).toEqual([
        'subject.fullName',
        'subject.dateOfBirth',
        'subject.preferredLanguage',
        'custody.bookedAt',
        'convictions[0].convictedAt',
      ]);
    });

    it('refuses a birth or a conviction dated after today', () => {
      // The command's time is 20 June 2024, 12:00 UTC: already the 21st at UTC+14, the 22nd nowhere.
      expect(
        fieldErrors(
          [],
          openCase({
            subject: { fullName: 'Test Subject', dateOfBirth: '2024-06-22' },
            convictions: [{ offense: 'Theft', category: 'MISDEMEANOR', convictedAt: '2030-01-01' }],
          }),
        ),
      ).toEqual([
        { field: 'subject.dateOfBirth', reason: 'must not be after today' },
        { field: 'convictions[0].convictedAt', reason: 'must not be after today' },
      ]);
      const bornToday = openCase({ subject: { fullName: 'Born today', dateOfBirth: '2024-06-21' } });
      expect(decideCase(caseDecider.initialState, bornToday)).toHaveLength(1);
    });
  });

  describe('RecordFederalRequest', () => {
    it('records the request with its documents', () => {
      const documents = [
        judicialWarrant(),
        { kind: 'ADMINISTRATIVE_WARRANT_I200', issuerRole: 'IMMIGRATION_OFFICER' } as const,
      ];
      given([opened])
        .when(recordFederalRequest({ documents, informationRequested: ['RELEASE_DATE'] }))
        .then([requestReceived({ documents, informationRequested: ['RELEASE_DATE'] })]);
    });

    it('refuses a request id already recorded on the case', () => {
      given([opened, detainer]).when(recordFederalRequest()).thenThrows(ConflictError, 'DUPLICATE_REQUEST');
    });

    it('validates before it looks for a duplicate: a malformed retry is a 400, not a 409', () => {
      given([opened, detainer])
        .when(recordFederalRequest({ receivedAt: 'yesterday' }))
        .thenThrows(ValidationError, 'VALIDATION_FAILED');
    });

    it('requires court, judge and signing time on every judicial warrant and court order', () => {
      expect(
        fieldErrors(
          [opened],
          recordFederalRequest({
            documents: [
              { kind: 'ORDER_TO_DETAIN_I203', issuerRole: 'IMMIGRATION_OFFICER' },
              { kind: 'JUDICIAL_WARRANT', issuerRole: 'FEDERAL_JUDGE', court: 'U.S. District Court' },
              { kind: 'COURT_ORDER', issuerRole: 'STATE_JUDGE', judgeName: 'Judge B', signedAt: 'yesterday' },
            ],
          }),
        ),
      ).toEqual([
        { field: 'documents[1].judgeName', reason: 'is required for a JUDICIAL_WARRANT' },
        { field: 'documents[1].signedAt', reason: 'is required for a JUDICIAL_WARRANT' },
        { field: 'documents[2].court', reason: 'is required for a COURT_ORDER' },
        { field: 'documents[2].signedAt', reason: 'must be an ISO 8601 date-time with an offset' },
      ]);
    });

    it('checks the signing time of an administrative document only when one is given', () => {
      expect(
        fieldErrors(
          [opened],
          recordFederalRequest({
            documents: [
              {
                kind: 'ADMINISTRATIVE_WARRANT_I200',
                issuerRole: 'IMMIGRATION_OFFICER',
                signedAt: '14/06/2024',
              },
              { kind: 'ORDER_TO_DETAIN_I203', issuerRole: 'IMMIGRATION_OFFICER' },
            ],
          }),
        ),
      ).toEqual([{ field: 'documents[0].signedAt', reason: 'must be an ISO 8601 date-time with an offset' }]);
    });

    it.each(['2024-06-15T10:00:00', '2024-02-30T10:00:00Z', '2024-06-15T25:00:00Z', '15/06/2024'])(
      'refuses receivedAt %s',
      (receivedAt) => {
        expect(fieldErrors([opened], recordFederalRequest({ receivedAt }))).toEqual([
          { field: 'receivedAt', reason: 'must be an ISO 8601 date-time with an offset' },
        ]);
      },
    );
  });

  describe('RecordNotice', () => {
    it('records a request-and-intent notice', () => {
      given([opened, detainer]).when(recordNotice()).then([noticeIssued()]);
    });

    describe('says whether the notice is in the preferred language, so the rules never read either', () => {
      const preferring = (preferredLanguage: string) =>
        caseOpened({ subject: { fullName: 'Test Subject', preferredLanguage } });

      it('true for the same primary subtag, whatever its case', () => {
        given([preferring('ES-mx'), detainer])
          .when(recordNotice({ language: 'es' }))
          .then([noticeIssued({ language: 'es', inPreferredLanguage: true })]);
      });

      it('false for another language', () => {
        given([preferring('es'), detainer])
          .when(recordNotice({ language: 'en' }))
          .then([noticeIssued({ language: 'en', inPreferredLanguage: false })]);
      });

      it('null when the case names no preferred language', () => {
        given([opened, detainer])
          .when(recordNotice({ language: 'fr' }))
          .then([noticeIssued({ language: 'fr', inPreferredLanguage: null })]);
      });

      it('null once the personal data is erased', () => {
        given([preferring('es'), detainer, personalDataErased()])
          .when(recordNotice({ language: 'en' }))
          .then([noticeIssued({ language: 'en', inPreferredLanguage: null })]);
      });
    });

    it('records a release-date notice that answers no request, with nulls for what was not given', () => {
      given([opened])
        .when(recordNotice({ purpose: 'RELEASE_DATE', requestId: undefined, statedIntent: undefined }))
        .then([noticeIssued({ purpose: 'RELEASE_DATE', requestId: null, statedIntent: null })]);
    });

    it('records a release-date notice that names the request it answers', () => {
      given([opened, requestReceived({ requestType: 'NOTIFICATION' })])
        .when(recordNotice({ purpose: 'RELEASE_DATE', statedIntent: undefined, recipient: 'ATTORNEY' }))
        .then([
          noticeIssued({
            purpose: 'RELEASE_DATE',
            statedIntent: null,
            recipient: 'ATTORNEY',
            requestId: REQUEST_ID,
          }),
        ]);
    });

    it('requires the request and the stated intent on a request-and-intent notice', () => {
      expect(
        fieldErrors(
          [opened, detainer],
          recordNotice({ requestId: undefined, statedIntent: undefined, language: '' }),
        ),
      ).toEqual([
        { field: 'language', reason: 'must be a BCP 47 language tag' },
        { field: 'requestId', reason: 'is required for a REQUEST_AND_INTENT notice' },
        { field: 'statedIntent', reason: 'is required for a REQUEST_AND_INTENT notice' },
      ]);
    });

    it('refuses a stated intent on a notice that is no request-and-intent notice', () => {
      expect(fieldErrors([opened], recordNotice({ purpose: 'RELEASE_DATE', requestId: undefined }))).toEqual([
        { field: 'statedIntent', reason: 'is only given for a REQUEST_AND_INTENT notice' },
      ]);
    });

    it('refuses a notice about a request the case does not have', () => {
      given([opened]).when(recordNotice()).thenThrows(ConflictError, 'UNKNOWN_REQUEST');
    });

    it('refuses a release-date notice naming a request the case does not have', () => {
      given([opened])
        .when(recordNotice({ purpose: 'RELEASE_DATE', statedIntent: undefined }))
        .thenThrows(ConflictError, 'UNKNOWN_REQUEST');
    });

    it('refuses a notice delivered before the request arrived, comparing instants not text', () => {
      given([opened, detainer])
        .when(recordNotice({ deliveredAt: HALF_HOUR_BEFORE_T0_WITH_OFFSET }))
        .thenThrows(ConflictError, 'PRECEDES_REQUEST');
    });

    it('accepts a notice delivered at the very instant the request arrived', () => {
      given([opened, detainer])
        .when(recordNotice({ deliveredAt: T0 }))
        .then([noticeIssued({ deliveredAt: T0 })]);
    });

    it('refuses a notice id already recorded on the case', () => {
      given([opened, detainer, noticeIssued()])
        .when(recordNotice({ recipient: 'ATTORNEY' }))
        .thenThrows(ConflictError, 'DUPLICATE_NOTICE');
    });
  });

  describe('DecideRequest', () => {
    it('records the decision', () => {
      given([opened, detainer]).when(decideRequest()).then([decisionRecorded()]);
    });

    it('records an exception decision with its code', () => {
      const data = {
        outcome: 'HONORED',
        basis: 'ORDINANCE_EXCEPTION',
        exceptionCode: 'VIOLENT_OR_SERIOUS_FELONY_5Y',
      } as const;
      given([opened, detainer])
        .when(decideRequest(data))
        .then([decisionRecorded(data)]);
    });

    it('amends a decision, with the reason', () => {
      given([opened, detainer, decisionRecorded()])
        .when(
          decideRequest({
            outcome: 'DECLINED',
            decidedAt: hoursAfter(T0, 3),
            rationale: 'Reconsidered',
            amendsDecision: true,
            reason: 'Recording error',
          }),
        )
        .then([decisionAmended()]);
    });

    it('amends an amended decision', () => {
      given([opened, detainer, decisionRecorded(), decisionAmended()])
        .when(decideRequest({ decidedAt: hoursAfter(T0, 5), amendsDecision: true, reason: 'Second look' }))
        .then([
          decisionAmended({
            decidedAt: hoursAfter(T0, 5),
            rationale: 'No judicial warrant',
            reason: 'Second look',
          }),
        ]);
    });

    it('refuses a second decision that does not say it amends the first', () => {
      given([opened, detainer, decisionRecorded()])
        .when(decideRequest({ outcome: 'HONORED' }))
        .thenThrows(ConflictError, 'ALREADY_DECIDED');
    });

    it('refuses an amendment when nothing was decided', () => {
      given([opened, detainer])
        .when(decideRequest({ amendsDecision: true, reason: 'Correction' }))
        .thenThrows(ConflictError, 'NO_DECISION_TO_AMEND');
    });

    it('refuses an amendment dated before the decision it amends', () => {
      given([opened, detainer, decisionRecorded()])
        .when(decideRequest({ decidedAt: hoursAfter(T0, 1), amendsDecision: true, reason: 'Correction' }))
        .thenThrows(ConflictError, 'PRECEDES_AMENDED_DECISION');
    });

    it('refuses a decision on a request the case does not have', () => {
      given([opened]).when(decideRequest()).thenThrows(ConflictError, 'UNKNOWN_REQUEST');
    });

    it('refuses a decision made before the request arrived', () => {
      given([opened, detainer])
        .when(decideRequest({ decidedAt: HALF_HOUR_BEFORE_T0_WITH_OFFSET }))
        .thenThrows(ConflictError, 'PRECEDES_REQUEST');
    });

    it('requires the exception code, the amendment reason and a rationale', () => {
      expect(
        fieldErrors(
          [opened, detainer, decisionRecorded()],
          decideRequest({
            basis: 'ORDINANCE_EXCEPTION',
            amendsDecision: true,
            rationale: '',
            decidedAt: 'now',
          }),
        ),
      ).toEqual([
        { field: 'decidedAt', reason: 'must be an ISO 8601 date-time with an offset' },
        { field: 'rationale', reason: 'is required' },
        { field: 'exceptionCode', reason: 'is required with basis ORDINANCE_EXCEPTION' },
        { field: 'reason', reason: 'is required to amend a decision' },
      ]);
    });

    it('refuses an exception code without that basis, and a reason that amends nothing', () => {
      expect(
        fieldErrors(
          [opened, detainer],
          decideRequest({ basis: 'NONE', exceptionCode: 'VIOLENT_OR_SERIOUS_FELONY_5Y', reason: 'Why not' }),
        ),
      ).toEqual([
        { field: 'exceptionCode', reason: 'is only given with basis ORDINANCE_EXCEPTION' },
        { field: 'reason', reason: 'is only given to amend a decision' },
      ]);
    });
  });

  describe('RecordDisclosure', () => {
    it('records the disclosure', () => {
      given([opened, detainer])
        .when(recordDisclosure({ categories: ['RELEASE_DATE'] }))
        .then([informationDisclosed()]);
    });

    it('records a disclosure that answers no request', () => {
      given([opened])
        .when(recordDisclosure({ requestId: undefined, categories: ['RELEASE_DATE'] }))
        .then([informationDisclosed({ requestId: null })]);
    });

    it('refuses a disclosure answering a request the case does not have', () => {
      given([opened]).when(recordDisclosure()).thenThrows(ConflictError, 'UNKNOWN_REQUEST');
    });

    it('refuses a disclosure made before the request arrived', () => {
      given([opened, detainer])
        .when(recordDisclosure({ disclosedAt: HALF_HOUR_BEFORE_T0_WITH_OFFSET }))
        .thenThrows(ConflictError, 'PRECEDES_REQUEST');
    });

    it("refuses a disclosure to CBP as answering ICE's request: ICE's warrant covers nothing given to CBP", () => {
      given([opened, detainer])
        .when(recordDisclosure({ recipientAgency: 'CBP' }))
        .thenThrows(ConflictError, 'REQUEST_OF_ANOTHER_AGENCY');
    });

    it('refuses a disclosure of nothing', () => {
      expect(fieldErrors([opened, detainer], recordDisclosure({ categories: [] }))).toEqual([
        { field: 'categories', reason: 'must name at least one category' },
      ]);
    });

    it('refuses a category named twice, and a request asking twice for one, naming where', () => {
      expect(
        fieldErrors([opened, detainer], recordDisclosure({ categories: ['RELEASE_DATE', 'RELEASE_DATE'] })),
      ).toEqual([{ field: 'categories[1]', reason: 'repeats RELEASE_DATE' }]);
      expect(
        fieldErrors(
          [opened],
          recordFederalRequest({
            requestId: 'other',
            informationRequested: ['HOME_ADDRESS', 'HOME_ADDRESS'],
          }),
        ),
      ).toEqual([{ field: 'informationRequested[1]', reason: 'repeats HOME_ADDRESS' }]);
    });
  });

  describe('RecordCustodyAccess', () => {
    it('records access, with no consent when none was given', () => {
      given([opened, detainer])
        .when(recordCustodyAccess())
        .then([
          {
            type: 'CustodyAccessGranted',
            data: {
              requestId: REQUEST_ID,
              agency: 'ICE',
              purpose: 'CRIMINAL_INVESTIGATION',
              grantedAt: hoursAfter(T0, 2),
              consent: null,
            },
          },
        ]);
    });

    it('records the informed consent given, and only its four fields', () => {
      const consent = {
        written: true,
        toldVoluntary: false,
        toldMayHaveAttorney: true,
        language: 'es',
        witness: 'not a field',
      } as never;
      given([opened, detainer])
        .when(recordCustodyAccess({ purpose: 'CIVIL_IMMIGRATION', consent }))
        .then([
          custodyAccessGranted({
            consent: { written: true, toldVoluntary: false, toldMayHaveAttorney: true, language: 'es' },
          }),
        ]);
    });

    it('refuses access answering a request the case does not have', () => {
      given([opened]).when(recordCustodyAccess()).thenThrows(ConflictError, 'UNKNOWN_REQUEST');
    });

    it('refuses access granted before the request arrived', () => {
      given([opened, detainer])
        .when(recordCustodyAccess({ grantedAt: HALF_HOUR_BEFORE_T0_WITH_OFFSET }))
        .thenThrows(ConflictError, 'PRECEDES_REQUEST');
    });

    it("refuses access for CBP as answering ICE's request", () => {
      given([opened, detainer])
        .when(recordCustodyAccess({ agency: 'CBP' }))
        .thenThrows(ConflictError, 'REQUEST_OF_ANOTHER_AGENCY');
    });

    it('requires a language tag on the consent', () => {
      const consent = { written: true, toldVoluntary: true, toldMayHaveAttorney: true, language: 'en_US' };
      expect(fieldErrors([opened, detainer], recordCustodyAccess({ consent }))).toEqual([
        { field: 'consent.language', reason: 'must be a BCP 47 language tag' },
      ]);
    });
  });

  describe('RecordCustodyEvent', () => {
    it('records eligibility for release with its reason', () => {
      given([opened])
        .when(
          recordCustodyEvent({ kind: 'ELIGIBLE_FOR_RELEASE', at: hoursAfter(T0, 4), reason: 'BAIL_POSTED' }),
        )
        .then([eligibleForRelease()]);
    });

    it('records eligibility for release naming the request it answers', () => {
      given([opened, detainer])
        .when(
          recordCustodyEvent({
            kind: 'ELIGIBLE_FOR_RELEASE',
            at: hoursAfter(T0, 4),
            reason: 'CHARGES_DISMISSED',
            requestId: REQUEST_ID,
          }),
        )
        .then([eligibleForRelease({ reason: 'CHARGES_DISMISSED', requestId: REQUEST_ID })]);
    });

    it('records a release', () => {
      given([opened]).when(recordCustodyEvent()).then([released()]);
    });

    it("lets a release name another agency's request: a release is done for nobody", () => {
      given([opened, requestReceived({ requestingAgency: 'CBP' })])
        .when(recordCustodyEvent({ kind: 'RELEASED', requestId: REQUEST_ID }))
        .then([{ type: 'SubjectReleased', data: { at: hoursAfter(T0, 4.5), requestId: REQUEST_ID } }]);
    });

    it('records a transfer naming the request it answers', () => {
      given([opened, detainer])
        .when(recordCustodyEvent({ kind: 'TRANSFERRED', toAgency: 'ICE', requestId: REQUEST_ID }))
        .then([
          {
            type: 'SubjectTransferred',
            data: { at: hoursAfter(T0, 4.5), toAgency: 'ICE', requestId: REQUEST_ID },
          },
        ]);
    });

    it('records a release even when the case was opened as not in custody (that status is a snapshot)', () => {
      given([caseOpened({ custody: { status: 'NOT_IN_CUSTODY' } })])
        .when(recordCustodyEvent())
        .then([released()]);
    });

    it('requires the reason for eligibility and the destination of a transfer', () => {
      expect(fieldErrors([opened], recordCustodyEvent({ kind: 'ELIGIBLE_FOR_RELEASE' }))).toEqual([
        { field: 'reason', reason: 'is required for ELIGIBLE_FOR_RELEASE' },
      ]);
      expect(fieldErrors([opened], recordCustodyEvent({ kind: 'TRANSFERRED', at: '2024-06-15' }))).toEqual([
        { field: 'at', reason: 'must be an ISO 8601 date-time with an offset' },
        { field: 'toAgency', reason: 'is required for TRANSFERRED' },
      ]);
    });

    it('refuses a reason or a destination on a custody event of another kind', () => {
      expect(
        fieldErrors(
          [opened],
          recordCustodyEvent({ kind: 'RELEASED', reason: 'BAIL_POSTED', toAgency: 'ICE' }),
        ),
      ).toEqual([
        { field: 'reason', reason: 'is only given for ELIGIBLE_FOR_RELEASE' },
        { field: 'toAgency', reason: 'is only given for TRANSFERRED' },
      ]);
    });

    it('refuses a custody event naming a request the case does not have', () => {
      given([opened])
        .when(recordCustodyEvent({ requestId: REQUEST_ID }))
        .thenThrows(ConflictError, 'UNKNOWN_REQUEST');
    });

    it('refuses a custody event before the request it names arrived', () => {
      given([opened, detainer])
        .when(recordCustodyEvent({ requestId: REQUEST_ID, at: HALF_HOUR_BEFORE_T0_WITH_OFFSET }))
        .thenThrows(ConflictError, 'PRECEDES_REQUEST');
    });

    it("refuses a transfer to CBP as answering ICE's request, and takes one elsewhere or to ICE", () => {
      const transfer = (toAgency: 'ICE' | 'CBP' | 'OTHER') =>
        recordCustodyEvent({ kind: 'TRANSFERRED', toAgency, requestId: REQUEST_ID });
      given([opened, detainer]).when(transfer('CBP')).thenThrows(ConflictError, 'REQUEST_OF_ANOTHER_AGENCY');
      for (const toAgency of ['ICE', 'OTHER'] as const) {
        given([opened, detainer])
          .when(transfer(toAgency))
          .then([transferred({ toAgency, requestId: REQUEST_ID })]);
      }
    });
  });

  describe('CloseCase', () => {
    it('closes the case', () => {
      given([opened, detainer, decisionRecorded(), released()]).when(closeCase()).then([caseClosed()]);
    });

    it('closes the case at the moment of its last act', () => {
      given([opened, detainer, released()])
        .when(closeCase({ closedAt: hoursAfter(T0, 4.5) }))
        .then([caseClosed({ closedAt: hoursAfter(T0, 4.5) })]);
    });

    it('refuses to close before the last recorded act', () => {
      given([opened, detainer, decisionRecorded(), released()])
        .when(closeCase({ closedAt: hoursAfter(T0, 4) }))
        .thenThrows(ConflictError, 'CLOSES_BEFORE_LAST_ACT');
    });

    it('refuses to close before the booking, the first act a case records', () => {
      // Booked 2024-06-15T07:00Z, nothing else recorded.
      given([opened])
        .when(closeCase({ closedAt: '2024-06-15T06:59:59Z' }))
        .thenThrows(ConflictError, 'CLOSES_BEFORE_LAST_ACT');
      given([opened])
        .when(closeCase({ closedAt: '2024-06-15T07:00:00Z' }))
        .then([caseClosed({ closedAt: '2024-06-15T07:00:00Z' })]);
    });

    it('requires a reason', () => {
      expect(fieldErrors([opened], closeCase({ reason: '' }))).toEqual([
        { field: 'reason', reason: 'is required' },
      ]);
    });
  });

  describe('ErasePersonalData', () => {
    it('erases the personal data at the command time', () => {
      given([opened])
        .when(erasePersonalData())
        .then([personalDataErased({ erasedAt: NOW })]);
    });

    it('erases after the case closed', () => {
      given([opened, caseClosed()]).when(erasePersonalData()).then([personalDataErased()]);
    });

    it('refuses a second erasure', () => {
      given([opened, caseClosed(), personalDataErased()])
        .when(erasePersonalData())
        .thenThrows(ConflictError, 'ALREADY_ERASED');
    });

    it('still records acts on an open case whose personal data was erased', () => {
      given([opened, personalDataErased()]).when(recordFederalRequest()).then([detainer]);
    });

    it('requires a reason', () => {
      expect(fieldErrors([opened], erasePersonalData({ reason: ' ' }))).toEqual([
        { field: 'reason', reason: 'is required' },
      ]);
    });
  });

  describe('acts still to come', () => {
    // NOW is the command's time; a writer's clock may run up to five minutes ahead of the service's.
    const ahead = (minutes: number) => minutesAfter(NOW, minutes);

    it('refuses each act dated more than five minutes after the command, naming its field', () => {
      const withRequest = [opened, detainer];
      const cases: [CaseEvent[], CaseCommand, string][] = [
        [[], openCase({ custody: { status: 'IN_CUSTODY', bookedAt: ahead(6) } }), 'custody.bookedAt'],
        [[opened], recordFederalRequest({ requestId: 'later', receivedAt: ahead(6) }), 'receivedAt'],
        [
          [opened],
          recordFederalRequest({ requestId: 'later', documents: [judicialWarrant({ signedAt: ahead(6) })] }),
          'documents[0].signedAt',
        ],
        [withRequest, recordNotice({ deliveredAt: ahead(6) }), 'deliveredAt'],
        [withRequest, decideRequest({ decidedAt: ahead(6) }), 'decidedAt'],
        [withRequest, recordDisclosure({ disclosedAt: ahead(6) }), 'disclosedAt'],
        [withRequest, recordCustodyAccess({ grantedAt: ahead(6) }), 'grantedAt'],
        [withRequest, recordCustodyEvent({ at: ahead(6) }), 'at'],
        [withRequest, closeCase({ closedAt: ahead(6) }), 'closedAt'],
      ];
      for (const [history, command, field] of cases) {
        expect(fieldErrors(history, command)).toEqual([{ field, reason: 'must not be in the future' }]);
      }
    });

    it('records an act dated up to five minutes ahead, a writer’s clock running fast', () => {
      given([opened, detainer])
        .when(decideRequest({ decidedAt: ahead(5) }))
        .then([decisionRecorded({ decidedAt: ahead(5) })]);
    });
  });

  describe('evolve', () => {
    it('keeps the current decision of each request and the latest act', () => {
      const state = [opened, detainer, decisionRecorded(), decisionAmended(), informationDisclosed()].reduce(
        caseDecider.evolve,
        caseDecider.initialState,
      );
      const { reason: _reason, ...amendedDecision } = decisionAmended().data;
      expect(state).toStrictEqual({
        exists: true,
        closed: false,
        erased: false,
        agencyId: AGENCY_ID,
        preferredLanguage: null,
        requests: {
          [REQUEST_ID]: {
            requestType: 'DETAINER',
            requestingAgency: 'ICE',
            receivedAt: T0,
            decision: amendedDecision,
          },
        },
        noticeIds: [],
        lastActAt: hoursAfter(T0, 3),
      });
    });

    it('ignores a decision on a request it never saw (total, never throws) and keeps the latest act', () => {
      const state = [opened, decisionRecorded({ requestId: 'unknown' })].reduce(
        caseDecider.evolve,
        caseDecider.initialState,
      );
      expect(state.requests).toEqual({});
      expect(state.lastActAt).toBe('2024-06-15T07:00:00Z'); // the booking
    });

    it('moves the latest act with every dated act, whatever order they are recorded in', () => {
      const state = [
        opened,
        detainer,
        custodyAccessGranted({ grantedAt: hoursAfter(T0, 9) }),
        noticeIssued({ deliveredAt: hoursAfter(T0, 1) }),
      ].reduce(caseDecider.evolve, caseDecider.initialState);
      expect(state.lastActAt).toBe(hoursAfter(T0, 9));
      expect(state.noticeIds).toEqual(['notice-1']);
    });
  });
});
