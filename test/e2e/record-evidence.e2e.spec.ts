import { createPublicKey, randomUUID } from 'node:crypto';
import { canonicalJson, verifyEvidenceFile } from '@trust-ledger/integrity';
import { isSealed } from '@trust-ledger/privacy';
import { CERTIFICATION_VICTIM, requestCertification } from '../support/certification-bodies';
import { registryParticipation, stopOnStatusAlone } from '../support/institutional-bodies';
import { API, startTestApp, type TestApp } from '../support/test-app';

/**
 * The evidence packs of certifications, matters and encounters (additions to API.md, shaped like a
 * case's): the record as stored, its chain, its violations and the versions that judged them,
 * signed, so that counsel can carry the proof of any violation out of the system.
 */

const AGENCY = 'agency-a';

let t: TestApp;
let officer: string;
let counsel: string;

beforeAll(async () => {
  t = await startTestApp();
  officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
});
afterAll(() => t.close());

/**
 * The pack of `path` (`/matters/<id>`…) as counsel gets it, checked the way verify-evidence checks
 * a saved file: served as its canonical JSON, signed by the published key, its chains intact.
 */
async function packOf(path: string, position: string): Promise<Record<string, unknown>> {
  const response = await t.get(`${path}/evidence?minPosition=${position}`, counsel).expect(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const pack = JSON.parse(response.text) as Record<string, unknown>;
  expect(response.text).toBe(canonicalJson(pack));
  const key = await t.http().get(`${API}/public/signing-key`).expect(200);
  const publicKey = createPublicKey(key.body.publicKey as string);
  const bytes = Buffer.from(response.text, 'utf8');
  expect(verifyEvidenceFile(bytes, publicKey)).toMatchObject({ valid: true, problems: [] });
  // Any byte changed (here the generation time) fails it.
  const changed = response.text.replace(/"generatedAt":"[^"]+"/, '"generatedAt":"2000-01-01T00:00:00Z"');
  expect(verifyEvidenceFile(Buffer.from(changed, 'utf8'), publicKey).valid).toBe(false);
  return pack;
}

/** What every pack holds besides its id (and personal data): the stream, its chain, its register. */
async function expectRecordIn(pack: Record<string, unknown>, streamId: string, ruleId: string) {
  const stored = await t.events(streamId);
  expect(pack.events).toEqual(stored);
  expect(pack.integrity).toEqual({ valid: true, checkedEvents: stored.length, breaks: [] });
  const register = await t.get(`/violations?streamId=${streamId}`, counsel).expect(200);
  expect(pack.violations).toEqual(register.body.items);
  expect((pack.violations as Array<{ ruleId: string }>).map((v) => v.ruleId)).toEqual([ruleId]);
  const adopted = (await t.events('ordinance')).map((e) => e.data);
  expect(pack.ordinanceVersions).toEqual(adopted.filter((v) => v.version === 1));
}

it('signs an encounter with its § 1 violation', async () => {
  const { encounterId, position } = await stopOnStatusAlone(t, officer, AGENCY);
  const pack = await packOf(`/encounters/${encounterId}`, position);
  expect(Object.keys(pack).sort()).toEqual(
    [
      'encounterId',
      'citedEvents',
      'events',
      'generatedAt',
      'integrity',
      'ordinanceVersions',
      'signature',
      'violations',
    ].sort(),
  );
  expect(pack.encounterId).toBe(encounterId);
  await expectRecordIn(pack, `encounter-${encounterId}`, 'S1_STOP_BASED_SOLELY_ON_STATUS');
});

it('signs a matter with its violation', async () => {
  const { matterId, position } = await registryParticipation(t, officer, AGENCY);
  const pack = await packOf(`/matters/${matterId}`, position);
  expect(pack.matterId).toBe(matterId);
  expect(pack).not.toHaveProperty('subject');
  await expectRecordIn(pack, `matter-${matterId}`, 'S6_REGISTRY_PARTICIPATION');
});

it('signs a certification with its § 9 violation and the victim revealed, and logs the read', async () => {
  const { certificationId } = await requestCertification(t, officer, AGENCY);
  const decided = await t
    .post(`/certifications/${certificationId}/decision`, officer, {
      outcome: 'DENIED',
      decidedAt: '2025-02-25T10:00:00Z',
      grounds: 'NO_PROSECUTION_OR_CONVICTION',
      explanation: 'No charges were filed',
    })
    .expect(201);
  const pack = await packOf(`/certifications/${certificationId}`, decided.body.position as string);
  expect(pack.certificationId).toBe(certificationId);
  expect(pack.victim).toEqual(CERTIFICATION_VICTIM);
  const events = pack.events as Array<{ data: { victim?: unknown } }>;
  expect(isSealed(events[0].data.victim)).toBe(true);
  await expectRecordIn(pack, `certification-${certificationId}`, 'S9_DENIAL_ON_EXCLUDED_GROUND');

  const log = await t.get(`/certifications/${certificationId}/access-log`, counsel).expect(200);
  expect(log.body.items).toEqual([
    expect.objectContaining({
      actor: 'counsel-1',
      view: 'EVIDENCE',
      endpoint: 'GET /certifications/{certificationId}/evidence',
    }),
  ]);
});

it('makes no pack of an unknown record, nor of a record of another kind under its id', async () => {
  await t.get(`/matters/${randomUUID()}/evidence`, counsel).expect(404);
  await t.get(`/encounters/${randomUUID()}/evidence`, counsel).expect(404);
  const { certificationId } = await requestCertification(t, officer, AGENCY);
  await t.get(`/certifications/${randomUUID()}/evidence`, counsel).expect(404);
  await t.get(`/matters/${certificationId}/evidence`, counsel).expect(404);
  await t.get('/encounters/not-a-uuid/evidence', counsel).expect(400);
});
