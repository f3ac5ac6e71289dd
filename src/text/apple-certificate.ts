/**
 * @module
 * Apple code-signing certificate names, `<kind>: <name> (<10-character Team ID>)`
 * ("Developer ID Application: AO Kaspersky Lab (2Y8XE5CQ94)"), split by position. The pattern
 * that said the same, `^(?:kinds):\s*(.+?)\s*\(([A-Z0-9]{10})\)$`, is quadratic on a long run of
 * spaces (the lazy name and the spaces after it can split the run every way): a signer string of
 * 40,000 spaces took 90 s of CPU in a fuzzed system_profiler file.
 */

/** The certificate kinds that sign applications. */
export const APPLE_APP_CERTIFICATES = ["Developer ID Application", "Apple Development", "Apple Distribution", "Mac Developer", "3rd Party Mac Developer Application"] as const;
/** ... and those that sign installer packages too. */
export const APPLE_CERTIFICATES = [...APPLE_APP_CERTIFICATES, "Developer ID Installer", "3rd Party Mac Developer Installer"] as const;

const TEAM_ID = /^[A-Z0-9]{10}$/;
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** The name and Team ID of a certificate name of one of `kinds`; undefined for anything else. */
export function appleCertificate(text: string, kinds: readonly string[] = APPLE_CERTIFICATES): { name: string; teamId: string } | undefined {
  const colon = text.indexOf(":");
  if (colon === -1 || !kinds.includes(text.slice(0, colon))) return undefined;
  // "(" + ten characters + ")" end the text
  const open = text.length - 12;
  if (open <= colon || text[open] !== "(" || !text.endsWith(")")) return undefined;
  const teamId = text.slice(open + 1, -1);
  if (!TEAM_ID.test(teamId)) return undefined;
  // the name between them, spaces around it dropped: one line, not empty
  const name = text.slice(colon + 1, open).trim();
  if (name === "" || LINE_BREAK.test(name)) return undefined;
  return { name, teamId };
}
