/**
 * @module
 * The explanation of a candidate's score, as data (for JSON and CSV) and as one sentence (for
 * people): which name of the entity matched (and what kind of alias it is), which
 * transliteration of either side, which tokens met which and how, what was left over, which
 * legal forms were dropped, and what the country and the kind of party did to the score.
 */
import type { LegalFormHit, NameForm, Token } from "../normalize/index.js";
import type { EntityName, ListedEntity } from "../model.js";
import type { NameComparison } from "../score/compare.js";
import type { TokenMatchHow } from "../score/tokens.js";
import type { NameRecord } from "./corpus.js";
import type { CountryEffect, LegalFormEffect, PartyEffect, ScreenQuery } from "./screen-name.js";

export type ExplainedToken = { input: string; entity: string; how: TokenMatchHow; similarity: number; weight: number };

export type Explanation = {
  summary: string;
  /** The entity's name or alias that scored best. */
  matchedName: EntityName;
  /** The transliteration schemes of the forms that met, when a side was Cyrillic. */
  transliteration?: { input?: { schemes: string[]; rendered: string }; entity?: { schemes: string[]; rendered: string } };
  tokens: ExplainedToken[];
  unmatched: { input: { token: string; weight: number }[]; entity: { token: string; weight: number }[] };
  legalForms: { input: string[]; entity: string[]; adjustment: number };
  nameScore: number;
  inputCoverage: number;
  entityCoverage: number;
  country: CountryEffect;
  partyType: PartyEffect;
};

export type ExplainInput = {
  query: ScreenQuery;
  inputForm: NameForm;
  record: NameRecord;
  entity: ListedEntity;
  cmp: NameComparison;
  country: CountryEffect;
  party: PartyEffect;
  legal: LegalFormEffect;
  score: number;
};

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const ASCII = /^[\x00-\x7f]*$/;

/** "Tech." → "tech. → technology"; plain folding is shown as the written word alone. */
function show(tokens: readonly Token[]): string {
  return tokens
    .map((t) => {
      const written = t.from;
      // ASCII has nothing to decompose and no marks to drop: most names skip the Unicode pass
      const folded = ASCII.test(written) ? written.toLowerCase() : written.toLowerCase().normalize("NFD").replace(/\p{M}+/gu, "");
      return folded === t.text || folded.replace(/[^a-z0-9]/g, "") === t.text ? written : `${written} → ${t.text}${t.via ? ` (${t.via})` : ""}`;
    })
    .join(" + ");
}

function legal(hits: readonly LegalFormHit[]): string[] {
  const out: string[] = [];
  for (const h of hits) out.push(`${h.text} (${h.lang}: ${h.meaning})`);
  return out;
}

function unmatched(list: readonly { token: Token; weight: number }[]): { token: string; weight: number }[] {
  const out: { token: string; weight: number }[] = [];
  for (const u of list) out.push({ token: show([u.token]), weight: r3(u.weight) });
  return out;
}

function transliteration(form: NameForm): { schemes: string[]; rendered: string } | undefined {
  if (!form.schemes) return undefined;
  const schemes: string[] = [];
  for (const s of form.schemes) schemes.push(s.label);
  return { schemes, rendered: form.rendered };
}

// built key by key in the report's order (no object spreads, no closures: this runs for every
// reported candidate, and V8 compiles plain code sooner and for less)
export function explain(x: ExplainInput): Explanation {
  const tokens: ExplainedToken[] = [];
  for (const p of x.cmp.pairs) tokens.push({ input: show(p.input), entity: show(p.entity), how: p.how, similarity: r3(p.similarity), weight: r3(p.weight) });
  const translitInput = transliteration(x.inputForm);
  const translitEntity = transliteration(x.record.form);
  const explanation: Explanation = { summary: "", matchedName: x.record.name } as Explanation;
  if (translitInput || translitEntity) {
    const t: NonNullable<Explanation["transliteration"]> = {};
    if (translitInput) t.input = translitInput;
    if (translitEntity) t.entity = translitEntity;
    explanation.transliteration = t;
  }
  explanation.tokens = tokens;
  explanation.unmatched = { input: unmatched(x.cmp.unmatchedInput), entity: unmatched(x.cmp.unmatchedEntity) };
  explanation.legalForms = { input: legal(x.inputForm.legalForms), entity: legal(x.record.form.legalForms), adjustment: x.legal.adjustment };
  explanation.nameScore = r3(x.cmp.score);
  explanation.inputCoverage = r3(x.cmp.inputCoverage);
  explanation.entityCoverage = r3(x.cmp.entityCoverage);
  explanation.country = x.country;
  explanation.partyType = x.party;
  explanation.summary = summarize(x, explanation);
  return explanation;
}

function summarize(x: ExplainInput, e: Explanation): string {
  const parts: string[] = [];
  const kind = e.matchedName.kind === "name" ? "name" : `${e.matchedName.kind}${e.matchedName.lang ? ` (${e.matchedName.lang})` : ""}`;
  parts.push(`${kind} "${e.matchedName.name}"`);
  if (e.transliteration?.input) parts.push(`input read as "${e.transliteration.input.rendered}" (${e.transliteration.input.schemes.join(", ")})`);
  if (e.transliteration?.entity) parts.push(`${kind} read as "${e.transliteration.entity.rendered}" (${e.transliteration.entity.schemes.join(", ")})`);
  if (e.tokens.length > 0) {
    let met = "";
    for (const t of e.tokens) met += (met ? ", " : "") + (t.how === "exact" && t.input === t.entity ? t.input : `${t.input} ~ ${t.entity} (${t.how} ${t.similarity})`);
    parts.push(met);
  } else parts.push("no token in common");
  if (e.unmatched.input.length) parts.push(`not in the entity's name: ${tokenList(e.unmatched.input)}`);
  if (e.unmatched.entity.length) parts.push(`not in the input: ${tokenList(e.unmatched.entity)}`);
  const forms: string[] = [];
  for (const h of x.inputForm.legalForms) if (!forms.includes(h.text)) forms.push(h.text);
  for (const h of x.record.form.legalForms) if (!forms.includes(h.text)) forms.push(h.text);
  if (forms.length) parts.push(`legal forms dropped: ${forms.join(", ")}${e.legalForms.adjustment ? ` (kinds differ: ${e.legalForms.adjustment})` : ""}`);
  parts.push(`name score ${e.nameScore}`);
  const c = e.country;
  if (c.effect === "agrees") parts.push(`country ${c.input} agrees (+${c.adjustment})`);
  else if (c.effect === "differs") parts.push(`country ${c.input} is not the entity's ${c.entity.join("/")} (${c.adjustment})`);
  else if (c.input) parts.push(`country ${c.input}: the entity has none (no effect)`);
  if (e.partyType.factor !== 1) parts.push(`a ${e.partyType.input} against a ${e.partyType.entity} (x${e.partyType.factor})`);
  return parts.join("; ");
}

function tokenList(list: readonly { token: string }[]): string {
  let s = "";
  for (const u of list) s += (s ? ", " : "") + u.token;
  return s;
}
