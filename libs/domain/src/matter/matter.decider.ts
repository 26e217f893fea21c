import { isBefore } from '../shared/date-time';
import { ConflictError, NotFoundError, type FieldError } from '../shared/errors';
import { assertValid, check, distinct, pastDateTime, requiredText } from '../shared/field-checks';
import type { MatterCommand, OpenMatter, RecordMatterAction } from './matter.commands';
import type { MatterAction, MatterEvent, MatterKind } from './matter.events';

/** `null` until the matter is opened. */
export type MatterState = { kind: MatterKind; receivedAt: string } | null;

const initialMatterState: MatterState = null;

/**
 * What may be done on each kind of matter. Naming an act with the verb its rules judge (a
 * disclosure of student records is DISCLOSED, never PARTICIPATED) keeps an act from escaping
 * them by its wording; DECLINED is always available.
 */
export const MATTER_ACTIONS_BY_KIND: Readonly<Record<MatterKind, readonly MatterAction[]>> = {
  REGISTRY_REQUEST: ['PARTICIPATED', 'DISCLOSED', 'DECLINED'],
  STATUS_COLLECTION: ['COLLECTED', 'DECLINED'],
  SERVICE_DENIAL: ['SERVICE_DENIED', 'DECLINED'],
  SURVEILLANCE: ['AUTHORIZED', 'PARTICIPATED', 'DECLINED'],
  STUDENT_RECORDS_REQUEST: ['DISCLOSED', 'ACCESS_GRANTED', 'PARENT_NOTIFIED', 'DECLINED'],
  SCHOOL_ACCESS_REQUEST: ['ACCESS_GRANTED', 'DISCLOSED', 'PARENT_NOTIFIED', 'DECLINED'],
};

/**
 * Decides what a command on a matter records, or refuses it: NotFound for an unknown matter,
 * Validation naming every offending field, Conflict when it contradicts the record.
 */
function decideMatter(state: MatterState, command: MatterCommand): MatterEvent[] {
  if (command.type === 'OpenMatter') return openMatter(state, command);
  if (state === null) throw new NotFoundError('MATTER_NOT_FOUND', 'No such matter');
  return recordAction(state, command);
}

/** Total: it never throws, whatever the history holds. */
function evolveMatter(state: MatterState, event: MatterEvent): MatterState {
  return event.type === 'MatterOpened' ? { kind: event.data.kind, receivedAt: event.data.receivedAt } : state;
}

export const matterDecider = { decide: decideMatter, evolve: evolveMatter, initialState: initialMatterState };

/**
 * Kind-specific fields: a SERVICE_DENIAL needs its denialReason and a SURVEILLANCE its target, since
 * §§ 7 and 8 turn on them; a student records or school access request needs its requestingAgency,
 * since § 10 turns on who asked. protectedCharacteristics stay optional on a REGISTRY_REQUEST (any
 * participation violates § 6, whatever the registry's stated basis). A field that belongs to
 * another kind is refused rather than kept unread.
 */
export function openMatterFieldErrors(data: Omit<OpenMatter['data'], 'matterId'>, now: string): FieldError[] {
  const characteristics = data.protectedCharacteristics ?? [];
  return [
    ...requiredText('agencyId', data.agencyId),
    ...pastDateTime('receivedAt', data.receivedAt, now),
    ...requiredText('description', data.description),
    ...onlyFor('program', data.program != null, data.kind, ['STATUS_COLLECTION', 'SERVICE_DENIAL']),
    ...(data.program == null ? [] : requiredText('program', data.program)),
    ...requiredFor('denialReason', data.denialReason != null, data.kind, 'SERVICE_DENIAL'),
    ...requiredFor('target', data.target != null, data.kind, 'SURVEILLANCE'),
    ...onlyFor('protectedCharacteristics', characteristics.length > 0, data.kind, ['REGISTRY_REQUEST']),
    ...distinct('protectedCharacteristics', characteristics),
    ...check(
      data.requestingAgency != null ||
        (data.kind !== 'STUDENT_RECORDS_REQUEST' && data.kind !== 'SCHOOL_ACCESS_REQUEST'),
      'requestingAgency',
      `is required for a ${data.kind}`,
    ),
  ];
}

function openMatter(state: MatterState, { data, now }: OpenMatter): MatterEvent[] {
  const characteristics = data.protectedCharacteristics ?? [];
  assertValid(openMatterFieldErrors(data, now));
  if (state !== null)
    throw new ConflictError('MATTER_ALREADY_EXISTS', `Matter ${data.matterId} already exists`);
  return [
    {
      type: 'MatterOpened',
      data: {
        matterId: data.matterId,
        agencyId: data.agencyId,
        kind: data.kind,
        receivedAt: data.receivedAt,
        requestingAgency: data.requestingAgency ?? null,
        program: data.program ?? null,
        denialReason: data.denialReason ?? null,
        protectedCharacteristics: [...characteristics],
        target: data.target == null ? null : { kind: data.target.kind },
        description: data.description,
      },
    },
  ];
}

/** Matters that are an agency's request: what is done about one cannot precede its receipt. */
const ANSWERED_REQUESTS: readonly MatterKind[] = ['STUDENT_RECORDS_REQUEST', 'SCHOOL_ACCESS_REQUEST'];

/**
 * An action on any other matter may be dated before the matter was received: such a matter is
 * often opened when an act that already happened comes to light, and refusing the act would leave
 * it unjudged. An answer to a request cannot precede it (a parent "notified" before the request
 * came would clear § 10).
 */
export function matterActionFieldErrors(
  data: Pick<RecordMatterAction['data'], 'at' | 'citation' | 'approvedBy'>,
  now: string,
): FieldError[] {
  return [
    ...pastDateTime('at', data.at, now),
    ...(data.citation == null ? [] : requiredText('citation', data.citation)),
    ...(data.approvedBy == null ? [] : requiredText('approvedBy', data.approvedBy)),
  ];
}

function recordAction(state: NonNullable<MatterState>, { data, now }: RecordMatterAction): MatterEvent[] {
  assertValid(matterActionFieldErrors(data, now));
  if (!MATTER_ACTIONS_BY_KIND[state.kind].includes(data.action)) {
    throw new ConflictError('ACTION_NOT_APPLICABLE', `${data.action} is not an action on a ${state.kind}`);
  }
  if (ANSWERED_REQUESTS.includes(state.kind) && isBefore(data.at, state.receivedAt)) {
    throw new ConflictError('PRECEDES_REQUEST', `The act precedes the receipt of the ${state.kind}`);
  }
  return [
    {
      type: 'MatterActionRecorded',
      data: {
        action: data.action,
        at: data.at,
        legalBasis: data.legalBasis,
        citation: data.citation ?? null,
        approvedBy: data.approvedBy ?? null,
        noticeForbiddenByOrder: data.noticeForbiddenByOrder ?? null,
      },
    },
  ];
}

function requiredFor(field: string, present: boolean, kind: MatterKind, forKind: MatterKind): FieldError[] {
  if (kind === forKind) return check(present, field, `is required for a ${forKind}`);
  return check(!present, field, `is only given for a ${forKind}`);
}

function onlyFor(
  field: string,
  present: boolean,
  kind: MatterKind,
  forKinds: readonly MatterKind[],
): FieldError[] {
  return check(!present || forKinds.includes(kind), field, `is only given for a ${forKinds.join(' or ')}`);
}
