import { Module } from '@nestjs/common';
import { ErasePersonalDataController, PersonalDataEraser } from './erase-personal-data';

/** POST /cases/{caseId}/erase-personal-data and /certifications/{certificationId}/erase-personal-data (admin). */
@Module({ controllers: [ErasePersonalDataController], providers: [PersonalDataEraser] })
export class ErasureModule {}
