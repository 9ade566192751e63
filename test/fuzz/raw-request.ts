import { connect } from 'node:net';

/**
 * Sends `GET path` with an `Authorization` line of exactly these bytes (latin1), over a raw
 * socket: no client-side validation, so CR, LF, NUL and every other byte reach the server.
 * Resolves with the status code of the answer (0 when the server closed without one).
 */
export function rawStatus(
  port: number,
  path: string,
  authorization: string | null,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match || text.length > 12) {
        socket.destroy();
        resolve(match ? Number(match[1]) : 0);
      }
    });
    socket.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET') resolve(0);
      else reject(error);
    });
    socket.on('close', () =>
      resolve(
        chunks.length
          ? Number(/\d{3}/.exec(Buffer.concat(chunks).toString('latin1'))?.[0] ?? 0)
          : 0,
      ),
    );
    const lines = [`GET ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
    if (authorization !== null) lines.push(`Authorization: ${authorization}`);
    // Not `end()`: a half-closed socket may be dropped before a slow (key-fetching) answer.
    socket.write(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'));
  });
}
