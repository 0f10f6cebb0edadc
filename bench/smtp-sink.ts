/**
 * A real SMTP server (smtp-server) in a process of its own, as a mail relay would be: it accepts
 * every message, reads it whole and counts it. Its own process, so that the sender's event loop
 * is not also the server's.
 */
import { spawn } from 'node:child_process';

export interface SmtpSink {
  port: number;
  /** Messages received so far, and the CPU time the server process used (asked of it). */
  received(): Promise<{ received: number; cpuMs: number }>;
  close(): Promise<void>;
}

const SCRIPT = `
const { SMTPServer } = require('smtp-server');
let received = 0;
const server = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, size: 10 * 1024 * 1024,
  onData(stream, session, callback) { stream.on('data', () => {}); stream.on('end', () => { received++; callback(); }); },
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.server.address().port }) + '\\n'));
process.stdin.on('data', () => { const c = process.cpuUsage(); process.stdout.write(JSON.stringify({ received, cpuMs: (c.user + c.system) / 1000 }) + '\\n'); });
`;

export async function startSmtpSink(root: string): Promise<SmtpSink> {
  const child = spawn(process.execPath, ['-e', SCRIPT], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Array<(line: string) => void> = [];
  let buffered = '';
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    for (let i = buffered.indexOf('\n'); i >= 0; i = buffered.indexOf('\n')) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      lines.shift()?.(line);
    }
  });
  const next = () => new Promise<string>((resolve) => lines.push(resolve));
  const port = await Promise.race([
    next().then((l) => (JSON.parse(l) as { port: number }).port),
    new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`smtp-server exited (${code})`)))),
  ]);
  return {
    port,
    async received() {
      const answer = next();
      child.stdin.write('?\n');
      return JSON.parse(await answer) as { received: number; cpuMs: number };
    },
    async close() {
      child.stdin.end();
      child.kill();
    },
  };
}
