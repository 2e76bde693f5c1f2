import net from 'node:net';

// Ports handed out by this process: the OS may return a just-closed port twice in a row.
const handedOut = new Set<number>();

function listenOnce(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

/** A loopback port nobody listens on right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = await listenOnce(0, host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** `preferred` if it is free, otherwise any free port. */
export async function preferredPort(preferred: number, host = '127.0.0.1'): Promise<number> {
  try {
    const port = await listenOnce(preferred, host);
    handedOut.add(port);
    return port;
  } catch {
    return freePort(host);
  }
}

/** Whether something accepts TCP connections on the port (loopback). */
export function acceptsConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
