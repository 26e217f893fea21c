import {
  sectionInForce,
  versionInForceAt,
  type OrdinanceHistory,
  type OrdinanceVersion,
} from '../../ordinance/ordinance-version';
import type { DetectedViolation } from '../../shared/violation';
import type { RequestType } from '../../shared/vocabulary';
import { epochMsOf } from '../../shared/date-time';
import { dateIn, later, plusCalendarYears, plusMinutes } from '../iso-time';
import {
  decisionAt,
  decisionsDuring,
  honoringsOf,
  timesAmended,
  type CaseRecord,
  type DecisionEvent,
  type Departure,
  type Hold,
  type RequestRecord,
} from './case-record';
import { detected } from './detected';
import { warrantCovers } from './judicial-warrant';

/** § 2: detainers, holds past release and transfers to federal custody. */

const CUSTODY_REQUESTS: readonly RequestType[] = ['DETAINER', 'TRANSFER'];
const HOLD_LIMIT_MINUTES = 48 * 60;

export function section2Violations(record: CaseRecord, ordinance: OrdinanceHistory): DetectedViolation[] {
  return [
    ...record.requests.flatMap((r) => detainersHonoredWithoutWarrant(record, r, ordinance)),
    ...record.holds.flatMap((h) => holdViolations(record, h, ordinance)),
    ...record.departures.flatMap((d) => transferContradictingDecision(record, d, ordinance)),
  ];
}

/**
 * Each decision to honor is judged under the version in force when it was made. One that keeps an
 * unlawful honoring going (an amendment to a decision itself honored unlawfully) is no new act: it
 * is cited by the violation of the decision that began the unlawful stretch, judged under that
 * decision's version. An amendment that makes a lawful honoring unlawful begins a stretch of its own.
 */
function detainersHonoredWithoutWarrant(
  record: CaseRecord,
  request: RequestRecord,
  ordinance: OrdinanceHistory,
): DetectedViolation[] {
  const { requestType, requestingAgency } = request.received.data;
  if (!CUSTODY_REQUESTS.includes(requestType)) return [];
  const unlawful = (decision: DecisionEvent): OrdinanceVersion | null => {
    const { decidedAt } = decision.data;
    const version = versionInForceAt(ordinance, decidedAt);
    return sectionInForce(version, 2) &&
      !warrantCovers(request.received.data, version, decidedAt) &&
      !qualifyingException(record, decision, version)
      ? version
      : null;
  };
  return honoringsOf(request)
    .flatMap((honoring) => unlawfulStretches(honoring, unlawful))
    .map(({ version, decisions: [act, ...keptBy] }) => {
      const claimed = (d: DecisionEvent) => d.data.basis === 'ORDINANCE_EXCEPTION';
      return detected('S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT', version, {
        act,
        occurredAt: act.data.decidedAt,
        requestId: request.received.data.requestId,
        alsoCites: [request.received, ...keptBy, [act, ...keptBy].some(claimed) ? record.opened : null],
        explanation:
          `A ${requestType} request from ${requestingAgency} was decided ${act.data.outcome} without a judicial warrant` +
          (claimed(act)
            ? ', and the case records no conviction meeting the exception claimed.'
            : ' and without an ordinance exception.') +
          (keptBy.length > 0
            ? ` Amended ${timesAmended(keptBy)}, it stood ${keptBy[keptBy.length - 1].data.outcome} with neither a judicial warrant nor a qualifying exception.`
            : ''),
      });
    });
}

/**
 * The runs of consecutive decisions of one honoring that were each unlawful under the version in
 * force when made (`unlawful` gives that version, or null if the decision was lawful), each with
 * the version of its first decision: the act that began it.
 */
function unlawfulStretches(
  honoring: readonly DecisionEvent[],
  unlawful: (decision: DecisionEvent) => OrdinanceVersion | null,
): { version: OrdinanceVersion; decisions: [DecisionEvent, ...DecisionEvent[]] }[] {
  const stretches: { version: OrdinanceVersion; decisions: [DecisionEvent, ...DecisionEvent[]] }[] = [];
  let current: DecisionEvent[] | null = null;
  for (const decision of honoring) {
    const version = unlawful(decision);
    if (version === null) current = null;
    else if (current) current.push(decision);
    else {
      const decisions: [DecisionEvent, ...DecisionEvent[]] = [decision];
      stretches.push({ version, decisions });
      current = decisions;
    }
  }
  return stretches;
}

/**
 * An exception the decision claimed, listed in `version` (the one judging the act: the decision,
 * or the hold it led to), whose facts the case records: a conviction of a listed category on or
 * before the decision's date (in the ordinance's time zone) and no more than `withinYears`
 * calendar years before it.
 */
function qualifyingException(
  record: CaseRecord,
  decision: DecisionEvent,
  version: OrdinanceVersion | undefined,
): boolean {
  const { basis, exceptionCode, decidedAt } = decision.data;
  if (!version || basis !== 'ORDINANCE_EXCEPTION') return false;
  const exception = version.detainerExceptions.find((x) => x.code === exceptionCode);
  if (!exception) return false;
  const decisionDate = dateIn(decidedAt, version.timeZone);
  return record.convictions.some(
    (c) =>
      exception.convictionCategories.includes(c.category) &&
      c.convictedAt <= decisionDate &&
      plusCalendarYears(c.convictedAt, exception.withinYears) >= decisionDate,
  );
}

/**
 * A hold past eligibility, judged at the release or transfer that ended it. A detainer keeps the
 * person held while it is pending or honored; what matters is whether it was so after the grace
 * period (or the 48 hours) ran out, not only at the start or the end.
 */
function holdViolations(record: CaseRecord, hold: Hold, ordinance: OrdinanceHistory): DetectedViolation[] {
  const { eligibility, departure } = hold;
  const endedAt = departure.data.at;
  const version = versionInForceAt(ordinance, endedAt);
  if (!sectionInForce(version, 2)) return [];
  const heldMinutes = (epochMsOf(endedAt) - epochMsOf(eligibility.data.at)) / 60_000;
  const held = `${formatDuration(heldMinutes)} after eligibility for release`;
  const detainers = record.requests.filter((r) => r.received.data.requestType === 'DETAINER');
  const violations: DetectedViolation[] = [];

  if (heldMinutes > version.releaseGraceMinutes) {
    const from = plusMinutes(eligibility.data.at, version.releaseGraceMinutes);
    const unlawful = heldOn(
      detainers,
      version,
      from,
      endedAt,
      // Judged, like the rest of the hold, under the version in force when it ended: an exception
      // repealed before then excuses no hold that outlasted it.
      (d) => !qualifyingException(record, d, version),
    );
    if (unlawful.length > 0) {
      violations.push(
        detected('S2_HELD_BEYOND_RELEASE', version, {
          act: departure,
          occurredAt: endedAt,
          requestId: unlawful[0].request.received.data.requestId,
          alsoCites: [eligibility, ...unlawful.flatMap((h) => [h.request.received, ...h.decisions])],
          explanation:
            `${departedAs(departure)} ${held}, beyond the ${version.releaseGraceMinutes}-minute grace period, ` +
            'while a detainer was pending or honored with neither a judicial warrant nor a qualifying exception.',
        }),
      );
    }
  }

  if (heldMinutes > HOLD_LIMIT_MINUTES) {
    const from = plusMinutes(eligibility.data.at, HOLD_LIMIT_MINUTES);
    // No exception lets a detainer hold last beyond 48 hours; only a judicial warrant does.
    const unlawful = heldOn(detainers, version, from, endedAt, () => true);
    if (unlawful.length > 0) {
      violations.push(
        detected('S2_HOLD_EXCEEDS_48_HOURS', version, {
          act: departure,
          occurredAt: endedAt,
          requestId: unlawful[0].request.received.data.requestId,
          alsoCites: [eligibility, ...unlawful.flatMap((h) => [h.request.received, ...h.decisions])],
          explanation: `${departedAs(departure)} ${held}, more than 48 hours, while a detainer was pending or honored without a judicial warrant.`,
        }),
      );
    }
  }
  return violations;
}

interface HeldOn {
  request: RequestRecord;
  /** The honoring decisions under which the person was held (none: the detainer was pending). */
  decisions: DecisionEvent[];
}

/**
 * The detainers without a judicial warrant that were pending, or honored in a way `unauthorised`
 * accepts, at some moment between `from` and `to`.
 */
function heldOn(
  detainers: RequestRecord[],
  version: OrdinanceVersion,
  from: string,
  to: string,
  unauthorised: (honoring: DecisionEvent) => boolean,
): HeldOn[] {
  if (detainers.some((request) => heldLawfullyThroughout(request, version, from, to, unauthorised)))
    return [];
  return detainers.flatMap((request) => {
    // A warrant must exist by the time the detainer began to hold the person unlawfully.
    if (warrantCovers(request.received.data, version, later(from, request.received.data.receivedAt)))
      return [];
    const holding = decisionsDuring(request, from, to).filter(
      (d) => d === null || (d.data.outcome !== 'DECLINED' && unauthorised(d)),
    );
    if (holding.length === 0) return [];
    return [{ request, decisions: holding.filter((d): d is DecisionEvent => d !== null) }];
  });
}

/**
 * A detainer that arrived by `from` and held the person lawfully all along until `to`: it came
 * with a judicial warrant signed by `from` and was never declined meanwhile, or it stood honored
 * throughout in a way `unauthorised` does not reject (under a qualifying exception, for the grace
 * period). Whatever else was pending beside it held nobody who was not lawfully held.
 */
function heldLawfullyThroughout(
  request: RequestRecord,
  version: OrdinanceVersion,
  from: string,
  to: string,
  unauthorised: (honoring: DecisionEvent) => boolean,
): boolean {
  if (epochMsOf(request.received.data.receivedAt) > epochMsOf(from)) return false;
  const during = decisionsDuring(request, from, to);
  if (warrantCovers(request.received.data, version, from)) {
    return during.every((d) => d === null || d.data.outcome !== 'DECLINED');
  }
  return (
    during.length > 0 && during.every((d) => d !== null && d.data.outcome !== 'DECLINED' && !unauthorised(d))
  );
}

/**
 * A transfer into ICE or CBP custody that the agency's own requests were declined or never decided
 * for, with no judicial warrant. When some request of theirs was honored at the time, the transfer
 * follows that decision, which the honoring rule judges instead; unless a TRANSFER request of
 * theirs stood declined, which is the very decision the transfer contradicts.
 */
function transferContradictingDecision(
  record: CaseRecord,
  departure: Departure,
  ordinance: OrdinanceHistory,
): DetectedViolation[] {
  if (departure.type !== 'SubjectTransferred') return [];
  const { toAgency, at } = departure.data;
  const version = versionInForceAt(ordinance, at);
  if (toAgency === 'OTHER' || !sectionInForce(version, 2)) return [];
  const theirs = record.requests.filter(
    (r) =>
      r.received.data.requestingAgency === toAgency &&
      CUSTODY_REQUESTS.includes(r.received.data.requestType) &&
      epochMsOf(r.received.data.receivedAt) <= epochMsOf(at),
  );
  if (theirs.some((r) => warrantCovers(r.received.data, version, at))) return [];
  const outcomeOf = (r: RequestRecord) => decisionAt(r, at)?.data.outcome;
  const honored = theirs.some((r) => outcomeOf(r) === 'HONORED' || outcomeOf(r) === 'PARTIALLY_HONORED');
  const contradicted = honored
    ? theirs.filter((r) => r.received.data.requestType === 'TRANSFER' && outcomeOf(r) === 'DECLINED')
    : theirs;
  if (contradicted.length === 0) return [];
  return [
    detected('S2_TRANSFER_CONTRADICTS_DECISION', version, {
      act: departure,
      occurredAt: at,
      requestId: contradicted[0].received.data.requestId,
      alsoCites: contradicted.flatMap((r) => [r.received, decisionAt(r, at)]),
      explanation:
        `Transferred to ${toAgency} custody while its ${contradicted.map((r) => r.received.data.requestType).join(', ')} ` +
        'request(s) stood declined or undecided, with no judicial warrant.',
    }),
  ];
}

function departedAs(departure: Departure): string {
  return departure.type === 'SubjectReleased' ? 'Released' : `Transferred to ${departure.data.toAgency}`;
}

/**
 * To the second, rounded up: "48.0 hours, more than 48 hours" for 48 h 1 min read as a
 * contradiction, and so would "48 hours" for a hold a fraction of a second too long.
 */
function formatDuration(minutes: number): string {
  const total = Math.ceil(minutes * 60);
  const parts = [
    [Math.floor(total / 3600), 'hour'],
    [Math.floor((total % 3600) / 60), 'minute'],
    [total % 60, 'second'],
  ] as const;
  const named = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return named.length > 0 ? named.join(' ') : '0 minutes';
}
