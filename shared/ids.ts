// Alibaba Cloud IDs as people paste or type them: copied with spaces or line breaks around (or
// inside) them, or typed with a Chinese input method in full-width digits (０-９). Cleaned the same
// way in the popup, the web wizard and the API, before any rule looks at them.

/** Whitespace of any kind, including the ideographic space and the zero-width characters copies carry. */
const SPACES = /[\s\u200b-\u200d\u2060\ufeff]+/g;
const FULL_WIDTH_DIGIT = /[\uff10-\uff19]/g;

/** Strips all whitespace and turns full-width digits into ASCII ones; anything else is left for the rules to refuse. */
export function cleanId(raw: string): string {
  return raw.replace(SPACES, '').replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30));
}
