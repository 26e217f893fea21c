import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
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
