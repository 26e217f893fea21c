import {
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationPipeOptions,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type ValidationError as ClassValidatorError,
} from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ValidationError, type Clock, type FieldError } from '@trust-ledger/domain';
import type { ValidatorOptions } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { catchError, type Observable } from 'rxjs';

/** Every offending field, by its full path (`subject.fullName`, `documents[0].court`). */
export function fieldErrors(errors: ClassValidatorError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = !parent
      ? error.property
      : /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/**
 * Far above any command's body (a few dozen fields). Validating costs some 30 µs a field on the one
 * event loop: a 1 MiB body of 95,000 unknown fields held every caller up for 7 s. (json-body.ts
 * refuses most such bodies before parsing them.)
 */
export const MAX_BODY_FIELDS = 1_000;

/** Whether `value` holds more than `max` fields (object keys and array elements, at any depth). */
function moreFieldsThan(value: unknown, max: number): boolean {
  let count = 0;
  const pending = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === null || typeof next !== 'object') continue;
    const inner: unknown[] = Array.isArray(next) ? next : Object.values(next);
    count += inner.length;
    if (count > max) return true;
    for (const item of inner) pending.push(item);
  }
  return false;
}

interface DomainFieldChecks {
  checks: (dto: never, now: string) => FieldError[];
  branchesOn: readonly string[];
}
const fieldChecksOf = new WeakMap<object, DomainFieldChecks>();

/**
 * The domain's own checks of a command's fields (a time still to come, a value repeated), run
 * beside the DTO's shape checks so that one 400 names every offending field (API.md), not the
 * shape's first and the domain's after a second try. The decider runs them again.
 *
 * `branchesOn`: the fields whose value decides which others are required or refused (a custody
 * event's `kind`). One of them misshapen, the checks would judge the others against a value the
 * client did not mean ("reason is only given for ELIGIBLE_FOR_RELEASE" for a misspelt
 * ELIGIBLE_FOR_RELEASE), so the shape's errors answer alone.
 */
export function FieldChecks<T>(
  checks: (dto: T, now: string) => FieldError[],
  { branchesOn = [] }: { branchesOn?: readonly (keyof T & string)[] } = {},
) {
  return (dto: abstract new () => T): void => {
    fieldChecksOf.set(dto, { checks, branchesOn });
  };
}

/** A copy of `value` without the fields named (`subject.fullName`, `documents[0].court`). */
function withoutFields(value: object, fields: readonly string[]): object {
  const copy = structuredClone({ ...value }) as Record<string, unknown>;
  for (const field of fields) {
    const steps = field.match(/[^.[\]]+/g) ?? [];
    const leaf = steps.pop();
    let at: unknown = copy;
    for (const step of steps)
      at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[step] : undefined;
    // An array keeps its length: the element is a hole, which the checks' iterations skip.
    if (leaf !== undefined && typeof at === 'object' && at !== null)
      delete (at as Record<string, unknown>)[leaf];
  }
  return copy;
}

/** Whether `field` is `under` or inside it (`documents[0].court` is inside `documents`). */
function within(field: string, under: string): boolean {
  return field === under || field.startsWith(`${under}.`) || field.startsWith(`${under}[`);
}

/**
 * Refuses an oversized body before validating it, field by field, would take the event loop; adds
 * the domain's field checks (`@FieldChecks`) to the DTO's.
 */
class CommandValidationPipe extends ValidationPipe {
  constructor(
    private readonly clock: Clock,
    options: ValidationPipeOptions,
  ) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && moreFieldsThan(value, MAX_BODY_FIELDS)) {
      throw new ValidationError([{ field: 'body', reason: `must hold at most ${MAX_BODY_FIELDS} fields` }]);
    }
    return super.transform(value, metadata);
  }

  protected override async validate(
    object: object,
    options?: ValidatorOptions,
  ): Promise<ClassValidatorError[]> {
    const shape = await super.validate(object, options);
    const domain = fieldChecksOf.get(object.constructor);
    if (domain === undefined) return shape;
    const misshapen = fieldErrors(shape).map((e) => e.field);
    if (domain.branchesOn.some((branch) => misshapen.some((field) => within(field, branch)))) return shape;
    // The domain's checks read a misshapen field as left out (a list given as a string cannot be
    // searched for repeats), so that they still judge every other field.
    const checked = misshapen.length === 0 ? object : withoutFields(object, misshapen);
    // They judge a part left out (a case's `subject`) as one that names nothing.
    const more = domain
      .checks(checked as never, this.clock.now())
      // One answer a field: none about a misshapen field, inside one, or around one.
      .filter((e) => !misshapen.some((field) => within(e.field, field) || within(field, e.field)))
      .map((e) => ({ property: e.field, constraints: { domain: e.reason }, children: [] }));
    return [...shape, ...more];
  }
}

/** Invalid input becomes the domain's ValidationError so that one filter renders every 400 alike. */
export const validationPipe = (clock: Clock): ValidationPipe =>
  new CommandValidationPipe(clock, {
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // One reason per field (the first that fails), but every field is still checked.
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationError(fieldErrors(errors)),
  });

/** Every GET's own parameter, consumed by ReadYourWritesInterceptor; no other method has one. */
const ANY_GET_QUERY = new Set(['minPosition']);

/**
 * A handler with a query DTO answers 400 for a parameter the DTO does not declare; one without a
 * DTO would silently ignore it. This makes the second answer like the first, so that
 * `/cases/{id}/evidence?asOf=…` or `/public/statistics/stream?period=2026` is refused rather than
 * answered with something other than what was asked.
 */
export function unexpectedQueryErrors(context: ExecutionContext, request: FastifyRequest): FieldError[] {
  const declared = takesQuery(context);
  const query = request.query as Record<string, unknown> | undefined;
  // A DTO never declares `constructor`, `toString` and the like, and class-transformer skips such
  // keys, so the ValidationPipe never sees them: they are refused here for every route.
  return Object.keys(query ?? {})
    .filter(
      (field) =>
        !(request.method === 'GET' && ANY_GET_QUERY.has(field)) && (!declared || field in Object.prototype),
    )
    .map((field) => ({ field, reason: `property ${field} should not exist` }));
}

/**
 * Nest validates a handler's path, query and body each on its own and answers the first that fails,
 * so a 400 for a bad path id said nothing of the body. API.md's 400 names every offending field:
 * once one input is refused, this names every input's faults in the same 400. A request refused
 * by nothing pays for nothing more. (A GET with `minPosition` is ReadYourWritesInterceptor's, which
 * does the same before it waits.)
 */
export class EveryInputInterceptor implements NestInterceptor {
  constructor(private readonly pipe: ValidationPipe) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = request.query as Record<string, unknown> | undefined;
    if (request.method === 'GET' && query !== undefined && Object.hasOwn(query, 'minPosition')) {
      return next.handle();
    }
    const everyError = () => inputErrors(this.pipe, context, request, EVERY_INPUT);
    // A parameter no DTO declares fails no pipe: it is looked for here, before the handler runs.
    if (unexpectedQueryErrors(context, request).length > 0) throw new ValidationError(await everyError());
    // The pipes run inside next.handle(): their first refusal is completed with every input's.
    return next.handle().pipe(
      catchError(async (error: unknown) => {
        if (!(error instanceof ValidationError)) throw error;
        const errors = await everyError();
        // Valid inputs: the refusal is the handler's own (a decider's), as it stands.
        throw errors.length > 0 ? new ValidationError(errors) : error;
      }),
    );
  }
}

const EVERY_INPUT = [RouteParamtypes.PARAM, RouteParamtypes.QUERY, RouteParamtypes.BODY] as const;

/** What `pipe` says of the request's inputs of `types`, as the handler's parameters declare them. */
export async function inputErrors(
  pipe: ValidationPipe,
  context: ExecutionContext,
  request: FastifyRequest,
  types: readonly RouteParamtypes[],
): Promise<FieldError[]> {
  const sources: Partial<Record<RouteParamtypes, { type: 'param' | 'query' | 'body'; value: unknown }>> = {
    [RouteParamtypes.PARAM]: { type: 'param', value: request.params },
    [RouteParamtypes.QUERY]: { type: 'query', value: request.query },
    [RouteParamtypes.BODY]: { type: 'body', value: request.body },
  };
  const errors = types.includes(RouteParamtypes.QUERY) ? unexpectedQueryErrors(context, request) : [];
  // In the order of `types` (the path's, the query's, then the body's), whatever the handler's.
  const args = types.flatMap((type) => routeArgsOf(context).filter((arg) => arg.type === type));
  for (const { type, data, metatype } of args) {
    const source = sources[type];
    if (source === undefined) continue;
    const whole = (source.value ?? {}) as Record<string, unknown>;
    try {
      await pipe.transform(data === undefined ? { ...whole } : whole[data], {
        type: source.type,
        metatype,
        data,
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      errors.push(...error.errors);
    }
  }
  return errors;
}

/** One of the handler's parameters as Nest records it: its kind, place, and property (`@Query('x')`). */
export interface RouteArg {
  type: RouteParamtypes;
  index: number;
  data: string | undefined;
  /** The class the handler declares for it (a DTO, or String for a single property). */
  metatype: (new () => unknown) | undefined;
}

const routeArgs = new WeakMap<object, RouteArg[]>();

/**
 * The handler's parameters, from the metadata Nest keys `type:index` (as createParamDecorator does);
 * read once per handler, since every request asks.
 */
export function routeArgsOf(context: ExecutionContext): RouteArg[] {
  const known = routeArgs.get(context.getHandler());
  if (known !== undefined) return known;
  const args = readRouteArgs(context);
  routeArgs.set(context.getHandler(), args);
  return args;
}

function readRouteArgs(context: ExecutionContext): RouteArg[] {
  const controller = context.getClass();
  const handler = context.getHandler().name;
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<
    string,
    { index: number; data?: string }
  >;
  const prototype = (controller as { prototype: object }).prototype;
  const types = (Reflect.getMetadata('design:paramtypes', prototype, handler) ??
    []) as RouteArg['metatype'][];
  return Object.entries(args).map(([key, { index, data }]) => ({
    type: Number(key.split(':')[0]),
    index,
    data,
    metatype: types[index],
  }));
}

function takesQuery(context: ExecutionContext): boolean {
  return routeArgsOf(context).some((arg) => arg.type === RouteParamtypes.QUERY);
}
