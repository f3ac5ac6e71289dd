/**
 * `ictsguard timeline`: the real command on the bundled catalog, for Kaspersky and the reseller,
 * business and federal-contractor roles, on both sides of each phase boundary of the Final
 * Determination: 20 Jul 2024 (a date) and 29 Sep 2024 00:00 US Eastern (an instant).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import type { Timeline, TimelineStep } from "../src/render/timeline/model.js";
import { repoPath } from "../src/testing/index.js";
import { tempDir } from "../src/testing/temp.js";

const BIN = repoPath("bin/ictsguard.js");
function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tempDir("ictsguard-cwd-"), encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function timeline(role: string, today: string, vendor = "kaspersky"): Timeline {
  const r = run(["timeline", "--vendor", vendor, "--role", role, "--today", today, "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Timeline;
}
const FD = "us-bis-icts-fd-kaspersky-2024";
function step(t: Timeline, rule: string, phase: string): TimelineStep {
  const s = t.steps.find((x) => x.rule.id === rule && x.phase.id === phase);
  assert.ok(s, `${rule} ${phase} in the timeline`);
  return s;
}
/** The steps that have started on today are exactly those before the today mark. */
function todayMarkConsistent(t: Timeline): void {
  t.steps.forEach((s, i) => assert.equal(i < t.todayAt, s.state !== "upcoming", `${s.rule.id}/${s.phase.id} ${s.state} at ${i}, today at ${t.todayAt}`));
}

const BOUNDARIES = [
  { phase: "no-new-agreements", before: "2024-07-19", after: "2024-07-20", actions: ["buy", "renew"] },
  { phase: "updates-resale-integration-end", before: "2024-09-28T23:59:59-04:00", after: "2024-09-29T00:00:00-04:00", actions: ["update", "resell", "license", "integrate", "support"] },
] as const;

for (const role of ["reseller", "business", "federal-contractor"] as const) {
  describe(`timeline --vendor kaspersky --role ${role}`, () => {
    for (const b of BOUNDARIES) {
      it(`${b.phase}: upcoming on ${b.before}, in force from ${b.after}`, () => {
        const before = timeline(role, b.before);
        const after = timeline(role, b.after);
        assert.equal(step(before, FD, b.phase).state, "upcoming");
        assert.equal(step(after, FD, b.phase).state, "in-force");
        const s = step(after, FD, b.phase);
        assert.deepEqual([...new Set(s.changes.flatMap((c) => c.actions))].sort(), [...b.actions].sort());
        assert.ok(s.changes.every((c) => c.roles.includes("any") || c.roles.includes(role)));
        // citations: the rule's primary instrument first
        assert.match(s.citations[0]!.text, /89 FR 52434/);
        todayMarkConsistent(before);
        todayMarkConsistent(after);
        assert.equal(after.todayAt, before.todayAt + 1, "today moves past exactly this step");
      });
    }
  });
}

describe("timeline: what differs between roles", () => {
  it("federal-contractor: FAR 52.204-23 in force since 2018 with its 3-business-day report duty; a business has no such step", () => {
    const fc = timeline("federal-contractor", "2024-07-20");
    const far = step(fc, "us-ndaa18-1634-far-52-204-23", "in-force");
    assert.equal(far.state, "in-force");
    assert.equal(far.from, "2018-10-01");
    assert.ok(far.changes.some((c) => c.roles.includes("federal-contractor") && c.actions.includes("use")));
    assert.deepEqual(far.obligations.find((o) => o.businessDays)?.businessDays, [3]);
    const business = timeline("business", "2024-07-20");
    assert.ok(!business.steps.some((s) => s.rule.id === "us-ndaa18-1634-far-52-204-23"));
  });

  it("the steps are in date order and the rule's zone decides a date-only today (2024-09-29 is in force)", () => {
    const t = timeline("reseller", "2024-09-29");
    assert.equal(step(t, FD, "updates-resale-integration-end").state, "in-force");
    const starts = t.steps.map((s) => Date.parse(s.from.length > 10 ? s.from : `${s.from}T12:00:00Z`));
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
  });

  it("another vendor has other rules: Hikvision for a federal contractor shows section 889, not the Kaspersky rules", () => {
    const t = timeline("federal-contractor", "2025-01-01", "hikvision");
    assert.ok(t.steps.some((s) => s.rule.id === "us-ndaa19-889-far-52-204-25" && s.phase.id === "part-b" && s.state === "in-force"));
    assert.ok(!t.steps.some((s) => s.rule.id === FD));
  });

  it("a listing's inclusions are each vendor's own: Kaspersky's FCC Covered List steps are 2022-03-25 and 2024-07-23 (unconfirmed), Huawei's 2021-03-12", () => {
    // the 2021 initial list named Huawei, ZTE, Hytera, Hikvision and Dahua, not Kaspersky
    for (const role of ["business", "reseller"]) {
      const t = timeline(role, "2025-01-01");
      const fcc = t.steps.filter((s) => s.rule.id === "us-fcc-covered-list");
      assert.deepEqual(
        fcc.map((s) => [s.from, s.phase.id, s.fromConfirmed]),
        [
          ["2022-03-25", "kaspersky-china-mobile-china-telecom-added", true],
          ["2023-02-06", "no-equipment-authorization", true],
          ["2024-07-23", "kaspersky-lab-inc-added", false],
        ],
        role,
      );
      assert.match(step(t, "us-fcc-covered-list", "kaspersky-china-mobile-china-telecom-added").obligations[0]!.text, /no FCC-administered federal subsidy/);
    }
    const huawei = timeline("business", "2025-01-01", "huawei").steps.filter((s) => s.rule.id === "us-fcc-covered-list");
    assert.deepEqual(
      huawei.map((s) => s.phase.id),
      ["initial-list", "no-equipment-authorization"],
    );
  });

  it("table and html outputs mark today; html has the no-script policy", () => {
    const table = run(["timeline", "--vendor", "kaspersky", "--role", "reseller", "--today", "2024-08-01", "-o", "table"]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.split("\n");
    const today = lines.findIndex((l) => l.includes("▶ 2024-08-01") && l.includes("TODAY"));
    const sep = lines.findIndex((l) => l.startsWith("2024-09-29T00:00:00-04:00"));
    const jul = lines.findIndex((l) => l.startsWith("2024-07-20"));
    assert.ok(jul >= 0 && jul < today && today < sep, `order: ${jul} ${today} ${sep}`);
    const html = run(["timeline", "--vendor", "kaspersky", "--role", "reseller", "--today", "2024-08-01", "-o", "html"]);
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
    assert.match(html.stdout, /<tr class="today" id="today"><td>▶ 2024-08-01<\/td>/);
    assert.ok(!/<script/i.test(html.stdout));
  });

  it("an unknown vendor or role is a usage error (exit 2)", () => {
    const v = run(["timeline", "--vendor", "kasperskyy"]);
    assert.equal(v.code, 2);
    assert.match(v.stderr, /no entity "kasperskyy"; expected one of .*kaspersky/);
    const r = run(["timeline", "--role", "astronaut"]);
    assert.equal(r.code, 2);
    const d = run(["timeline", "--today", "2024-13-01"]);
    assert.equal(d.code, 2);
  });
});
