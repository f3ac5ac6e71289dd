/**
 * @module
 * HTML that is escaped by default. `h` is a template tag: every interpolated value is escaped
 * (`& < > " '`, and controls and bidi characters made visible as `\u202E` ...) unless it is
 * already `SafeHtml` made by `h` itself, so a string from an inventory can never become markup.
 * Arrays are joined; `undefined`, `null` and `false` print nothing.
 */
import { escapeControls } from "../../report/text.js";

export class SafeHtml {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for HTML content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return escapeControls(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

type Value = SafeHtml | string | number | boolean | undefined | null | readonly Value[];

function render(value: Value): string {
  if (value === undefined || value === null || value === false) return "";
  if (value instanceof SafeHtml) return value.html;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

export function h(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup the program itself wrote (never text from an input). */
export function trusted(html: string): SafeHtml {
  return new SafeHtml(html);
}

/** A link only for http(s) addresses; anything else (a bare citation such as "86 FR 4909") is text. */
export function link(url: string | undefined, text: string): SafeHtml {
  if (url && /^https?:\/\//i.test(url)) return h`<a href="${url}">${text}</a>`;
  return h`${text}`;
}
