/** User data reaches the terminal with its control characters escaped (labels, alert texts, log messages, errors). */
import { describe, expect, it, vi } from 'vitest';
import { jsonText, printFindings, table, terminalText } from './output.js';
import { printSummary, type RunSummary } from './runs.js';

// ESC sequences (colour, clear screen, window title via OSC), CR, BEL, backspace, DEL, C1 CSI, bidi overrides.
const HOSTILE = 'A\u001b[2J\u001b]0;owned\u0007\rB\u0008\u007f\u009b31m\u202eC\u2066D\u0000';
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters that must not be printed raw
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function printed(f: () => void): string {
  let out = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out += `${a.join(' ')}\n`;
  });
  try {
    f();
  } finally {
    log.mockRestore();
  }
  return out;
}

describe('terminalText', () => {
  it('makes each control character a visible escape', () => {
    expect(terminalText(HOSTILE)).toBe('A\\x1b[2J\\x1b]0;owned\\x07\\x0dB\\x08\\x7f\\x9b31m\\u202eC\\u2066D\\x00');
    expect(terminalText('a\tb\nc')).toBe('a\tb\nc');
    expect(terminalText('a\tb\nc', true)).toBe('a\\x09b\\x0ac');
    expect(terminalText('Émile — 東京 ✓')).toBe('Émile — 東京 ✓');
  });

  it('JSON keeps the value and escapes what JSON.stringify leaves raw', () => {
    const value = { label: HOSTILE, n: 1 };
    const text = jsonText(value);
    expect(text).not.toMatch(RAW);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('tables, findings and run summaries print no raw control character', () => {
    const summary: RunSummary = {
      runId: 'r1',
      campaignId: HOSTILE,
      status: 'failed',
      error: `alert: ${HOSTILE}`,
      startedAt: '2026-11-22T10:00:00.000Z',
      endedAt: '2026-11-22T10:00:01.000Z',
      activities: [{ id: HOSTILE, type: 'alert', status: 'failed', error: HOSTILE }],
      transitions: [],
    };
    const out = [
      table(['h'], [[HOSTILE]]),
      printed(() => printSummary(summary)),
      printed(() => printFindings(HOSTILE, [{ activity: HOSTILE, path: 'label', message: HOSTILE }], [])),
    ].join('\n');
    expect(out).not.toMatch(RAW);
    expect(out).toContain('A\\x1b[2J');
    expect(out).toContain('\\u202eC');
  });
});
