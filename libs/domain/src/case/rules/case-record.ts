import type { Recorded } from '../../shared/violation';
import { epochMsOf } from '../../shared/date-time';
import type { CaseEvent, Conviction, SubjectProfile } from '../case.events';
import { sameLanguage } from '../language';

/** The facts of one case as the rules read them, each kept as recorded so it can be cited. */

export type RecordedAs<T extends CaseEvent['type']> = Recorded<Extract<CaseEvent, { type: T }>>;
export type DecisionEvent = RecordedAs<'DecisionRecorded' | 'DecisionAmended'>;
export type Departure = RecordedAs<'SubjectReleased' | 'SubjectTransferred'>;

export interface RequestRecord {
  received: RecordedAs<'FederalRequestReceived'>;
  /** Ordered by when each was decided. */
  decisions: DecisionEvent[];
}

/** A hold: from the first moment of eligibility for release to the release or transfer that ended it. */
export interface Hold {
  eligibility: RecordedAs<'SubjectEligibleForRelease'>;
  departure: Departure;
}

export interface CaseRecord {
  opened: RecordedAs<'CaseOpened'> | undefined;
  profile: SubjectProfile;
  convictions: Conviction[];
  requests: RequestRecord[];
  notices: RecordedAs<'NoticeIssued'>[];
  disclosures: RecordedAs<'InformationDisclosed'>[];
  accessGrants: RecordedAs<'CustodyAccessGranted'>[];
  /** Releases and transfers, ordered by when they happened. */
  departures: Departure[];
  holds: Hold[];
}

const NO_PROFILE: SubjectProfile = { hasAttorney: false, hasDesignee: false };

/**
 * A notice recorded before notices said whether they were in the preferred language, upcast: that
 * case's profile and the notice's language are both in clear, so the rules can still compare them.
 */
function withLanguageJudged(
  notice: RecordedAs<'NoticeIssued'>,
  profile: SubjectProfile,
): RecordedAs<'NoticeIssued'> {
  if (notice.data.inPreferredLanguage !== undefined) return notice;
  const preferred = profile.preferredLanguage ?? null;
  const inPreferredLanguage = preferred === null ? null : sameLanguage(notice.data.language, preferred);
  return { ...notice, data: { ...notice.data, inPreferredLanguage } };
}

export function caseRecordOf(history: readonly Recorded<CaseEvent>[]): CaseRecord {
  const record: CaseRecord = {
    opened: undefined,
    profile: NO_PROFILE,
    convictions: [],
    requests: [],
    notices: [],
    disclosures: [],
    accessGrants: [],
    departures: [],
    holds: [],
  };
  const eligibilities: RecordedAs<'SubjectEligibleForRelease'>[] = [];
  for (const e of history) {
    switch (e.type) {
      case 'CaseOpened':
        record.opened = e;
        record.profile = e.data.subjectProfile;
        record.convictions = e.data.convictions;
        break;
      case 'FederalRequestReceived':
        record.requests.push({ received: e, decisions: [] });
        break;
      case 'DecisionRecorded':
      case 'DecisionAmended':
        requestById(record, e.data.requestId)?.decisions.push(e);
        break;
      case 'NoticeIssued':
        record.notices.push(withLanguageJudged(e, record.profile));
        break;
      case 'InformationDisclosed':
        record.disclosures.push(e);
        break;
      case 'CustodyAccessGranted':
        record.accessGrants.push(e);
        break;
      case 'SubjectEligibleForRelease':
        eligibilities.push(e);
        break;
      case 'SubjectReleased':
      case 'SubjectTransferred':
        record.departures.push(e);
        break;
      case 'CaseClosed':
      case 'PersonalDataErased':
        break;
    }
  }
  for (const r of record.requests) r.decisions.sort(byTime((d) => d.data.decidedAt));
  record.departures.sort(byTime((d) => d.data.at));
  record.holds = holdsOf(eligibilities, record.departures);
  return record;
}

export function requestById(record: CaseRecord, requestId: string | null): RequestRecord | undefined {
  return requestId === null
    ? undefined
    : record.requests.find((r) => r.received.data.requestId === requestId);
}

/** The decision in force at `at` (the latest decided by then), or null while the request is pending. */
export function decisionAt(request: RequestRecord, at: string): DecisionEvent | null {
  const t = epochMsOf(at);
  return request.decisions.filter((d) => epochMsOf(d.data.decidedAt) <= t).at(-1) ?? null;
}

/**
 * Each continuous honoring of the request: a decision to honor (HONORED or PARTIALLY_HONORED) that
 * replaced none or a DECLINED, then the amendments that kept it honored, in order. Amendments are
 * taken in the order `decisions` holds them, so one at the instant of the decision it amends follows
 * it, as a later decision does: the record cannot tell a correction from a change of mind.
 */
export function honoringsOf(request: RequestRecord): DecisionEvent[][] {
  const honorings: DecisionEvent[][] = [];
  let current: DecisionEvent[] | null = null;
  for (const decision of request.decisions) {
    if (decision.data.outcome === 'DECLINED') current = null;
    else if (current) current.push(decision);
    else honorings.push((current = [decision]));
  }
  return honorings;
}

/** "once", "2 times": how often a decision was amended, for explanations. */
export function timesAmended(amendments: readonly DecisionEvent[]): string {
  return amendments.length === 1 ? 'once' : `${amendments.length} times`;
}

/**
 * Every decision in force (null: pending) at some moment strictly between `from` and `to` after
 * the request arrived; nothing if it arrived only at `to` or later.
 */
export function decisionsDuring(request: RequestRecord, from: string, to: string): (DecisionEvent | null)[] {
  const start = Math.max(epochMsOf(from), epochMsOf(request.received.data.receivedAt));
  const end = epochMsOf(to);
  if (start >= end) return [];
  const first = request.decisions.filter((d) => epochMsOf(d.data.decidedAt) <= start).at(-1) ?? null;
  const later = request.decisions.filter((d) => {
    const t = epochMsOf(d.data.decidedAt);
    return t > start && t < end;
  });
  return [first, ...later];
}

/** Oldest first by the act's own time, then by recording order, so that every reading is deterministic. */
function byTime<T extends { revision: number }>(timeOf: (e: T) => string): (a: T, b: T) => number {
  return (a, b) => epochMsOf(timeOf(a)) - epochMsOf(timeOf(b)) || a.revision - b.revision;
}

/**
 * Pairs each release or transfer with the first eligibility since the previous one: a hold is
 * measured from the first moment the person could have walked out, not from a later reason.
 */
function holdsOf(eligibilities: RecordedAs<'SubjectEligibleForRelease'>[], departures: Departure[]): Hold[] {
  type Step =
    { kind: 'eligible'; e: RecordedAs<'SubjectEligibleForRelease'> } | { kind: 'departed'; e: Departure };
  const steps: Step[] = [
    ...eligibilities.map((e): Step => ({ kind: 'eligible', e })),
    ...departures.map((e): Step => ({ kind: 'departed', e })),
  ];
  // At the same instant, eligibility comes first: a release at the moment of eligibility is a hold of zero.
  steps.sort(
    (a, b) =>
      epochMsOf(a.e.data.at) - epochMsOf(b.e.data.at) ||
      Number(a.kind === 'departed') - Number(b.kind === 'departed') ||
      a.e.revision - b.e.revision,
  );
  const holds: Hold[] = [];
  let since: RecordedAs<'SubjectEligibleForRelease'> | null = null;
  for (const step of steps) {
    if (step.kind === 'eligible') since ??= step.e;
    else if (since) {
      holds.push({ eligibility: since, departure: step.e });
      since = null;
    }
  }
  return holds;
}
