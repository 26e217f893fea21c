import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class CaseParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  caseId!: string;
}

export class RequestParams extends CaseParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  requestId!: string;
}
