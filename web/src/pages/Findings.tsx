import { useState } from "preact/hooks";
import type { RowSelectionState } from "@tanstack/react-table";
import { api, qs, STATES, STATUSES, type Finding, type Page } from "../api.ts";
import { Badge, DataTable, Section, Status, useLoad } from "../components.tsx";
import { Link, navigate, useLocation } from "../router.tsx";
import { T, when } from "../text.tsx";

const FIELDS = ["site", "status", "state", "vendor", "product", "host", "lastSeenSince"] as const;
type Filter = Record<(typeof FIELDS)[number], string>;

function CheckGroup({ legend, name, values, value, onChange }: { legend: string; name: string; values: readonly string[]; value: string; onChange(v: string): void }) {
  const chosen = new Set(value.split(",").filter(Boolean));
  return (
    <fieldset>
      <legend>{legend}</legend>
      {values.map((v) => (
        <label key={v} class="inline">
          <input
            type="checkbox"
            name={name}
            value={v}
            checked={chosen.has(v)}
            onChange={(e) => {
              if (e.currentTarget.checked) chosen.add(v);
              else chosen.delete(v);
              onChange(values.filter((x) => chosen.has(x)).join(","));
            }}
          />
          {v}
        </label>
      ))}
    </fieldset>
  );
}

function addDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export function Findings() {
  const { query } = useLocation();
  const filter = Object.fromEntries(FIELDS.map((f) => [f, query.get(f) ?? ""])) as Filter;
  const [form, setForm] = useState<Filter>(filter);
  const [cursor, setCursor] = useState<string | undefined>();
  const [selection, setSelection] = useState<RowSelectionState>({});
  const [exception, setException] = useState({ owner: "", reason: "", expiresAt: addDays(90) });
  const [outcome, setOutcome] = useState<string>("");
  const key = qs({ ...filter, cursor, limit: 200 });
  const findings = useLoad(`findings${key}`, () => api<Page<Finding>>(`/api/v1/findings${key}`));
  const selected = Object.keys(selection).filter((k) => selection[k]);
  const csvHref = `/api/v1/findings.csv${qs(filter)}`;
  return (
    <>
      <h1>Findings</h1>
      <form
        class="filters"
        role="search"
        aria-label="Filter findings"
        onSubmit={(e) => {
          e.preventDefault();
          setCursor(undefined);
          setSelection({});
          navigate(`/findings${qs(form)}`);
        }}
      >
        <CheckGroup legend="Status" name="status" values={STATUSES} value={form.status} onChange={(v) => setForm({ ...form, status: v })} />
        <CheckGroup legend="State" name="state" values={STATES} value={form.state} onChange={(v) => setForm({ ...form, state: v })} />
        {(["site", "vendor", "product", "host"] as const).map((f) => (
          <label key={f}>
            {f === "host" ? "Host (id or name)" : f === "vendor" ? "Vendor (catalog id)" : f === "product" ? "Product (catalog id)" : "Site"}
            <input name={f} value={form[f]} onInput={(e) => setForm({ ...form, [f]: e.currentTarget.value })} />
          </label>
        ))}
        <label>
          Seen since <input type="date" name="lastSeenSince" value={form.lastSeenSince} onInput={(e) => setForm({ ...form, lastSeenSince: e.currentTarget.value })} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <p>
        <a href={csvHref} data-testid="csv">
          Export these findings as CSV
        </a>{" "}
        <span class="muted">(every finding the filter selects, not only this page)</span>
      </p>
      <Status loading={findings.loading} error={findings.error} />
      {findings.data && (
        <>
          <p aria-live="polite" data-testid="total">{findings.data.total}{findings.data.totalCapped ? "+" : ""} findings</p>
          <DataTable
            caption="Findings matching the filter, last seen first (select rows to except them)"
            testId="findings"
            data={findings.data.items}
            rowId={(f) => f.id}
            selection={selection}
            onSelection={setSelection}
            columns={[
              { id: "host", header: "host", accessorFn: (f) => f.host, cell: (c) => <Link href={`/hosts/${encodeURIComponent(c.row.original.hostId)}`}><T v={c.getValue()} /></Link> },
              { id: "site", header: "site", accessorFn: (f) => f.site },
              { id: "product", header: "product", accessorFn: (f) => f.productName ?? f.product },
              { id: "vendor", header: "vendor", accessorFn: (f) => f.vendorName ?? f.vendor },
              { id: "status", header: "status", accessorFn: (f) => f.status, cell: (c) => <Badge value={c.getValue()} /> },
              { id: "state", header: "state", accessorFn: (f) => f.state, cell: (c) => <Badge value={c.getValue()} /> },
              { id: "deadline", header: "deadline", accessorFn: (f) => f.deadline ?? "" },
              { id: "lastSeen", header: "last seen", accessorFn: (f) => when(f.lastSeen) },
            ]}
          />
          {findings.data.next && (
            <button type="button" onClick={() => setCursor(findings.data!.next!)}>
              Next page
            </button>
          )}
        </>
      )}
      <Section title="Except the selected findings">
        <form
          class="stack"
          onSubmit={async (e) => {
            e.preventDefault();
            setOutcome("");
            try {
              const r = await api<{ created: unknown[]; failed: { findingId: string; message: string }[] }>("/api/v1/exceptions/bulk", { body: { findingIds: selected, ...exception } });
              setOutcome(`${r.created.length} excepted${r.failed.length ? `; ${r.failed.length} not: ${r.failed.map((f) => f.message).join("; ")}` : ""}.`);
              setSelection({});
              findings.reload();
            } catch (err) {
              setOutcome(`Failed: ${(err as Error).message}`);
            }
          }}
        >
          <p>{selected.length} selected.</p>
          <label>
            Owner (who answers for it) <input name="owner" required value={exception.owner} onInput={(e) => setException({ ...exception, owner: e.currentTarget.value })} />
          </label>
          <label>
            Reason, citing the legal basis (at least 10 characters)
            <textarea name="reason" required minLength={10} rows={3} value={exception.reason} onInput={(e) => setException({ ...exception, reason: e.currentTarget.value })} />
          </label>
          <label>
            Expires <input name="expiresAt" type="date" required value={exception.expiresAt} onInput={(e) => setException({ ...exception, expiresAt: e.currentTarget.value })} />
          </label>
          <button type="submit" disabled={selected.length === 0}>
            Except {selected.length} finding{selected.length === 1 ? "" : "s"}
          </button>
          <p role="status" data-testid="exception-outcome">{outcome}</p>
        </form>
      </Section>
    </>
  );
}
