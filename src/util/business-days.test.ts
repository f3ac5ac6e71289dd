import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addBusinessDays, federalHolidayOn, federalHolidays, isBusinessDay } from "./business-days.js";

describe("federal holidays by rule (5 U.S.C. 6103)", () => {
  it("2025: the eleven holidays on the days OPM lists", () => {
    assert.deepEqual(
      federalHolidays(2025).map((h) => h.date),
      ["2025-01-01", "2025-01-20", "2025-02-17", "2025-05-26", "2025-06-19", "2025-07-04", "2025-09-01", "2025-10-13", "2025-11-11", "2025-11-27", "2025-12-25"],
    );
  });

  it("moves a Saturday holiday to Friday and a Sunday one to Monday", () => {
    // Independence Day 2026 is a Saturday; Juneteenth 2022 a Sunday; Christmas 2022 a Sunday
    assert.equal(federalHolidayOn("2026-07-03")?.name, "Independence Day");
    assert.equal(federalHolidayOn("2026-07-03")?.actual, "2026-07-04");
    assert.equal(federalHolidayOn("2026-07-04"), undefined);
    assert.equal(federalHolidayOn("2022-06-20")?.name, "Juneteenth National Independence Day");
    assert.equal(federalHolidayOn("2022-12-26")?.name, "Christmas Day");
  });

  it("New Year's Day on a Saturday is observed on 31 December of the year before", () => {
    // 1 Jan 2022 was a Saturday
    assert.equal(federalHolidayOn("2021-12-31")?.name, "New Year's Day");
    assert.ok(!federalHolidays(2022).some((h) => h.name === "New Year's Day"));
  });

  it("Juneteenth only from 2021", () => {
    assert.equal(federalHolidayOn("2020-06-19"), undefined);
    assert.equal(federalHolidayOn("2021-06-18")?.name, "Juneteenth National Independence Day"); // 19 Jun 2021 was a Saturday
    assert.equal(federalHolidayOn("2024-06-19")?.name, "Juneteenth National Independence Day");
  });

  it("nth-weekday holidays: Thanksgiving is the fourth Thursday, Memorial Day the last Monday", () => {
    assert.equal(federalHolidayOn("2024-11-28")?.name, "Thanksgiving Day");
    assert.equal(federalHolidayOn("2024-05-27")?.name, "Memorial Day");
    assert.equal(federalHolidayOn("2021-05-31")?.name, "Memorial Day");
    assert.equal(federalHolidayOn("2023-11-23")?.name, "Thanksgiving Day");
  });
});

describe("business days", () => {
  it("weekends and holidays are not business days", () => {
    assert.equal(isBusinessDay("2025-08-30"), false); // Saturday
    assert.equal(isBusinessDay("2025-09-01"), false); // Labor Day
    assert.equal(isBusinessDay("2025-09-02"), true);
  });

  it("a Friday discovery before Labor Day: 1, 3 and 10 business days skip the weekend and the Monday holiday", () => {
    const one = addBusinessDays("2025-08-29", 1);
    assert.equal(one.date, "2025-09-02");
    assert.deepEqual(one.skipped.map((s) => s.why), ["Saturday", "Sunday", "Labor Day"]);
    assert.equal(addBusinessDays("2025-08-29", 3).date, "2025-09-04");
    assert.equal(addBusinessDays("2025-08-29", 10).date, "2025-09-15"); // Tue 2 ... Fri 5 (4), Mon 8 ... Fri 12 (9), Mon 15
  });

  it("counts across the year end (Christmas and New Year's Day)", () => {
    // Wed 24 Dec 2025: Thu 25 holiday, Fri 26, Mon 29, Tue 30, Wed 31, Thu 1 Jan holiday, Fri 2 Jan
    assert.equal(addBusinessDays("2025-12-24", 1).date, "2025-12-26");
    assert.equal(addBusinessDays("2025-12-24", 5).date, "2026-01-02");
  });

  it("zero days is the start date; bad input is refused", () => {
    assert.equal(addBusinessDays("2025-03-05", 0).date, "2025-03-05");
    assert.throws(() => addBusinessDays("2025-02-30", 1), /calendar date/);
    assert.throws(() => addBusinessDays("2025-02-03", -1), /whole number/);
  });
});
