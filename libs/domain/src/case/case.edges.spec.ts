/**
 * Case decider transitions and rejections no other spec pinned down (found by an audit of every
 * decide/evolve path against the existing specs).
 */
import { specFor } from '../../testing/given-when-then';
import {
  caseOpened,
  custodyAccessGranted,
  decisionRecorded,
  eligibleForRelease,
  hoursAfter,
  noticeIssued,
  openCase,
  recordCustodyAccess,
  recordCustodyEvent,
  recordFederalRequest,
  recordNotice,
  REQUEST_ID,
  requestReceived,
  T0,
} from '../../testing/case-builders';
import { ConflictError, ValidationError, type FieldError } from '../shared/errors';
import type { CaseCommand } from './case.commands';
import type { CaseEvent } from './case.events';
import { caseDecider, decideCase } from './case.decider';

const given = specFor(caseDecider);
const opened = caseOpened();
const detainer = requestReceived();

function fieldErrors(history: CaseEvent[], command: CaseCommand): FieldError[] {
  const state = history.reduce(caseDecider.evolve, caseDecider.initialState);
  try {
    decideCase(state, command);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).errors;
  }
  throw new Error('expected a ValidationError');
}

describe('Case aggregate — edges', () => {
  describe('OpenCase', () => {
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
  });

  describe('RecordFederalRequest', () => {
    it('checks the signing time of an administrative document only when one is given', () => {
      expect(
        fieldErrors(
          [opened],
          recordFederalRequest({
            documents: [
              { kind: 'ADMINISTRATIVE_WARRANT_I200', issuerRole: 'IMMIGRATION_OFFICER', signedAt: '14/06/2024' },
              { kind: 'ORDER_TO_DETAIN_I203', issuerRole: 'IMMIGRATION_OFFICER' },
            ],
          }),
        ),
      ).toEqual([{ field: 'documents[0].signedAt', reason: 'must be an ISO 8601 date-time with an offset' }]);
    });

    it('validates before it looks for a duplicate: a malformed retry is a 400, not a 409', () => {
      given([opened, detainer])
        .when(recordFederalRequest({ receivedAt: 'yesterday' }))
        .thenThrows(ValidationError, 'VALIDATION_FAILED');
    });
  });

  describe('RecordNotice', () => {
    it('records a release-date notice that names the request it answers', () => {
      given([opened, requestReceived({ requestType: 'NOTIFICATION' })])
        .when(recordNotice({ purpose: 'RELEASE_DATE', statedIntent: undefined, recipient: 'ATTORNEY' }))
        .then([
          noticeIssued({ purpose: 'RELEASE_DATE', statedIntent: null, recipient: 'ATTORNEY', requestId: REQUEST_ID }),
        ]);
    });

    it('refuses a release-date notice naming a request the case does not have', () => {
      given([opened])
        .when(recordNotice({ purpose: 'RELEASE_DATE', statedIntent: undefined }))
        .thenThrows(ConflictError, 'UNKNOWN_REQUEST');
    });

    it('accepts a notice delivered at the very instant the request arrived', () => {
      given([opened, detainer])
        .when(recordNotice({ deliveredAt: T0 }))
        .then([noticeIssued({ deliveredAt: T0 })]);
    });
  });

  describe('RecordCustodyAccess', () => {
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
  });

  describe('RecordCustodyEvent', () => {
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

    it("lets a release name another agency's request: a release is done for nobody", () => {
      given([opened, requestReceived({ requestingAgency: 'CBP' })])
        .when(recordCustodyEvent({ kind: 'RELEASED', requestId: REQUEST_ID }))
        .then([{ type: 'SubjectReleased', data: { at: hoursAfter(T0, 4.5), requestId: REQUEST_ID } }]);
    });
  });

  describe('evolve', () => {
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
