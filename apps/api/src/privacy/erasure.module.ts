import { Module } from '@nestjs/common';
import { ErasePersonalDataController, PersonalDataEraser } from './erase-personal-data';
import { ErasureReconciler } from './erasure-reconciler';

/** POST /cases/{caseId}/erase-personal-data and /certifications/{certificationId}/erase-personal-data
 * (admin), and the start-up check that keys.db has carried out every erasure the log records. */
@Module({ controllers: [ErasePersonalDataController], providers: [PersonalDataEraser, ErasureReconciler] })
export class ErasureModule {}
