/**
 * How many message parts an SMS text takes (End User Messaging's throughput counts parts per second).
 * 3GPP TS 23.038: a text entirely in the GSM 7-bit default alphabet takes 160 septets in one part,
 * 153 per part when concatenated (the user data header takes 7); the extension table's characters
 * take two septets (escape + character) and never straddle two parts. Any other character makes
 * the whole text UCS-2: 70 UTF-16 code units in one part, 67 per part, a surrogate pair never split.
 */

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';
const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export interface SmsParts {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  parts: number;
}

/** Packs units (each of the given size) into parts of `per` units without splitting one. */
function pack(sizes: number[], single: number, per: number): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const s of sizes) {
    if (used + s > per) {
      parts++;
      used = 0;
    }
    used += s;
  }
  return parts;
}

export function smsParts(text: string): SmsParts {
  const chars = [...text];
  if (chars.every((c) => BASIC.has(c) || EXTENSION.has(c))) {
    const sizes = chars.map((c) => (EXTENSION.has(c) ? 2 : 1));
    return { encoding: 'GSM-7', units: sizes.reduce((a, b) => a + b, 0), parts: pack(sizes, 160, 153) };
  }
  const sizes = chars.map((c) => c.length);
  return { encoding: 'UCS-2', units: text.length, parts: pack(sizes, 70, 67) };
}
