import type { OrdinanceVersionAdopted } from '../ordinance/ordinance.events';
import { sectionInForce, versionInForceAt, type OrdinanceVersion } from '../ordinance/ordinance-version';
import { calendarDateIn, plusDays, startOfDayIn } from '../shared/date-time';
import { evidenceOf, type DetectedViolation, type Recorded } from '../shared/violation';
import { periodBounds, periodOf, type Period } from './period';
import { reportStreamId } from './report.events';

export interface PublishedReport {
  period: string;
  publishedAt: string;
}

/** A period whose report § 11 requires, and by when. */
interface ReportingDuty {
  period: Period;
  /** The version in force at the period's last instant: it sets the due date and judges the duty. */
  version: OrdinanceVersion;
  /** The adoption of that version, the evidence that § 11 required the report. */
  adoption: Recorded<OrdinanceVersionAdopted>;
  /** The first instant after the last day on which the report is in time. */
  due: string;
}

/**
 * S11_REPORT_OVERDUE for each reporting period that ended after the first ordinance version was
 * recorded (so a default version reaching back years does not make every past period overdue) and
 * has no report published in time, once its due moment has passed. `ordinance` is the `ordinance`
 * stream as recorded, in order: its adoptions are the evidence.
 */
export function evaluateReportingRules(
  published: readonly PublishedReport[],
  ordinance: readonly Recorded<OrdinanceVersionAdopted>[],
  now: string,
): DetectedViolation[] {
  return reportingDuties(ordinance, now)
    .filter((d) => Date.parse(now) >= Date.parse(d.due) && !publishedInTime(published, d))
    .map(({ period, version, adoption, due }) => ({
      ruleId: 'S11_REPORT_OVERDUE',
      section: 11,
      streamId: reportStreamId(period.label),
      requestId: null,
      occurredAt: due,
      ordinanceVersion: version.version,
      evidence: [evidenceOf(adoption)],
      explanation: `No report for ${period.label} was published within ${version.reportDueDays} days after the period ended.`,
    }));
}

/**
 * The moments at which reporting violations may change with nothing new recorded: the due moment of
 * every period ended or in progress whose report is not published in time, oldest first.
 */
export function reportingDeadlines(
  published: readonly PublishedReport[],
  ordinance: readonly Recorded<OrdinanceVersionAdopted>[],
  now: string,
): string[] {
  return reportingDuties(ordinance, now)
    .filter((d) => !publishedInTime(published, d))
    .map((d) => d.due);
}

function publishedInTime(published: readonly PublishedReport[], duty: ReportingDuty): boolean {
  return published.some(
    (p) => p.period === duty.period.label && Date.parse(p.publishedAt) < Date.parse(duty.due),
  );
}

/**
 * Every period, up to the one in progress at `now`, that ended after the first adoption was
 * recorded. Walks forward from that moment a period at a time, stepping to each version's
 * effectiveFrom on the way, since a new version may change the granularity or the time zone.
 */
function reportingDuties(
  adoptions: readonly Recorded<OrdinanceVersionAdopted>[],
  now: string,
): ReportingDuty[] {
  if (adoptions.length === 0) return [];
  const history = adoptions.map((a) => a.data);
  const changes = [...new Set(history.map((v) => Date.parse(v.effectiveFrom)))].sort((a, b) => a - b);
  const duties = new Map<string, ReportingDuty>();
  const until = Date.parse(now);
  let t = Date.parse(adoptions[0].recordedAt);
  while (t <= until) {
    const nextChange = changes.find((c) => c > t) ?? Infinity;
    const current = versionInForceAt(history, new Date(t).toISOString());
    if (!current) {
      t = nextChange;
      continue;
    }
    const period = periodOf(new Date(t).toISOString(), current.reportingPeriod, current.timeZone);
    const end = periodBounds(period, current.timeZone).end;
    const duty = dutyFor(period, end, history, adoptions);
    if (duty) duties.set(period.label, duty);
    t = Math.min(Date.parse(end), nextChange);
  }
  return [...duties.values()].sort((a, b) => Date.parse(a.due) - Date.parse(b.due));
}

/**
 * The period is owed when the version in force at its last instant reports in its granularity with
 * § 11 in force: a period lived under § 11 is reported even if § 11 ends with it, and one that § 11
 * reaches only at its end is not.
 */
function dutyFor(
  period: Period,
  end: string,
  history: readonly OrdinanceVersion[],
  adoptions: readonly Recorded<OrdinanceVersionAdopted>[],
): ReportingDuty | null {
  const version = versionInForceAt(history, new Date(Date.parse(end) - 1).toISOString());
  if (!sectionInForce(version, 11) || version.reportingPeriod !== period.granularity) return null;
  // Due days count from the period's end in the judging version's own zone.
  const firstDayAfter = calendarDateIn(
    Date.parse(periodBounds(period, version.timeZone).end),
    version.timeZone,
  );
  const due = startOfDayIn(plusDays(firstDayAfter, version.reportDueDays), version.timeZone);
  // history is the adoptions' data in order, so the version's index is its adoption's.
  return { period, version, adoption: adoptions[history.indexOf(version)], due: new Date(due).toISOString() };
}
