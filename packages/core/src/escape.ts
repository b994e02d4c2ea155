/**
 * Escaping guest-controlled text before a terminal (or a log a human reads) sees it: file names in `--diff`,
 * paths and fd names in traces, error messages. Control characters (C0, DEL, C1), escape sequences, `\r`,
 * newlines, Unicode line/paragraph separators, invisible format characters (bidi overrides and isolates,
 * zero-width ones), unusual spaces and lone surrogates are shown as `\uXXXX` (`\n`, `\r`, `\t` by name), never
 * interpreted. The backslash itself is escaped, so an escaped name can never look like another name. The
 * result of `quote` is valid JSON for the same string.
 */

// \p{Zs} but the plain space; \p{Cs} matches lone surrogates under the u flag.
const UNSAFE_CLASS = String.raw`\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000`;
const PLAIN = /^[\x20-\x5b\x5d-\x7e]*$/;
const UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`, 'gu');
const UNSAFE_QUOTED = new RegExp(`[${UNSAFE_CLASS}"]`, 'gu');
const UNSAFE_BRACKETED = new RegExp(`[${UNSAFE_CLASS}<>]`, 'gu');

function escapeChar(c: string): string {
  switch (c) {
    case '\\': return '\\\\';
    case '"': return '\\"';
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
  }
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/** `s` with everything a terminal could interpret (or a reader could not see) escaped. */
export function escapeText(s: string): string {
  return PLAIN.test(s) ? s : s.replace(UNSAFE, escapeChar);
}

/** `s` escaped for use between `<` and `>` (those two escaped as well, so the brackets cannot be forged). */
export function escapeBracketed(s: string): string {
  return PLAIN.test(s) && !s.includes('<') && !s.includes('>') ? s : s.replace(UNSAFE_BRACKETED, escapeChar);
}

/** `s` as a double-quoted literal (valid JSON), escaped as `escapeText` does plus `"`. */
export function quoteText(s: string): string {
  return `"${PLAIN.test(s) && !s.includes('"') ? s : s.replace(UNSAFE_QUOTED, escapeChar)}"`;
}
