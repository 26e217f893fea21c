import { Injectable } from '@nestjs/common';
import type { CommandContext, Decider, NotFoundError } from '@trust-ledger/domain';
import type { PersonKey } from '@trust-ledger/privacy';
import { assertMayActFor, assertMaySee } from '../auth/agency-scope';
import type { Principal } from '../auth/principal';
import { CommandExecutor } from './command-executor';
import type { CommandMeta } from './command-meta';
import type { CommandResult } from './command-result';
import type { DomainEvent } from './event-codec';

interface Write<S, C extends CommandContext, E extends DomainEvent> {
  streamId: string;
  decider: Decider<S, C, E>;
  command: C;
  createdId?: string;
  personKey?: PersonKey;
}

/**
 * The write path of aggregates that belong to one agency and carry its id on their first event
 * (certifications, matters): officers and supervisors act only for their own agency.
 */
@Injectable()
export class AgencyRecordWriter {
  constructor(private readonly executor: CommandExecutor) {}

  /** Records a new record for `agencyId`; naming another agency than one's own is 403. */
  create<S, C extends CommandContext, E extends DomainEvent>(
    principal: Principal,
    meta: CommandMeta,
    agencyId: string,
    write: Write<S, C, E>,
  ): Promise<CommandResult> {
    assertMayActFor(principal, agencyId);
    return this.executor.execute({ ...meta, ...write });
  }

  /** Runs a command on an existing record; another agency's is refused exactly like an unknown one. */
  update<S, C extends CommandContext, E extends DomainEvent>(
    principal: Principal,
    meta: CommandMeta,
    notFound: () => NotFoundError,
    write: Write<S, C, E>,
  ): Promise<CommandResult> {
    return this.executor.execute({
      ...meta,
      ...write,
      authorize: (agencyId) => assertMaySee(principal, agencyId, notFound),
    });
  }
}
