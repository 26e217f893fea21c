import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  COURT_DOCUMENT_KINDS,
  DOCUMENT_KINDS,
  FEDERAL_AGENCIES,
  INFORMATION_CATEGORIES,
  ISSUER_ROLES,
  REQUEST_FORMS,
  REQUEST_TYPES,
  type DocumentKind,
  type FederalAgency,
  type InformationCategory,
  type IssuerRole,
  type RequestForm,
  type RequestType,
  federalRequestFieldErrors,
} from '@trust-ledger/domain';
import { IsIn, IsOptional } from 'class-validator';
import type { Principal } from '../auth/principal';
import { EnumList, IsIsoDateTime, NestedList, RequiredWhen, Text, IsId } from '../common/validators';
import { createdIdFor, type CommandMeta } from '../write/command-meta';
import type { CommandResult } from '../write/command-result';
import { CaseWriter } from './case-writer';
import { FieldChecks } from '../common/validation';

const isCourtDocument = (doc: RequestDocumentDto): boolean => COURT_DOCUMENT_KINDS.includes(doc.kind);
const FOR_COURT_DOCUMENTS = 'for JUDICIAL_WARRANT and COURT_ORDER documents';

export class RequestDocumentDto {
  @ApiProperty({ enum: DOCUMENT_KINDS })
  @IsIn(DOCUMENT_KINDS)
  kind!: DocumentKind;

  @ApiProperty({ enum: ISSUER_ROLES })
  @IsIn(ISSUER_ROLES)
  issuerRole!: IssuerRole;

  @ApiPropertyOptional({ maxLength: 200, description: 'Required for JUDICIAL_WARRANT and COURT_ORDER' })
  @RequiredWhen(isCourtDocument, FOR_COURT_DOCUMENTS)
  @Text(200)
  court?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Required for JUDICIAL_WARRANT and COURT_ORDER' })
  @RequiredWhen(isCourtDocument, FOR_COURT_DOCUMENTS)
  @Text(200)
  judgeName?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Required for JUDICIAL_WARRANT and COURT_ORDER' })
  @RequiredWhen(isCourtDocument, FOR_COURT_DOCUMENTS)
  @IsIsoDateTime()
  signedAt?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Text(100)
  docketNumber?: string;
}

@FieldChecks((dto: RecordRequestDto, now) =>
  federalRequestFieldErrors(
    { ...dto, documents: dto.documents ?? [], informationRequested: dto.informationRequested ?? [] },
    now,
  ),
)
export class RecordRequestDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Client-chosen id, so that a retry names the same request',
  })
  @IsOptional()
  @IsId()
  requestId?: string;

  @ApiProperty({ enum: FEDERAL_AGENCIES })
  @IsIn(FEDERAL_AGENCIES)
  requestingAgency!: FederalAgency;

  @ApiProperty({ enum: REQUEST_TYPES })
  @IsIn(REQUEST_TYPES)
  requestType!: RequestType;

  @ApiProperty({ enum: REQUEST_FORMS })
  @IsIn(REQUEST_FORMS)
  form!: RequestForm;

  @ApiProperty({ format: 'date-time' })
  @IsIsoDateTime()
  receivedAt!: string;

  @ApiPropertyOptional({ type: () => [RequestDocumentDto], maxItems: 50 })
  @IsOptional()
  @NestedList(() => RequestDocumentDto, 50)
  documents?: RequestDocumentDto[];

  @ApiPropertyOptional({ enum: INFORMATION_CATEGORIES, isArray: true })
  @IsOptional()
  @EnumList(INFORMATION_CATEGORIES)
  informationRequested?: InformationCategory[];
}

export class RecordRequestCommand extends Command<CommandResult> {
  constructor(
    readonly principal: Principal,
    readonly meta: CommandMeta,
    readonly caseId: string,
    readonly body: RecordRequestDto,
  ) {
    super();
  }
}

@CommandHandler(RecordRequestCommand)
export class RecordRequestHandler implements ICommandHandler<RecordRequestCommand> {
  constructor(private readonly cases: CaseWriter) {}

  execute({ principal, meta, caseId, body }: RecordRequestCommand): Promise<CommandResult> {
    const requestId = body.requestId ?? createdIdFor(meta.commandId);
    const { requestingAgency, requestType, form, receivedAt } = body;
    // null, like a list left out, is none; a destructuring default would pass it on.
    const documents = body.documents ?? [];
    const informationRequested = body.informationRequested ?? [];
    return this.cases.execute(
      principal,
      meta,
      caseId,
      {
        type: 'RecordFederalRequest',
        data: { requestId, requestingAgency, requestType, form, receivedAt, documents, informationRequested },
      },
      requestId,
    );
  }
}
