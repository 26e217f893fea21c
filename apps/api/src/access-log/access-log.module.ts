import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccessLog } from './access-log';
import { AccessLogController } from './access-log.controller';
import { AccessLogInterceptor } from './access-log.interceptor';

/** Records every read of a case's personal data, and serves GET /cases/{caseId}/access-log. */
@Module({
  controllers: [AccessLogController],
  providers: [AccessLog, { provide: APP_INTERCEPTOR, useClass: AccessLogInterceptor }],
})
export class AccessLogModule {}
