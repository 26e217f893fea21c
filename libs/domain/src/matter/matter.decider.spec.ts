import { fieldErrorsFor, specFor } from '../../testing/given-when-then';
import {
  matterActionRecorded,
  matterOpened,
  openMatter,
  RECEIVED_AT,
  recordMatterAction,
} from '../../testing/matter-builders';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../shared/errors';
import type { OpenMatter, RecordMatterAction } from './matter.commands';
import type { MatterEvent } from './matter.events';
import { matterDecider } from './matter.decider';

const given = specFor(matterDecider);
const fieldErrors = fieldErrorsFor(matterDecider);

describe('OpenMatter', () => {
  it('opens a student records request, the fields of other kinds empty', () => {
    given([]).when(openMatter()).then([matterOpened()]);
  });

  it('refuses a matter received after the command', () => {
    expect(fieldErrors([], openMatter({ receivedAt: '2024-03-10T12:06:00Z' }))).toEqual([
      { field: 'receivedAt', reason: 'must not be in the future' },
    ]);
  });

  it.each<[string, Partial<OpenMatter['data']>]>([
    [
      'a registry request with its protected characteristics',
      { kind: 'REGISTRY_REQUEST', protectedCharacteristics: ['RELIGION', 'NATIONAL_ORIGIN'] },
    ],
    ['a registry request naming none', { kind: 'REGISTRY_REQUEST', requestingAgency: 'DHS_OTHER' }],
    [
      'a status collection by a program',
      { kind: 'STATUS_COLLECTION', requestingAgency: undefined, program: 'housing assistance' },
    ],
    [
      'a service denial with its reason',
      {
        kind: 'SERVICE_DENIAL',
        requestingAgency: undefined,
        program: 'library card',
        denialReason: 'FOREIGN_GOVERNMENT_ID',
      },
    ],
    [
      'a surveillance with its target',
      { kind: 'SURVEILLANCE', requestingAgency: 'FEDERAL_OTHER', target: { kind: 'RELIGIOUS_GROUP' } },
    ],
    ['a school access request', { kind: 'SCHOOL_ACCESS_REQUEST', requestingAgency: 'CBP' }],
  ])('opens %s', (_, data) => {
    const command = openMatter(data);
    const d = command.data;
    given([])
      .when(command)
      .then([
        matterOpened({
          kind: d.kind,
          requestingAgency: d.requestingAgency ?? null,
          program: d.program ?? null,
          denialReason: d.denialReason ?? null,
          protectedCharacteristics: d.protectedCharacteristics ?? [],
          target: d.target ?? null,
        }),
      ]);
  });

  it('refuses to open the same matter twice', () => {
    given([matterOpened()]).when(openMatter()).thenThrows(ConflictError, 'MATTER_ALREADY_EXISTS');
  });

  describe('rejects, naming every offending field,', () => {
    it.each<[string, Partial<OpenMatter['data']>, FieldError[]]>([
      [
        'missing common fields',
        { agencyId: '', receivedAt: '2024-03-01', description: ' ' },
        [
          { field: 'agencyId', reason: 'is required' },
          { field: 'receivedAt', reason: 'must be an ISO 8601 date-time with an offset' },
          { field: 'description', reason: 'is required' },
        ],
      ],
      [
        'a service denial without its reason',
        { kind: 'SERVICE_DENIAL' },
        [{ field: 'denialReason', reason: 'is required for a SERVICE_DENIAL' }],
      ],
      [
        'a surveillance without its target',
        { kind: 'SURVEILLANCE' },
        [{ field: 'target', reason: 'is required for a SURVEILLANCE' }],
      ],
      [
        'a student records request that does not say who asked',
        { requestingAgency: undefined },
        [{ field: 'requestingAgency', reason: 'is required for a STUDENT_RECORDS_REQUEST' }],
      ],
      [
        'a school access request that does not say who asked',
        { kind: 'SCHOOL_ACCESS_REQUEST', requestingAgency: undefined },
        [{ field: 'requestingAgency', reason: 'is required for a SCHOOL_ACCESS_REQUEST' }],
      ],
      [
        'fields of another kind',
        {
          program: 'enrollment',
          denialReason: 'OTHER',
          target: { kind: 'INDIVIDUAL' },
          protectedCharacteristics: ['RACE'],
        },
        [
          { field: 'program', reason: 'is only given for a STATUS_COLLECTION or SERVICE_DENIAL' },
          { field: 'denialReason', reason: 'is only given for a SERVICE_DENIAL' },
          { field: 'target', reason: 'is only given for a SURVEILLANCE' },
          { field: 'protectedCharacteristics', reason: 'is only given for a REGISTRY_REQUEST' },
        ],
      ],
      [
        'a repeated characteristic',
        { kind: 'REGISTRY_REQUEST', protectedCharacteristics: ['RACE', 'RACE'] },
        [{ field: 'protectedCharacteristics[1]', reason: 'repeats RACE' }],
      ],
      [
        'a blank program',
        { kind: 'STATUS_COLLECTION', program: '' },
        [{ field: 'program', reason: 'is required' }],
      ],
    ])('%s', (_, data, errors) => {
      expect(fieldErrors([], openMatter(data))).toEqual(errors);
    });

    it('through the given/when/then of the stream', () => {
      given([])
        .when(openMatter({ kind: 'SURVEILLANCE' }))
        .thenThrows(ValidationError);
    });
  });
});

describe('RecordMatterAction', () => {
  const opened = matterOpened();

  it('records an action, absent optional fields as null', () => {
    given([opened]).when(recordMatterAction()).then([matterActionRecorded()]);
  });

  it('records every detail given', () => {
    const details = {
      action: 'DISCLOSED' as const,
      legalBasis: 'JUDICIAL_SUBPOENA' as const,
      citation: 'No. 24-cv-1',
      approvedBy: 'supervisor-9',
      noticeForbiddenByOrder: true,
    };
    given([opened])
      .when(recordMatterAction(details))
      .then([matterActionRecorded(details)]);
  });

  it('records an act dated before the matter was received, as when it comes to light later', () => {
    given([matterOpened({ kind: 'STATUS_COLLECTION' })])
      .when(recordMatterAction({ action: 'COLLECTED', at: '2024-02-01T10:00:00-05:00' }))
      .then([matterActionRecorded({ action: 'COLLECTED', at: '2024-02-01T10:00:00-05:00' })]);
  });

  it('refuses an answer to a student records or school access request dated before its receipt', () => {
    given([opened])
      .when(recordMatterAction({ action: 'PARENT_NOTIFIED', at: '2024-02-01T10:00:00-05:00' }))
      .thenThrows(ConflictError, 'PRECEDES_REQUEST');
    given([matterOpened({ kind: 'SCHOOL_ACCESS_REQUEST' })])
      .when(recordMatterAction({ action: 'DECLINED', at: '2024-03-01T08:59:59-05:00' }))
      .thenThrows(ConflictError, 'PRECEDES_REQUEST');
    given([opened])
      .when(recordMatterAction({ action: 'DISCLOSED', at: RECEIVED_AT }))
      .then([matterActionRecorded({ action: 'DISCLOSED', at: RECEIVED_AT })]);
  });

  it('is NotFound on an unknown matter', () => {
    given([]).when(recordMatterAction()).thenThrows(NotFoundError, 'MATTER_NOT_FOUND');
  });

  it.each<[MatterEvent, RecordMatterAction['data']['action']]>([
    [matterOpened(), 'PARTICIPATED'],
    [matterOpened({ kind: 'REGISTRY_REQUEST' }), 'COLLECTED'],
    [matterOpened({ kind: 'STATUS_COLLECTION' }), 'DISCLOSED'],
    [matterOpened({ kind: 'SERVICE_DENIAL', denialReason: 'OTHER' }), 'PARTICIPATED'],
    [matterOpened({ kind: 'SURVEILLANCE', target: { kind: 'INDIVIDUAL' } }), 'DISCLOSED'],
    [matterOpened({ kind: 'SCHOOL_ACCESS_REQUEST' }), 'AUTHORIZED'],
  ])('refuses an action its kind of matter does not have (%#: %s)', (openedAs, action) => {
    given([openedAs]).when(recordMatterAction({ action })).thenThrows(ConflictError, 'ACTION_NOT_APPLICABLE');
  });

  it('rejects a malformed time and blank citation or approver', () => {
    expect(
      fieldErrors([opened], recordMatterAction({ at: 'yesterday', citation: ' ', approvedBy: '' })),
    ).toEqual([
      { field: 'at', reason: 'must be an ISO 8601 date-time with an offset' },
      { field: 'citation', reason: 'is required' },
      { field: 'approvedBy', reason: 'is required' },
    ]);
  });
});
