import { type AddressInfo, createServer } from "node:net";

/**
 * Resolve once `port` on `host` could be bound (port 0 always can); reject with Node's `EADDRINUSE` (or another
 * listen error) otherwise. Lets a start fail on a taken port before it touches the database, for a server
 * that is started only later.
 */
export function probePort(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** A port on `host` that nothing listened on a moment ago (another process could take it meanwhile). */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
