import { useState } from "preact/hooks";
import { api } from "../api.ts";
import { Badge, Section } from "../components.tsx";
import { parseCsv } from "../csv.ts";
import { T } from "../text.tsx";

const ROLES = ["federal-agency", "federal-contractor", "state-local-government", "critical-infrastructure", "reseller", "business", "individual", "exporter"];
const ACTIONS = ["buy", "renew", "install", "update", "use", "resell", "license", "integrate", "support", "export"];

type Citation = { text: string; url?: string; confirmed?: boolean; note?: string };
type RuleHit = { id: string; title: string; decision: string; phase?: { label: string; from: string; fromConfirmed?: boolean }; note?: string; citations?: Citation[]; subject?: { name?: string; as?: string } };
export type CheckResult = { input: Record<string, string>; decision: string; reason?: string; explanation?: string; rules: RuleHit[]; notes?: string[]; next?: unknown };

export function Citations({ list }: { list: Citation[] | undefined }) {
  if (!list?.length) return null;
  return (
    <ol class="citations">
      {list.map((c, i) => (
        <li key={i}>
          {c.url && /^https?:\/\//.test(c.url) ? (
            <a href={c.url} rel="noreferrer noopener" target="_blank">
              <T v={c.text} />
            </a>
          ) : (
            <T v={c.text} />
          )}
          {c.note && <span class="muted"> ({c.note})</span>}
        </li>
      ))}
    </ol>
  );
}

export function CheckResultView({ r, n }: { r: CheckResult; n?: number }) {
  return (
    <article class="result" data-testid="check-result">
      <h3>
        {n !== undefined ? `${n}. ` : ""}
        <Badge value={r.decision} /> <T v={`${r.input.role} ${r.input.action} ${r.input.vendor ?? r.input.entity ?? r.input.product ?? r.input.category ?? ""} on ${r.input.date}`} />
      </h3>
      {r.reason && <p><T v={r.reason} /></p>}
      {r.rules.length === 0 && <p>No rule of the catalog covers this transaction on this date.</p>}
      {r.rules.map((rule) => (
        <div key={rule.id} class="rule">
          <p>
            <strong><T v={rule.title} /></strong>: <Badge value={rule.decision} />
            {rule.phase && <> · phase “<T v={rule.phase.label} />” from {rule.phase.from}{rule.phase.fromConfirmed === false ? " (start unconfirmed)" : ""}</>}
          </p>
          {rule.note && <p class="small"><T v={rule.note} /></p>}
          <Citations list={rule.citations} />
        </div>
      ))}
    </article>
  );
}

export function Check() {
  const [form, setForm] = useState<Record<string, string>>({ role: "federal-contractor", action: "buy", vendor: "", product: "", entity: "", category: "", country: "", counterparty: "", funding: "", date: new Date().toISOString().slice(0, 10) });
  const [results, setResults] = useState<CheckResult[]>([]);
  const [error, setError] = useState("");
  const run = async (transactions: Record<string, string>[]) => {
    setError("");
    setResults([]);
    try {
      const body = transactions.length === 1 ? transactions[0] : { transactions };
      setResults((await api<{ items: CheckResult[] }>("/api/v1/check", { body })).items);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const field = (name: string, label: string) => (
    <label>
      {label} <input name={name} value={form[name]} onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })} />
    </label>
  );
  return (
    <>
      <h1>Check a transaction</h1>
      <p class="muted">Is this transaction prohibited on this date for this role? The same decision and explanation as <code>ictsguard check</code>.</p>
      <form
        class="grid-form"
        aria-label="One transaction"
        onSubmit={(e) => {
          e.preventDefault();
          void run([Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ""))]);
        }}
      >
        <label>
          Role
          <select name="role" value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>
            {ROLES.map((r) => <option key={r}>{r}</option>)}
          </select>
        </label>
        <label>
          Action
          <select name="action" value={form.action} onChange={(e) => setForm({ ...form, action: e.currentTarget.value })}>
            {ACTIONS.map((a) => <option key={a}>{a}</option>)}
          </select>
        </label>
        {field("vendor", "Vendor")}
        {field("product", "Product")}
        {field("entity", "Entity")}
        {field("category", "Category")}
        {field("country", "Country")}
        {field("counterparty", "Counterparty")}
        {field("funding", "Funding")}
        <label>
          Date <input name="date" type="date" value={form.date} onInput={(e) => setForm({ ...form, date: e.currentTarget.value })} />
        </label>
        <button type="submit">Check</button>
      </form>
      <Section title="Batch">
        <label>
          A CSV of transactions (columns as the fields above: role, action, vendor, date …; at most 1000)
          <input
            type="file"
            name="batch"
            accept=".csv,text/csv"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void run(parseCsv(await file.text()));
            }}
          />
        </label>
      </Section>
      <Section title="Decisions">
        {error && <p role="alert" class="error">{error}</p>}
        <div aria-live="polite">{results.map((r, i) => <CheckResultView key={i} r={r} {...(results.length > 1 ? { n: i + 1 } : {})} />)}</div>
      </Section>
    </>
  );
}
