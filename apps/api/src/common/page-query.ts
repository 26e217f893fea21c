import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ValidationError } from '@trust-ledger/domain';
import type { ListCursors } from '@trust-ledger/privacy';
import { IsAgencyId } from './validators';

export const DEFAULT_PAGE_LIMIT = 100;

/** An empty parameter (`?cursor=&limit=`, as API.md writes them, or a client's first page) is not given. */
const emptyAsAbsent = <T>(parse: (raw: string) => T) =>
  Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
    const raw = obj[key];
    return raw === '' || raw === undefined ? undefined : typeof raw === 'string' ? parse(raw) : raw;
  });

/**
 * A whole number written in decimal digits, else NaN (which IsInt refuses): `Number` alone would
 * take `1e2`, `0x10` or ` 5` for numbers nobody wrote.
 */
export const decimal = (raw: string): number => (/^\d{1,15}$/.test(raw) ? Number(raw) : NaN);

const CURSOR_MESSAGE = 'cursor must be a nextCursor returned by this endpoint';

/** `?cursor=` of the given form; the decorators in the order they would be stacked bottom-up. */
const Cursor = (form: RegExp): PropertyDecorator =>
  applyDecorators(
    Matches(form, { message: CURSOR_MESSAGE }),
    IsOptional(),
    emptyAsAbsent((raw) => raw),
    ApiPropertyOptional({ description: 'nextCursor of the previous page; empty or absent for the first' }),
  );

/** API.md's `limit` (1–500, default 100). */
class LimitQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: DEFAULT_PAGE_LIMIT })
  @emptyAsAbsent(decimal)
  @IsOptional()
  @Min(1)
  @Max(500)
  @IsInt() // nearest the property: checked first, so that `abc` is not said to be over 500
  limit?: number;
}

/** API.md's paging of a list that holds nothing of another agency's: `?cursor=&limit=`. */
export class PageQuery extends LimitQuery {
  @Cursor(/^\d{1,15}$/)
  cursor?: string;
}

/**
 * A list an officer or supervisor sees only their own agency's part of. Its cursors are sealed
 * (see ListCursors): opened by `rowAfter`, made by `cursorAfter`.
 */
export class AgencyPageQuery extends LimitQuery {
  @ApiPropertyOptional({
    description: 'Officers and supervisors: their own agency (the default); another is 403',
  })
  @IsOptional()
  @IsAgencyId()
  agencyId?: string;

  @Cursor(/^[\w-]{48}$/)
  cursor?: string;
}

/** The row a sealed cursor of `list` names (0 for the first page); 400 for any other text. */
export function rowAfter(cursors: ListCursors, list: string, cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const row = cursors.open(list, cursor);
  if (row === null) throw new ValidationError([{ field: 'cursor', reason: CURSOR_MESSAGE }]);
  return row;
}

/** The sealed cursor of the next page after `row` (null: none). */
export function cursorAfter(cursors: ListCursors, list: string, row: number | string | null): string | null {
  return row === null ? null : cursors.seal(list, Number(row));
}
