import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL_DB, type ReadModelDb } from '@trust-ledger/projections';
import { ViolationQueries } from '@trust-ledger/projections/violations';

/** The register's queries over the read-model database, prepared once its tables exist. */
@Injectable()
export class ViolationsReader {
  private prepared: ViolationQueries | undefined;

  constructor(@Inject(READ_MODEL_DB) private readonly db: ReadModelDb) {}

  get queries(): ViolationQueries {
    // The runner creates the register's tables at bootstrap, before any request is served.
    this.prepared ??= new ViolationQueries(this.db);
    return this.prepared;
  }
}
