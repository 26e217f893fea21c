import { randomUUID } from 'node:crypto';
import * as fc from 'fast-check';
import {
  caseStreamId,
  decideCase,
  DomainError,
  evolveCase,
  initialCaseState,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
} from '@trust-ledger/domain';
import type { EventStore } from '@trust-ledger/event-store';

/** A few ids, so that generated commands keep meeting the same cases and requests. */
const CASE_IDS = [
  '6f1c0a4e-0000-4000-8000-000000000001',
  '6f1c0a4e-0000-4000-8000-000000000002',
  '6f1c0a4e-0000-4000-8000-000000000003',
];
const REQUEST_IDS = [
  '7a2d0b5f-0000-4000-8000-00000000000a',
  '7a2d0b5f-0000-4000-8000-00000000000b',
  '7a2d0b5f-0000-4000-8000-00000000000c',
];
const AGENCIES = ['agency-a', 'agency-b'];

/** An act's time, as minutes before the command is recorded; `recordCommands` turns it into a time,
 * so that acts mostly follow the requests they answer, with the odd one out of order. */
export const time = fc.integer({ min: 0, max: 180 }).map((minutes) => `@-${minutes}`);
const TIME_PLACEHOLDER = /^@-(\d+)$/;

function withTimes(value: unknown, now: number): unknown {
  if (typeof value === 'string') {
    const match = TIME_PLACEHOLDER.exec(value);
    return match ? new Date(now - Number(match[1]) * 60_000).toISOString() : value;
  }
  if (Array.isArray(value)) return value.map((v) => withTimes(v, now));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withTimes(v, now)]));
  }
  return value;
}
const requestId = fc.constantFrom(...REQUEST_IDS);
const optionalRequestId = fc.option(requestId, { nil: undefined });
const agency = fc.constantFrom('ICE' as const, 'CBP' as const);

const document = fc.record({
  kind: fc.constantFrom(
    'JUDICIAL_WARRANT' as const,
    'ADMINISTRATIVE_WARRANT_I200' as const,
    'COURT_ORDER' as const,
  ),
  issuerRole: fc.constantFrom(
    'FEDERAL_JUDGE' as const,
    'STATE_JUDGE' as const,
    'IMMIGRATION_OFFICER' as const,
  ),
  court: fc.constant('U.S. District Court'),
  judgeName: fc.constant('Judge Doe'),
  signedAt: time,
});

/** The data of one case command; the case it targets and the context are added when it runs. */
const openCase = fc.record({
  type: fc.constant('OpenCase' as const),
  data: fc.record({
    caseId: fc.constant(''),
    agencyId: fc.constantFrom(...AGENCIES),
    subject: fc.record({
      fullName: fc.string({ minLength: 1, maxLength: 12 }),
      preferredLanguage: fc.constantFrom('es', 'en'),
    }),
    custody: fc.record({
      status: fc.constantFrom('IN_CUSTODY' as const, 'NOT_IN_CUSTODY' as const),
      bookedAt: time,
    }),
    convictions: fc.array(
      fc.record({
        offense: fc.constant('burglary'),
        category: fc.constantFrom('VIOLENT_FELONY' as const, 'MISDEMEANOR' as const),
        convictedAt: fc.constant('2020-01-02'),
      }),
      { maxLength: 2 },
    ),
  }),
});

const commandData: fc.Arbitrary<Omit<CaseCommand, 'actor' | 'now'>> = fc.oneof(
  {
    arbitrary: fc.record({
      type: fc.constant('RecordFederalRequest' as const),
      data: fc.record({
        requestId,
        requestingAgency: agency,
        requestType: fc.constantFrom(
          'DETAINER' as const,
          'NOTIFICATION' as const,
          'TRANSFER' as const,
          'INFORMATION' as const,
        ),
        form: fc.constantFrom('I-247A' as const, 'I-203' as const, 'LETTER' as const),
        receivedAt: time,
        documents: fc.array(document, { maxLength: 2 }),
        informationRequested: fc.constant(['RELEASE_DATE' as const]),
      }),
    }),
    weight: 8,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('RecordNotice' as const),
      data: fc.record({
        noticeId: fc.uuid({ version: 4 }),
        requestId,
        purpose: fc.constant('REQUEST_AND_INTENT' as const),
        recipient: fc.constantFrom('SUBJECT' as const, 'ATTORNEY' as const),
        deliveredAt: time,
        method: fc.constantFrom('WRITTEN_IN_PERSON' as const, 'ORAL' as const),
        language: fc.constantFrom('es', 'en'),
        includesCopyOfRequest: fc.boolean(),
        statedIntent: fc.constantFrom('COMPLY' as const, 'DECLINE' as const),
      }),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('DecideRequest' as const),
      data: fc.record({
        requestId,
        outcome: fc.constantFrom('HONORED' as const, 'DECLINED' as const, 'PARTIALLY_HONORED' as const),
        basis: fc.constantFrom('JUDICIAL_WARRANT' as const, 'NONE' as const),
        decidedAt: time,
        rationale: fc.constant('because'),
        amendsDecision: fc.boolean(),
        reason: fc.constant('new facts'),
      }),
    }),
    weight: 8,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('RecordDisclosure' as const),
      data: fc.record({
        requestId: optionalRequestId,
        recipientAgency: agency,
        categories: fc.constant(['RELEASE_DATE' as const]),
        disclosedAt: time,
      }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('RecordCustodyAccess' as const),
      data: fc.record({
        requestId: optionalRequestId,
        agency,
        purpose: fc.constantFrom('CIVIL_IMMIGRATION' as const, 'CRIMINAL_INVESTIGATION' as const),
        grantedAt: time,
      }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('RecordCustodyEvent' as const),
      data: fc.record({
        kind: fc.constantFrom('ELIGIBLE_FOR_RELEASE' as const, 'RELEASED' as const, 'TRANSFERRED' as const),
        at: time,
        reason: fc.constant('BAIL_POSTED' as const),
        toAgency: agency,
        requestId: optionalRequestId,
      }),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('CloseCase' as const),
      data: fc.record({ closedAt: time, reason: fc.constant('done') }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('ErasePersonalData' as const),
      data: fc.record({ reason: fc.constant('asked') }),
    }),
    weight: 1,
  },
) as fc.Arbitrary<Omit<CaseCommand, 'actor' | 'now'>>;

export interface TargetedCommand<C = CaseCommand> {
  /** Which of the aggregate's few ids the command targets. */
  index: number;
  command: Omit<C, 'actor' | 'now'>;
}

type Generated<C> = fc.Arbitrary<Omit<C, 'actor' | 'now'>>;

/**
 * Sequences over `ids` aggregates: each created first (in id order), then `length` commands, each
 * at one of them chosen at random. `create` and `act` may depend on the aggregate's index (e.g. the
 * acts its kind admits).
 */
export const sequencesOver = <C>(
  ids: readonly string[],
  create: Generated<C> | ((index: number) => Generated<C>),
  act: Generated<C> | ((index: number) => Generated<C>),
  length: { minLength: number; maxLength: number },
): fc.Arbitrary<TargetedCommand<C>[]> => {
  const at = (arbitrary: typeof create, index: number) =>
    typeof arbitrary === 'function' ? arbitrary(index) : arbitrary;
  return fc
    .tuple(
      fc.tuple(...ids.map((_, index) => at(create, index))),
      fc.array(
        fc
          .nat({ max: ids.length - 1 })
          .chain((index) => at(act, index).map((command) => ({ index, command }))),
        { ...length, size: 'max' },
      ),
    )
    .map(([creations, rest]) => [...creations.map((command, index) => ({ index, command })), ...rest]);
};

/** Sequences of case commands over a handful of cases, each opened first; the decider refuses the
 * commands that do not fit the record (an unknown request, a closed case), as it would over HTTP. */
export const caseCommandSequences = (maxLength = 80): fc.Arbitrary<TargetedCommand[]> =>
  sequencesOver<CaseCommand>(CASE_IDS, openCase, commandData, { minLength: 10, maxLength });

/** What recording generated commands needs of an aggregate. */
export interface GeneratedAggregate<
  S,
  C extends { type: string; data: object },
  E extends { type: string; data: object },
> {
  decider: { decide(state: S, command: C): E[]; evolve(state: S, event: E): S; initialState: S };
  ids: readonly string[];
  streamId(id: string): string;
  /** The command that creates one, and the field of its data that names it. */
  creation: { type: string; idField: string };
}

const CASES: GeneratedAggregate<CaseState, CaseCommand, CaseEvent> = {
  decider: { decide: decideCase, evolve: evolveCase, initialState: initialCaseState },
  ids: CASE_IDS,
  streamId: caseStreamId,
  creation: { type: 'OpenCase', idField: 'caseId' },
};

/** recordAggregateCommands for case commands. */
export const recordCommands = (
  store: EventStore,
  commands: TargetedCommand[],
  afterAppend?: (position: string) => Promise<void>,
): Promise<string | null> => recordAggregateCommands(CASES, store, commands, afterAppend);

/**
 * Runs the commands through the aggregate's decider and appends what it decides, as the API would;
 * a command the decider refuses records nothing. `afterAppend` runs after each append (to
 * interleave other work). Returns the log's head position, or null if nothing was recorded.
 */
export async function recordAggregateCommands<
  S,
  C extends { type: string; data: object },
  E extends { type: string; data: object },
>(
  aggregate: GeneratedAggregate<S, C, E>,
  store: EventStore,
  commands: TargetedCommand<C>[],
  afterAppend: (position: string) => Promise<void> = () => Promise.resolve(),
): Promise<string | null> {
  const { decider, creation } = aggregate;
  const states = new Map<string, S>();
  let head: string | null = null;
  let clock = Date.parse('2024-04-01T00:00:00Z');
  for (const { index, command } of commands) {
    const id = aggregate.ids[index];
    const state = states.get(id) ?? decider.initialState;
    clock += 60 * 60_000;
    const now = new Date(clock).toISOString();
    const data = withTimes(command.data, clock) as Record<string, unknown>;
    const full = {
      type: command.type,
      data: command.type === creation.type ? { ...data, [creation.idField]: id } : data,
      actor: 'officer-1',
      now,
    } as unknown as C;
    let events;
    try {
      events = decider.decide(state, full);
    } catch (error) {
      if (error instanceof DomainError) continue;
      throw error;
    }
    const result = await store.append(
      aggregate.streamId(id),
      events.map((e) => ({
        id: randomUUID(),
        type: e.type,
        data: JSON.parse(JSON.stringify(e.data)) as never,
        metadata: { recordedAt: now, correlationId: randomUUID(), causationId: null, actor: 'officer-1' },
      })),
      { expectedRevision: 'any' },
    );
    states.set(
      id,
      events.reduce((s, e) => decider.evolve(s, e as never), state),
    );
    head = result.position;
    await afterAppend(head);
  }
  return head;
}
