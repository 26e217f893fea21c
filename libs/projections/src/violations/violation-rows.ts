import type { EvidenceRef, RuleId } from '@trust-ledger/domain';
import type { EarlierFacts, RegisteredViolation, StatusChange, ViolationStatus } from './violation-judgement';

/** A `violations` row as better-sqlite3 returns it. */
export interface ViolationRow {
  seq: number;
  violation_id: string;
  rule_id: string;
  section: number;
  stream_id: string;
  agency_id: string | null;
  request_id: string | null;
  occurred_at: string;
  occurred_ms: number;
  detected_at: string;
  ordinance_version: number;
  evidence: string;
  explanation: string;
  status: string;
  status_history: string;
  earlier_facts: string;
}

export function violationOf(row: ViolationRow): RegisteredViolation {
  return {
    violationId: row.violation_id,
    ruleId: row.rule_id as RuleId,
    section: row.section,
    streamId: row.stream_id,
    agencyId: row.agency_id,
    requestId: row.request_id,
    occurredAt: row.occurred_at,
    detectedAt: row.detected_at,
    ordinanceVersion: row.ordinance_version,
    evidence: JSON.parse(row.evidence) as EvidenceRef[],
    explanation: row.explanation,
    status: row.status as ViolationStatus,
    statusHistory: JSON.parse(row.status_history) as StatusChange[],
    earlierFacts: JSON.parse(row.earlier_facts) as EarlierFacts[],
  };
}

/** Parameters of the register's upsert, in its column order (seq is assigned on first insert). */
export function violationParams(v: RegisteredViolation): (string | number | null)[] {
  return [
    v.violationId,
    v.ruleId,
    v.section,
    v.streamId,
    v.agencyId,
    v.requestId,
    v.occurredAt,
    Date.parse(v.occurredAt),
    v.detectedAt,
    v.ordinanceVersion,
    JSON.stringify(v.evidence),
    v.explanation,
    v.status,
    JSON.stringify(v.statusHistory),
    JSON.stringify(v.earlierFacts),
  ];
}

export const UPSERT_VIOLATION_SQL = `
INSERT INTO violations (violation_id, rule_id, section, stream_id, agency_id, request_id, occurred_at,
  occurred_ms, detected_at, ordinance_version, evidence, explanation, status, status_history, earlier_facts)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (violation_id) DO UPDATE SET rule_id = excluded.rule_id, section = excluded.section,
  stream_id = excluded.stream_id, agency_id = excluded.agency_id, request_id = excluded.request_id,
  occurred_at = excluded.occurred_at, occurred_ms = excluded.occurred_ms, detected_at = excluded.detected_at,
  ordinance_version = excluded.ordinance_version, evidence = excluded.evidence,
  explanation = excluded.explanation, status = excluded.status, status_history = excluded.status_history,
  earlier_facts = excluded.earlier_facts`;
