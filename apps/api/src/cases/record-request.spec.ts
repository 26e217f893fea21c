import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { RecordRequestDto } from './record-request';

const judicialWarrant = {
  kind: 'JUDICIAL_WARRANT',
  issuerRole: 'FEDERAL_JUDGE',
  court: 'U.S. District Court',
  judgeName: 'Judge A',
  signedAt: '2026-01-01T09:00:00Z',
};
const body = (documents: unknown) => ({
  requestingAgency: 'ICE',
  requestType: 'DETAINER',
  form: 'I-247A',
  receivedAt: '2026-01-02T09:00:00Z',
  documents,
});

describe('RecordRequestDto documents', () => {
  it('accepts a list of documents', async () => {
    expect(await validate(plainToInstance(RecordRequestDto, body([judicialWarrant])))).toEqual([]);
  });

  // A list nested in the list would otherwise be turned into an empty document, losing the warrant.
  it('refuses a document that is not an object', async () => {
    const errors = await validate(plainToInstance(RecordRequestDto, body([[judicialWarrant]])));
    expect(errors.map((e) => e.property)).toEqual(['documents']);
  });
});
