import { ApiProperty } from '@nestjs/swagger';
import { IsId } from '../common/validators';

export class CaseParams {
  @ApiProperty({ format: 'uuid' })
  @IsId()
  caseId!: string;
}

export class RequestParams extends CaseParams {
  @ApiProperty({ format: 'uuid' })
  @IsId()
  requestId!: string;
}
