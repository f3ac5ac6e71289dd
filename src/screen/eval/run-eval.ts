/**
 * @module
 * `ictsguard screen eval`: scores every pair of the labelled set with ictsguard and, in the same
 * run, with the two baselines (fuse.js, and per-term edit distance as the CSL's fuzzy search
 * works), against the same lists, and reports precision, recall and F1 over thresholds, the best
 * F1 of each, and recall per treatment.
 *
 * Each system searches the whole reference (catalog and lists), as a user's screening would, and
 * a pair's score is the score that search gives the labelled entity (0 when it is not found);
 * the CSL baseline scores the pair directly, which is what its full-text search does for every
 * name holding a matching term.
 */
import { existsSync } from "node:fs";
import type { Catalog } from "../../model/catalog.js";
import { IctsError } from "../../model/errors.js";
import { packagePath } from "../../util/package-root.js";
import { ScreeningCorpus } from "../engine/corpus.js";
import { screenName } from "../engine/screen-name.js";
import { catalogEntities } from "../lists/catalog.js";
import { readOfacSdn } from "../lists/ofac-sdn.js";
import { readList } from "../lists/store.js";
import type { ListedEntity } from "../model.js";
import { cslTermScore } from "./baselines/csl-terms.js";
import { createFuseBaseline } from "./baselines/fuse.js";
import { best, byTreatment, curve, type CurvePoint, type Scored } from "./metrics.js";
import { loadEvalSet } from "./set.js";

export const DEFAULT_SET = packagePath("src/screen/eval/pairs.csv");
const SDN_FIXTURE = packagePath("src/screen/lists/testdata/ofac-sdn");

export type SystemReport = { name: string; description: string; curve: CurvePoint[]; best: CurvePoint; treatments: Record<string, { n: number; hit: number }>; seconds: number; unavailable?: string };
export type EvalReport = { set: string; pairs: number; positives: number; negatives: number; reference: { lists: string[]; entities: number; names: number }; systems: SystemReport[] };

/** The reference the set's entity keys refer to: the catalog and the bundled SDN sample, or the imported lists named. */
export async function evalReference(catalog: Catalog, lists?: readonly string[]): Promise<{ entities: ListedEntity[]; names: string[] }> {
  const entities: ListedEntity[] = catalogEntities(catalog);
  if (lists && lists.length > 0) {
    for (const name of lists) for (const e of readList(name).entities) entities.push({ ...e, list: name });
    return { entities, names: ["catalog", ...lists] };
  }
  if (!existsSync(`${SDN_FIXTURE}/sdn.csv`)) {
    throw new IctsError("eval/reference", `the bundled OFAC SDN sample (${SDN_FIXTURE}) is in the source repository, not in the installed package: give --list with an imported ofac-sdn list`);
  }
  const sdn = await readOfacSdn({ sdn: `${SDN_FIXTURE}/sdn.csv`, alt: `${SDN_FIXTURE}/alt.csv`, add: `${SDN_FIXTURE}/add.csv` }, { issues: [] });
  for (const e of sdn) entities.push({ ...e, list: "ofac-sdn" });
  return { entities, names: ["catalog", "ofac-sdn"] };
}

export async function runEval(catalog: Catalog, options: { set?: string; lists?: readonly string[]; baselines?: boolean } = {}): Promise<EvalReport> {
  const setPath = options.set ?? DEFAULT_SET;
  const pairs = await loadEvalSet(setPath);
  const { entities, names } = await evalReference(catalog, options.lists);
  const byKey = new Map(entities.map((e) => [`${e.list}:${e.id}`, e]));
  for (const p of pairs) {
    const missing = p.entities.find((k) => !byKey.has(k));
    if (missing) throw new IctsError("eval/entity", `${setPath}:${p.line}: entity ${missing} is not in the reference (${names.join(", ")})`);
  }
  const systems: SystemReport[] = [];
  const report = (name: string, description: string, scores: Scored[], seconds: number): SystemReport => {
    const c = curve(scores);
    const b = best(c);
    return { name, description, curve: c, best: b, treatments: Object.fromEntries(byTreatment(scores, b.threshold)), seconds };
  };

  let t = process.hrtime.bigint();
  const corpus = new ScreeningCorpus(entities);
  const ours = pairs.map((p): Scored => {
    const found = screenName(corpus, { name: p.input, ...(p.country ? { country: p.country } : {}) }, { threshold: 1, limit: 50, minScore: 0 });
    const score = Math.max(0, ...found.filter((c) => p.entities.includes(`${c.entity.list}:${c.entity.id}`)).map((c) => c.score));
    return { label: p.label, score, treatment: p.treatment };
  });
  systems.push(report("ictsguard", "this matcher (weighted tokens, transliteration, legal forms, candidate index)", ours, seconds(t)));

  if (options.baselines !== false) {
    t = process.hrtime.bigint();
    const fuse = await createFuseBaseline(entities);
    if ("unavailable" in fuse) {
      systems.push({ name: "fuse.js", description: "fuse.js 7 over every name and alias", curve: [], best: curve([])[0]!, treatments: {}, seconds: 0, unavailable: fuse.unavailable });
    } else {
      const scores = pairs.map((p): Scored => {
        const found = fuse.search(p.input);
        return { label: p.label, score: Math.max(0, ...p.entities.map((k) => found.get(k) ?? 0)), treatment: p.treatment };
      });
      systems.push(report("fuse.js", "fuse.js 7 over every name and alias (ignoreLocation, default threshold 0.6)", scores, seconds(t)));
    }
    t = process.hrtime.bigint();
    const csl = pairs.map((p): Scored => {
      const score = Math.max(0, ...p.entities.flatMap((k) => { const e = byKey.get(k)!; return [e.name, ...e.aliases.map((a) => a.name)].map((n) => cslTermScore(p.input, n)); }));
      return { label: p.label, score, treatment: p.treatment };
    });
    systems.push(report("csl-terms", "per-term Damerau-Levenshtein as the CSL API's fuzzy_name search", csl, seconds(t)));
  }
  return {
    set: setPath,
    pairs: pairs.length,
    positives: pairs.filter((p) => p.label).length,
    negatives: pairs.filter((p) => !p.label).length,
    reference: { lists: names, entities: entities.length, names: corpus.size.names },
    systems,
  };
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The report as text: one table per system, then the best of each side by side, then recall per treatment. */
export function formatEvalReport(r: EvalReport): string {
  const pct = (x: number) => (x * 100).toFixed(1).padStart(5);
  let s = `evaluation set ${r.set}: ${r.pairs} pairs (${r.positives} true, ${r.negatives} hard negatives)\n`;
  s += `reference: ${r.reference.lists.join(" + ")} (${r.reference.entities} entities, ${r.reference.names} name forms)\n`;
  for (const sys of r.systems) {
    s += `\n${sys.name}: ${sys.description}${sys.unavailable ? `\n  skipped: ${sys.unavailable}` : ` (${sys.seconds.toFixed(1)} s)`}\n`;
    if (sys.unavailable) continue;
    s += "  threshold  precision  recall     F1    TP   FP   FN\n";
    for (const p of sys.curve) s += `  ${p.threshold.toFixed(2).padStart(9)}  ${pct(p.precision)}%    ${pct(p.recall)}%  ${pct(p.f1)}%  ${String(p.tp).padStart(4)} ${String(p.fp).padStart(4)} ${String(p.fn).padStart(4)}\n`;
  }
  const shown = r.systems.filter((x) => !x.unavailable);
  s += "\nbest F1 of each system\n  system       threshold  precision  recall     F1\n";
  for (const x of shown) s += `  ${x.name.padEnd(12)} ${x.best.threshold.toFixed(2).padStart(9)}  ${pct(x.best.precision)}%    ${pct(x.best.recall)}%  ${pct(x.best.f1)}%\n`;
  const treatments = [...new Set(shown.flatMap((x) => Object.keys(x.treatments)))].sort();
  s += `\nper treatment at each system's best threshold (true pairs: share found; hard negatives: share flagged)\n  ${"treatment".padEnd(20)}${shown.map((x) => x.name.padStart(12)).join("")}\n`;
  for (const t of treatments) {
    s += `  ${t.padEnd(20)}${shown.map((x) => { const v = x.treatments[t]; return (v ? `${v.hit}/${v.n}` : "-").padStart(12); }).join("")}\n`;
  }
  return s;
}
