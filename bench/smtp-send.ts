/**
 * Rendering and handing emails to a local SMTP server: the provider's part of a send (templates
 * with personalisation, a signed unsubscribe link and the RFC 8058 headers, orca's click and open
 * tracking, then nodemailer's pooled SMTP transport). The chunk sender's ledger and rate limiter
 * are measured by their own benchmark.
 */
import { emailSchema } from '../lambdas/activities/channels.js';
import { prepareTemplates, renderMessage } from '../lambdas/channels/templates.js';
import { SmtpProvider } from '../lambdas/adapters/smtp-provider.js';
import { startSmtpSink } from './smtp-sink.js';

export interface SmtpBench {
  messages: number;
  renderPerSecond: number;
  sendPerSecond: number;
  seconds: number;
  /** Messages per second of this process's CPU time (user + system): what the machine's load does not change. */
  perCpuSecond: number;
}

export async function benchSmtpSend(o: { messages: number; inFlight?: number }): Promise<SmtpBench> {
  const activity = emailSchema.parse({
    id: 'newsletter',
    type: 'email',
    from: 'Shop <news@shop.example>',
    subject: 'Hi {{ first_name }}, {{ points }} points waiting',
    html: '<html><body><h1>Hello {{ first_name | capitalize }}</h1><p>You have {{ points }} points in {{ city }}.</p><a href="https://shop.example/offers?c={{ city | url_encode }}">See offers</a> <a href="https://shop.example/">Shop</a></body></html>',
    text: 'Hello {{ first_name }}, you have {{ points }} points.',
  });
  const templates = prepareTemplates(activity);
  const links = { baseUrl: 'http://127.0.0.1:7777', secret: 'bench-secret', tracking: 'orca' as const };
  const row = (i: number) => ({ first_name: `name${i}`, points: i % 1000, city: i % 2 ? 'Paris' : 'Lyon' });
  const ctx = (i: number) => ({
    messageId: i.toString(16).padStart(32, '0'),
    campaignId: 'bench',
    runId: 'r1',
    activityId: 'newsletter',
    key: String(i),
    to: `user${i}@example.com`,
    links,
  });

  // Rendering alone, on a sample.
  const sample = Math.min(o.messages, 20_000);
  let started = performance.now();
  for (let i = 0; i < sample; i++) await renderMessage(templates, row(i), ctx(i));
  const renderPerSecond = sample / ((performance.now() - started) / 1000);

  const sink = await startSmtpSink();
  const provider = new SmtpProvider({ url: sink.url });
  let next = 0;
  started = performance.now();
  const cpu = process.cpuUsage();
  const worker = async () => {
    for (let i = next++; i < o.messages; i = next++) {
      const r = await renderMessage(templates, row(i), ctx(i));
      if (!r.ok) throw new Error(r.reason);
      const outcome = await provider.send(r.message);
      if (outcome.status !== 'sent') throw new Error(`message ${i}: ${outcome.status}`);
    }
  };
  await Promise.all(Array.from({ length: o.inFlight ?? 20 }, worker));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  await provider.close();
  await sink.close();
  if (sink.received() !== o.messages)
    throw new Error(`the SMTP server received ${sink.received()} of ${o.messages} messages`);
  return {
    messages: o.messages,
    renderPerSecond,
    sendPerSecond: o.messages / seconds,
    seconds,
    perCpuSecond: o.messages / cpuSeconds,
  };
}
