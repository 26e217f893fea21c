import { ConflictException, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { caseStreamId } from '@trust-ledger/domain';
import {
  CheckpointRefusedError,
  INTEGRITY_STREAM_ID,
  IntegrityService,
  type CheckpointData,
  type VerificationResult,
} from '@trust-ledger/integrity';
import { accessLogStreamId } from '../access-log/access-log';
import { Roles } from '../auth/decorators';
import { CaseParams } from '../cases/case-params';
import { caseNotFound } from '../cases/case-writer';
import { CommandExecutor } from '../write/command-executor';
import { CommandRequest, type CommandMeta } from '../write/command-meta';

export class IntegrityBreakDto {
  @ApiProperty({ example: 'case-5f0c…' }) streamId!: string;
  @ApiProperty({ description: 'The edited, reordered or first missing event’s revision' }) revision!: number;
  @ApiProperty() reason!: string;
}

export class VerificationResultDto implements VerificationResult {
  @ApiProperty({ description: 'True when no break was found' }) valid!: boolean;
  @ApiProperty({ description: 'Events whose hashes were recomputed' }) checkedEvents!: number;
  @ApiProperty({ type: [IntegrityBreakDto] }) breaks!: IntegrityBreakDto[];
}

export class CheckpointResultDto {
  @ApiProperty({
    type: Object,
    nullable: true,
    description:
      'The IntegrityCheckpointRecorded data (heads of the streams written since the previous checkpoint, and a digest chained from the previous checkpoint digest, which commits to every head); null when nothing was written since',
  })
  checkpoint!: CheckpointData | null;
}

/** The hash chain as API.md exposes it: per case, and an operator's checkpoint on demand. */
@ApiTags('integrity')
@ApiBearerAuth()
@ApiUnauthorizedResponse()
@Controller()
export class CaseIntegrityController {
  constructor(
    private readonly integrity: IntegrityService,
    private readonly executor: CommandExecutor,
  ) {}

  /**
   * Recomputes the case stream's chain and compares its head with the last checkpoint. A case whose
   * events were all deleted after a checkpoint recorded them is answered with that break, not 404.
   * The breaks of the case's access log count too: every read of the case appends to it, so a break
   * there stops those reads, and the check must say why.
   */
  @Get('cases/:caseId/integrity')
  @Roles('counsel', 'admin')
  @ApiOkResponse({ type: VerificationResultDto })
  @ApiForbiddenResponse({ description: 'Not counsel or admin' })
  @ApiNotFoundResponse({ description: 'Nothing was ever recorded on this case' })
  async verifyCase(@Param() { caseId }: CaseParams): Promise<VerificationResultDto> {
    const result = await this.integrity.verifyStream(caseStreamId(caseId));
    if (result.valid && result.checkedEvents === 0) throw caseNotFound();
    const accessLog = accessLogStreamId({ caseId });
    // Its own breaks: those of the checkpoints, the case's result has already.
    const breaks = (await this.integrity.verifyStream(accessLog)).breaks.filter(
      (b) => b.streamId === accessLog,
    );
    return breaks.length === 0 ? result : { ...result, valid: false, breaks: [...result.breaks, ...breaks] };
  }

  /** Records a checkpoint now instead of at the next tick (e.g. right before a backup or an export). */
  @Post('integrity/checkpoints')
  @Roles('admin')
  @HttpCode(201)
  @ApiCreatedResponse({ type: CheckpointResultDto })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key answers with the first response and records nothing',
  })
  @ApiConflictResponse({
    description:
      'CHECKPOINTS_DO_NOT_VERIFY: the checkpoints recorded so far do not verify (`breaks` says how), and a new one would vouch for them; nothing is recorded. IDEMPOTENCY_KEY_REUSED: the key came with another request',
  })
  async checkpoint(@CommandRequest() meta: CommandMeta): Promise<CheckpointResultDto> {
    try {
      return await this.executor.once(meta, INTEGRITY_STREAM_ID, async () => ({
        checkpoint: await this.integrity.recordCheckpoint(),
      }));
    } catch (error) {
      if (!(error instanceof CheckpointRefusedError)) throw error;
      throw new ConflictException({
        code: 'CHECKPOINTS_DO_NOT_VERIFY',
        message: error.message,
        breaks: error.problems,
      });
    }
  }
}
