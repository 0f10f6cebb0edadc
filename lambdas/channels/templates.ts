/**
 * Personalisation: an activity's texts are Liquid templates (liquidjs) over the columns of its
 * message table's row; `{{column}}` is Liquid too. Sandboxed: no file access (include, render and
 * layout are removed), own properties only, limits on render time and memory; an unknown filter is
 * an error when the template is parsed (validation), an unknown or null column renders empty.
 * Parsed once per activity (prepareTemplates), rendered once per message (renderMessage). An MJML
 * body is compiled once per run, before (lambdas/orchestrator/send.ts's prepared step, compileMjml
 * here): the templates take its HTML.
 *
 * HTML parts escape every output (`outputEscape: 'escape'`: a first name `<b>` shows as text, `| raw`
 * opts out); subjects, text parts, SMS and push are plain text and are not escaped.
 */
import type { Liquid, Template } from 'liquidjs';
import type { EmailActivity, PushActivity, SmsActivity } from '../activities/channels.js';
import { firstLine, HTML, TEXT } from './liquid.js';
import type { Channel } from './columns.js';
import { type LinkSettings, unsubscribeUrl } from './links.js';
import type { MessageContext, OutgoingMessage } from './message.js';
import { smsParts } from './sms-parts.js';
import { trackLinks } from './tracking.js';

export { ORCA_TEMPLATE_VARIABLES, templateVariables } from './liquid.js';

/** MJML to responsive HTML (mjml 5: asynchronous); its first error with its line. No file includes. */
export async function compileMjml(mjml: string): Promise<{ html: string } | { error: string }> {
  try {
    const { default: mjml2html } = await import('mjml');
    const r = await mjml2html(mjml, { validationLevel: 'soft', ignoreIncludes: true, keepComments: false });
    const problem = r.errors?.[0];
    if (problem) return { error: `line ${problem.line}: ${problem.message}` };
    return { html: r.html };
  } catch (e) {
    return { error: firstLine(e) };
  }
}

export interface MessageTemplates {
  readonly channel: Channel;
}

interface Parsed {
  source: string;
  template: Template[];
  usesUnsubscribe: boolean;
}

type Prepared =
  | {
      channel: 'email';
      from: string;
      replyTo?: string;
      marketing: boolean;
      subject: Parsed;
      html?: Parsed;
      text?: Parsed;
    }
  | { channel: 'sms'; from?: string; text: Parsed }
  | { channel: 'push'; title: Parsed; body: Parsed; deepLink?: string };

function parse(e: Liquid, source: string): Parsed {
  const template = e.parse(source);
  return { source, template, usesUnsubscribe: e.globalVariablesSync(template).includes('unsubscribe_url') };
}

/** The HTML of an email; an MJML body must have been compiled into `html` already (once per run). */
function emailHtml(a: EmailActivity): Parsed | undefined {
  if (a.mjml !== undefined)
    throw new Error(`activity '${a.id}': its MJML is compiled once per run (compileMjml) and rendered as its html`);
  return a.html === undefined ? undefined : parse(HTML, a.html);
}

/**
 * Parses an activity's templates once (they were validated at publication: a parse error here is a
 * bug, thrown).
 */
export function prepareTemplates(activity: EmailActivity | SmsActivity | PushActivity): MessageTemplates {
  const prepared: Prepared =
    activity.type === 'email'
      ? {
          channel: 'email',
          from: activity.from,
          replyTo: activity.replyTo,
          marketing: activity.unsubscribe,
          subject: parse(TEXT, activity.subject),
          html: emailHtml(activity),
          text: activity.text === undefined ? undefined : parse(TEXT, activity.text),
        }
      : activity.type === 'sms'
        ? { channel: 'sms', from: activity.from, text: parse(TEXT, activity.text) }
        : {
            channel: 'push',
            title: parse(TEXT, activity.title),
            body: parse(TEXT, activity.body),
            deepLink: activity.deepLink,
          };
  return prepared;
}

/** Row values as templates compare and print them: whole numbers as numbers, times in ISO 8601. */
function scopeOf(row: Record<string, unknown>, extra: Record<string, string>): Record<string, unknown> {
  const scope: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    scope[k] =
      typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(v)
        : v instanceof Date
          ? v.toISOString()
          : v;
  }
  return Object.assign(scope, extra);
}

const render = (e: Liquid, p: Parsed, scope: object): string => String(e.renderSync(p.template, scope));
/** A header's text: line breaks from a row's value must not start a new header. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

type RenderContext = MessageContext & { to: string; links: LinkSettings };
type Rendered = { ok: true; message: OutgoingMessage } | { ok: false; reason: string };

async function renderEmail(
  p: Extract<Prepared, { channel: 'email' }>,
  row: Record<string, unknown>,
  ctx: RenderContext,
) {
  const { links, ...message } = ctx;
  const html = p.html;
  const headers: Record<string, string> = {};
  const extra: Record<string, string> = {};
  let unsubscribe: string | undefined;
  if (p.marketing) {
    unsubscribe = unsubscribeUrl(links, {
      kind: 'unsubscribe',
      channel: 'email',
      address: ctx.to,
      messageId: ctx.messageId,
      campaignId: ctx.campaignId,
      runId: ctx.runId,
      activityId: ctx.activityId,
    });
    extra.unsubscribe_url = unsubscribe;
    // RFC 8058 §3.1: an https URI in List-Unsubscribe and this exact List-Unsubscribe-Post value.
    headers['List-Unsubscribe'] = `<${unsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const scope = scopeOf(row, extra);
  let htmlPart = html ? render(HTML, html, scope) : undefined;
  let textPart = p.text ? render(TEXT, p.text, scope) : undefined;
  if (unsubscribe) {
    if (textPart !== undefined && !p.text?.usesUnsubscribe) textPart = `${textPart}\n\nUnsubscribe: ${unsubscribe}\n`;
    if (htmlPart !== undefined && html && !html.usesUnsubscribe) {
      const footer = `<p style="font-size:12px"><a href="${unsubscribe}">Unsubscribe</a></p>`;
      const body = htmlPart.search(/<\/body\s*>/i);
      htmlPart = body === -1 ? `${htmlPart}${footer}` : `${htmlPart.slice(0, body)}${footer}${htmlPart.slice(body)}`;
    }
  }
  if (htmlPart !== undefined && links.tracking === 'orca') htmlPart = trackLinks(htmlPart, links, ctx.messageId);
  return {
    ...message,
    channel: 'email' as const,
    email: {
      from: p.from,
      ...(p.replyTo ? { replyTo: p.replyTo } : {}),
      subject: oneLine(render(TEXT, p.subject, scope)),
      ...(htmlPart !== undefined ? { html: htmlPart } : {}),
      ...(textPart !== undefined ? { text: textPart } : {}),
      headers,
    },
  };
}

/**
 * Renders one message from its row. A Liquid runtime error (a limit reached, a filter refusing its
 * input) is this message's render error, returned as a reason, never thrown.
 */
export async function renderMessage(
  t: MessageTemplates,
  row: Record<string, unknown>,
  ctx: RenderContext,
): Promise<Rendered> {
  const p = t as Prepared;
  const { links: _links, ...message } = ctx;
  try {
    if (p.channel === 'email') return { ok: true, message: await renderEmail(p, row, ctx) };
    const scope = scopeOf(row, {});
    if (p.channel === 'sms') {
      const text = render(TEXT, p.text, scope);
      const sms = { ...(p.from ? { from: p.from } : {}), text, parts: smsParts(text).parts };
      return { ok: true, message: { ...message, channel: 'sms', sms } };
    }
    const push = {
      title: render(TEXT, p.title, scope),
      body: render(TEXT, p.body, scope),
      ...(p.deepLink ? { deepLink: p.deepLink } : {}),
    };
    return { ok: true, message: { ...message, channel: 'push', push } };
  } catch (e) {
    return { ok: false, reason: firstLine(e) };
  }
}
