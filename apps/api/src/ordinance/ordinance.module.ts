import { Global, Module } from '@nestjs/common';
import { OrdinanceHistoryProvider } from '@trust-ledger/projections/ordinance';
import { AdoptOrdinanceVersionHandler } from './adopt-ordinance-version';
import { DefaultOrdinanceRecorder } from './default-ordinance';
import { OrdinanceController } from './ordinance.controller';

/**
 * § 14: the ordinance's versions, the default recorded on first start, and OrdinanceHistoryProvider
 * (global) for every slice that needs the ordinance as recorded outside a projection.
 */
@Global()
@Module({
  controllers: [OrdinanceController],
  providers: [OrdinanceHistoryProvider, DefaultOrdinanceRecorder, AdoptOrdinanceVersionHandler],
  exports: [OrdinanceHistoryProvider],
})
export class OrdinanceModule {}
