import { randomUUID } from 'node:crypto';

/** Valid request bodies for the case commands of API.md, to be varied by each spec. */

export const openCaseBody = (agencyId: string, caseId: string = randomUUID()) => ({
  caseId,
  agencyId,
  subject: {
    fullName: 'María Pérez',
    dateOfBirth: '1990-04-30',
    aNumber: 'A123456789',
    preferredLanguage: 'es-MX',
    attorney: { name: 'Ana Abogada', phone: '+1 555 0100', email: 'ana@example.org' },
    designee: { name: 'José Pérez', phone: '+1 555 0101' },
  },
  custody: { status: 'IN_CUSTODY', bookedAt: '2025-02-27T08:00:00-05:00', facility: 'County Jail' },
  convictions: [{ offense: 'Shoplifting', category: 'MISDEMEANOR', convictedAt: '2019-06-01' }],
});

export const requestBody = (requestId: string = randomUUID()) => ({
  requestId,
  requestingAgency: 'ICE',
  requestType: 'DETAINER',
  form: 'I-247A',
  receivedAt: '2025-02-28T09:00:00Z',
  documents: [{ kind: 'ADMINISTRATIVE_WARRANT_I200', issuerRole: 'IMMIGRATION_OFFICER' }],
  informationRequested: ['RELEASE_DATE'],
});

export const judicialWarrant = {
  kind: 'JUDICIAL_WARRANT',
  issuerRole: 'FEDERAL_JUDGE',
  court: 'U.S. District Court for the Eastern District of Pennsylvania',
  judgeName: 'Hon. Jane Roe',
  signedAt: '2025-02-27T16:00:00Z',
  docketNumber: '2:25-mj-00042',
};

export const noticeBody = (requestId: string) => ({
  noticeId: randomUUID(),
  requestId,
  purpose: 'REQUEST_AND_INTENT',
  recipient: 'SUBJECT',
  deliveredAt: '2025-02-28T10:00:00Z',
  method: 'WRITTEN_IN_PERSON',
  language: 'es',
  includesCopyOfRequest: true,
  statedIntent: 'DECLINE',
});

export const decisionBody = {
  outcome: 'DECLINED',
  basis: 'NONE',
  decidedAt: '2025-02-28T11:00:00Z',
  rationale: 'No judicial warrant accompanies the detainer.',
};

export const disclosureBody = (requestId: string) => ({
  requestId,
  recipientAgency: 'ICE',
  categories: ['CITIZENSHIP_OR_IMMIGRATION_STATUS'],
  disclosedAt: '2025-02-28T12:00:00Z',
});

export const accessBody = (requestId: string) => ({
  requestId,
  agency: 'ICE',
  purpose: 'CRIMINAL_INVESTIGATION',
  grantedAt: '2025-02-28T13:00:00Z',
  consent: { written: true, toldVoluntary: true, toldMayHaveAttorney: true, language: 'es' },
});

export const eligibleBody = {
  kind: 'ELIGIBLE_FOR_RELEASE',
  at: '2025-02-28T14:00:00Z',
  reason: 'BAIL_POSTED',
};

export const closeBody = { closedAt: '2025-03-01T09:00:00Z', reason: 'Released on bail; nothing further.' };
