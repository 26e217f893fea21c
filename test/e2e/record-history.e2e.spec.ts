import { randomUUID } from 'node:crypto';
import { CERTIFICATION_VICTIM, requestCertification } from '../support/certification-bodies';
import { registryParticipation, stopOnStatusAlone } from '../support/institutional-bodies';
import { API, startTestApp, type TestApp } from '../support/test-app';

/**
 * The histories of encounters, matters and certifications (additions to API.md, as the case's
 * history): everything recorded on the record, in order, for its agency and counsel, so that the
 * events a violation cites as evidence can be read.
 */

const AGENCY = 'agency-a';

let t: TestApp;
let officer: string;
let otherOfficer: string;
let counsel: string;

beforeAll(async () => {
  t = await startTestApp();
  officer = await t.token({ role: 'officer', agencyId: AGENCY, sub: 'officer-1' });
  otherOfficer = await t.token({ role: 'officer', agencyId: 'agency-b', sub: 'officer-9' });
  counsel = await t.token({ role: 'counsel', sub: 'counsel-1' });
});
afterAll(() => t.close());

interface Item {
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  revision: number;
  actor: string;
}

const history = async (path: string, token = counsel): Promise<Item[]> =>
  (await t.get(`${path}/history`, token).expect(200)).body.items as Item[];

/** The violations recorded on `streamId`, once the register has reached `position`. */
async function violationsOf(
  streamId: string,
  position: string,
): Promise<Array<{ ruleId: string; evidence: Array<{ eventId: string; streamId: string }> }>> {
  const response = await t
    .get(`/violations?streamId=${streamId}&minPosition=${position}`, counsel)
    .expect(200);
  return response.body.items;
}

/** Every event a violation of the stream cites is in the stream's history, as recorded. */
async function expectEvidenceIn(streamId: string, position: string, items: Item[], ruleId: string) {
  const violations = await violationsOf(streamId, position);
  expect(violations.map((v) => v.ruleId)).toEqual([ruleId]);
  const stored = await t.events(streamId);
  for (const { eventId } of violations[0].evidence) {
    const item = items.find((i) => i.eventId === eventId);
    const event = stored.find((e) => e.id === eventId);
    expect(item).toMatchObject({ type: event?.type, revision: event?.revision });
  }
}

describe('GET /encounters/{encounterId}/history', () => {
  it('shows the encounter as recorded, with the evidence of its § 1 violation', async () => {
    const { encounterId, position } = await stopOnStatusAlone(t, officer, AGENCY);
    const items = await history(`/encounters/${encounterId}`);
    expect(items).toEqual([
      expect.objectContaining({
        type: 'EncounterRecorded',
        revision: 0,
        actor: 'officer-1',
        data: expect.objectContaining({ encounterId, grounds: ['IMMIGRATION_STATUS'] }),
      }),
    ]);
    await expectEvidenceIn(`encounter-${encounterId}`, position, items, 'S1_STOP_BASED_SOLELY_ON_STATUS');
    expect(await history(`/encounters/${encounterId}`, officer)).toEqual(items);
    // Another agency's, or none at all, alike.
    await t.get(`/encounters/${encounterId}/history`, otherOfficer).expect(404);
    await t.get(`/encounters/${randomUUID()}/history`, counsel).expect(404);
    await t.get('/encounters/not-a-uuid/history', counsel).expect(400);
  });
});

describe('GET /matters/{matterId}/history', () => {
  it('shows every act on the matter in order, with the evidence of its violation, page by page', async () => {
    const { matterId, position } = await registryParticipation(t, officer, AGENCY);
    const items = await history(`/matters/${matterId}`);
    expect(items.map((i) => [i.type, i.revision])).toEqual([
      ['MatterOpened', 0],
      ['MatterActionRecorded', 1],
    ]);
    await expectEvidenceIn(`matter-${matterId}`, position, items, 'S6_REGISTRY_PARTICIPATION');
    const first = await t.get(`/matters/${matterId}/history?limit=1`, counsel).expect(200);
    const second = await t
      .get(`/matters/${matterId}/history?limit=1&cursor=${first.body.nextCursor}`, counsel)
      .expect(200);
    expect([...first.body.items, ...second.body.items]).toEqual(items);
    expect(second.body.nextCursor).toBeNull();
    await t.get(`/matters/${matterId}/history`, otherOfficer).expect(404);
    await t.get(`/matters/${matterId}/history?limit=0`, counsel).expect(400);
  });
});

describe('GET /certifications/{certificationId}/history', () => {
  it('reveals the victim to its readers and records each read on the certification’s access log', async () => {
    const { certificationId } = await requestCertification(t, officer, AGENCY);
    const response = await t
      .http()
      .get(`${API}/certifications/${certificationId}/history`)
      .set({ Authorization: `Bearer ${counsel}`, 'X-Purpose': 'Review of a § 9 denial' })
      .expect(200);
    expect(response.body.items).toEqual([
      expect.objectContaining({
        type: 'CertificationRequested',
        data: expect.objectContaining({ certificationId, victim: CERTIFICATION_VICTIM }),
      }),
    ]);
    // Stored sealed, shown revealed.
    const [stored] = await t.events(`certification-${certificationId}`);
    expect(JSON.stringify(stored.data)).not.toContain(CERTIFICATION_VICTIM.fullName);

    const log = await t.get(`/certifications/${certificationId}/access-log`, counsel).expect(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        actor: 'counsel-1',
        view: 'HISTORY',
        endpoint: 'GET /certifications/{certificationId}/history',
        purpose: 'Review of a § 9 denial',
      }),
    ]);
    // A refused read served nothing and is not on the log.
    await t.get(`/certifications/${certificationId}/history`, otherOfficer).expect(404);
    const after = await t.get(`/certifications/${certificationId}/access-log`, counsel).expect(200);
    expect(after.body.items).toHaveLength(1);
  });

  it('shows the victim erased once their data is erased', async () => {
    const { certificationId } = await requestCertification(t, officer, AGENCY);
    const admin = await t.token({ role: 'admin', sub: 'admin-1' });
    await t
      .post(`/certifications/${certificationId}/erase-personal-data`, admin, {
        reason: 'Asked to be forgotten',
      })
      .expect(201);
    const items = await history(`/certifications/${certificationId}`);
    expect(items.map((i) => i.type)).toEqual(['CertificationRequested', 'PersonalDataErased']);
    expect(items[0].data.victim).toEqual({
      fullName: '[erased]',
      dateOfBirth: '[erased]',
      preferredLanguage: '[erased]',
    });
  });
});
