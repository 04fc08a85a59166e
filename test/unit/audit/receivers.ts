import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A real HTTP server on loopback; `handle` decides each reply after the whole body has arrived. */
export async function startReceiver(
  handle: (request: Received, response: ServerResponse, count: number) => void,
): Promise<{ url: string; server: Server; requests: Received[]; close: () => Promise<void> }> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(received);
      handle(received, res, requests.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/audit`,
    server,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL nobody listens on. */
export async function deadUrl(): Promise<string> {
  const receiver = await startReceiver(() => undefined);
  const url = receiver.url;
  await receiver.close();
  return url;
}
