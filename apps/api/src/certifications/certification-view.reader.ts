import { Inject, Injectable } from '@nestjs/common';
import type { OrdinanceHistory } from '@trust-ledger/domain';
import type { JsonValue } from '@trust-ledger/event-store';
import { READ_MODEL_DB, type ReadModelDb } from '@trust-ledger/projections';
import {
  certificationDeadlineOf,
  CertificationViewQueries,
  type CertificationListFilter,
  type CertificationRecord,
  type StoredCertification,
} from '@trust-ledger/projections/certifications';
import { OrdinanceHistoryProvider } from '@trust-ledger/projections/ordinance';
import { EVENT_CODEC, revealedText, type EventCodec } from '../write/event-codec';

export type CertificationView = CertificationRecord<string> & { victim: JsonValue; deadline: string | null };

export interface CertificationViewPage {
  items: CertificationView[];
  nextCursor: string | null;
}

/**
 * API.md's certification view: the projection's record with its free text revealed, the victim
 * decoded from the recorded request through the codec (where decryption plugs in), and the deadline
 * under the ordinance as recorded, so that a version adopted later with an earlier effectiveFrom
 * moves it.
 */
@Injectable()
export class CertificationViewReader {
  private readonly queries: CertificationViewQueries;

  constructor(
    @Inject(READ_MODEL_DB) db: ReadModelDb,
    @Inject(EVENT_CODEC) private readonly codec: EventCodec,
    private readonly ordinance: OrdinanceHistoryProvider,
  ) {
    this.queries = new CertificationViewQueries(db);
  }

  /** `mayRead` is asked with the agency before the victim is decrypted, and throws to refuse. */
  async get(
    certificationId: string,
    mayRead: (agencyId: string) => void,
  ): Promise<CertificationView | undefined> {
    const stored = this.queries.get(certificationId);
    if (stored === undefined) return undefined;
    mayRead(stored.record.agencyId);
    return this.view(stored, await this.ordinance.history());
  }

  async list(filter: CertificationListFilter, after: number, limit: number): Promise<CertificationViewPage> {
    const page = this.queries.list(filter, after, limit);
    const ordinance = await this.ordinance.history();
    return {
      items: await Promise.all(page.items.map((stored) => this.view(stored, ordinance))),
      nextCursor: page.nextCursor,
    };
  }

  private async view(
    { record, requestedEvent }: StoredCertification,
    ordinance: OrdinanceHistory,
  ): Promise<CertificationView> {
    const { data } = await this.codec.decode(requestedEvent);
    const { decision, withdrawal } = record;
    return {
      ...record,
      qualifyingActivity: await revealedText(this.codec, record.qualifyingActivity),
      assistanceRefusals: await Promise.all(
        record.assistanceRefusals.map(async (refusal) => ({
          ...refusal,
          description: await revealedText(this.codec, refusal.description),
        })),
      ),
      decision: decision && {
        ...decision,
        explanation: await revealedText(this.codec, decision.explanation),
      },
      withdrawal: withdrawal && { ...withdrawal, reason: await revealedText(this.codec, withdrawal.reason) },
      victim: data.victim ?? null,
      deadline: certificationDeadlineOf(record, ordinance),
    };
  }
}
