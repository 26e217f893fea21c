import type { CaseCommand } from '@trust-ledger/domain';
import { isIsoDate, startOfDayIn } from '@trust-ledger/domain/shared/date-time';
import { pastDateTime } from '@trust-ledger/domain/shared/field-checks';
import canonicalize from 'canonicalize';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { CustodyAtOpeningDto } from '../../../api/src/cases/open-case';
import { fieldErrors } from '../../../api/src/common/validation';
import type { ImportedFrom } from '../../../api/src/write/command-meta';
import type { DetainerMapping } from './detainer-mapping';

/** The actor of every imported event: no person recorded these acts in this system. */
export const IMPORT_ACTOR = 'system:import';

/**
 * The log holds no personal data, yet a case needs a subject: this placeholder says so plainly,
 * and is sealed like any subject.
 */
const IMPORTED_SUBJECT = { fullName: 'Unknown (imported record)' };

/** Namespace of the ids an import derives, apart from the API's so that no key of a caller can collide. */
const IMPORT_NAMESPACE = 'b0c5a1de-3f6e-5d2a-9c47-6e1f0a8b2d34';

/** One command of a row, with what the executor needs to recognise it when the row is imported again. */
interface PlannedCommand {
  commandId: string;
  requestHash: string;
  command: CaseCommand;
}

export interface RowPlan {
  caseId: string;
  /** Groups the row's events (metadata.correlationId). */
  correlationId: string;
  imported: ImportedFrom;
  commands: PlannedCommand[];
  /** The lift reason the mapping does not name (recorded as PENDING), to be reported. */
  unknownLiftReason?: string;
}

export type RowResult = { plan: RowPlan } | { problem: string };

export interface SourceRow {
  /** The source's identity (the file's name): with line and text, it decides every id. */
  source: string;
  /** 1-based number of the row's first line in the file. */
  line: number;
  /** The row's text as in the file, without its line break. */
  text: string;
  record: Record<string, string>;
}

const LOG_DATE = /^(\d{4})-(\d{2})-(\d{2})(?: 00:00:00)?$/;

/**
 * What one log row records, as case commands: open the case, receive the request and, by the lift
 * reason, decline it, or honor it and transfer the person to the requesting agency, then close the
 * case. The log has one date per row, so every act is dated at its local midnight. Every id derives
 * from (source, line, text), so importing the same row again names the same case, request and
 * commands, and the executor replays them as no-ops.
 */
/**
 * The import dates each act at the row's own date, so the domain's own check that an act is not in
 * the future compares that date with itself; the row is held to `now`, the moment the import runs,
 * and its facility to the API's own rules for one, since the log keeps whatever is recorded.
 */
function rowProblems(at: string, facility: string, now: string): string[] {
  const custody = plainToInstance(CustodyAtOpeningDto, {
    status: 'IN_CUSTODY',
    ...(facility && { facility }),
  });
  return [
    ...pastDateTime('date', at, now).map(({ field, reason }) => `${field} ${reason}`),
    // class-validator's reasons name the field themselves ("facility must …").
    ...fieldErrors(validateSync(custody)).map(({ reason }) => reason),
  ];
}

export function planRow(
  mapping: DetainerMapping,
  row: SourceRow,
  now: string,
  agencyOverride?: string,
): RowResult {
  const { columns } = mapping;
  const value = (column: string): string => row.record[column] ?? '';
  const date = value(columns.date).trim();
  const facility = value(columns.facility).trim();
  const detainerType = value(columns.detainerType).trim();
  const liftReason = value(columns.liftReason).trim();

  const m = LOG_DATE.exec(date);
  if (!m || !isIsoDate(`${m[1]}-${m[2]}-${m[3]}`)) {
    return { problem: `bad date ${JSON.stringify(date)} (expected YYYY-MM-DD, optionally with 00:00:00)` };
  }
  const agencyId = agencyOverride ?? mapping.facilities.get(facility);
  if (agencyId === undefined) {
    return {
      problem: `unknown facility ${JSON.stringify(facility)} (add it to the mapping's facilities, or pass --agency)`,
    };
  }
  const type = mapping.detainerTypes.get(detainerType);
  if (type === undefined) {
    return {
      problem: `unknown detainer type ${JSON.stringify(detainerType)} (add it to the mapping's detainerTypes)`,
    };
  }
  const lift = mapping.liftReasons.get(liftReason);

  const at = new Date(
    startOfDayIn({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, mapping.timeZone),
  ).toISOString();
  const problems = rowProblems(at, facility, now);
  if (problems.length > 0) return { problem: problems.join('; ') };
  const sha256 = createHash('sha256').update(row.text).digest('hex');
  const key = `${row.source}\n${row.line}\n${sha256}`;
  const id = (name: string): string => uuidv5(`${key}\n${name}`, IMPORT_NAMESPACE);
  const caseId = id('case');
  const requestId = id('request');
  const because = `Detainer log lift reason: ${liftReason}`;
  const context = { actor: IMPORT_ACTOR, now: at };

  const commands: Array<[string, CaseCommand]> = [
    [
      'open',
      {
        type: 'OpenCase',
        data: {
          caseId,
          agencyId,
          subject: IMPORTED_SUBJECT,
          custody: { status: 'IN_CUSTODY', ...(facility && { facility }) },
          convictions: [],
        },
        ...context,
      },
    ],
    [
      'request',
      {
        type: 'RecordFederalRequest',
        data: {
          requestId,
          requestingAgency: mapping.requestingAgency,
          requestType: type.requestType,
          form: type.form,
          receivedAt: at,
          documents: [],
          informationRequested: [],
        },
        ...context,
      },
    ],
  ];
  if (lift?.outcome === 'DECLINED') {
    commands.push([
      'decide',
      {
        type: 'DecideRequest',
        data: { requestId, outcome: 'DECLINED', basis: 'NONE', decidedAt: at, rationale: because },
        ...context,
      },
    ]);
  }
  if (lift?.outcome === 'TRANSFERRED') {
    commands.push(
      [
        'decide',
        {
          type: 'DecideRequest',
          data: {
            requestId,
            outcome: 'HONORED',
            basis: 'NONE',
            decidedAt: at,
            rationale: `${because} (the log records no warrant)`,
          },
          ...context,
        },
      ],
      [
        'transfer',
        {
          type: 'RecordCustodyEvent',
          data: { kind: 'TRANSFERRED', at, toAgency: mapping.requestingAgency, requestId },
          ...context,
        },
      ],
    );
  }
  if (lift?.closeCase) {
    commands.push(['close', { type: 'CloseCase', data: { closedAt: at, reason: because }, ...context }]);
  }

  return {
    plan: {
      caseId,
      correlationId: id('row'),
      imported: { source: row.source, line: row.line, sha256 },
      commands: commands.map(([name, command]) => ({
        commandId: id(name),
        requestHash: createHash('sha256')
          .update(canonicalize(command) ?? '')
          .digest('hex'),
        command,
      })),
      ...(lift === undefined && { unknownLiftReason: liftReason }),
    },
  };
}
