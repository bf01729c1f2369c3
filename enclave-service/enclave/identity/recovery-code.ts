// Recovery codes: 120 random bits the enclave draws at enrolment and the user writes
// down. With a face that matches, a code names its account for the 1:1 check, as a
// passkey does: the way back for someone who lost every passkey in a gallery too large
// for a face alone. Shown as 24 Crockford base32 characters in groups of four (no I, L,
// O or U to misread); typed back, case, spaces and dashes do not matter, and I/L read
// as 1, O as 0.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const RECOVERY_CODE_BYTES = 15;

export function formatRecoveryCode(code: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of code) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)!.join("-");
}

/** The code's bytes, or null for anything that is not 24 base32 characters. */
export function parseRecoveryCode(text: string): Uint8Array | null {
  const chars = text.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
  if (chars.length !== (RECOVERY_CODE_BYTES * 8) / 5) return null;
  const out = new Uint8Array(RECOVERY_CODE_BYTES);
  let bits = 0;
  let value = 0;
  let i = 0;
  for (const c of chars) {
    const digit = ALPHABET.indexOf(c);
    if (digit < 0) return null;
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      out[i++] = (value >>> (bits - 8)) & 255;
      bits -= 8;
      value &= (1 << bits) - 1;
    }
  }
  return out;
}
