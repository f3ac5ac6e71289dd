import { useState } from "preact/hooks";
import { api, qs } from "../api.ts";
import { useLoad } from "../components.tsx";

export function Reports() {
  const sites = useLoad("sites", () => api<{ items?: { name: string }[] } | { name: string }[]>("/api/v1/sites"));
  const list = Array.isArray(sites.data) ? sites.data : (sites.data?.items ?? []);
  const [form, setForm] = useState({ site: "", at: new Date().toISOString().slice(0, 10), format: "html" });
  const site = form.site || list[0]?.name || "";
  const href = `/api/v1/reports/site${qs({ site, at: form.at, format: form.format })}`;
  return (
    <>
      <h1>Reports</h1>
      <p class="muted">
        The compliance report (the document of <code>ictsguard report</code>) for one site: every host's latest inventories, judged for the site's profile as of the date; as HTML or as PDF (printed by the server's Chromium).
      </p>
      <form class="grid-form" aria-label="Report" onSubmit={(e) => e.preventDefault()}>
        <label>
          Site
          <select name="site" value={site} onChange={(e) => setForm({ ...form, site: e.currentTarget.value })}>
            {list.map((s) => <option key={s.name}>{s.name}</option>)}
          </select>
        </label>
        <label>
          As of <input name="at" type="date" value={form.at} onInput={(e) => setForm({ ...form, at: e.currentTarget.value })} />
        </label>
        <fieldset>
          <legend>Format</legend>
          {["html", "pdf"].map((f) => (
            <label key={f} class="inline">
              <input type="radio" name="format" value={f} checked={form.format === f} onChange={() => setForm({ ...form, format: f })} /> {f.toUpperCase()}
            </label>
          ))}
        </fieldset>
        <p>
          <a class="button" href={href} target="_blank" rel="noopener" data-testid="report-link">
            Open the report ({form.format.toUpperCase()})
          </a>
        </p>
      </form>
    </>
  );
}
