/** The CLI's main() in this process, with everything it prints captured (console and commander). */
import { vi } from 'vitest';
import { main } from '../../cli/main.js';

export interface Captured {
  code: number;
  out: string;
  err: string;
}

export async function capture(args: string[]): Promise<Captured> {
  let out = '';
  let err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out += `${a.join(' ')}\n`;
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    err += `${a.join(' ')}\n`;
  });
  const before = process.exitCode;
  try {
    const code = await main(args, {
      writeOut: (s) => {
        out += s;
      },
      writeErr: (s) => {
        err += s;
      },
    });
    return { code, out, err };
  } finally {
    process.exitCode = before;
    log.mockRestore();
    error.mockRestore();
  }
}
