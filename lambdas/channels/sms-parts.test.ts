import { describe, expect, it } from 'vitest';
import { smsParts } from './sms-parts.js';

// 3GPP TS 23.038 (alphabets) and TS 23.040 (concatenation: 160/153 septets, 70/67 UCS-2 characters).
describe('smsParts', () => {
  it('counts GSM-7 texts: 160 septets in one part, 153 per part beyond', () => {
    expect(smsParts('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(smsParts('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, parts: 2 });
    expect(smsParts('a'.repeat(306))).toEqual({ encoding: 'GSM-7', units: 306, parts: 2 });
    expect(smsParts('a'.repeat(307))).toEqual({ encoding: 'GSM-7', units: 307, parts: 3 });
    expect(smsParts('Hello Zoé, £5 off: reply STOP').encoding).toBe('GSM-7');
    // ë is not in the GSM 7-bit alphabet (é, è, ä, ö, ü are).
    expect(smsParts('Zoë').encoding).toBe('UCS-2');
  });

  it('counts extension characters (€ [ ] { } ...) as two septets, never split across parts', () => {
    expect(smsParts('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(smsParts('€'.repeat(81)).parts).toBe(2);
    // 152 plain septets then a 2-septet character: it does not fit in part 1's last septet.
    expect(smsParts(`${'a'.repeat(152)}€${'a'.repeat(152)}`)).toEqual({ encoding: 'GSM-7', units: 306, parts: 3 });
  });

  it('switches the whole text to UCS-2 for any other character: 70, then 67 per part', () => {
    expect(smsParts('ç'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, parts: 1 });
    expect(smsParts(`${'a'.repeat(70)}ç`)).toEqual({ encoding: 'UCS-2', units: 71, parts: 2 });
    expect(smsParts('б'.repeat(134)).parts).toBe(2);
    expect(smsParts('б'.repeat(135)).parts).toBe(3);
    // An emoji is a surrogate pair (2 units), kept whole: 66 units then the pair -> a second part.
    expect(smsParts(`${'б'.repeat(66)}😀`)).toEqual({ encoding: 'UCS-2', units: 68, parts: 1 });
    expect(smsParts(`${'б'.repeat(66)}😀${'б'.repeat(3)}`)).toEqual({ encoding: 'UCS-2', units: 71, parts: 2 });
    expect(smsParts(`${'б'.repeat(66)}😀${'б'.repeat(66)}😀`).parts).toBe(3);
  });
});
