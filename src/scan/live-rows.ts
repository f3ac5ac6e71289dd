/**
 * @module
 * The rows of osqueryd differential logs still on their host, per finding. osqueryd logs a row
 * `added` when a query first sees it and `removed` when it is gone (Kaspersky uninstalled, a
 * process ended), with the same columns both times. A finding counts its rows; a `removed` row
 * takes back one earlier `added` row of the same host, query and columns (the same finding, as
 * the same columns match the same products), and a finding all of whose rows were taken back is
 * no longer on its host. A `removed` row whose `added` row is not in what was read (an earlier,
 * rotated log) takes back nothing: what is on the host is never taken back by a guess.
 */

/** finding id → row (ObservationChange.row) → times added and not removed since. */
export type LiveRows = {
  /** One more `added` row of this finding. */
  added(findingId: string, row: string): void;
  /** Takes back one earlier `added` row; false when there is none to take back. */
  removed(findingId: string, row: string): boolean;
};

export function createLiveRows(): LiveRows {
  const byFinding = new Map<string, Map<string, number>>();
  return {
    added(findingId, row) {
      let rows = byFinding.get(findingId);
      if (rows === undefined) byFinding.set(findingId, (rows = new Map()));
      rows.set(row, (rows.get(row) ?? 0) + 1);
    },
    removed(findingId, row) {
      const rows = byFinding.get(findingId);
      const n = rows?.get(row);
      if (rows === undefined || n === undefined) return false;
      if (n === 1) rows.delete(row);
      else rows.set(row, n - 1);
      return true;
    },
  };
}
