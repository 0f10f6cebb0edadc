/**
 * The web console's files (the Vite build in dist/console) as `orca serve` answers them: `/` and
 * every app route under `/ui/` get index.html (deep links work), `/ui/assets/*` the hashed files
 * (cached for a year: their names change with their content). Every answer carries the console's
 * security headers: a CSP without inline scripts, no framing, no MIME sniffing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** Inline styles are allowed (React Flow and CodeMirror set style attributes and style sheets); scripts only from the origin. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

/** The built console: dist/console seen from runtime/ (sources) or from dist/runtime/ (the package). */
export function findConsole(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, '..', 'dist', 'console'), join(here, '..', 'console')].find(
    (d) => existsSync(join(d, 'index.html')) && existsSync(join(d, 'assets')),
  );
}

/** Whether a path is the console's rather than the API's. */
export const isConsolePath = (path: string): boolean => path === '/' || path === '/ui' || path.startsWith('/ui/');

/** The answer to a GET or HEAD of a console path; undefined for any other request. */
export function consoleFile(dir: string | undefined, method: string, path: string): StaticResponse | undefined {
  if ((method !== 'GET' && method !== 'HEAD') || !isConsolePath(path)) return undefined;
  const text = (status: number, message: string): StaticResponse => ({
    status,
    headers: { ...SECURITY, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' },
    body: message,
  });
  if (!dir) return text(404, 'the web console is not built: run `npm run build:console`');
  const asset = /^\/ui\/assets\/([\w.-]+)$/.exec(path);
  if (path.startsWith('/ui/assets/')) {
    const file = asset && !asset[1]!.startsWith('.') ? join(dir, 'assets', asset[1]!) : undefined;
    if (!file || !existsSync(file)) return text(404, `no console file ${path}`);
    return {
      status: 200,
      headers: {
        ...SECURITY,
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'public, max-age=31536000, immutable',
      },
      body: readFileSync(file),
    };
  }
  return {
    status: 200,
    headers: { ...SECURITY, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    body: readFileSync(join(dir, 'index.html')),
  };
}

/** The origins of the local server's own pages: a browser sends one of them with the console's requests. */
export function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
}
