import { useState } from "preact/hooks";
import { api, qs } from "../api.ts";
import { DataTable, Section, Status, useLoad } from "../components.tsx";
import { T } from "../text.tsx";
import { Citations } from "./Check.tsx";

type Source = { id: string; title: string; url?: string; primary?: boolean; note?: string };
type Cite = { source: string; locator?: string; confirmed?: boolean; note?: string };
type Contents = {
  version: string;
  date: string;
  digest: string;
  sources: Source[];
  entities: { id: string; name: string; type: string; country?: string; parent?: string; citations: Cite[] }[];
  products: { id: string; name: string; vendor: string; category: string; citations: Cite[] }[];
  rules: { id: string; title: string; kind?: string; citations: Cite[]; phases: { id: string; label: string; from: string; to?: string }[] }[];
};
type Timeline = { today: string; role?: string; steps: { from: string; to?: string; state: string; rule: { title: string }; phase: { label: string }; changes: { decision: string; roles: string[]; actions: string[] }[]; citations: { text: string; url?: string }[] }[] };

const ROLES = ["federal-agency", "federal-contractor", "state-local-government", "critical-infrastructure", "reseller", "business", "individual", "exporter"];

export function Catalog() {
  const contents = useLoad("contents", () => api<Contents>("/api/v1/catalog/contents"));
  const [role, setRole] = useState("federal-contractor");
  const timeline = useLoad(`timeline ${role}`, () => api<Timeline>(`/api/v1/catalog/timeline${qs({ role })}`));
  const k = contents.data;
  const sources = new Map((k?.sources ?? []).map((s) => [s.id, s]));
  const cites = (list: Cite[]) => <Citations list={list.map((c) => { const s = sources.get(c.source); return { text: `${s?.title ?? c.source}${c.locator ? `, ${c.locator}` : ""}${c.confirmed === false ? " (unconfirmed)" : ""}`, ...(s?.url ? { url: s.url } : {}) }; })} />;
  return (
    <>
      <h1>Catalog</h1>
      <Status loading={contents.loading} error={contents.error} />
      {k && (
        <>
          <p class="muted">Version {k.version} ({k.date}), sha256 <code>{k.digest}</code></p>
          <Section title="Timeline for a role">
            <label>
              Role
              <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
                {ROLES.map((r) => <option key={r}>{r}</option>)}
              </select>
            </label>
            <Status loading={timeline.loading} error={timeline.error} />
            {timeline.data && (
              <DataTable
                caption={`What changes on which date for ${role}; today is ${timeline.data.today}`}
                testId="timeline"
                data={timeline.data.steps}
                columns={[
                  { id: "from", header: "from", accessorFn: (s) => `${s.from}${s.to ? ` to ${s.to}` : ""}` },
                  { id: "state", header: "state", accessorFn: (s) => s.state },
                  { id: "rule", header: "rule and phase", accessorFn: (s) => `${s.rule.title}: ${s.phase.label}` },
                  { id: "changes", header: "what changes", accessorFn: (s) => s.changes.map((c) => `${c.decision} for ${c.roles.join(", ")}: ${c.actions.join(", ")}`).join("; ") || "lists; no prohibition of its own" },
                  { id: "citations", header: "citations", enableSorting: false, accessorFn: (s) => s.citations, cell: (c) => <Citations list={c.getValue()} /> },
                ]}
              />
            )}
          </Section>
          <Section title={`Authorities and sources (${k.sources.length})`} id="sources">
            <DataTable
              caption="Every source the catalog cites; primary legal instruments first in citations"
              data={k.sources}
              columns={[
                { id: "title", header: "source", accessorFn: (s) => s.title, cell: (c) => (c.row.original.url && /^https?:\/\//.test(c.row.original.url) ? <a href={c.row.original.url} rel="noreferrer noopener" target="_blank"><T v={c.getValue()} /></a> : <T v={c.getValue()} />) },
                { id: "primary", header: "primary", accessorFn: (s) => (s.primary ? "yes" : "no") },
                { id: "note", header: "note", accessorFn: (s) => s.note ?? "" },
              ]}
            />
          </Section>
          <Section title={`Rules (${k.rules.length})`} id="rules">
            <DataTable
              caption="Rules with their phases and citations"
              data={k.rules}
              columns={[
                { id: "title", header: "rule", accessorFn: (r) => r.title },
                { id: "phases", header: "phases", accessorFn: (r) => r.phases.map((p) => `${p.from}${p.to ? `–${p.to}` : ""}: ${p.label}`).join("; ") },
                { id: "citations", header: "citations", enableSorting: false, accessorFn: (r) => r.citations, cell: (c) => cites(c.getValue()) },
              ]}
            />
          </Section>
          <Section title={`Entities (${k.entities.length})`} id="entities">
            <DataTable
              caption="Restricted entities: groups, organisations and persons"
              data={k.entities}
              columns={[
                { id: "name", header: "name", accessorFn: (e) => e.name },
                { id: "type", header: "type", accessorFn: (e) => e.type },
                { id: "country", header: "country", accessorFn: (e) => e.country ?? "" },
                { id: "parent", header: "part of", accessorFn: (e) => e.parent ?? "" },
                { id: "citations", header: "citations", enableSorting: false, accessorFn: (e) => e.citations, cell: (c) => cites(c.getValue()) },
              ]}
            />
          </Section>
          <Section title={`Products (${k.products.length})`} id="products">
            <DataTable
              caption="Products the scan recognises"
              data={k.products}
              columns={[
                { id: "name", header: "product", accessorFn: (p) => p.name },
                { id: "vendor", header: "vendor", accessorFn: (p) => p.vendor },
                { id: "category", header: "category", accessorFn: (p) => p.category },
                { id: "citations", header: "citations", enableSorting: false, accessorFn: (p) => p.citations, cell: (c) => cites(c.getValue()) },
              ]}
            />
          </Section>
        </>
      )}
    </>
  );
}
