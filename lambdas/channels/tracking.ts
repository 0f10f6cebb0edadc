/**
 * orca's own open and click tracking (links.tracking 'orca', used locally where no provider tracks):
 * the http(s) links of an HTML part become signed redirects `<base>/c/<token>`, and an open pixel
 * `<base>/o/<token>` is added. orca's own links (unsubscribe) and over-long URLs are left as they are.
 */
import { clickUrl, isOrcaLink, type LinkSettings, MAX_TOKEN_LENGTH, openUrl } from './links.js';

/** `href="http..."` (or single-quoted) in an `<a>` or `<area>` tag. */
const HREF = /(<(?:a|area)\b[^>]*?\shref\s*=\s*)(["'])(https?:\/\/[^"']*)\2/gi;
/** A URL longer than this would not fit in a token (its JSON is base64url-encoded: 4/3 longer). */
const MAX_URL = Math.floor(MAX_TOKEN_LENGTH / 2);

/** The attribute's text as the browser reads it: the entities an HTML template writes in URLs. */
function attributeValue(s: string): string {
  return s
    .replace(/&amp;/gi, '&')
    .replace(/&#0*38;/g, '&')
    .replace(/&quot;/gi, '"')
    .replace(/&#0*39;/g, "'");
}

export function trackLinks(html: string, links: LinkSettings, messageId: string): string {
  const rewritten = html.replace(HREF, (all, start: string, quote: string, raw: string) => {
    const url = attributeValue(raw);
    if (isOrcaLink(links, url) || url.length > MAX_URL) return all;
    return `${start}${quote}${clickUrl(links, messageId, url)}${quote}`;
  });
  const pixel = `<img src="${openUrl(links, messageId)}" width="1" height="1" alt="" style="display:none">`;
  const body = rewritten.search(/<\/body\s*>/i);
  return body === -1 ? `${rewritten}${pixel}` : `${rewritten.slice(0, body)}${pixel}${rewritten.slice(body)}`;
}
