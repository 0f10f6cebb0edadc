import { describe, expect, it } from 'vitest';
import { duration, formatInZone } from './time.js';

describe('times in the campaign zone', () => {
  it("a UTC instant reads in the zone, with the zone's name (Paris is UTC+1 in winter, UTC+2 in summer)", () => {
    expect(formatInZone('2026-12-01T13:05:09Z', 'Europe/Paris')).toBe('2026-12-01 14:05:09 Europe/Paris');
    expect(formatInZone('2026-07-01T23:30:00Z', 'Europe/Paris')).toBe('2026-07-02 01:30:00 Europe/Paris');
    expect(formatInZone('2026-12-01T13:05:09Z', 'UTC')).toBe('2026-12-01 13:05:09 UTC');
  });
  it('no time, a bad time, a bad zone: said, never an exception', () => {
    expect(formatInZone(undefined, 'UTC')).toBe('—');
    expect(formatInZone('soon', 'UTC')).toBe('soon');
    expect(formatInZone('2026-12-01T13:05:09Z', 'Mars/Base')).toBe('2026-12-01T13:05:09Z (unknown zone Mars/Base)');
  });
  it('durations: ms under a second, seconds, then minutes', () => {
    expect(duration('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.850Z')).toBe('850 ms');
    expect(duration('2026-01-01T00:00:00Z', '2026-01-01T00:00:12Z')).toBe('12 s');
    expect(duration('2026-01-01T00:00:00Z', '2026-01-01T00:03:04Z')).toBe('3 min 4 s');
    expect(duration('2026-01-01T00:00:00Z', undefined)).toBe('');
  });
});
