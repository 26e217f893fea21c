import * as fc from 'fast-check';
import {
  certificationDecider,
  certificationStreamId,
  type CertificationCommand,
  type CertificationEvent,
  type CertificationState,
} from '@trust-ledger/domain';
import type { EventStore } from '@trust-ledger/event-store';
import {
  recordAggregateCommands,
  sequencesOver,
  time,
  type GeneratedAggregate,
  type TargetedCommand,
} from './case-commands';

const CERTIFICATION_IDS = [
  '8c4e1f60-0000-4000-8000-000000000001',
  '8c4e1f60-0000-4000-8000-000000000002',
  '8c4e1f60-0000-4000-8000-000000000003',
];

const CERTIFICATIONS: GeneratedAggregate<CertificationState, CertificationCommand, CertificationEvent> = {
  decider: certificationDecider,
  ids: CERTIFICATION_IDS,
  streamId: certificationStreamId,
  creation: { type: 'RequestCertification', idField: 'certificationId' },
};

type Generated = Omit<CertificationCommand, 'actor' | 'now'>;

const request: fc.Arbitrary<Generated> = fc.record({
  type: fc.constant('RequestCertification' as const),
  data: fc.record({
    certificationId: fc.constant(''),
    agencyId: fc.constantFrom('agency-a', 'agency-b'),
    form: fc.constantFrom('I-918B' as const, 'I-914B' as const),
    requestedAt: time,
    requester: fc.constantFrom('VICTIM' as const, 'ATTORNEY' as const),
    inRemovalProceedings: fc.boolean(),
    qualifyingActivity: fc.constant('Felonious assault'),
    victim: fc.record({ fullName: fc.string({ minLength: 1, maxLength: 12 }) }),
  }),
});

const act: fc.Arbitrary<Generated> = fc.oneof(
  fc.record({
    type: fc.constant('RecordAssistanceRefusal' as const),
    data: fc.record({ at: time, description: fc.constant('missed the interview') }),
  }),
  fc.record({
    type: fc.constant('DecideCertification' as const),
    data: fc.oneof(
      fc.record({
        outcome: fc.constant('CERTIFIED' as const),
        decidedAt: time,
        explanation: fc.constant('helpful'),
      }),
      fc.record({
        outcome: fc.constant('DENIED' as const),
        decidedAt: time,
        grounds: fc.constantFrom(
          'NOT_A_QUALIFYING_CRIME' as const,
          'REFUSED_REASONABLE_ASSISTANCE' as const,
          'NO_PROSECUTION_OR_CONVICTION' as const,
        ),
        explanation: fc.constant('denied'),
      }),
    ),
  }),
  fc.record({
    type: fc.constant('WithdrawCertification' as const),
    data: fc.record({ at: time, reason: fc.constant('requester withdrew') }),
  }),
  fc.record({
    type: fc.constant('ErasePersonalData' as const),
    data: fc.record({ reason: fc.constant('asked') }),
  }),
);

/** Sequences of certification commands over a handful of certifications, each requested first. */
export const certificationCommandSequences = (
  maxLength = 30,
): fc.Arbitrary<TargetedCommand<CertificationCommand>[]> =>
  sequencesOver<CertificationCommand>(CERTIFICATION_IDS, request, act, { minLength: 3, maxLength });

/** recordAggregateCommands for certification commands. */
export const recordCertificationCommands = (
  store: EventStore,
  commands: TargetedCommand<CertificationCommand>[],
  afterAppend?: (position: string) => Promise<void>,
): Promise<string | null> => recordAggregateCommands(CERTIFICATIONS, store, commands, afterAppend);
