/**
 * The scanner skips the matchers for an observation whose own fields hold no catalog literal
 * (scanner.ts `cannotMatch`). That must never cost recall: every identifier, alias, publisher,
 * brand and look-alike of the bundled catalog (looped over from the catalog's data), put in the
 * observation field where readers put it (name, vendor, path, purl, CPE, bundle id, signer ...),
 * plainly and in harder spellings (upper case, inside a longer name, beside non-ASCII text), gives
 * the scanner exactly the findings and look-alikes that the matchers give it; and clean
 * observations are still counted.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog, IdentifierKind, IdentifierValue } from "../model/catalog.js";
import type { Observation } from "../model/observation.js";
import { aliasName, buildCatalogIndex, identifierValue, type CatalogIndex } from "../match/catalog-index.js";
import { matchObservation } from "../match/index.js";
import { createScanner } from "./scanner.js";

let catalog: Catalog;
let index: CatalogIndex;

before(async () => {
  catalog = await loadCatalogOrThrow();
  index = buildCatalogIndex(catalog);
});

type Shape = Omit<Observation, "source" | "host">;

/** Where readers put one catalog value of this kind in an observation. */
function shapes(kind: IdentifierKind | "name" | "publisher", raw: string): Shape[] {
  const v = raw.replace(/\*$/, "");
  const prefixed = (s: string) => (raw.endsWith("*") ? `${s}21` : s);
  switch (kind) {
    case "name":
      return [{ kind: "software", name: prefixed(v) }, { kind: "component", name: prefixed(v), version: "1.0" }];
    case "publisher":
      return [{ kind: "software", name: "Something Else", vendor: v }];
    case "processes":
      return [{ kind: "process", name: prefixed(v) }];
    case "services":
      return [{ kind: "service", name: prefixed(v) }];
    case "drivers":
      return [{ kind: "driver", name: prefixed(v) }];
    case "domains":
      return [{ kind: "domain", name: v }];
    case "signers":
      return [{ kind: "signer", name: v }, { kind: "software", name: "App", ids: { signer: v } }];
    case "extensionIds":
      return [{ kind: "extension", name: "Extension", ids: { extensionId: v } }];
    case "androidPackages":
      return [{ kind: "mobile-app", name: "App", ids: { packageId: v.endsWith(".") ? `${v}app` : v } }];
    case "bundleIds":
    case "bundleIdPrefixes":
      return [{ kind: "software", name: "App", ids: { bundleId: v.endsWith(".") ? `${v}app` : prefixed(v) } }];
    case "packages": {
      const name = v.slice(v.lastIndexOf("/") + 1);
      return [{ kind: "package", name, ids: { purl: `pkg:${v.replace(/\/\*$/, "/x")}@1.0` } }, { kind: "package", name }];
    }
    case "cpes": {
      const [vendor, product] = v.split(":");
      return [{ kind: "software", name: "Product", ids: { cpe: `cpe:2.3:a:${vendor}:${product || "anything"}:1.0:*:*:*:*:*:*:*` } }];
    }
    case "paths":
      return [{ kind: "software", name: "Tool", path: `${v.replace(/[\\/]$/, "")}\\bin\\tool.exe` }];
    case "deviceModels":
      return [{ kind: "device", name: prefixed(v), ids: { model: prefixed(v) } }];
    case "macOuis":
      return [{ kind: "device", name: "Camera", ids: { mac: `${v}:aa:bb:cc`.toLowerCase() } }];
  }
}

/** The same shape with every value spelled harder: upper case, inside a longer name, beside non-ASCII text. */
function spellings(shape: Shape): Shape[] {
  const map = (s: Shape, f: (x: string) => string): Shape => ({
    ...s,
    name: f(s.name),
    ...(s.vendor ? { vendor: f(s.vendor) } : {}),
    ...(s.path ? { path: f(s.path) } : {}),
    ...(s.ids ? { ids: Object.fromEntries(Object.entries(s.ids).map(([k, x]) => [k, f(x as string)])) } : {}),
  });
  return [shape, map(shape, (x) => x.toUpperCase()), map(shape, (x) => `x ${x} 2.0`), map(shape, (x) => `Ω ${x}`)];
}

function observations(): Observation[] {
  const out: Shape[] = [];
  const ids = (identifiers: Partial<Record<IdentifierKind, IdentifierValue[]>>): void => {
    for (const [kind, values] of Object.entries(identifiers) as [IdentifierKind, IdentifierValue[] | undefined][]) {
      for (const v of values ?? []) out.push(...shapes(kind, identifierValue(v).value));
    }
  };
  for (const p of catalog.products) {
    ids(p.identifiers);
    for (const a of [p.name, ...p.aliases.map(aliasName)]) out.push(...shapes("name", a));
  }
  for (const e of catalog.entities) {
    if (e.type === "person") continue;
    for (const n of [e.name, ...e.aliases.map(aliasName), ...e.publishers]) out.push(...shapes("publisher", n), ...shapes("name", `${n} tools`));
  }
  for (const l of catalog.lookalikes) {
    for (const n of l.names) out.push(...shapes("name", n));
    for (const p of l.publishers) out.push(...shapes("publisher", p));
    ids(l.identifiers);
  }
  const clean: Shape[] = [
    { kind: "software", name: "Google Chrome", vendor: "Google LLC", path: "C:\\Program Files\\Google\\" },
    { kind: "component", name: "left-pad", ids: { purl: "pkg:npm/left-pad@1.3.0", sha256: "0".repeat(64) } },
  ];
  // one host per observation: each match is a finding of its own
  return [...out.flatMap(spellings), ...clean].map((s, i) => ({ ...s, host: `h-${i}`, source: { file: "t", record: i + 1 } }) as Observation);
}

describe("scanner: the prefilter on observations", () => {
  it("gives every catalog value, in every field and spelling, the matchers' findings and look-alikes", async () => {
    const all = observations();
    assert.ok(all.length > 1000, `${all.length} observations`);
    const expected = new Set<string>();
    let lookalikes = 0;
    for (const o of all) {
      const r = matchObservation(o, index);
      for (const m of r.matches) expected.add(`${o.host} ${m.product.id}`);
      if (r.lookalike) lookalikes++;
    }
    assert.ok(expected.size > 500 && lookalikes > 50, `${expected.size} matches, ${lookalikes} look-alikes`);
    const scanner = createScanner({ catalog, profile: "business", asOf: "2025-06-01" });
    for (const o of all) scanner.add(o);
    const report = await scanner.finish();
    const found = new Set([...report.findings, ...report.suppressed].map((f) => `${f.observation.host} ${f.product}`));
    // browsing domains are informational, one entry per client and vendor, naming the product of each domain
    for (const i of report.informational ?? []) for (const d of i.network.domains) found.add(`${i.network.client} ${d.product}`);
    assert.deepEqual([...expected].filter((k) => !found.has(k)), [], "no match is lost");
    assert.deepEqual([...found].filter((k) => !expected.has(k)), [], "no match is made up");
    assert.equal(report.summary.lookalikes, lookalikes);
    assert.equal(report.summary.observations, all.length);
  });

  it("skips the matchers for clean observations, which are still counted", async () => {
    const scanner = createScanner({ catalog, profile: "business", asOf: "2025-06-01" });
    for (let i = 0; i < 100; i++) scanner.add({ kind: "component", name: `left-pad-${i}`, ids: { purl: `pkg:npm/left-pad-${i}@1.3.${i}` }, source: { file: "t", record: i + 1 } });
    const report = await scanner.finish();
    assert.equal(report.summary.observations, 100);
    assert.equal(report.findings.length + report.summary.lookalikes, 0);
    assert.equal(scanner.prefilter().mayMatchText("pkg:npm/left-pad@1.3.0"), false, "a clean purl holds no literal");
    assert.equal(scanner.prefilter().mayMatchText("pkg:npm/%6baspersky@1"), true, "a %-escape is not judged");
  });
});
