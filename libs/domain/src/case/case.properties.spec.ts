import fc from 'fast-check';
import { ACTOR, CASE_ID, AGENCY_ID, hoursAfter, recorded, T0 } from '../../testing/case-builders';
import { defaultOrdinanceVersion } from '../ordinance/ordinance-version';
import { DomainError } from '../shared/errors';
import {
  ACCESS_PURPOSES,
  CONVICTION_CATEGORIES,
  CUSTODY_EVENT_KINDS,
  CUSTODY_STATUSES,
  DECISION_BASES,
  DECISION_OUTCOMES,
  DOCUMENT_KINDS,
  FEDERAL_AGENCIES,
  INFORMATION_CATEGORIES,
  ISSUER_ROLES,
  NOTICE_METHODS,
  NOTICE_PURPOSES,
  NOTICE_RECIPIENTS,
  RELEASE_ELIGIBILITY_REASONS,
  REQUEST_FORMS,
  REQUEST_TYPES,
  STATED_INTENTS,
  TRANSFER_DESTINATIONS,
} from '../shared/vocabulary';
import type { CaseCommand } from './case.commands';
import type { CaseEvent } from './case.events';
import { decideCase } from './case.decider';
import { evolveCase, initialCaseState, type CaseState } from './case.state';
import { judgeCase } from './rules/evaluate-case-rules';

/**
 * Commands drawn from small pools of ids and times, so that duplicates, unknown requests, acts
 * before their request, closed cases and invalid fields all occur often.
 */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** Usually one of the valid values, now and then one of the invalid ones. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...invalid: T[]) =>
  fc.oneof({ weight: 15, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...invalid) });
const validTime = fc.integer({ min: -3, max: 72 }).map((h) => hoursAfter(T0, h));
const time = mostly(validTime, 'not a time', '2024-02-30T10:00:00Z', '2024-06-15T12:00:00+02:00');
const requestId = fc.constantFrom('r1', 'r2');
const text = mostly(fc.constant('stated'), ' ', '');
const language = mostly(fc.constantFrom('es', 'es-MX', 'en-US'), 'not a tag', 'en_US');
const context = { actor: fc.constant(ACTOR), now: validTime };

const openCase = fc.record({
  type: fc.constant('OpenCase' as const),
  data: fc.record({
    caseId: fc.constant(CASE_ID),
    agencyId: fc.constant(AGENCY_ID),
    subject: fc.record(
      {
        fullName: mostly(fc.constant('Test Subject'), ''),
        dateOfBirth: mostly(fc.constant('1990-02-28'), '1990-02-30'),
        preferredLanguage: language,
        attorney: fc.constant({ name: 'Counsel' }),
        designee: fc.constant({ name: 'Sister', phone: '555-0100' }),
      },
      { requiredKeys: ['fullName'] },
    ),
    custody: fc.record({ status: fc.constantFrom(...CUSTODY_STATUSES), bookedAt: maybe(time) }),
    convictions: fc.array(
      fc.record({
        offense: fc.constant('Offense'),
        category: fc.constantFrom(...CONVICTION_CATEGORIES),
        convictedAt: mostly(fc.constantFrom('2019-06-14', '2023-01-01'), '2020-02-30'),
      }),
      { maxLength: 2 },
    ),
  }),
  ...context,
});

const document = fc.record({
  kind: fc.constantFrom(...DOCUMENT_KINDS),
  issuerRole: fc.constantFrom(...ISSUER_ROLES),
  court: maybe(fc.constant('U.S. District Court')),
  judgeName: maybe(fc.constantFrom('Judge A', ' ')),
  signedAt: maybe(time),
});

const recordFederalRequest = fc.record({
  type: fc.constant('RecordFederalRequest' as const),
  data: fc.record({
    requestId,
    requestingAgency: fc.constantFrom(...FEDERAL_AGENCIES),
    requestType: fc.constantFrom(...REQUEST_TYPES),
    form: fc.constantFrom(...REQUEST_FORMS),
    receivedAt: time,
    documents: fc.array(document, { maxLength: 2 }),
    informationRequested: fc.subarray([...INFORMATION_CATEGORIES]),
  }),
  ...context,
});

const recordNotice = fc.record({
  type: fc.constant('RecordNotice' as const),
  data: fc.record({
    noticeId: fc.constantFrom('n1', 'n2', 'n3'),
    requestId: maybe(requestId),
    purpose: fc.constantFrom(...NOTICE_PURPOSES),
    recipient: fc.constantFrom(...NOTICE_RECIPIENTS),
    deliveredAt: time,
    method: fc.constantFrom(...NOTICE_METHODS),
    language,
    includesCopyOfRequest: fc.boolean(),
    statedIntent: maybe(fc.constantFrom(...STATED_INTENTS)),
  }),
  ...context,
});

const decideRequest = fc.record({
  type: fc.constant('DecideRequest' as const),
  data: fc.record({
    requestId,
    outcome: fc.constantFrom(...DECISION_OUTCOMES),
    basis: fc.constantFrom(...DECISION_BASES),
    exceptionCode: maybe(fc.constant('VIOLENT_OR_SERIOUS_FELONY_5Y')),
    decidedAt: time,
    rationale: text,
    amendsDecision: maybe(fc.boolean()),
    reason: maybe(text),
  }),
  ...context,
});

const recordDisclosure = fc.record({
  type: fc.constant('RecordDisclosure' as const),
  data: fc.record({
    requestId: maybe(requestId),
    recipientAgency: fc.constantFrom(...FEDERAL_AGENCIES),
    categories: fc.subarray([...INFORMATION_CATEGORIES]),
    disclosedAt: time,
  }),
  ...context,
});

const recordCustodyAccess = fc.record({
  type: fc.constant('RecordCustodyAccess' as const),
  data: fc.record({
    requestId: maybe(requestId),
    agency: fc.constantFrom(...FEDERAL_AGENCIES),
    purpose: fc.constantFrom(...ACCESS_PURPOSES),
    grantedAt: time,
    consent: maybe(
      fc.record({
        written: fc.boolean(),
        toldVoluntary: fc.boolean(),
        toldMayHaveAttorney: fc.boolean(),
        language,
      }),
    ),
  }),
  ...context,
});

const recordCustodyEvent = fc.record({
  type: fc.constant('RecordCustodyEvent' as const),
  data: fc.record({
    kind: fc.constantFrom(...CUSTODY_EVENT_KINDS),
    at: time,
    reason: maybe(fc.constantFrom(...RELEASE_ELIGIBILITY_REASONS)),
    toAgency: maybe(fc.constantFrom(...TRANSFER_DESTINATIONS)),
    requestId: maybe(requestId),
  }),
  ...context,
});

const closeCase = fc.record({
  type: fc.constant('CloseCase' as const),
  data: fc.record({ closedAt: time, reason: text }),
  ...context,
});

const erasePersonalData = fc.record({
  type: fc.constant('ErasePersonalData' as const),
  data: fc.record({ reason: text }),
  ...context,
});

const command: fc.Arbitrary<CaseCommand> = fc.oneof(
  { weight: 2, arbitrary: openCase },
  { weight: 12, arbitrary: recordFederalRequest },
  { weight: 10, arbitrary: recordNotice },
  { weight: 16, arbitrary: decideRequest },
  { weight: 6, arbitrary: recordDisclosure },
  { weight: 6, arbitrary: recordCustodyAccess },
  { weight: 10, arbitrary: recordCustodyEvent },
  { weight: 1, arbitrary: closeCase },
  { weight: 1, arbitrary: erasePersonalData },
);

/** Mostly sequences that begin by opening the case, so that later commands get past CASE_NOT_FOUND. */
const commands = fc
  .tuple(fc.option(openCase, { freq: 8, nil: null }), fc.array(command, { minLength: 5, maxLength: 40 }))
  .map(([open, rest]) => (open ? [open, ...rest] : rest));

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Runs commands through decide and evolve, checking each step; returns what was recorded. */
function run(sequence: CaseCommand[]): { state: CaseState; events: CaseEvent[] } {
  let state = initialCaseState;
  const events: CaseEvent[] = [];
  for (const cmd of sequence) {
    const before = structuredClone(state);
    deepFreeze(state);
    let emitted: CaseEvent[];
    try {
      emitted = decideCase(state, cmd);
    } catch (e) {
      // Refusals are typed domain errors, never crashes, and change nothing.
      expect(e).toBeInstanceOf(DomainError);
      expect(state).toEqual(before);
      continue;
    }
    for (const event of emitted) state = evolveCase(state, event);
    events.push(...emitted);
  }
  return { state, events };
}

describe('Case aggregate properties', () => {
  it('accepts in evolve every event decide emits, and refused commands leave the state unchanged', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        run(sequence);
      }),
    );
  });

  it('replays any recorded history to the same state, whatever copy of it is read', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const { state, events } = run(sequence);
        const replayed = events.reduce(evolveCase, initialCaseState);
        expect(replayed).toEqual(state);
        expect(structuredClone(events).reduce(evolveCase, initialCaseState)).toEqual(replayed);
      }),
    );
  });

  it('judges any recorded history deterministically, citing only recorded events, the act first', () => {
    const ordinance = [defaultOrdinanceVersion()];
    const now = hoursAfter(T0, 24 * 10);
    fc.assert(
      fc.property(commands, (sequence) => {
        const history = recorded(run(sequence).events);
        const { violations } = judgeCase(history, ordinance, now);
        expect(judgeCase(structuredClone(history), ordinance, now).violations).toEqual(violations);
        const ids = new Set(history.map((e) => e.eventId));
        for (const v of violations) {
          expect(v.evidence.length).toBeGreaterThan(0);
          expect(v.evidence.every((e) => ids.has(e.eventId))).toBe(true);
          expect(v.ordinanceVersion).toBe(1);
        }
        const times = violations.map((v) => Date.parse(v.occurredAt));
        expect(times).toEqual([...times].sort((a, b) => a - b));
      }),
    );
  });
});
