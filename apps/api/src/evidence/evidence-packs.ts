import { Inject, Injectable } from '@nestjs/common';
import { caseStreamId, CLOCK, type Clock, type OrdinanceVersion } from '@trust-ledger/domain';
import type { JsonValue, RecordedEvent } from '@trust-ledger/event-store';
import {
  EvidenceSigner,
  IntegrityService,
  serializeEvidence,
  type VerificationResult,
} from '@trust-ledger/integrity';
import { PersonalDataCodec } from '@trust-ledger/privacy';
import { ProjectionRunner } from '@trust-ledger/projections';
import { OrdinanceHistoryProvider } from '@trust-ledger/projections/ordinance';
import type { RegisteredViolation } from '@trust-ledger/projections/violations';
import { caseNotFound } from '../cases/case-writer';
import { readModelsCaughtUp } from '../common/read-models-caught-up';
import { ViolationsReader } from '../violations/violations.reader';

/**
 * What GET /cases/{caseId}/evidence signs. `events` are the case's events exactly as stored (the
 * subject sealed, `metadata.integrity` untouched), so that anyone can recompute their hash chain
 * offline; `subject` is the same personal data revealed for counsel at generation time (every field
 * "[erased]" once it is erased), vouched for by the signature.
 */
export type EvidencePack = {
  caseId: string;
  generatedAt: string;
  subject: JsonValue;
  events: RecordedEvent[];
  integrity: VerificationResult;
  violations: RegisteredViolation[];
  ordinanceVersions: OrdinanceVersion[];
};

/** How long the pack waits for the violation register to have judged every event in it. */
const REGISTER_WAIT_MS = 5000;

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

  /** The signed pack, as the exact bytes to serve and to verify (canonical JSON). */
  async build(caseId: string): Promise<string> {
    const streamId = caseStreamId(caseId);
    // One read: the pack's integrity result speaks of exactly the events it carries.
    const { events, integrity } = await this.integrity.readVerifiedStream(streamId);
    const opened = events[0];
    if (opened?.type !== 'CaseOpened') throw caseNotFound();

    await this.registerCaughtUp(events[events.length - 1].position);
    const violations = this.register.queries.ofStream(streamId);
    const judgedBy = new Set(violations.map((v) => v.ordinanceVersion));
    const pack: EvidencePack = {
      caseId,
      generatedAt: this.clock.now(),
      subject: (await this.codec.decode(opened)).data.subject ?? null,
      events,
      integrity,
      violations,
      ordinanceVersions: (await this.ordinance.history()).filter((v) => judgedBy.has(v.version)),
    };
    return serializeEvidence(this.signer.sign(pack));
  }

  /** The register's findings must cover every event the pack holds. */
  private registerCaughtUp(position: string): Promise<void> {
    return readModelsCaughtUp(
      this.runner,
      position,
      REGISTER_WAIT_MS,
      'The violation register has not judged this case’s latest events yet; retry shortly',
    );
  }
}
