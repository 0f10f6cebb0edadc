/** Host names of this machine's loopback interface (as in URLs and Host headers). */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export const isLoopbackHost = (host: string): boolean => LOOPBACK.has(host);
