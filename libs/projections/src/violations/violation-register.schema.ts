/**
 * The register's tables. `violations` is the public register (API.md § 12) that queries, the case
 * view and the statistics read; the `vr_` tables are what the register keeps to judge streams again.
 */
export const VIOLATION_TABLES = [
  'violations',
  'vr_events',
  'vr_streams',
  'vr_ordinance',
  'vr_reports',
  'vr_deadlines',
  'vr_unapplied_reviews',
  'vr_review_streams',
  'vr_former_ids',
] as const;

/** Events of a stream per vr_events row. */
export const HISTORY_CHUNK_EVENTS = 16;

export const VIOLATION_SCHEMA = `
CREATE TABLE violations (
  seq               INTEGER PRIMARY KEY,  -- order of first detection; the list's cursor
  violation_id      TEXT    NOT NULL UNIQUE,
  rule_id           TEXT    NOT NULL,
  section           INTEGER NOT NULL,
  stream_id         TEXT    NOT NULL,
  agency_id         TEXT,
  request_id        TEXT,
  occurred_at       TEXT    NOT NULL,
  occurred_ms       INTEGER NOT NULL,
  detected_at       TEXT    NOT NULL,
  ordinance_version INTEGER NOT NULL,
  evidence          TEXT    NOT NULL,
  explanation       TEXT    NOT NULL,
  status            TEXT    NOT NULL,
  status_history    TEXT    NOT NULL,
  earlier_facts     TEXT    NOT NULL  -- JSON: the facts later judgements replaced (RegisteredViolation)
) STRICT;
CREATE INDEX violations_stream ON violations (stream_id, status);
-- The list's: one for each combination of agency, status and rule or section, each ending in the
-- list's order, so that a page reads its own rows whatever the combination (see ViolationQueries).
CREATE INDEX violations_agency ON violations (agency_id, seq);
CREATE INDEX violations_status ON violations (status, seq);
CREATE INDEX violations_rule ON violations (rule_id, seq);
CREATE INDEX violations_section ON violations (section, seq);
CREATE INDEX violations_agency_status ON violations (agency_id, status, seq);
CREATE INDEX violations_agency_rule ON violations (agency_id, rule_id, seq);
CREATE INDEX violations_agency_section ON violations (agency_id, section, seq);
CREATE INDEX violations_status_rule ON violations (status, rule_id, seq);
CREATE INDEX violations_status_section ON violations (status, section, seq);
CREATE INDEX violations_agency_status_rule ON violations (agency_id, status, rule_id, seq);
CREATE INDEX violations_agency_status_section ON violations (agency_id, status, section, seq);
-- Counting violations by when they happened, by agency and section (statistics), from the index alone.
CREATE INDEX violations_occurred ON violations (occurred_ms, status, section, agency_id);

-- A ruled stream's events (only the data its rules read: rule-inputs.ts) in chunks of
-- HISTORY_CHUNK_EVENTS revisions: a rebuild writes a case's events as one row, not one row each
-- (measured: the per-event rows cost a quarter of the register's rebuild), and a chunk holds the same
-- events however the log was batched.
-- A rowid table: its rows are too large for a WITHOUT ROWID b-tree to pay off.
CREATE TABLE vr_events (
  stream_seq INTEGER NOT NULL, -- vr_streams.seq
  chunk      INTEGER NOT NULL, -- revision / HISTORY_CHUNK_EVENTS, rounded down
  events     TEXT    NOT NULL, -- JSON array: the chunk's events in revision order
  UNIQUE (stream_seq, chunk)
) STRICT;

-- Streams numbered in the order they were first judged. The register's other tables are keyed by
-- that number, not by the (random) stream id, so that a rebuild appends a stream's rows instead of
-- writing pages all over each b-tree; only the stream id index here is still written at random.
CREATE TABLE vr_streams (
  seq          INTEGER PRIMARY KEY,
  stream_id    TEXT    NOT NULL UNIQUE,
  agency_id    TEXT,
  event_count  INTEGER NOT NULL,
  -- the latest moment the stream has been judged at: judging never goes back in time
  judged_until TEXT    NOT NULL,
  -- the latest time any of its acts, records or deadlines names: what an ordinance version re-judges
  latest_ms    INTEGER NOT NULL,
  -- the deadlines ahead as in vr_deadlines (JSON), to rewrite those rows only when they change
  deadlines    TEXT    NOT NULL,
  -- how many of its violations are unresolved (OPEN or CONFIRMED)
  unresolved   INTEGER NOT NULL DEFAULT 0
) STRICT;
-- No index on latest_ms: it changes with nearly every event, and only a (rare) adoption reads it.
-- The streams with an unresolved violation (all, or an agency's) in the order first judged, which for
-- cases is the order they were opened: the case list's hasOpenViolations=true walks them, not every case.
CREATE INDEX vr_streams_unresolved ON vr_streams (seq) WHERE unresolved > 0;
CREATE INDEX vr_streams_unresolved_agency ON vr_streams (agency_id, seq) WHERE unresolved > 0;

-- The ordinance stream's adoptions as recorded (they are § 11's evidence).
CREATE TABLE vr_ordinance (
  revision INTEGER PRIMARY KEY,
  adoption TEXT    NOT NULL
) STRICT;

-- The first publication of each period's report.
CREATE TABLE vr_reports (
  period       TEXT PRIMARY KEY,
  published_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Deadlines after the stream's judged_until: when each passes, the scheduler records DeadlinePassed.
CREATE TABLE vr_deadlines (
  stream_seq  INTEGER NOT NULL, -- vr_streams.seq
  deadline_ms INTEGER NOT NULL,
  stream_id   TEXT    NOT NULL, -- what the scheduler's DeadlinePassed names
  deadline    TEXT    NOT NULL,
  PRIMARY KEY (stream_seq, deadline_ms)
) STRICT, WITHOUT ROWID;
CREATE INDEX vr_deadlines_due ON vr_deadlines (deadline_ms);

-- Counsel's reviews the register could not apply: it holds no violation of the id they name, and
-- not exactly one of the act they name (or they name none: recorded before reviews did). Kept, and
-- counted on /health, so that a conclusion a rules change lost is seen, not only logged; applied
-- when a later event makes the register find the one violation of the act.
CREATE TABLE vr_unapplied_reviews (
  event_id          TEXT    PRIMARY KEY,
  violation_id      TEXT    NOT NULL,
  -- the act the review names (ViolationAct); null in a review recorded before reviews named it
  rule_id           TEXT,
  stream_id         TEXT,
  act               TEXT,
  reviewed_at       TEXT    NOT NULL,
  -- how many violations of that act the register held: none, or more than one to choose from
  violations_of_act INTEGER NOT NULL,
  -- the review itself, applied once the register finds the one violation of its act
  status            TEXT    NOT NULL,
  note              TEXT    NOT NULL,
  reviewed_by       TEXT    NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX vr_unapplied_reviews_act ON vr_unapplied_reviews (stream_id, rule_id, act) WHERE act IS NOT NULL;

-- The streams of reviews applied to a violation under an id they do not name (matched by act): an
-- evidence pack carries them beside violation-<id>, so that its status history's reviews are there.
CREATE TABLE vr_review_streams (
  violation_id TEXT NOT NULL,
  stream_id    TEXT NOT NULL,
  PRIMARY KEY (violation_id, stream_id)
) STRICT, WITHOUT ROWID;

-- The id each violation citing evidence hidden from oversight had before ids left that evidence out
-- (formerViolationIdOf): a review recorded before reviews named their act is found by it alone.
CREATE TABLE vr_former_ids (
  former_id    TEXT PRIMARY KEY,
  violation_id TEXT NOT NULL
) STRICT, WITHOUT ROWID;
`;

/** Unresolved: not yet reviewed, or confirmed and not remedied. */
const UNRESOLVED = "v.status IN ('OPEN', 'CONFIRMED')";

/**
 * For the case view's `hasOpenViolations` filter: an SQL condition true when the stream named by
 * `streamIdColumn` has an unresolved violation (served by the `violations_stream` index).
 */
export const hasUnresolvedViolationSql = (streamIdColumn: string): string =>
  `EXISTS (SELECT 1 FROM violations v WHERE v.stream_id = ${streamIdColumn} AND ${UNRESOLVED})`;

/** Recounts vr_streams.unresolved for the stream named by the `streamId` parameter. */
export const COUNT_UNRESOLVED_SQL = `UPDATE vr_streams SET unresolved =
  (SELECT count(*) FROM violations v WHERE v.stream_id = @streamId AND ${UNRESOLVED}) WHERE stream_id = @streamId`;

/**
 * A stream's violations of one rule, for a review matched by the act it names. By the stream's
 * index, which holds the stream's few: left to itself SQLite takes the rule's, for the order by
 * seq, and walks every violation of the rule (18 ms a review among 100k, 0.02 ms by the stream's).
 */
export const VIOLATIONS_OF_RULE_IN_STREAM_SQL =
  'SELECT * FROM violations INDEXED BY violations_stream WHERE stream_id = ? AND rule_id = ? ORDER BY seq';
