import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  NOTICE_METHODS,
  NOTICE_PURPOSES,
  NOTICE_RECIPIENTS,
  STATED_INTENTS,
  type NoticeMethod,
  type NoticePurpose,
  type NoticeRecipient,
  type StatedIntent,
  noticeFieldErrors,
} from '@trust-ledger/domain';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { Principal } from '../auth/principal';
import { IsIsoDateTime, IsLanguageTag, RequiredWhen, IsId } from '../common/validators';
import { createdIdFor, type CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { CaseWriter } from './case-writer';
import { FieldChecks } from '../common/validation';

const isRequestAndIntent = (dto: RecordNoticeDto): boolean => dto.purpose === 'REQUEST_AND_INTENT';

@FieldChecks(noticeFieldErrors, { branchesOn: ['purpose'] })
export class RecordNoticeDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Client-chosen id, so that a retry names the same notice',
  })
  @IsOptional()
  @IsId()
  noticeId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for REQUEST_AND_INTENT' })
  @RequiredWhen(isRequestAndIntent, 'for a REQUEST_AND_INTENT notice')
  @IsId()
  requestId?: string;

  @ApiProperty({ enum: NOTICE_PURPOSES })
  @IsIn(NOTICE_PURPOSES)
  purpose!: NoticePurpose;

  @ApiProperty({ enum: NOTICE_RECIPIENTS })
  @IsIn(NOTICE_RECIPIENTS)
  recipient!: NoticeRecipient;

  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  deliveredAt!: string;

  @ApiProperty({ enum: NOTICE_METHODS, description: 'Written means every method but ORAL' })
  @IsIn(NOTICE_METHODS)
  method!: NoticeMethod;

  @ApiProperty({ example: 'es', description: 'BCP 47 language tag' })
  @IsLanguageTag()
  language!: string;

  @ApiProperty()
  @IsBoolean()
  includesCopyOfRequest!: boolean;

  @ApiPropertyOptional({ enum: STATED_INTENTS, description: 'Required for REQUEST_AND_INTENT' })
  @RequiredWhen(isRequestAndIntent, 'for a REQUEST_AND_INTENT notice')
  @IsIn(STATED_INTENTS)
  statedIntent?: StatedIntent;
}

export class RecordNoticeCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly caseId: string,
    readonly body: RecordNoticeDto,
  ) {
    super();
  }
}

@CommandHandler(RecordNoticeCommand)
export class RecordNoticeHandler implements ICommandHandler<RecordNoticeCommand> {
  constructor(private readonly cases: CaseWriter) {}

  execute({ principal, meta, caseId, body }: RecordNoticeCommand): Promise<CommandResult> {
    const noticeId = body.noticeId ?? createdIdFor(meta.commandId);
    const {
      requestId,
      purpose,
      recipient,
      deliveredAt,
      method,
      language,
      includesCopyOfRequest,
      statedIntent,
    } = body;
    return this.cases.execute(
      principal,
      meta,
      caseId,
      {
        type: 'RecordNotice',
        data: {
          noticeId,
          requestId,
          purpose,
          recipient,
          deliveredAt,
          method,
          language,
          includesCopyOfRequest,
          statedIntent,
        },
      },
      noticeId,
    );
  }
}
