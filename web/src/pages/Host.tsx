import { api, type Evidence, type Finding, type Host as HostT } from "../api.ts";
import { Badge, DataTable, Section, Status, useLoad } from "../components.tsx";
import { Link } from "../router.tsx";
import { T, when } from "../text.tsx";

type HostDetail = HostT & { findingList: Finding[] };
type Event = { findingId: string; at: string; cause: string; status: string; state: string; previousStatus: string | null; previousState: string | null };
type Product = { id: string; name: string; remediation?: string; removal: { platforms: string[]; remove: string; verify: string; licence?: string }[] };

type Src = { file?: string; line?: number } | undefined;
const where = (s: Src) => (s?.file ? `${s.file}${s.line ? `:${s.line}` : ""}` : "");

function EvidenceList({ evidence, sources, observed }: { evidence: Evidence[]; sources: string[]; observed: Src }) {
  return (
    <table class="evidence">
      <caption>Evidence: which identifier fired, and from which source (reported by {sources.join(", ") || "no current source"})</caption>
      <thead>
        <tr>
          <th scope="col">matcher</th>
          <th scope="col">identifier (catalog rule)</th>
          <th scope="col">value</th>
          <th scope="col">searched</th>
          <th scope="col">source</th>
          <th scope="col">confidence</th>
        </tr>
      </thead>
      <tbody>
        {evidence.map((e, i) => (
          <tr key={i}>
            <td>{e.matcher} ({e.type})</td>
            <td><code><T v={e.found.rule} /></code></td>
            <td><code><T v={e.found.value} /></code></td>
            <td><T v={e.searchedBy ? Object.entries(e.searchedBy).map(([k, v]) => `${k}: ${v}`).join("; ") : (e.searched ?? []).join(", ")} /></td>
            <td><T v={where(e.source ?? observed) || sources.join(", ")} /></td>
            <td>{e.confidence}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Host({ id }: { id: string }) {
  const host = useLoad(`host ${id}`, () => api<HostDetail>(`/api/v1/hosts/${encodeURIComponent(id)}`));
  const history = useLoad(`history ${id}`, () => api<{ events: Event[] }>(`/api/v1/hosts/${encodeURIComponent(id)}/history?at=${encodeURIComponent(new Date().toISOString())}`));
  const catalog = useLoad("catalog", () => api<{ products: Product[] }>("/api/v1/catalog/contents"));
  const products = new Map((catalog.data?.products ?? []).map((p) => [p.id, p]));
  const h = host.data;
  return (
    <>
      <p><Link href="/hosts">← Hosts</Link></p>
      <Status loading={host.loading} error={host.error} />
      {h && (
        <>
          <h1>Host <T v={h.name} /></h1>
          <p class="muted">
            Site {h.site} · first seen {when(h.firstSeen)} · last seen {when(h.lastSeen)}
          </p>
          <DataTable
            caption="Inventories (latest per source)"
            data={h.sources}
            columns={[
              { id: "source", header: "source", accessorFn: (s) => s.source },
              { id: "format", header: "format", accessorFn: (s) => s.format ?? "" },
              { id: "lastSeen", header: "last seen", accessorFn: (s) => when(s.lastSeen) },
              { id: "observations", header: "observations", accessorFn: (s) => s.observations },
            ]}
          />
          <Section title={`Findings (${h.findingList.length})`} id="findings">
            {h.findingList.map((f) => {
              const p = products.get(f.product);
              return (
                <article key={f.id} class="finding" data-finding={f.id} aria-labelledby={`f-${f.id}`}>
                  <h3 id={`f-${f.id}`}>
                    <Badge value={f.status} /> <Badge value={f.state} /> <T v={f.productName ?? f.product} /> <span class="muted">(<T v={f.vendorName ?? f.vendor} />)</span>
                  </h3>
                  <p><T v={f.reason} /></p>
                  {f.deadline && <p>Deadline: {f.deadline}</p>}
                  {f.observation && (
                    <p class="small">
                      Observed as: <T v={[f.observation.name, f.observation.version, f.observation.vendor].filter(Boolean).join(" · ")} />
                    </p>
                  )}
                  <EvidenceList evidence={f.evidence ?? []} sources={f.sources} observed={f.observation?.source as Src} />
                  <h4>Remediation</h4>
                  {p?.remediation && <p><T v={p.remediation} /></p>}
                  {p && p.removal.length > 0 ? (
                    <ul>
                      {p.removal.map((r, i) => (
                        <li key={i}>
                          <strong>{r.platforms.join(", ")}</strong>: <T v={r.remove} /> <em>Verify:</em> <T v={r.verify} />
                          {r.licence && <> <em>Licence:</em> <T v={r.licence} /></>}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    !p?.remediation && <p class="muted">Remove the product and upload the host's inventory again; the finding resolves after clean inventories.</p>
                  )}
                  <p class="small">
                    <Link href={`/findings?host=${encodeURIComponent(f.hostId)}`}>All findings of this host</Link>
                    {f.exceptionId && <> · excepted ({f.exceptionId})</>}
                  </p>
                </article>
              );
            })}
          </Section>
          <Section title="History">
            <Status loading={history.loading} error={history.error} />
            <DataTable
              caption="Every change of this host's findings, oldest first"
              testId="history"
              data={history.data?.events ?? []}
              columns={[
                { id: "at", header: "when", accessorFn: (e) => when(e.at) },
                { id: "finding", header: "finding", accessorFn: (e) => h.findingList.find((f) => f.id === e.findingId)?.product ?? e.findingId },
                { id: "cause", header: "cause", accessorFn: (e) => e.cause },
                { id: "change", header: "change", accessorFn: (e) => `${e.previousStatus ?? "—"}/${e.previousState ?? "—"} → ${e.status}/${e.state}` },
              ]}
            />
          </Section>
        </>
      )}
    </>
  );
}
