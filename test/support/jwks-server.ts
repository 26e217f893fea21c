import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A JWKS endpoint serving `keys` on a loopback port: its URL, and the server to close after. */
export async function serveJwks(keys: object[]): Promise<{ server: Server; url: string }> {
  const server = createServer((_, res) =>
    res.setHeader('Content-Type', 'application/json').end(JSON.stringify({ keys })),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/jwks` };
}
