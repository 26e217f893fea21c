import {
  FEDERAL_AGENCIES,
  REQUEST_FORMS,
  REQUEST_TYPES,
  type FederalAgency,
  type RequestForm,
  type RequestType,
} from '@trust-ledger/domain';
import { isTimeZone } from '@trust-ledger/domain/shared/date-time';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MinLength,
  ValidateBy,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { readFileSync } from 'node:fs';
import { AGENCY_ID_PATTERN } from '../../../api/src/common/validators';
import { fieldErrors } from '../../../api/src/common/validation';

/**
 * What a lift reason says happened to the detainer, as far as the log shows: DECLINED and
 * TRANSFERRED are the holding agency's acts; PENDING records no decision (ICE lifted it, or the log
 * does not say).
 */
const IMPORT_OUTCOMES = ['PENDING', 'DECLINED', 'TRANSFERRED'] as const;
type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

class ColumnsMapping {
  @IsString()
  @MinLength(1)
  date!: string;

  @IsString()
  @MinLength(1)
  liftReason!: string;

  @IsString()
  @MinLength(1)
  facility!: string;

  @IsString()
  @MinLength(1)
  detainerType!: string;
}

class DetainerTypeMapping {
  @IsIn(REQUEST_TYPES)
  requestType!: RequestType;

  @IsIn(REQUEST_FORMS)
  form!: RequestForm;
}

class LiftReasonMapping {
  @IsIn(IMPORT_OUTCOMES)
  outcome!: ImportOutcome;

  /** Close the case with the lift reason: the log says the detainer's life ended there. */
  @IsBoolean()
  closeCase!: boolean;
}

const IsTimeZone = (): PropertyDecorator =>
  ValidateBy({
    name: 'isTimeZone',
    validator: {
      validate: (value) => typeof value === 'string' && isTimeZone(value),
      defaultMessage: () => '$property must be an IANA time zone, e.g. America/New_York',
    },
  });

/** The mapping file's top level; its three tables are checked entry by entry in `parseMapping`. */
class MappingFile {
  @IsOptional()
  @IsString()
  description?: string;

  @IsTimeZone()
  timeZone!: string;

  @IsIn(FEDERAL_AGENCIES)
  requestingAgency!: FederalAgency;

  @IsObject()
  @ValidateNested()
  @Type(() => ColumnsMapping)
  columns!: ColumnsMapping;

  @IsObject()
  detainerTypes!: Record<string, unknown>;

  @IsObject()
  liftReasons!: Record<string, unknown>;

  @IsObject()
  facilities!: Record<string, unknown>;
}

/** A validated mapping from one jurisdiction's detainer log onto the case model. */
export interface DetainerMapping {
  timeZone: string;
  requestingAgency: FederalAgency;
  columns: ColumnsMapping;
  detainerTypes: ReadonlyMap<string, DetainerTypeMapping>;
  liftReasons: ReadonlyMap<string, LiftReasonMapping>;
  /** det_facility → agencyId. */
  facilities: ReadonlyMap<string, string>;
}

export class MappingError extends Error {
  override readonly name = 'MappingError';
  constructor(file: string, problems: string[]) {
    super(`invalid mapping ${file}:\n  - ${problems.join('\n  - ')}`);
  }
}

export function loadMapping(file: string): DetainerMapping {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MappingError(file, [(e as Error).message]);
  }
  return parseMapping(json, file);
}

/** Checks everything at once, so the operator sees every mistake of the file in one message. */
function parseMapping(json: unknown, file: string): DetainerMapping {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new MappingError(file, ['the mapping must be a JSON object']);
  }
  const top = plainToInstance(MappingFile, json);
  const problems = describe(validateAll(top));
  const table = <T extends object>(name: string, cls: new () => T): Map<string, T> => {
    const entries = new Map<string, T>();
    const raw = (json as Record<string, unknown>)[name];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return entries;
    for (const [key, value] of Object.entries(raw)) {
      const field = `${name}[${JSON.stringify(key)}]`;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push(`${field}: must be an object`);
        continue;
      }
      const entry = plainToInstance(cls, value);
      const errors = describe(validateAll(entry), field);
      problems.push(...errors);
      if (errors.length === 0) entries.set(key, entry);
    }
    return entries;
  };
  const detainerTypes = table('detainerTypes', DetainerTypeMapping);
  const liftReasons = table('liftReasons', LiftReasonMapping);

  const facilities = new Map<string, string>();
  for (const [facility, agencyId] of Object.entries(top.facilities ?? {})) {
    if (typeof agencyId === 'string' && AGENCY_ID_PATTERN.test(agencyId)) facilities.set(facility, agencyId);
    else
      problems.push(
        `facilities[${JSON.stringify(facility)}]: must be an agency id: 1–64 letters, digits, ".", "_", ":" or "-"`,
      );
  }

  if (problems.length > 0) throw new MappingError(file, problems);
  const { timeZone, requestingAgency, columns } = top;
  return { timeZone, requestingAgency, columns, detainerTypes, liftReasons, facilities };
}

function validateAll(target: object) {
  return validateSync(target, {
    whitelist: true,
    forbidNonWhitelisted: true,
    // One reason per field, as the API gives, but every field checked.
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  });
}

function describe(errors: ReturnType<typeof validateAll>, parent = ''): string[] {
  return fieldErrors(errors, parent).map(({ field, reason }) => `${field}: ${reason}`);
}
