/**
 * A minimal SMTP server for the send benchmark: it accepts every message and counts it (RFC 5321's
 * EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no PIPELINING advertised, so the client waits for each
 * reply as it would with a real server). The tests use smtp-server, a devDependency the benchmarks
 * may not import.
 */
import { type AddressInfo, createServer, type Server } from 'node:net';

export interface SmtpSink {
  url: string;
  received: () => number;
  close: () => Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  let received = 0;
  const server: Server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.write('220 orca-bench ESMTP\r\n');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          buffer = buffer.slice(end + 5);
          inData = false;
          received++;
          socket.write('250 2.0.0 queued\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol === -1) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-orca-bench\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
        else if (verb === 'DATA') {
          inData = true;
          // A message may start in the same chunk: "\r\n.\r\n" ends it, so search from its first line.
          buffer = `\r\n${buffer}`;
          socket.write('354 end with .\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
