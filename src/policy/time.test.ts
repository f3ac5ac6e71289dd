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
