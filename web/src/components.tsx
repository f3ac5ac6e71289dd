import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { flexRender, getCoreRowModel, getSortedRowModel, useReactTable, type ColumnDef, type RowSelectionState, type SortingState } from "@tanstack/react-table";
import { ApiFailure } from "./api.ts";
import { T } from "./text.tsx";

/** Loads once per key; `reload` fetches again. */
export function useLoad<T>(key: string, load: () => Promise<T>): { data?: T; error?: string; loading: boolean; reload(): void } {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (err: unknown) => live && setState({ error: err instanceof ApiFailure ? `${err.message} (${err.code})` : String(err), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [key, n]);
  return { ...state, reload: () => setN((x) => x + 1) };
}

export function Status({ loading, error }: { loading: boolean; error?: string | undefined }) {
  if (error) return <p role="alert" class="error">Failed: {error}</p>;
  if (loading) return <p aria-live="polite" class="muted">Loading…</p>;
  return null;
}

export function Badge({ value }: { value: string }) {
  return <span class={`badge s-${value.replace(/[^a-z-]/g, "")}`}>{value}</span>;
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  const hid = id ?? `h-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section aria-labelledby={hid}>
      <h2 id={hid}>{title}</h2>
      {children}
    </section>
  );
}

/** A TanStack table as accessible markup: a caption, column headers that sort by keyboard, optional row selection. */
export function DataTable<T>({
  caption,
  data,
  columns,
  rowId,
  selection,
  onSelection,
  testId,
}: {
  caption: string;
  data: T[];
  columns: ColumnDef<T, any>[];
  rowId?: (row: T) => string;
  selection?: RowSelectionState;
  onSelection?: (s: RowSelectionState) => void;
  testId?: string;
}) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const selectable = onSelection !== undefined;
  const table = useReactTable<T>({
    data,
    columns,
    // every cell is untrusted text unless a column renders its own: controls shown escaped
    defaultColumn: { cell: (c) => <T v={c.getValue()} /> },
    state: { sorting, ...(selectable ? { rowSelection: selection ?? {} } : {}) },
    onSortingChange: setSorting,
    enableRowSelection: selectable,
    onRowSelectionChange: (u) => onSelection?.(typeof u === "function" ? u(selection ?? {}) : u),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    ...(rowId ? { getRowId: rowId } : {}),
  });
  return (
    <div class="table-wrap">
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id}>
              {selectable && (
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select every row shown"
                    checked={table.getIsAllRowsSelected()}
                    onChange={table.getToggleAllRowsSelectedHandler()}
                  />
                </th>
              )}
              {g.headers.map((h) => {
                const sorted = h.column.getIsSorted();
                return (
                  <th key={h.id} scope="col" aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}>
                    {h.column.getCanSort() ? (
                      <button type="button" class="sort" onClick={h.column.getToggleSortingHandler()}>
                        {flexRender(h.column.columnDef.header, h.getContext())}
                        <span aria-hidden="true">{sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : ""}</span>
                      </button>
                    ) : (
                      flexRender(h.column.columnDef.header, h.getContext())
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((r) => (
            <tr key={r.id} data-row-id={r.id}>
              {selectable && (
                <td>
                  <input type="checkbox" aria-label={`Select row ${r.index + 1}`} checked={r.getIsSelected()} onChange={r.getToggleSelectedHandler()} />
                </td>
              )}
              {r.getVisibleCells().map((c) => (
                <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
              ))}
            </tr>
          ))}
          {data.length === 0 && (
            <tr>
              <td colSpan={columns.length + (selectable ? 1 : 0)} class="muted">
                None.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A chart drawn on a canvas (Chart.js), loaded on first use; `label` describes it for screen readers. */
export function LineChart({ labels, series, label }: { labels: string[]; series: { name: string; data: number[]; color: string }[]; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let live = true;
    void import("./chart.ts").then(({ drawLineChart }) => {
      if (live && canvas.current) chart = drawLineChart(canvas.current, labels, series);
    });
    return () => {
      live = false;
      chart?.destroy();
    };
  }, [JSON.stringify([labels, series])]);
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
