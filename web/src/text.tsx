// Text from inventories is hostile. Preact escapes HTML in text nodes; this also shows terminal
// escapes and bidi controls as visible escapes (the CLI's rule, src/text/controls.ts, bundled).
import { escapeControls } from "../../src/text/controls.ts";

export { escapeControls };

/** Untrusted text, shown as text with its controls made visible. */
export function T({ v }: { v: unknown }) {
  if (v === undefined || v === null) return null;
  return <>{escapeControls(String(v))}</>;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/:00Z$/, "Z");
}

/** Whole days from now until an instant (negative: past). */
export function daysUntil(iso: string, now = Date.now()): number {
  return Math.ceil((Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso) - now) / 86_400_000);
}

export function countdown(iso: string, now = Date.now()): string {
  const d = daysUntil(iso, now);
  if (d > 1) return `in ${d} days`;
  if (d === 1) return "tomorrow";
  if (d === 0) return "today";
  return `${-d} days ago`;
}
