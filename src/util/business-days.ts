/**
 * @module
 * US federal business days: weekdays that are not federal holidays. The holidays are computed
 * by the rules of 5 U.S.C. 6103(a), not listed: fixed dates (New Year's Day, Juneteenth since
 * 2021, Independence Day, Veterans Day, Christmas) move to the Friday before when they fall on a
 * Saturday and to the Monday after on a Sunday (Executive Order 11582 and 5 U.S.C. 6103(b)), and
 * the Monday or Thursday holidays are the nth (or last) weekday of their month. Inauguration Day
 * (a holiday only around Washington, D.C.) and one-off closures by executive order are not
 * included: a deadline counted here is never later than one counted with them.
 *
 * Dates are calendar dates `YYYY-MM-DD`, computed in UTC so that no local time zone moves them.
 */

export type Holiday = {
  /** The day it is observed (a weekday). */
  date: string;
  name: string;
  /** The calendar date when it is observed on another day. */
  actual?: string;
};

const DAY_MS = 86_400_000;

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function utc(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day);
}

/** The nth (1-based) given weekday (0 Sunday ... 6 Saturday) of a month; n = -1 for the last. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = utc(year, month, 1);
    const shift = (weekday - new Date(first).getUTCDay() + 7) % 7;
    return first + (shift + (n - 1) * 7) * DAY_MS;
  }
  const last = utc(year, month + 1, 1) - DAY_MS;
  const back = (new Date(last).getUTCDay() - weekday + 7) % 7;
  return last - back * DAY_MS;
}

/** A fixed-date holiday moved off the weekend: Saturday to Friday, Sunday to Monday. */
function observed(ms: number): number {
  const day = new Date(ms).getUTCDay();
  return day === 6 ? ms - DAY_MS : day === 0 ? ms + DAY_MS : ms;
}

/** The holidays of one calendar year as established by law, before any weekend shift. */
function holidaysByLaw(year: number): { ms: number; name: string; fixed: boolean }[] {
  const list = [
    { ms: utc(year, 1, 1), name: "New Year's Day", fixed: true },
    { ms: nthWeekday(year, 1, 1, 3), name: "Birthday of Martin Luther King, Jr.", fixed: false },
    { ms: nthWeekday(year, 2, 1, 3), name: "Washington's Birthday", fixed: false },
    { ms: nthWeekday(year, 5, 1, -1), name: "Memorial Day", fixed: false },
    ...(year >= 2021 ? [{ ms: utc(year, 6, 19), name: "Juneteenth National Independence Day", fixed: true }] : []),
    { ms: utc(year, 7, 4), name: "Independence Day", fixed: true },
    { ms: nthWeekday(year, 9, 1, 1), name: "Labor Day", fixed: false },
    { ms: nthWeekday(year, 10, 1, 2), name: "Columbus Day", fixed: false },
    { ms: utc(year, 11, 11), name: "Veterans Day", fixed: true },
    { ms: nthWeekday(year, 11, 4, 4), name: "Thanksgiving Day", fixed: false },
    { ms: utc(year, 12, 25), name: "Christmas Day", fixed: true },
  ];
  // Martin Luther King, Jr. Day is observed from 1986 (Pub. L. 98-144)
  return year >= 1986 ? list : list.filter((h) => !h.name.startsWith("Birthday of Martin"));
}

const byYear = new Map<number, Holiday[]>();

/**
 * The federal holidays observed in a calendar year, in date order. New Year's Day of the next
 * year falling on a Saturday is observed on 31 December of this one.
 */
export function federalHolidays(year: number): Holiday[] {
  const cached = byYear.get(year);
  if (cached) return cached;
  const list: Holiday[] = [];
  for (const y of [year, year + 1]) {
    for (const h of holidaysByLaw(y)) {
      const day = h.fixed ? observed(h.ms) : h.ms;
      if (new Date(day).getUTCFullYear() !== year) continue;
      list.push({ date: iso(day), name: h.name, ...(day !== h.ms ? { actual: iso(h.ms) } : {}) });
    }
  }
  list.sort((a, b) => a.date.localeCompare(b.date));
  byYear.set(year, list);
  return list;
}

/** The federal holiday observed on a date, if any. */
export function federalHolidayOn(date: string): Holiday | undefined {
  return federalHolidays(Number(date.slice(0, 4))).find((h) => h.date === date);
}

function parseDay(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || iso(Date.parse(`${date}T00:00:00Z`)) !== date) {
    throw new RangeError(`not a calendar date YYYY-MM-DD: "${date}"`);
  }
  return Date.parse(`${date}T00:00:00Z`);
}

/** Whether a date is a weekday that is not a federal holiday. */
export function isBusinessDay(date: string): boolean {
  const day = new Date(parseDay(date)).getUTCDay();
  return day !== 0 && day !== 6 && federalHolidayOn(date) === undefined;
}

/** A day that was not counted, and why. */
export type SkippedDay = { date: string; why: "Saturday" | "Sunday" | string };

/**
 * The date `n` business days after `start`: the start day itself is not counted (a duty "within
 * 1 business day" of a Friday discovery falls due on the next business day, Monday, or Tuesday
 * when that Monday is a holiday). Also returns the weekend days and holidays skipped on the way.
 */
export function addBusinessDays(start: string, n: number): { date: string; skipped: SkippedDay[] } {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`business days must be a whole number of at least 0, got ${n}`);
  let ms = parseDay(start);
  const skipped: SkippedDay[] = [];
  let counted = 0;
  while (counted < n) {
    ms += DAY_MS;
    const date = iso(ms);
    const day = new Date(ms).getUTCDay();
    if (day === 6 || day === 0) skipped.push({ date, why: day === 6 ? "Saturday" : "Sunday" });
    else {
      const holiday = federalHolidayOn(date);
      if (holiday) skipped.push({ date, why: holiday.name });
      else counted++;
    }
  }
  return { date: iso(ms), skipped };
}
