import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { catalogFreshness, DEFAULT_MAX_AGE_DAYS, describeStale } from "./freshness.js";

describe("catalog freshness", () => {
  const now = new Date("2026-12-01T23:30:00Z");

  it("counts whole UTC days from the catalog's date", () => {
    assert.deepEqual(catalogFreshness("2026-12-01", 30, now), { ageDays: 0, maxAgeDays: 30, stale: false });
    assert.deepEqual(catalogFreshness("2026-11-01", 30, now), { ageDays: 30, maxAgeDays: 30, stale: false });
    assert.deepEqual(catalogFreshness("2026-10-31", 30, now), { ageDays: 31, maxAgeDays: 30, stale: true });
    assert.equal(catalogFreshness("2026-12-03", 30, now).ageDays, -2);
    assert.equal(catalogFreshness("2026-11-22", undefined, now).maxAgeDays, DEFAULT_MAX_AGE_DAYS);
  });

  it("says how old, the maximum, and what to do", () => {
    const f = catalogFreshness("2026-10-01", 30, now);
    assert.equal(
      describeStale({ version: "2026.10.01", date: "2026-10-01" }, f),
      "catalog 2026.10.01 (2026-10-01) is 61 days old; the maximum is 30 (catalogMaxAgeDays): run `ictsguard catalog update` to get the current rules",
    );
  });
});
