import {
  assistanceRefusalRecorded,
  certificationDecided,
  certificationDenied,
  certificationRequested,
  certificationWithdrawn,
  decideCertification,
  erasePersonalData,
  onDay,
  personalDataErased,
  recordAssistanceRefusal,
  REQUESTED_AT,
  requestCertification,
  withdrawCertification,
} from '../../testing/certification-builders';
import { fieldErrorsFor, specFor } from '../../testing/given-when-then';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import type { CertificationEvent } from './certification.events';
import { certificationDecider } from './certification.decider';

const given = specFor(certificationDecider);
const fieldErrors = fieldErrorsFor(certificationDecider);

const requested = certificationRequested();
const beforeRequest = '2024-01-10T08:59:59Z';

describe('RequestCertification', () => {
  it('records the request, the victim’s personal data in its own object', () => {
    given([]).when(requestCertification()).then([requested]);
  });

  it('keeps the victim’s optional details when given, and no other field', () => {
    const victim = { fullName: 'Test Victim', dateOfBirth: '1990-05-01', preferredLanguage: 'es-MX' };
    const withExtra = { ...victim, ssn: '000-00-0000' } as typeof victim;
    given([])
      .when(requestCertification({ victim: withExtra, inRemovalProceedings: true, form: 'I-914B' }))
      .then([certificationRequested({ victim, inRemovalProceedings: true, form: 'I-914B' })]);
  });

  it('refuses a second request for the same certification', () => {
    given([requested])
      .when(requestCertification())
      .thenThrows(ConflictError, 'CERTIFICATION_ALREADY_REQUESTED');
  });

  it('rejects missing and malformed fields, naming each', () => {
    expect(
      fieldErrors(
        [],
        requestCertification({
          agencyId: '',
          requestedAt: '10 January 2024',
          qualifyingActivity: ' ',
          victim: { fullName: '', dateOfBirth: '1990-02-30', preferredLanguage: 'Spanish language' },
        }),
      ),
    ).toEqual([
      { field: 'agencyId', reason: 'is required' },
      { field: 'requestedAt', reason: 'must be an ISO 8601 date-time with an offset' },
      { field: 'qualifyingActivity', reason: 'is required' },
      { field: 'victim.fullName', reason: 'is required' },
      { field: 'victim.dateOfBirth', reason: 'must be a date YYYY-MM-DD' },
      { field: 'victim.preferredLanguage', reason: 'must be a BCP 47 language tag' },
    ]);
  });

  it('refuses a victim born after today', () => {
    const victim = { ...certificationRequested().data.victim, dateOfBirth: '2025-01-12' };
    expect(fieldErrors([], requestCertification({ victim }))).toEqual([
      { field: 'victim.dateOfBirth', reason: 'must not be after today' },
    ]);
  });
});

describe('RecordAssistanceRefusal', () => {
  it('records the refusal', () => {
    given([requested]).when(recordAssistanceRefusal()).then([assistanceRefusalRecorded()]);
  });

  it('records a refusal learned of after the decision', () => {
    given([requested, certificationDenied('REFUSED_REASONABLE_ASSISTANCE')])
      .when(recordAssistanceRefusal({ at: onDay(20) }))
      .then([assistanceRefusalRecorded({ at: onDay(20) })]);
  });

  it('is NotFound on an unknown certification', () => {
    given([]).when(recordAssistanceRefusal()).thenThrows(NotFoundError, 'CERTIFICATION_NOT_FOUND');
  });

  it('records a refusal made before the request, during the investigation the victim then refused to help', () => {
    given([requested])
      .when(recordAssistanceRefusal({ at: beforeRequest }))
      .then([assistanceRefusalRecorded({ at: beforeRequest })]);
  });

  it('rejects a missing description and time', () => {
    expect(fieldErrors([requested], recordAssistanceRefusal({ at: '', description: '' }))).toEqual([
      { field: 'at', reason: 'must be an ISO 8601 date-time with an offset' },
      { field: 'description', reason: 'is required' },
    ]);
  });
});

describe('DecideCertification', () => {
  it('certifies', () => {
    given([requested]).when(decideCertification()).then([certificationDecided()]);
  });

  it('denies, with its grounds', () => {
    given([requested])
      .when(decideCertification({ outcome: 'DENIED', grounds: 'NOT_A_VICTIM' }))
      .then([certificationDecided({ outcome: 'DENIED', grounds: 'NOT_A_VICTIM' })]);
  });

  it('decides at the very moment of the request', () => {
    given([requested])
      .when(decideCertification({ decidedAt: '2024-01-10T04:00:00-05:00' }))
      .then([certificationDecided({ decidedAt: '2024-01-10T04:00:00-05:00' })]);
  });

  it('is NotFound on an unknown certification', () => {
    given([]).when(decideCertification()).thenThrows(NotFoundError, 'CERTIFICATION_NOT_FOUND');
  });

  it('refuses a decision dated after the command', () => {
    expect(fieldErrors([requested], decideCertification({ decidedAt: '2025-01-10T12:06:00Z' }))).toEqual([
      { field: 'decidedAt', reason: 'must not be in the future' },
    ]);
  });

  it('rejects a denial without grounds', () => {
    given([requested])
      .when(decideCertification({ outcome: 'DENIED' }))
      .thenThrows(ValidationError);
    expect(fieldErrors([requested], decideCertification({ outcome: 'DENIED' }))).toEqual([
      { field: 'grounds', reason: 'is required with outcome DENIED' },
    ]);
  });

  it('rejects grounds given with a certification', () => {
    expect(fieldErrors([requested], decideCertification({ grounds: 'OTHER' }))).toEqual([
      { field: 'grounds', reason: 'is only given with outcome DENIED' },
    ]);
  });

  it('rejects a decision without explanation or a proper time', () => {
    expect(
      fieldErrors([requested], decideCertification({ explanation: '', decidedAt: '2024-04-08' })),
    ).toEqual([
      { field: 'decidedAt', reason: 'must be an ISO 8601 date-time with an offset' },
      { field: 'explanation', reason: 'is required' },
    ]);
  });

  it('refuses a second decision', () => {
    given([requested, certificationDecided()])
      .when(decideCertification({ outcome: 'DENIED', grounds: 'OTHER' }))
      .thenThrows(ConflictError, 'CERTIFICATION_DECIDED');
  });

  it('refuses a decision after withdrawal', () => {
    given([requested, certificationWithdrawn()])
      .when(decideCertification())
      .thenThrows(ConflictError, 'CERTIFICATION_WITHDRAWN');
  });

  it('refuses a decision before the request', () => {
    given([requested])
      .when(decideCertification({ decidedAt: beforeRequest }))
      .thenThrows(ConflictError, 'PRECEDES_REQUEST');
  });
});

describe('WithdrawCertification', () => {
  it('withdraws', () => {
    given([requested]).when(withdrawCertification()).then([certificationWithdrawn()]);
  });

  it('withdraws at the very moment of the request', () => {
    given([requested])
      .when(withdrawCertification({ at: REQUESTED_AT }))
      .then([certificationWithdrawn({ at: REQUESTED_AT })]);
  });

  it('is NotFound on an unknown certification', () => {
    given([]).when(withdrawCertification()).thenThrows(NotFoundError, 'CERTIFICATION_NOT_FOUND');
  });

  it('refuses a second withdrawal', () => {
    given([requested, certificationWithdrawn()])
      .when(withdrawCertification())
      .thenThrows(ConflictError, 'CERTIFICATION_WITHDRAWN');
  });

  it('refuses a withdrawal after the decision', () => {
    given([requested, certificationDecided()])
      .when(withdrawCertification())
      .thenThrows(ConflictError, 'CERTIFICATION_DECIDED');
  });

  it('refuses a withdrawal before the request', () => {
    given([requested])
      .when(withdrawCertification({ at: beforeRequest }))
      .thenThrows(ConflictError, 'PRECEDES_REQUEST');
  });

  it('rejects a withdrawal without reason', () => {
    expect(fieldErrors([requested], withdrawCertification({ reason: ' ' }))).toEqual([
      { field: 'reason', reason: 'is required' },
    ]);
  });
});

describe('ErasePersonalData', () => {
  it('erases the victim’s personal data at the command time', () => {
    given([requested])
      .when(erasePersonalData())
      .then([personalDataErased({ erasedAt: '2025-01-10T12:00:00Z' })]);
  });

  it('erases after the certification was decided or withdrawn', () => {
    given([requested, certificationDecided()]).when(erasePersonalData()).then([personalDataErased()]);
    given([requested, certificationWithdrawn()]).when(erasePersonalData()).then([personalDataErased()]);
  });

  it('refuses a second erasure', () => {
    given([requested, personalDataErased()])
      .when(erasePersonalData())
      .thenThrows(ConflictError, 'ALREADY_ERASED');
  });

  it('is NotFound on an unknown certification', () => {
    given([]).when(erasePersonalData()).thenThrows(NotFoundError, 'CERTIFICATION_NOT_FOUND');
  });

  it('still records acts on a certification whose victim was erased', () => {
    given([requested, personalDataErased()]).when(decideCertification()).then([certificationDecided()]);
  });

  it('requires a reason', () => {
    expect(fieldErrors([requested], erasePersonalData({ reason: ' ' }))).toEqual([
      { field: 'reason', reason: 'is required' },
    ]);
  });
});

describe('the folded status', () => {
  const fold = (history: CertificationEvent[]) =>
    history.reduce(certificationDecider.evolve, certificationDecider.initialState);

  it.each<[string, CertificationEvent[], string]>([
    ['PENDING once requested', [requested, assistanceRefusalRecorded()], 'PENDING'],
    ['CERTIFIED', [requested, certificationDecided()], 'CERTIFIED'],
    ['DENIED', [requested, certificationDenied('OTHER')], 'DENIED'],
    ['WITHDRAWN', [requested, certificationWithdrawn()], 'WITHDRAWN'],
    ['unchanged by an erasure', [requested, certificationDecided(), personalDataErased()], 'CERTIFIED'],
  ])('is %s', (_, history, status) => {
    expect(fold(history)?.status).toBe(status);
  });

  it('is none for a certification never requested', () => {
    expect(fold([])).toBeNull();
  });
});
