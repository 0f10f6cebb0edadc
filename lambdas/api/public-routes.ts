/**
 * The public routes: what a recipient's mail client or browser opens, without authentication, in
 * both deployments (API Gateway routes without IAM authorization; `orca serve`, which exempts them
 * from its Origin and Host checks and throttles them per client):
 *
 * - GET /u/{token}: a confirmation page with one button, which POSTs back. A GET changes nothing:
 *   anti-spam software fetches the links of a message without its reader (RFC 8058, section 1), and
 *   an unsubscribe it triggered would be the reader's loss.
 * - POST /u/{token}: the unsubscribe, RFC 8058 one-click (body `List-Unsubscribe=One-Click`, form
 *   encoded or multipart; the page's button sends the same): 200 with a page saying so; idempotent.
 * - GET /o/{token}: the open pixel, a 1x1 transparent GIF, always (a bad token is not counted), never cached.
 * - GET /c/{token}: 302 to the URL signed in the token, after counting the click; a bad token is a
 *   400 page (never a redirect to a URL orca did not sign: no open redirect).
 *
 * Everything shown is escaped; a token is never echoed back.
 */
import { MAX_TOKEN_LENGTH } from '../channels/links.js';
import type { PublicDeps } from '../orchestrator/unsubscribe.js';
import { trackClick, trackOpen, unsubscribe, unsubscribeRequest } from '../orchestrator/unsubscribe.js';
import type { ApiRequest, ApiResponse } from './router.js';

/** The paths of the public routes (no authentication; throttled): everything under /u/, /o/ and /c/. */
export const PUBLIC_PATH = /^\/(u|o|c)\/(.*?)\/?$/s;

export const isPublicPath = (path: string): boolean => PUBLIC_PATH.test(path);

/** A 1x1 transparent GIF (GIF89a, one-colour palette, a transparent-colour extension, 43 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Pages: no script, no outside resource, no framing; forms may only post back here. */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

function page(status: number, title: string, body: string): ApiResponse {
  return {
    status,
    headers: PAGE_HEADERS,
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font-size:1rem;padding:.5rem 1.25rem}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  };
}

const badLink = () =>
  page(400, 'This link is not valid', '<p>The link may have been cut or changed. Open it again from the message.</p>');

/** The action of the page's form: the same path (relative, so it posts back to whoever served it). */
const selfAction = (token: string) => `./${escapeHtml(token)}`;

/** Whether a POST body is RFC 8058's one-click request (`List-Unsubscribe=One-Click`). */
export function isOneClick(req: ApiRequest): boolean {
  const body = req.body ?? '';
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data'))
    return /name="?List-Unsubscribe"?\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/i.test(body);
  return new URLSearchParams(body).get('List-Unsubscribe') === 'One-Click';
}

/** Answers a public route, or undefined when the request is not for one (the API's router then answers). */
export async function handlePublic(req: ApiRequest, deps: PublicDeps): Promise<ApiResponse | undefined> {
  const m = PUBLIC_PATH.exec(req.path);
  if (!m) return undefined;
  const [, kind, token = ''] = m;
  const method = req.method.toUpperCase();
  const allowed = kind === 'u' ? ['GET', 'POST'] : ['GET'];
  if (!allowed.includes(method))
    return {
      ...page(405, 'Not allowed', '<p>This link only opens.</p>'),
      headers: { ...PAGE_HEADERS, allow: allowed.join(', ') },
    };
  // A token is base64url and one dot: anything longer or else is refused before it is verified.
  const wellFormed = token.length <= MAX_TOKEN_LENGTH && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
  try {
    if (kind === 'o') {
      if (wellFormed) await trackOpen(deps, token);
      return {
        status: 200,
        headers: {
          'content-type': 'image/gif',
          'content-length': String(PIXEL_GIF.length),
          'cache-control': 'no-store, no-cache, must-revalidate, max-age=0',
          pragma: 'no-cache',
          expires: '0',
        },
        body: PIXEL_GIF.toString('base64'),
        isBase64Encoded: true,
      };
    }
    if (!wellFormed) return badLink();
    if (kind === 'c') {
      const url = await trackClick(deps, token);
      if (!url) return badLink();
      return {
        status: 302,
        headers: { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
        body: '',
      };
    }
    if (method === 'GET') {
      const t = await unsubscribeRequest(deps, token);
      if (!t) return badLink();
      return page(
        200,
        `Unsubscribe from ${t.channel} messages`,
        `<p>This address will receive no more ${escapeHtml(t.channel)} messages from us.</p><form method="post" action="${selfAction(token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
      );
    }
    if (!isOneClick(req))
      return page(400, 'Not an unsubscribe request', '<p>Use the button of the unsubscribe page.</p>');
    const done = await unsubscribe(deps, token);
    if (!done) return badLink();
    return page(200, `You are unsubscribed from ${done.channel} messages`, '<p>You will receive no more of them.</p>');
  } catch (e) {
    deps.log?.(`public route ${method} /${kind}/ failed`, { error: (e as Error).message });
    return page(500, 'Something went wrong', '<p>Try again in a moment.</p>');
  }
}
