import type { OrdinanceVersion } from './ordinance-version';

/** A version of the ordinance adopted (§ 14): its data is the version itself, numbered in adoption order. */
export type OrdinanceVersionAdopted = { type: 'OrdinanceVersionAdopted'; data: OrdinanceVersion };

export type OrdinanceEvent = OrdinanceVersionAdopted;

export const ORDINANCE_STREAM_ID = 'ordinance';
