import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@trust-ledger/event-store';
import { OpaquePositions } from '@trust-ledger/privacy';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ManualClock } from '../../libs/domain/testing/manual-clock';
import { mintToken, type TokenRequest } from '../../apps/api/src/auth/mint-token';
import { createApp, type CreateAppOptions } from '../../apps/api/src/bootstrap';
import { APP_CONFIG, type AppConfig } from '../../apps/api/src/config/app-config';

export const API = '/api/v1';

/** The real application, listening on a loopback port, on a fresh DATA_DIR with the embedded store. */
export interface TestApp {
  app: NestFastifyApplication;
  dataDir: string;
  clock: ManualClock;
  config: AppConfig;
  /** supertest against the listening app; paths include the `/api/v1` prefix (see API). */
  http(): ReturnType<typeof request>;
  /** POST `${API}${path}` as the bearer of `token`, with extra headers (Idempotency-Key, If-Match…). */
  post(path: string, token: string, body: object, headers?: Record<string, string>): request.Test;
  get(path: string, token: string): request.Test;
  token(request: TokenRequest): Promise<string>;
  /** Every event in the store, in log order (optionally only one stream's). */
  events(streamId?: string): Promise<RecordedEvent[]>;
  /** A log position as the API gives it (sealed), e.g. a stored event's for `minPosition`. */
  sealed(position: string): string;
  /** The log position a sealed one the API gave stands for. */
  opened(sealed: string): string;
  close(): Promise<void>;
}

export async function startTestApp(options: CreateAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'trust-ledger-e2e-'));
  const clock = new ManualClock('2025-03-01T12:00:00Z');
  const app = await createApp({ dataDir, clock, eventStore: 'sqlite', logger: false, ...options });
  // A real socket, so that concurrent requests really are concurrent.
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const config = app.get<AppConfig>(APP_CONFIG);
  const store = app.get<EventStore>(EVENT_STORE);
  const positions = app.get(OpaquePositions);
  const http = (): ReturnType<typeof request> => request(url);
  return {
    app,
    dataDir,
    clock,
    config,
    http,
    post: (path, token, body, headers = {}) =>
      http()
        .post(`${API}${path}`)
        .set({ Authorization: `Bearer ${token}`, ...headers })
        .send(body),
    get: (path, token) => http().get(`${API}${path}`).set('Authorization', `Bearer ${token}`),
    token: (tokenRequest) => mintToken(config, tokenRequest),
    events: async (streamId) => {
      const events: RecordedEvent[] = [];
      const source = streamId === undefined ? store.readAll() : store.readStream(streamId);
      for await (const event of source) events.push(event);
      return events;
    },
    sealed: (position) => positions.seal(position),
    opened: (sealed) => {
      const position = positions.open(sealed);
      if (position === null) throw new Error(`not a position the API sealed: ${sealed}`);
      return position;
    },
    close: async () => {
      await app.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
