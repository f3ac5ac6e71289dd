import { api, qs, STATES, STATUSES, type ByStatus } from "../api.ts";
import { Badge, DataTable, LineChart, Section, Status, useLoad } from "../components.tsx";
import { Link } from "../router.tsx";
import { countdown, T, when } from "../text.tsx";

type Summary = {
  at: string;
  byStatus: ByStatus;
  byState: Partial<Record<string, number>>;
  byVendor: { vendor: string; byStatus: ByStatus; total: number }[];
  bySite: { site: string; profile: string; byStatus: ByStatus; total: number }[];
  nextDeadlines: { date: string; findings: number }[];
  hosts: number;
  coverage: { assets: number; reported: number; neverReported: number; silent: number; silentSince: string; unlisted: number };
};
type TrendPoint = { at: string; byStatus: ByStatus; byState: Partial<Record<string, number>> };
type Step = { from: string; state: string; rule: { id: string; title: string }; phase: { id: string; label: string } };
type Asset = { site: string; name: string; lastSeen: string | null };

const DAY = 86_400_000;
/** The UTC day a trend point sums up: its instant is that day's end (the next midnight). */
const dayOf = (end: string): string => new Date(Date.parse(end) - DAY).toISOString().slice(0, 10);

const statusColumns = (first: { id: string; header: string; get: (r: any) => unknown; link?: (r: any) => string }) => [
  { id: first.id, header: first.header, accessorFn: first.get, cell: (c: any) => (first.link ? <Link href={first.link(c.row.original)}><T v={c.getValue()} /></Link> : <T v={c.getValue()} />) },
  ...STATUSES.map((s) => ({ id: s, header: s, accessorFn: (r: any) => r.byStatus[s] ?? 0 })),
  { id: "total", header: "total", accessorFn: (r: any) => r.total },
];

export function Posture() {
  // the last 30 UTC days, today included; each point is the posture at its day's end (today's: so far)
  const to = new Date();
  const from = new Date(to.getTime() - 29 * DAY);
  const summary = useLoad("summary", () => api<Summary>("/api/v1/summary"));
  const trend = useLoad("trend", () => api<{ items: TrendPoint[] }>(`/api/v1/trend${qs({ from: from.toISOString(), to: to.toISOString(), interval: "day" })}`));
  const timeline = useLoad("timeline", () => api<{ steps: Step[] }>("/api/v1/catalog/timeline"));
  const never = useLoad("never", () => api<{ items: Asset[]; total: number }>("/api/v1/coverage?kind=never-reported&limit=10"));
  const silent = useLoad("silent", () => api<{ items: Asset[]; total: number }>("/api/v1/coverage?kind=silent&limit=10"));
  const s = summary.data;
  const open = (p: TrendPoint) => p.byState.open ?? 0;
  const upcoming = (timeline.data?.steps ?? []).filter((x) => x.state === "upcoming").slice(0, 8);
  return (
    <>
      <h1>Posture</h1>
      <Status loading={summary.loading} error={summary.error} />
      {s && (
        <>
          <p class="muted">As of {when(s.at)} · {s.hosts} hosts</p>
          <Section title="Findings by status">
            <ul class="cards" data-testid="by-status">
              {STATUSES.map((st) => (
                <li key={st} class={`card s-${st}`}>
                  <Link href={`/findings${qs({ status: st, state: "open,removal-pending" })}`}>
                    <span class="num" data-status={st}>{s.byStatus[st] ?? 0}</span>
                    <span class="label">{st}</span>
                  </Link>
                </li>
              ))}
            </ul>
            <p>
              By state:{" "}
              {STATES.map((st) => (
                <span key={st} class="state-count" data-state={st}>
                  <Badge value={st} /> {s.byState[st] ?? 0}{" "}
                </span>
              ))}
            </p>
          </Section>
          <Section title="Next deadlines">
            <DataTable
              caption="Dates that change findings' positions (from the findings), with a countdown"
              testId="deadlines"
              data={s.nextDeadlines}
              columns={[
                { id: "date", header: "date", accessorFn: (r) => r.date },
                { id: "countdown", header: "countdown", accessorFn: (r) => countdown(r.date) },
                { id: "findings", header: "findings", accessorFn: (r) => r.findings },
              ]}
            />
            <DataTable
              caption="Coming phases of the catalog's rules (every role), with a countdown"
              data={upcoming}
              columns={[
                { id: "from", header: "from", accessorFn: (r) => r.from },
                { id: "countdown", header: "countdown", accessorFn: (r) => countdown(r.from) },
                { id: "rule", header: "rule", accessorFn: (r) => r.rule.title },
                { id: "phase", header: "phase", accessorFn: (r) => r.phase.label },
              ]}
            />
          </Section>
          <Section title="Trend of open findings">
            <Status loading={trend.loading} error={trend.error} />
            {trend.data && (
              <>
                <LineChart
                  label={`Open findings per day for 30 days; latest ${trend.data.items.length ? open(trend.data.items[trend.data.items.length - 1]!) : 0}`}
                  labels={trend.data.items.map((p) => dayOf(p.at))}
                  series={[
                    { name: "open", data: trend.data.items.map(open), color: "#b3261e" },
                    { name: "removal-pending", data: trend.data.items.map((p) => p.byState["removal-pending"] ?? 0), color: "#a16207" },
                    { name: "excepted", data: trend.data.items.map((p) => p.byState.excepted ?? 0), color: "#4b5563" },
                  ]}
                />
                <details>
                  <summary>The trend as a table</summary>
                  <DataTable
                    caption="Findings by state at the end of each day"
                    data={trend.data.items}
                    columns={[{ id: "at", header: "day", accessorFn: (p) => dayOf(p.at) }, ...STATES.map((st) => ({ id: st, header: st, accessorFn: (p: TrendPoint) => p.byState[st] ?? 0 }))]}
                  />
                </details>
              </>
            )}
          </Section>
          <Section title="By vendor">
            <DataTable caption="Current findings by vendor and status" testId="by-vendor" data={s.byVendor} columns={statusColumns({ id: "vendor", header: "vendor", get: (r) => r.vendor, link: (r) => `/findings${qs({ vendor: r.vendor })}` })} />
          </Section>
          <Section title="By site">
            <DataTable caption="Current findings by site and status" testId="by-site" data={s.bySite} columns={statusColumns({ id: "site", header: "site", get: (r) => r.site, link: (r) => `/findings${qs({ site: r.site })}` })} />
          </Section>
          <Section title="Coverage">
            <dl class="coverage" data-testid="coverage">
              <dt>assets listed</dt><dd>{s.coverage.assets}</dd>
              <dt>reported</dt><dd>{s.coverage.reported}</dd>
              <dt>never reported</dt><dd data-k="neverReported">{s.coverage.neverReported}</dd>
              <dt>silent since {when(s.coverage.silentSince)}</dt><dd data-k="silent">{s.coverage.silent}</dd>
              <dt>reporting, on no list</dt><dd>{s.coverage.unlisted}</dd>
            </dl>
            <div class="two">
              <DataTable caption="Assets that never reported (first 10)" data={never.data?.items ?? []} columns={[{ id: "site", header: "site", accessorFn: (r) => r.site }, { id: "name", header: "name", accessorFn: (r) => r.name, cell: (c) => <T v={c.getValue()} /> }]} />
              <DataTable caption="Assets that fell silent (first 10)" data={silent.data?.items ?? []} columns={[{ id: "site", header: "site", accessorFn: (r) => r.site }, { id: "name", header: "name", accessorFn: (r) => r.name, cell: (c) => <T v={c.getValue()} /> }, { id: "last", header: "last seen", accessorFn: (r) => when(r.lastSeen) }]} />
            </div>
          </Section>
        </>
      )}
    </>
  );
}
