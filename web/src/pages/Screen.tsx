import { useState } from "preact/hooks";
import { api } from "../api.ts";
import { Badge, Section } from "../components.tsx";
import { parseCsv } from "../csv.ts";
import { T } from "../text.tsx";

type Candidate = { entity: { id: string; name: string; list: string; countries?: string[]; group?: string }; score: number; status: string; explanation: { summary: string } };
type Result = { record: number; input: { name: string; country?: string }; status: string; candidates: Candidate[] };

export function Screen() {
  const [form, setForm] = useState({ name: "", country: "", type: "" });
  const [results, setResults] = useState<Result[]>([]);
  const [error, setError] = useState("");
  const run = async (names: { name: string; country?: string; type?: string }[]) => {
    setError("");
    setResults([]);
    try {
      setResults((await api<{ items: Result[] }>("/api/v1/screen", { body: { names } })).items);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <>
      <h1>Screen a name</h1>
      <p class="muted">Fuzzy, transliteration-aware screening of counterparty names against restricted entities, as <code>ictsguard screen</code>, with the explanation of each match.</p>
      <form
        class="grid-form"
        aria-label="One name"
        onSubmit={(e) => {
          e.preventDefault();
          void run([{ name: form.name, ...(form.country ? { country: form.country } : {}), ...(form.type ? { type: form.type } : {}) }]);
        }}
      >
        <label>
          Name <input name="name" required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </label>
        <label>
          Country (ISO code or name) <input name="country" value={form.country} onInput={(e) => setForm({ ...form, country: e.currentTarget.value })} />
        </label>
        <label>
          Type
          <select name="type" value={form.type} onChange={(e) => setForm({ ...form, type: e.currentTarget.value })}>
            <option value="">any</option>
            <option>organization</option>
            <option>person</option>
            <option>vessel</option>
            <option>aircraft</option>
          </select>
        </label>
        <button type="submit">Screen</button>
      </form>
      <Section title="Batch">
        <label>
          A file of names: a CSV with a <code>name</code> column (and <code>country</code>, <code>type</code>), or one name a line; at most 1000
          <input
            type="file"
            name="batch"
            accept=".csv,.txt,text/csv,text/plain"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              if (!file) return;
              const text = await file.text();
              const first = text.split(/\r?\n/, 1)[0] ?? "";
              const rows = /(^|,)\s*name\s*(,|$)/i.test(first)
                ? parseCsv(text).map((r) => ({ name: r.name ?? "", ...(r.country ? { country: r.country } : {}), ...(r.type ? { type: r.type } : {}) }))
                : text.split(/\r?\n/).map((l) => ({ name: l.trim() }));
              void run(rows.filter((r) => r.name));
            }}
          />
        </label>
      </Section>
      <Section title="Results">
        {error && <p role="alert" class="error">{error}</p>}
        <div aria-live="polite">
          {results.map((r) => (
            <article key={r.record} class="result" data-testid="screen-result">
              <h3>
                <Badge value={r.status} /> <T v={r.input.name} />
              </h3>
              {r.candidates.length === 0 ? (
                <p>No restricted entity resembles this name.</p>
              ) : (
                <table>
                  <caption>Candidates for “<T v={r.input.name} />”, best first</caption>
                  <thead>
                    <tr><th scope="col">entity</th><th scope="col">list</th><th scope="col">score</th><th scope="col">verdict</th><th scope="col">why</th></tr>
                  </thead>
                  <tbody>
                    {r.candidates.map((c, i) => (
                      <tr key={i}>
                        <td><T v={c.entity.name} />{c.entity.group ? <span class="muted"> ({c.entity.group})</span> : null}</td>
                        <td>{c.entity.list}</td>
                        <td>{c.score.toFixed(2)}</td>
                        <td><Badge value={c.status} /></td>
                        <td><T v={c.explanation.summary} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </article>
          ))}
        </div>
      </Section>
    </>
  );
}
