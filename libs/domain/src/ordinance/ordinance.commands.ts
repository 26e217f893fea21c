import type { CommandContext } from '../case/case.commands';
import type { OrdinanceVersion } from './ordinance-version';

/** The terms of a version as an admin adopts them; its number is the record's to assign. */
export type OrdinanceTerms = Omit<OrdinanceVersion, 'version'>;

export type AdoptOrdinanceVersion = { type: 'AdoptOrdinanceVersion'; data: OrdinanceTerms } & CommandContext;

export type OrdinanceCommand = AdoptOrdinanceVersion;
