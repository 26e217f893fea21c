import {
  certificationDeadlines,
  evaluateCertificationRules,
  evaluateEncounterRules,
  evaluateMatterRules,
  type CaseEvent,
  type CertificationEvent,
  type DetectedViolation,
  type EncounterEvent,
  type MatterEvent,
  judgeCase,
  type OrdinanceHistory,
  type Recorded,
} from '@trust-ledger/domain';
import type { JsonObject } from '@trust-ledger/event-store';
import { CASE_STREAM_PREFIX } from '../case-view/case-view.projection';
import { CERTIFICATION_STREAM_PREFIX } from '../certifications/certification-view.projection';
import { MATTER_STREAM_PREFIX } from '../institutional/matter-view.projection';
import {
  CERTIFICATION_RULE_INPUTS,
  ENCOUNTER_RULE_INPUTS,
  keptBy,
  keptOfCaseEvent,
  MATTER_RULE_INPUTS,
} from './rule-inputs';

/** An event of a ruled stream as the register keeps it: only the data its rules read (rule-inputs). */
export type StoredEvent = Recorded<{ type: string; data: JsonObject }>;

export interface Findings {
  violations: DetectedViolation[];
  deadlines: string[];
}

/** How the register judges one kind of stream: the domain's pure rules, and nothing else. */
export interface StreamRules {
  /** The violations as of `now`, and the moments at which they may change with nothing new recorded. */
  judge(history: readonly StoredEvent[], ordinance: OrdinanceHistory, now: string): Findings;
  /** The agency the stream belongs to, if this event names it. */
  agencyOf(event: StoredEvent): string | undefined;
  /** What the register keeps of an event's data: only what the rules read. */
  kept(event: { type: string; data: JsonObject }): JsonObject;
}

// A stream's prefix names its aggregate, and only that aggregate's handlers write to it, so its
// events are that aggregate's events.
const as = <E extends { type: string; data: unknown }>(history: readonly StoredEvent[]) =>
  history as unknown as readonly Recorded<E>[];

const agencyIn =
  (type: string) =>
  (event: StoredEvent): string | undefined =>
    event.type === type && typeof event.data.agencyId === 'string' ? event.data.agencyId : undefined;

const RULEBOOK: ReadonlyArray<[prefix: string, rules: StreamRules]> = [
  [
    CASE_STREAM_PREFIX,
    {
      judge: (history, ordinance, now) => judgeCase(as<CaseEvent>(history), ordinance, now),
      agencyOf: agencyIn('CaseOpened'),
      kept: keptOfCaseEvent,
    },
  ],
  [
    'encounter-',
    {
      judge: (history, ordinance) => ({
        violations: evaluateEncounterRules(as<EncounterEvent>(history), ordinance),
        deadlines: [],
      }),
      agencyOf: agencyIn('EncounterRecorded'),
      kept: keptBy(ENCOUNTER_RULE_INPUTS),
    },
  ],
  [
    MATTER_STREAM_PREFIX,
    {
      judge: (history, ordinance) => ({
        violations: evaluateMatterRules(as<MatterEvent>(history), ordinance),
        deadlines: [],
      }),
      agencyOf: agencyIn('MatterOpened'),
      kept: keptBy(MATTER_RULE_INPUTS),
    },
  ],
  [
    CERTIFICATION_STREAM_PREFIX,
    {
      judge: (history, ordinance, now) => ({
        violations: evaluateCertificationRules(as<CertificationEvent>(history), ordinance, now),
        deadlines: certificationDeadlines(as<CertificationEvent>(history), ordinance),
      }),
      agencyOf: agencyIn('CertificationRequested'),
      kept: keptBy(CERTIFICATION_RULE_INPUTS),
    },
  ],
];

export const RULED_STREAM_PREFIXES: readonly string[] = RULEBOOK.map(([prefix]) => prefix);

export function rulesFor(streamId: string): StreamRules | undefined {
  return RULEBOOK.find(([prefix]) => streamId.startsWith(prefix))?.[1];
}
