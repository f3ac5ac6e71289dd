import { useState } from "preact/hooks";
import { api, qs, STATUSES, type Host, type Page } from "../api.ts";
import { DataTable, Status, useLoad } from "../components.tsx";
import { Link, navigate, useLocation } from "../router.tsx";
import { T, when } from "../text.tsx";

export function Hosts() {
  const { query } = useLocation();
  const filter = { site: query.get("site") ?? "", name: query.get("name") ?? "", lastSeenSince: query.get("lastSeenSince") ?? "" };
  const [cursor, setCursor] = useState<string | undefined>();
  const key = qs({ ...filter, cursor, limit: 100 });
  const hosts = useLoad(`hosts${key}`, () => api<Page<Host>>(`/api/v1/hosts${key}`));
  const sites = useLoad("sites", () => api<{ items?: { name: string }[] } | { name: string }[]>("/api/v1/sites"));
  const siteList = Array.isArray(sites.data) ? sites.data : (sites.data?.items ?? []);
  const [form, setForm] = useState(filter);
  return (
    <>
      <h1>Hosts</h1>
      <form
        class="filters"
        role="search"
        aria-label="Filter hosts"
        onSubmit={(e) => {
          e.preventDefault();
          setCursor(undefined);
          navigate(`/hosts${qs(form)}`);
        }}
      >
        <label>
          Host name <input name="name" type="search" value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </label>
        <label>
          Site
          <select name="site" value={form.site} onChange={(e) => setForm({ ...form, site: e.currentTarget.value })}>
            <option value="">every site</option>
            {siteList.map((s) => (
              <option key={s.name} value={s.name}>{s.name}</option>
            ))}
          </select>
        </label>
        <label>
          Seen since <input name="lastSeenSince" type="date" value={form.lastSeenSince} onInput={(e) => setForm({ ...form, lastSeenSince: e.currentTarget.value })} />
        </label>
        <button type="submit">Search</button>
      </form>
      <Status loading={hosts.loading} error={hosts.error} />
      {hosts.data && (
        <>
          <p aria-live="polite">{hosts.data.total}{hosts.data.totalCapped ? "+" : ""} hosts</p>
          <DataTable
            caption="Hosts, last seen first"
            testId="hosts"
            data={hosts.data.items}
            rowId={(h) => h.id}
            columns={[
              { id: "name", header: "host", accessorFn: (h) => h.name, cell: (c) => <Link href={`/hosts/${encodeURIComponent(c.row.original.id)}`}><T v={c.getValue()} /></Link> },
              { id: "site", header: "site", accessorFn: (h) => h.site },
              { id: "lastSeen", header: "last seen", accessorFn: (h) => when(h.lastSeen) },
              ...STATUSES.map((s) => ({ id: s, header: s, accessorFn: (h: Host) => h.findings[s] ?? 0 })),
              { id: "sources", header: "sources", accessorFn: (h) => h.sources.map((s) => s.source).join(", ") },
            ]}
          />
          {hosts.data.next && (
            <button type="button" onClick={() => setCursor(hosts.data!.next!)}>
              Next page
            </button>
          )}
        </>
      )}
    </>
  );
}
