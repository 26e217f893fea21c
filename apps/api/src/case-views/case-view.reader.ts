import { Inject, Injectable } from '@nestjs/common';
import { caseStreamId, defaultOrdinanceVersion, type OrdinanceHistory } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore, type JsonValue, type RecordedEvent } from '@trust-ledger/event-store';
import {
  caseRecordFrom,
  CaseViewQueries,
  erasedRecord,
  hasTable,
  READ_MODEL_DB,
  toCaseView,
  type CaseListFilter,
  type CaseRecord,
  type CaseView,
  type ReadModelDb,
  type StoredCase,
  type DecisionView,
} from '@trust-ledger/projections';
import { OrdinanceHistoryProvider } from '@trust-ledger/projections/ordinance';
import {
  ViolationQueries,
  violationAsOf,
  type RegisteredViolation,
} from '@trust-ledger/projections/violations';
import { violationView, type ViolationDto } from '../violations/violation.dto';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EVENT_CODEC, revealedText, type EventCodec } from '../write/event-codec';

export type CaseViewWithViolations = CaseView<ViolationDto, string>;

export interface CaseViewPage {
  items: CaseViewWithViolations[];
  nextCursor: string | null;
}

/**
 * Turns stored case records into API.md's case view: the subject decoded through the same codec
 * as the history (where decryption plugs in), warrants judged under the ordinance as recorded, and
 * the case's violations from the register.
 */
@Injectable()
export class CaseViewReader {
  private readonly queries: CaseViewQueries;
  private violationQueries: ViolationQueries | undefined;

  constructor(
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(EVENT_CODEC) private readonly codec: EventCodec,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ordinanceHistory: OrdinanceHistoryProvider,
  ) {
    this.queries = new CaseViewQueries(db);
  }

  /**
   * The case as the case-view projection has it now; undefined when it has no such case. `mayRead`
   * is asked with the case's agency before anything is decrypted (it throws to refuse): another
   * agency's case costs no more to refuse than an unknown one, and no one's data is opened for a
   * caller who may not see it.
   */
  async current(
    caseId: string,
    mayRead: (agencyId: string) => void,
  ): Promise<CaseViewWithViolations | undefined> {
    const stored = this.queries.get(caseId);
    if (stored === undefined) return undefined;
    mayRead(stored.record.agencyId);
    return this.view(stored, await this.ordinance());
  }

  /** The case as recorded up to `asOf`, replayed from its stream through the projection's own fold;
   * `mayRead` as for `current`. */
  async asOf(
    caseId: string,
    asOf: string,
    mayRead: (agencyId: string) => void,
  ): Promise<CaseViewWithViolations | undefined> {
    const streamId = caseStreamId(caseId);
    const events: RecordedEvent[] = [];
    for await (const event of this.store.readStream(streamId, { upToTime: asOf })) events.push(event);
    let record = caseRecordFrom(events);
    if (record === undefined) return undefined;
    mayRead(record.agencyId);
    // Erasure is forever: a look into the past must not show what has been erased since.
    for await (const later of this.store.readStream(streamId, { fromRevision: record.revision + 1 })) {
      if (later.type === 'PersonalDataErased') record = erasedRecord(record);
    }
    const openedEvent = events[0]?.type === 'CaseOpened' && !record.personalDataErased ? events[0] : null;
    return this.view({ record, openedEvent }, await this.ordinance(asOf), asOf);
  }

  async list(filter: CaseListFilter, after: number, limit: number): Promise<CaseViewPage> {
    const page = this.queries.list(filter, after, limit);
    const ordinance = await this.ordinance();
    return {
      items: await Promise.all(page.items.map((stored) => this.view(stored, ordinance))),
      nextCursor: page.nextCursor,
    };
  }

  private async view(
    { record, openedEvent }: StoredCase,
    ordinance: OrdinanceHistory,
    asOf?: string,
  ): Promise<CaseViewWithViolations> {
    const subject = openedEvent === null ? record.subject : await this.decodeSubject(openedEvent);
    const decision = async (stored: DecisionView): Promise<DecisionView<string>> => ({
      ...stored,
      rationale: await revealedText(this.codec, stored.rationale),
      amendmentReason:
        stored.amendmentReason === null ? null : await revealedText(this.codec, stored.amendmentReason),
    });
    const revealed: CaseRecord<string> = {
      ...record,
      subject,
      convictions: await Promise.all(
        record.convictions.map(async (conviction) => ({
          ...conviction,
          offense: await revealedText(this.codec, conviction.offense),
        })),
      ),
      requests: await Promise.all(
        record.requests.map(async (request) => ({
          ...request,
          documents: await Promise.all(
            request.documents.map(async ({ docketNumber, ...document }) =>
              docketNumber === undefined
                ? document
                : { ...document, docketNumber: await revealedText(this.codec, docketNumber) },
            ),
          ),
          decision: request.decision && (await decision(request.decision)),
          previousDecisions: await Promise.all(request.previousDecisions.map(decision)),
        })),
      ),
      notices: await Promise.all(
        record.notices.map(async (notice) => ({
          ...notice,
          language: await revealedText(this.codec, notice.language),
        })),
      ),
      accessGrants: await Promise.all(
        record.accessGrants.map(async ({ consent, ...grant }) => ({
          ...grant,
          consent: consent && { ...consent, language: await revealedText(this.codec, consent.language) },
        })),
      ),
    };
    return toCaseView(
      revealed,
      ordinance,
      this.violationsOf(caseStreamId(record.caseId), asOf).map(violationView),
    );
  }

  /**
   * The register's violations of the case — as of `asOf`: those detected by then, with the status
   * and the facts they had then. None where the register does not run.
   */
  private violationsOf(streamId: string, asOf?: string): RegisteredViolation[] {
    if (this.violationQueries === undefined) {
      if (!hasTable(this.db, 'violations')) return [];
      this.violationQueries = new ViolationQueries(this.db);
    }
    const violations = this.violationQueries.ofStream(streamId);
    if (asOf === undefined) return violations;
    return violations.flatMap((violation) => violationAsOf(violation, asOf) ?? []);
  }

  private async decodeSubject(opened: RecordedEvent): Promise<JsonValue> {
    const { data } = await this.codec.decode(opened);
    return data.subject ?? null;
  }

  /** The versions recorded (up to `asOf`); the default version before the first is recorded. */
  private async ordinance(asOf?: string): Promise<OrdinanceHistory> {
    const history =
      asOf === undefined
        ? await this.ordinanceHistory.history()
        : await this.ordinanceHistory.historyAsOf(asOf);
    return history.length > 0 ? history : [defaultOrdinanceVersion(this.config.ordinanceEffectiveFrom)];
  }
}
