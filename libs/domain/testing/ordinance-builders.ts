/** Builders for ordinance versions in specs: API.md's default version, with what the test is about overridden. */
import type { AdoptOrdinanceVersion, OrdinanceTerms } from '../src/ordinance/ordinance.commands';
import { ORDINANCE_STREAM_ID, type OrdinanceVersionAdopted } from '../src/ordinance/ordinance.events';
import { defaultOrdinanceVersion, type OrdinanceVersion } from '../src/ordinance/ordinance-version';
import type { Recorded } from '../src/shared/violation';

const ADMIN = 'admin-1';

export function ordinanceTerms(overrides: Partial<OrdinanceTerms> = {}): OrdinanceTerms {
  const { version: _version, ...terms } = defaultOrdinanceVersion();
  return { ...terms, ...overrides };
}

export function ordinanceVersion(overrides: Partial<OrdinanceVersion> = {}): OrdinanceVersion {
  return { ...defaultOrdinanceVersion(), ...overrides };
}

export const adoptOrdinanceVersion = (
  overrides: Partial<OrdinanceTerms> = {},
  now = '2024-01-01T00:00:00Z',
): AdoptOrdinanceVersion => ({
  type: 'AdoptOrdinanceVersion',
  data: ordinanceTerms(overrides),
  actor: ADMIN,
  now,
});

export const ordinanceVersionAdopted = (
  overrides: Partial<OrdinanceVersion> = {},
): OrdinanceVersionAdopted => ({
  type: 'OrdinanceVersionAdopted',
  data: ordinanceVersion(overrides),
});

/** The `ordinance` stream as recorded, each adoption at its own `recordedAt`. */
export function recordedAdoptions(
  adoptions: { version: Partial<OrdinanceVersion>; recordedAt: string }[],
): Recorded<OrdinanceVersionAdopted>[] {
  return adoptions.map(({ version, recordedAt }, revision) => ({
    ...ordinanceVersionAdopted({ version: revision + 1, ...version }),
    eventId: `${ORDINANCE_STREAM_ID}#${revision}`,
    streamId: ORDINANCE_STREAM_ID,
    revision,
    recordedAt,
  }));
}
