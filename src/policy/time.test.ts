import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasStarted, isValidDate, parseAsOf } from "./time.js";

describe("time", () => {
  it("parses dates and instants, and rejects impossible ones", () => {
    assert.deepEqual(parseAsOf("2024-09-29"), { date: "2024-09-29" });
    assert.equal(parseAsOf("2024-09-29T00:00:00-04:00").instant, Date.parse("2024-09-29T04:00:00Z"));
    for (const bad of ["2024-02-30", "29/09/2024", "2024-09-29T00:00", "yesterday"]) assert.throws(() => parseAsOf(bad), /invalid date/);
    assert.equal(isValidDate("2024-02-29"), true);
    assert.equal(isValidDate("2023-02-29"), false);
  });
  it("a zoned start applies on its own calendar date", () => {
    assert.equal(hasStarted("2024-09-29T00:00:00-04:00", parseAsOf("2024-09-29")), true);
    assert.equal(hasStarted("2024-09-29T00:00:00-04:00", parseAsOf("2024-09-28")), false);
    assert.equal(hasStarted("2024-07-20", parseAsOf("2024-07-19")), false);
    assert.equal(hasStarted("2024-07-20", parseAsOf("2024-07-20")), true);
  });
});

describe("dates in the rule's zone", () => {
  it("an instant is read as its date in US Eastern; a date starts at 00:00 there", async () => {
    const { dateInZone, startOfDateInZone, hasStarted } = await import("./time.js");
    assert.equal(dateInZone(Date.parse("2024-07-20T03:59:59Z"), "America/New_York"), "2024-07-19");
    assert.equal(dateInZone(Date.parse("2024-07-20T04:00:00Z"), "America/New_York"), "2024-07-20");
    assert.equal(startOfDateInZone("2024-07-20", "America/New_York"), Date.parse("2024-07-20T04:00:00Z"), "EDT");
    assert.equal(startOfDateInZone("2024-01-15", "America/New_York"), Date.parse("2024-01-15T05:00:00Z"), "EST");
    assert.equal(hasStarted("2024-07-20", parseAsOf("2024-07-20T02:00:00Z")), false, "22:00 EDT on 19 Jul");
    assert.equal(hasStarted("2024-07-20", parseAsOf("2024-07-20T00:30:00-04:00")), true);
    assert.equal(hasStarted("2024-07-20", parseAsOf("2024-07-20")), true);
  });
});
