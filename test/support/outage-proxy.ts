/**
 * A TCP pass-through on loopback that a test can cut and restore, to give one process an outage of
 * a shared service (Prometheus) without stopping the service for everybody else. While cut, new
 * connections are refused (the port stays reserved) and open ones are destroyed.
 */
import * as net from 'node:net';

export interface OutageProxy {
  /** `http://127.0.0.1:<port>`: point the process under test here. */
  url: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startOutageProxy(upstream: URL): Promise<OutageProxy> {
  let cut = false;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const server = net.connect(Number(upstream.port), upstream.hostname);
    for (const socket of [client, server]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined); // the peer's close ends the pair
    }
    client.pipe(server).pipe(client);
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      cut = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
