/**
 * Scan and check must never disagree. For every catalog product, every scan profile and dates on
 * both sides of every phase boundary, the scan's status is derived here from `check` decisions,
 * the way docs/cli.md states it, and compared with what `judge` says:
 *
 * - prohibited: check says `prohibited` for one of the profile's holding actions;
 * - unsupported: otherwise, check says `update` is prohibited (or needs a license);
 * - deadline: otherwise, some action's decision becomes stricter on a coming date (`next`);
 * - review: otherwise (a vendor only listed, a category carved out, a rule left for review by a
 *   condition the tool cannot see), and always for the vendor's own removal tool (removal under way).
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadCatalogOrThrow } from "../catalog/index.js";
import type { Catalog, Profile } from "../model/catalog.js";
import { ACTIONS, PROFILES } from "../model/vocabulary.js";
import type { CheckResult } from "../model/decision.js";
import type { Match, Status } from "../model/finding.js";
import { buildCatalogIndex, productRef, type CatalogIndex } from "../match/index.js";
import { createChecker, type Checker } from "./check.js";
import { createPolicy, type Policy } from "./judge.js";
import { parseAsOf } from "./time.js";

let catalog: Catalog;
let index: CatalogIndex;
let policy: Policy;
let checker: Checker;
before(async () => {
  catalog = await loadCatalogOrThrow();
  index = buildCatalogIndex(catalog);
  policy = createPolicy(index);
  checker = createChecker(index);
});

/** The day before a date (UTC calendar arithmetic). */
function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Dates on both sides of every phase start and end: the day before and the day; for instants also a minute before and the instant. */
function boundaryDates(c: Catalog): string[] {
  const dates = new Set<string>(["2010-01-01", "2035-01-01"]);
  for (const rule of c.rules) {
    for (const phase of rule.phases) {
      for (const at of [phase.from, phase.to].filter((x): x is string => x !== undefined)) {
        const day = at.slice(0, 10);
        dates.add(day);
        dates.add(dayBefore(day));
        if (at.length > 10) {
          dates.add(at);
          const minuteBefore = new Date(Date.parse(at) - 60_000).toISOString().replace(".000Z", "Z");
          dates.add(minuteBefore);
        }
      }
    }
  }
  return [...dates].sort();
}

function statusFromChecks(profile: Profile, checks: Map<string, CheckResult>): Status {
  const holding = catalog.profiles.find((p) => p.id === profile)!.holdingActions;
  if (holding.some((a) => checks.get(a)!.decision === "prohibited")) return "prohibited";
  if (["prohibited", "license-required"].includes(checks.get("update")!.decision)) return "unsupported";
  if ([...checks.values()].some((r) => r.next !== undefined)) return "deadline";
  return "review";
}

describe("scan and check agree", () => {
  it("for every catalog product, every profile and dates spanning every phase boundary", () => {
    const dates = boundaryDates(catalog);
    assert.ok(dates.length > 30, `${dates.length} dates`);
    let compared = 0;
    const seen = new Set<Status>();
    for (const product of catalog.products) {
      const group = index.groupOf(product.vendor);
      const match: Match = {
        observation: { kind: "software", name: product.name, source: { file: "agreement" } },
        product: productRef(product),
        vendor: { id: group.id, name: group.name, ...(group.country ? { country: group.country } : {}) },
        confidence: 0.95,
        evidence: [],
      };
      for (const profile of PROFILES) {
        for (const date of dates) {
          const judged = policy.judge(match, profile, parseAsOf(date));
          const checks = new Map(ACTIONS.map((action) => [action, checker.check({ role: profile, action, product: product.id, date })]));
          const expected = product.removalTool ? "review" : statusFromChecks(profile, checks);
          assert.equal(judged.status, expected, `${product.id} ${profile} ${date}: scan says ${judged.status} (${judged.reason}); check says ${expected}`);
          // the date scan names is the date check names as the next change
          if (judged.status === "deadline") {
            const nexts = [...checks.values()].map((r) => r.next?.from).filter((x): x is string => x !== undefined);
            assert.ok(nexts.includes(judged.deadlines[0]!.date), `${product.id} ${profile} ${date}: ${judged.deadlines[0]!.date} not in ${nexts.join(", ")}`);
          }
          seen.add(judged.status);
          compared++;
        }
      }
    }
    assert.deepEqual([...seen].sort(), ["deadline", "prohibited", "review", "unsupported"], "every status occurs");
    assert.ok(compared > catalog.products.length * PROFILES.length * 30, `${compared} comparisons`);
  });
});
