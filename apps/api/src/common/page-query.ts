import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
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

/** API.md's paging of every list: `?cursor=&limit=` (limit 1–500, default 100). */
export class PageQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page; empty or absent for the first' })
  @emptyAsAbsent((raw) => raw)
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'cursor must be a nextCursor returned by this endpoint' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: DEFAULT_PAGE_LIMIT })
  @emptyAsAbsent(decimal)
  @IsOptional()
  @Min(1)
  @Max(500)
  @IsInt() // nearest the property: checked first, so that `abc` is not said to be over 500
  limit?: number;
}

/** A list an officer or supervisor sees only their own agency's part of. */
export class AgencyPageQuery extends PageQuery {
  @ApiPropertyOptional({
    description: 'Officers and supervisors: their own agency (the default); another is 403',
  })
  @IsOptional()
  @IsAgencyId()
  agencyId?: string;
}
