/**
 * A file name as uploads keep it: the last part of whatever path was given, letters, digits, dot,
 * dash and underscore only (anything else becomes _), no leading dot, at most 100 characters. So a
 * name can never lead outside its upload folder ('../../etc/passwd' is kept as 'passwd').
 */
export const UPLOAD_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

export function safeUploadName(given: string): string | undefined {
  const last = given.split(/[/\\]/).pop() ?? '';
  const clean = last
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 100);
  return UPLOAD_NAME.test(clean) ? clean : undefined;
}

/**
 * A Content-Disposition that saves a download as `name` made safe as above (RFC 6266: the quoted
 * filename parameter; the safe name needs no escape).
 */
export function attachment(name: string): string {
  return `attachment; filename="${safeUploadName(name) ?? 'download'}"`;
}
