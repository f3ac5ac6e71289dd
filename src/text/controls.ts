/**
 * @module
 * The one rule for showing untrusted text: C0 and C1 controls, DEL and the Unicode bidi
 * embedding, override, isolate and mark characters become visible escapes (`\n`, `\u001B`,
 * `\u202E`), so terminal escapes cannot act and bidi controls cannot reorder what is shown
 * ("Trojan Source", CVE-2021-42574). No imports: the web dashboard (web/) bundles this file too.
 */

/** C0 and C1 controls, DEL, and the Unicode bidi embedding, override, isolate and mark characters. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Each control or bidi character as a visible escape (`\n`, `\t`, `\u001B`, `\u202E`), so nothing is hidden and nothing acts. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  });
}
