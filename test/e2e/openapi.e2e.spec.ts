import SwaggerParser from '@apidevtools/swagger-parser';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { ORDINANCE_SECTIONS, RULE_IDS } from '@trust-ledger/domain';
import type { OpenAPIV3 } from 'openapi-types';
import { ROLES_KEY } from '../../apps/api/src/auth/decorators';
import { ROLES, type Role } from '../../apps/api/src/auth/principal';
import { openCaseWithRequest } from '../support/case-with-request';
import { API, startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let document: OpenAPIV3.Document;

beforeAll(async () => {
  t = await startTestApp();
  document = (await t.http().get(`${API}/docs-json`).expect(200)).body as OpenAPIV3.Document;
});
afterAll(() => t.close());

it('serves an OpenAPI document that validates, so that client generators take it as it is', async () => {
  // validate() dereferences in place: it gets a copy.
  await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
});

it('declares each header parameter of an operation once', () => {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post'] as const) {
      const parameters = (item?.[method]?.parameters ?? []) as OpenAPIV3.ParameterObject[];
      const names = parameters.map((p) => `${p.in}:${p.name.toLowerCase()}`);
      expect({ operation: `${method.toUpperCase()} ${path}`, names }).toEqual({
        operation: `${method.toUpperCase()} ${path}`,
        names: [...new Set(names)],
      });
    }
  }
});

it('tags each operation once, by what it is about, never by its controller class', () => {
  for (const { name, operation } of operations()) {
    expect({ name, tags: operation.tags }).toEqual({ name, tags: [expect.stringMatching(/^[a-z][a-z-]*$/)] });
  }
});

type Method = 'get' | 'post';
interface Operation {
  name: string;
  method: Method;
  operation: OpenAPIV3.OperationObject;
}

/** Every operation of the document, named `METHOD path` for failure messages. */
function operations(method?: Method): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    (['get', 'post'] as const)
      .filter((m) => (method === undefined || m === method) && item?.[m] !== undefined)
      .map((m) => ({ name: `${m.toUpperCase()} ${path}`, method: m, operation: item![m]! })),
  );
}

const ref = (schema: string): { $ref: string } => ({ $ref: `#/components/schemas/${schema}` });
const schema = (name: string): OpenAPIV3.SchemaObject =>
  document.components!.schemas![name] as OpenAPIV3.SchemaObject;
/** The JSON schema of an operation's answer with `status`, if it documents one. */
const jsonSchemaOf = ({ operation }: Operation, status: number): unknown =>
  (operation.responses[status] as OpenAPIV3.ResponseObject | undefined)?.content?.['application/json']
    ?.schema;

describe('the answers every route gives because of what stands in front of all of them', () => {
  it('declares minPosition on every GET (ReadYourWritesInterceptor), with its 400 and 503', () => {
    const gets = operations('get');
    expect(gets.length).toBeGreaterThan(20);
    for (const get of gets) {
      const minPosition = (get.operation.parameters as OpenAPIV3.ParameterObject[]).filter(
        (p) => p.name === 'minPosition',
      );
      expect({ operation: get.name, minPosition }).toEqual({
        operation: get.name,
        minPosition: [expect.objectContaining({ in: 'query', required: false, schema: { type: 'string' } })],
      });
      expect({ operation: get.name, 400: jsonSchemaOf(get, 400) }).toEqual({
        operation: get.name,
        400: ref('ValidationErrorResponse'),
      });
      expect({ operation: get.name, 503: jsonSchemaOf(get, 503) }).toEqual({
        operation: get.name,
        503: get.name.endsWith('/health') ? ref('HealthDto') : ref('ErrorResponse'),
      });
    }
  });

  it('documents 400, 413 and 415 on every POST (the JSON body parser and the body limit), and 503', () => {
    for (const post of operations('post')) {
      expect({
        operation: post.name,
        400: jsonSchemaOf(post, 400),
        413: jsonSchemaOf(post, 413),
        415: jsonSchemaOf(post, 415),
        503: jsonSchemaOf(post, 503),
      }).toEqual({
        operation: post.name,
        400: ref('ValidationErrorResponse'),
        413: ref('ErrorResponse'),
        415: ref('ErrorResponse'),
        // The event log did not answer in time (or, on a review, the register is behind).
        503: ref('ErrorResponse'),
      });
    }
  });

  it('documents 429 with Retry-After on every operation (the rate limit comes before routing)', () => {
    for (const op of operations()) {
      const tooMany = op.operation.responses[429] as OpenAPIV3.ResponseObject | undefined;
      expect({
        operation: op.name,
        schema: jsonSchemaOf(op, 429),
        retryAfter: tooMany?.headers?.['Retry-After'],
      }).toEqual({
        operation: op.name,
        schema: ref('ErrorResponse'),
        retryAfter: expect.objectContaining({ schema: { type: 'integer' } }),
      });
    }
  });

  it('documents 401 on every operation that needs a token or takes one, and only there', () => {
    for (const op of operations()) {
      const secured = (op.operation.security?.length ?? 0) > 0;
      const open = /\/api\/v1\/(public\/|health$|metrics$)/.test(op.name.split(' ')[1]);
      // /metrics needs none, but an admin's adds to what it shows, and a token that is not valid is a 401.
      const takesOne = op.name === 'GET /api/v1/metrics';
      expect({ operation: op.name, secured, 401: jsonSchemaOf(op, 401) }).toEqual({
        operation: op.name,
        secured: !open,
        401: open && !takesOne ? undefined : ref('ErrorResponse'),
      });
    }
  });

  it('gives every error answer the exception filter’s body', () => {
    for (const op of operations()) {
      for (const status of Object.keys(op.operation.responses)
        .map(Number)
        .filter((s) => s >= 400)) {
        // /health answers 503 with its own body, the one route that does not throw it.
        const expected =
          status === 400
            ? 'ValidationErrorResponse'
            : op.name.endsWith('/health') && status === 503
              ? 'HealthDto'
              : 'ErrorResponse';
        expect({ operation: op.name, status, schema: jsonSchemaOf(op, status) }).toEqual({
          operation: op.name,
          status,
          schema: ref(expected),
        });
      }
    }
  });
});

describe('the error body schemas', () => {
  it('name every offending field with a reason on a 400', async () => {
    expect(schema('ValidationErrorResponse').required).toEqual(
      expect.arrayContaining(['statusCode', 'error', 'message', 'errors']),
    );
    const token = await t.token({ role: 'officer', agencyId: 'agency-a' });
    const { body } = await t.post('/cases', token, { unknown: 1 }).expect(400);
    expect(
      Object.keys(body as object).every((key) => propertiesOf('ValidationErrorResponse').includes(key)),
    ).toBe(true);
    const fieldError = (schema('ValidationErrorResponse').properties!.errors as OpenAPIV3.ArraySchemaObject)
      .items;
    expect(fieldError).toEqual(ref('FieldErrorDto'));
    expect(schema('FieldErrorDto').required).toEqual(['field', 'reason']);
  });

  it('describe the bodies the filter really sends', async () => {
    expect(schema('ErrorResponse').required).toEqual(['statusCode', 'error', 'message']);
    const counsel = await t.token({ role: 'counsel' });
    const bodies = [
      (await t.get('/cases/5f0c3b1e-2a4d-4e8f-9b6a-1c2d3e4f5a6b', counsel).expect(404)).body,
      (await t.http().get(`${API}/cases`).expect(401)).body,
      (await t.post('/cases', counsel, {}).expect(403)).body,
      (await t.post('/cases', counsel, {}).set('Content-Encoding', 'gzip').expect(415)).body,
    ] as object[];
    for (const body of bodies) {
      expect(Object.keys(body).filter((key) => !propertiesOf('ErrorResponse').includes(key))).toEqual([]);
    }
  });
});

/** The properties a schema names, sorted. */
const propertiesOf = (name: string): string[] => Object.keys(schema(name).properties ?? {}).sort();
const okSchemaOf = (path: string): unknown =>
  jsonSchemaOf(
    operations('get').find((op) => op.name === `GET ${API}${path}`)!,
    200,
  );

describe('the public statistics', () => {
  it('document API.md’s body, row by row', () => {
    expect(okSchemaOf('/public/statistics')).toEqual(ref('PublicStatisticsDto'));
    expect(propertiesOf('PublicStatisticsDto')).toEqual(
      ['period', 'generatedAt', 'threshold', 'rows', 'violationsBySection'].sort(),
    );
    expect(Object.keys(schema('StatisticsRowDto').properties!)).toEqual([
      'requestingAgency',
      'requestType',
      'received',
      'honored',
      'declined',
      'partiallyHonored',
      'pending',
      'honoredWithJudicialWarrant',
      'honoredUnderException',
      'transfersToFederalCustody',
      'noticesOnTime',
      'noticesLate',
      'suppressed',
    ]);
    const bySection = schema('PublicStatisticsDto').properties!.violationsBySection as OpenAPIV3.SchemaObject;
    expect(Object.keys(bySection.properties!)).toEqual([...ORDINANCE_SECTIONS.map(String), 'suppressed']);
  });

  it('describe the body the route really sends', async () => {
    const { body } = await t.http().get(`${API}/public/statistics?period=2025-Q1`).expect(200);
    const statistics = body as { rows: object[]; violationsBySection: object };
    expect(Object.keys(statistics).sort()).toEqual(propertiesOf('PublicStatisticsDto'));
    // A row for every requesting agency and request type, counted or not.
    expect(statistics.rows.length).toBeGreaterThan(0);
    for (const row of statistics.rows)
      expect(Object.keys(row).sort()).toEqual(propertiesOf('StatisticsRowDto'));
    const bySection = schema('PublicStatisticsDto').properties!.violationsBySection as OpenAPIV3.SchemaObject;
    expect(Object.keys(statistics.violationsBySection).sort()).toEqual(
      Object.keys(bySection.properties!).sort(),
    );
  });
});

describe('the evidence packs', () => {
  it('document each record’s pack', () => {
    const common = [
      'generatedAt',
      'events',
      'citedEvents',
      'integrity',
      'violations',
      'ordinanceVersions',
      'signature',
    ];
    const packs = {
      '/cases/{caseId}/evidence': ['CaseEvidencePackDto', 'caseId', 'subject', 'revealed'],
      '/certifications/{certificationId}/evidence': [
        'CertificationEvidencePackDto',
        'certificationId',
        'victim',
        'revealed',
      ],
      '/matters/{matterId}/evidence': ['MatterEvidencePackDto', 'matterId'],
      '/encounters/{encounterId}/evidence': ['EncounterEvidencePackDto', 'encounterId'],
    };
    for (const [path, [name, ...own]] of Object.entries(packs)) {
      expect({ path, schema: okSchemaOf(path) }).toEqual({ path, schema: ref(name) });
      expect(propertiesOf(name)).toEqual([...common, ...own].sort());
    }
    expect(propertiesOf('EvidenceSignatureDto')).toEqual(['algorithm', 'keyId', 'value']);
  });

  it('describe the pack the route really sends', async () => {
    const officer = await t.token({ role: 'officer', agencyId: 'agency-a' });
    const counsel = await t.token({ role: 'counsel' });
    const { caseId } = await openCaseWithRequest(t, officer, 'agency-a');
    const pack = JSON.parse((await t.get(`/cases/${caseId}/evidence`, counsel).expect(200)).text) as {
      events: object[];
      signature: object;
    };
    expect(Object.keys(pack).sort()).toEqual(propertiesOf('CaseEvidencePackDto'));
    for (const event of pack.events)
      expect(Object.keys(event).sort()).toEqual(propertiesOf('StoredEventDto'));
    expect(Object.keys(pack.signature).sort()).toEqual(propertiesOf('EvidenceSignatureDto'));
  });
});

it('declares a violation’s ruleId, and the filter on it, as the enum of the rule ids', () => {
  expect(schema('RuleId').enum).toEqual(RULE_IDS);
  // A property naming a component schema is wrapped in allOf, so that it may carry a description.
  expect(schema('ViolationDto').properties!.ruleId).toEqual({ allOf: [ref('RuleId')] });
  const list = operations('get').find((op) => op.name === `GET ${API}/violations`)!;
  const filter = (list.operation.parameters as OpenAPIV3.ParameterObject[]).find((p) => p.name === 'ruleId');
  expect(filter?.schema).toEqual(ref('RuleId'));
});

/**
 * Every route @Roles() narrows to some roles, as `METHOD /api/v1/path/{param}` (from the metadata the
 * AuthGuard reads, so that a route added later is checked too).
 */
function routesNarrowedByRole(): string[] {
  const routes: string[] = [];
  const join = (...parts: (string | undefined)[]): string =>
    parts
      .flatMap((part) => (part ?? '').split('/'))
      .filter((segment) => segment !== '')
      .map((segment) => (segment.startsWith(':') ? `{${segment.slice(1)}}` : segment))
      .join('/');
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const prototype = metatype.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const roles = (Reflect.getMetadata(ROLES_KEY, handler) ??
          Reflect.getMetadata(ROLES_KEY, metatype)) as Role[] | undefined;
        if (method === undefined || roles === undefined || roles.length === ROLES.length) continue;
        const path = join(
          API,
          Reflect.getMetadata(PATH_METADATA, metatype) as string | undefined,
          Reflect.getMetadata(PATH_METADATA, handler) as string | undefined,
        );
        routes.push(`${RequestMethod[method]} /${path}`);
      }
    }
  }
  return routes;
}

it('documents 403 on every route a role may be refused (the AuthGuard’s @Roles)', () => {
  const routes = routesNarrowedByRole();
  expect(routes.length).toBeGreaterThan(30);
  const named = new Map(operations().map((op) => [op.name, op]));
  for (const route of routes) {
    expect({ route, 403: jsonSchemaOf(named.get(route)!, 403) }).toEqual({
      route,
      403: ref('ErrorResponse'),
    });
  }
});

it('documents the body of every success answer', () => {
  for (const op of operations()) {
    const status = op.method === 'post' ? 201 : 200;
    const content = (op.operation.responses[status] as OpenAPIV3.ResponseObject | undefined)?.content ?? {};
    const schemas = Object.values(content).map((media) => media.schema);
    expect({ operation: op.name, schemas: schemas.length > 0 && schemas.every(Boolean) }).toEqual({
      operation: op.name,
      schemas: true,
    });
  }
});
