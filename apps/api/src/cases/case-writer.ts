import { Inject, Injectable } from '@nestjs/common';
import {
  caseDecider,
  caseStreamId,
  CLOCK,
  NotFoundError,
  type CaseCommand,
  type Clock,
} from '@trust-ledger/domain';
import { subjectKeyId } from '@trust-ledger/privacy';
import { assertMaySee } from '../auth/agency-scope';
import type { Principal } from '../auth/principal';
import { CommandExecutor } from '../write/command-executor';
import type { CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';

/** A case command as a handler builds it; the actor and the time are the writer's to fill in. */
export type CaseCommandInput = CaseCommand extends infer C
  ? C extends CaseCommand
    ? Omit<C, 'actor' | 'now'>
    : never
  : never;

/** Another agency's case is refused exactly like an unknown one, with the decider's own error. */
export const caseNotFound = (): NotFoundError => new NotFoundError('CASE_NOT_FOUND', 'No such case');

/**
 * Whether the command's body holds the subject's personal data: the subject, a language, a docket
 * number, or the free text sealed with them (a rationale, a closing reason).
 */
function carriesPersonalData(command: CaseCommandInput): boolean {
  switch (command.type) {
    case 'OpenCase':
    case 'RecordNotice':
    case 'DecideRequest':
    case 'CloseCase':
      return true;
    case 'RecordCustodyAccess':
      return command.data.consent != null;
    case 'RecordFederalRequest':
      return (command.data.documents ?? []).some((document) => document.docketNumber != null);
    default:
      return false;
  }
}

/** What every case command handler shares: the case stream, the Case decider, the agency scope. */
@Injectable()
export class CaseWriter {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Runs `command` on case `caseId`. Except when opening, the caller must be able to see the case:
   * another agency's case is refused exactly like an unknown one (the decider's own 404).
   */
  execute(
    principal: Principal,
    meta: CommandMeta,
    caseId: string,
    command: CaseCommandInput,
    createdId?: string,
  ): Promise<CommandResult> {
    const now = this.clock.now();
    return this.executor.execute({
      ...meta,
      streamId: caseStreamId(caseId),
      decider: caseDecider,
      command: { ...command, actor: meta.actor, now },
      createdId,
      personKey: carriesPersonalData(command)
        ? { keyId: subjectKeyId(caseId), create: command.type === 'OpenCase' }
        : undefined,
      authorize:
        command.type === 'OpenCase'
          ? undefined
          : (agencyId) => assertMaySee(principal, agencyId, caseNotFound),
    });
  }
}
