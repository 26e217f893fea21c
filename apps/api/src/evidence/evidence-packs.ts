import { Inject, Injectable } from '@nestjs/common';
import {
  caseStreamId,
  certificationStreamId,
  CLOCK,
  deadlineStreamId,
  encounterStreamId,
  matterStreamId,
  ORDINANCE_STREAM_ID,
  type Clock,
  type NotFoundError,
} from '@trust-ledger/domain';
import type { JsonValue, RecordedEvent } from '@trust-ledger/event-store';
import {
  EvidenceSigner,
  IntegrityService,
  serializeEvidence,
  type IntegrityBreak,
} from '@trust-ledger/integrity';
import { PersonalDataCodec } from '@trust-ledger/privacy';
import { ProjectionRunner } from '@trust-ledger/projections';
import { OrdinanceHistoryProvider } from '@trust-ledger/projections/ordinance';
import { VIOLATION_REGISTER, type RegisteredViolation } from '@trust-ledger/projections/violations';
import { caseNotFound } from '../cases/case-writer';
import { certificationNotFound } from '../certifications/certification-params';
import { encounterNotFound } from '../encounters/encounter-params';
import { matterNotFound } from '../matters/matter-params';
import { readModelsCaughtUp } from '../common/read-models-caught-up';
import { violationView } from '../violations/violation.dto';
import { ViolationsReader } from '../violations/violations.reader';

/** A kind of record an evidence pack can be made of. */
export interface EvidenceRecord {
  /** The pack's field naming the record: `caseId`, `certificationId`, … */
  idField: string;
  streamId(id: string): string;
  /** The event that creates the record: a stream that does not start with it is no such record. */
  createdBy: string;
  /** Where that event holds the record's personal data, revealed in the pack under the same name. */
  personalField?: string;
  notFound(): NotFoundError;
}

export const CASE_RECORD: EvidenceRecord = {
  idField: 'caseId',
  streamId: caseStreamId,
  createdBy: 'CaseOpened',
  personalField: 'subject',
  notFound: caseNotFound,
};

export const CERTIFICATION_RECORD: EvidenceRecord = {
  idField: 'certificationId',
  streamId: certificationStreamId,
  createdBy: 'CertificationRequested',
  personalField: 'victim',
  notFound: certificationNotFound,
};

export const MATTER_RECORD: EvidenceRecord = {
  idField: 'matterId',
  streamId: matterStreamId,
  createdBy: 'MatterOpened',
  notFound: matterNotFound,
};

export const ENCOUNTER_RECORD: EvidenceRecord = {
  idField: 'encounterId',
  streamId: encounterStreamId,
  createdBy: 'EncounterRecorded',
  notFound: encounterNotFound,
};

/** How long the pack waits for the violation register to have judged every event in it. */
const REGISTER_WAIT_MS = 5000;

/** Reads of a record being written to while it is packed, before it is packed as last read. */
const PACK_READ_ATTEMPTS = 5;

@Injectable()
export class EvidencePacks {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runner: ProjectionRunner,
    private readonly ordinance: OrdinanceHistoryProvider,
    private readonly register: ViolationsReader,
    private readonly integrity: IntegrityService,
    private readonly signer: EvidenceSigner,
    private readonly codec: PersonalDataCodec,
  ) {}

  /**
   * The signed pack of the record, as the exact bytes to serve and to verify (canonical JSON):
   * `{ <idField>, generatedAt, <personalField>?, revealed, events, citedEvents, integrity, violations,
   * ordinanceVersions, signature }`. `events` are the record's events exactly as stored (personal data sealed,
   * `metadata.integrity` untouched), so that anyone can recompute their hash chain offline; the
   * personal field is that data revealed for counsel at generation time (every field "[erased]"
   * once it is erased), vouched for by the signature, and `revealed` likewise the personal data
   * sealed in the later events (a notice's language), by event id and path.
   */
  async build(record: EvidenceRecord, id: string): Promise<string> {
    const streamId = record.streamId(id);
    let read = await this.integrity.readVerifiedStream(streamId);
    // A record whose first event cannot be read exists, altered: where, not "no such record".
    if (read.unreadable[0]?.revision === 0) throw read.unreadable[0];
    if (read.events[0]?.type !== record.createdBy) throw record.notFound();

    // The register is read between two reads of the record, until the record stayed as it was:
    // the register had then judged every event the pack carries, and (the log only grows) the
    // pack carries every event the register cites. A record written to all along is packed as
    // last read, still carrying all that is cited.
    let violations: RegisteredViolation[];
    for (let attempt = 1; ; attempt++) {
      await this.registerCaughtUp(read.events[read.events.length - 1].position);
      violations = this.register.queries.ofStream(streamId);
      const again = await this.integrity.readVerifiedStream(streamId);
      const grew = again.events.length !== read.events.length;
      read = again;
      if (!grew || attempt === PACK_READ_ATTEMPTS) break;
    }
    // The pack carries one read, so its integrity result speaks of exactly the events it carries.
    const { events, integrity } = read;
    const created = events[0];
    // Each violation's facts now and those a later judgement replaced (earlierFacts), which a review
    // made before it concluded on: the pack carries the versions and streams of all of them.
    const judgements = violations.flatMap((v) => [v, ...v.earlierFacts]);
    const judgedBy = new Set(judgements.map((facts) => facts.ordinanceVersion));
    // What the violations rest on beyond the record, whole streams so that each chain verifies
    // offline from its first event: counsel's reviews, the other streams their evidence cites, the
    // record's deadlines (whose passing opens a deadline violation, citing it only in its status
    // history) and the ordinance's adoptions that judged them.
    const cited = new Set([
      ...violations.flatMap((v) => this.register.queries.reviewStreamsOf(v.violationId)),
      ...judgements.flatMap((facts) => facts.evidence.map((e) => e.streamId)),
      ...(violations.length > 0 ? [deadlineStreamId(streamId), ORDINANCE_STREAM_ID] : []),
    ]);
    cited.delete(streamId);
    const citedEvents: RecordedEvent[] = [];
    // The streams cited are vouched for like the record: their breaks are the pack's (a tail cut off
    // one of them, say, which nothing offline could see).
    const citedBreaks: IntegrityBreak[] = [];
    for (const id of [...cited].sort()) {
      const citedStream = await this.integrity.readVerifiedStream(id);
      citedEvents.push(...citedStream.events);
      citedBreaks.push(...citedStream.integrity.breaks);
    }
    const { personalField } = record;
    const pack = {
      [record.idField]: id,
      generatedAt: this.clock.now(),
      ...(personalField !== undefined && {
        [personalField]: (await this.codec.decode(created)).data[personalField] ?? null,
        // An addition to API.md's pack, as on every record that holds personal data.
        revealed: await this.revealedAfter(created, events, personalField),
      }),
      events,
      // An addition to API.md's pack.
      citedEvents,
      integrity:
        citedBreaks.length === 0
          ? integrity
          : { ...integrity, valid: false, breaks: [...integrity.breaks, ...citedBreaks] },
      // In API.md's shape, as GET /violations serves them.
      violations: violations.map(violationView),
      ordinanceVersions: (await this.ordinance.history()).filter((v) => judgedBy.has(v.version)),
    };
    return serializeEvidence(this.signer.sign(pack));
  }

  /** The personal data sealed in `events` beyond the creating event's personal field, revealed. */
  private async revealedAfter(
    created: RecordedEvent,
    events: RecordedEvent[],
    personalField: string,
  ): Promise<{ eventId: string; path: string; value: JsonValue }[]> {
    const revealed = await Promise.all(
      events.map(async (event) =>
        (await this.codec.revealedFields(event.data))
          .filter(({ path }) => event !== created || path !== personalField)
          .map((field) => ({ eventId: event.id, ...field })),
      ),
    );
    return revealed.flat();
  }

  /** The register's findings must cover every event the pack holds (the other read models need not). */
  private registerCaughtUp(position: string): Promise<void> {
    return readModelsCaughtUp(
      this.runner,
      position,
      REGISTER_WAIT_MS,
      'The violation register has not judged this record’s latest events yet; retry shortly',
      VIOLATION_REGISTER,
    );
  }
}
