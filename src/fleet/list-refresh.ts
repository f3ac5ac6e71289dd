/**
 * @module
 * Scheduled list refreshes (admin): a list name, a source (an http(s) URL, or a file or folder on
 * the server) and an interval. When one is due, the job loop queues a `lists.refresh` job (one per
 * source and due instant, whatever the number of processes); the job reads the source, and
 * imports it exactly as `ictsguard lists import` does (src/screen/lists: the same detection,
 * readers, store and safety rules of replace.ts), into the lists under the server's
 * ICTSGUARD_HOME. Every run is recorded with its provenance: source, SHA-256 of what was read,
 * date, entries, and outcome (imported; unchanged when the SHA-256 is the last import's; refused
 * by the safety rules, the stored list kept; error). An imported list changes the screening
 * fingerprint, so the counterparties are screened again (rescreen.ts).
 */
import { createHash } from "node:crypto";
import { createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { importListTo } from "../screen/lists/import.js";
import { checkReplace } from "../screen/lists/replace.js";
import { listNames, openListWriter, readListHeader, type ListWriter } from "../screen/lists/store.js";
import { LIST_FORMATS, type ListFormat } from "../screen/model.js";
import type { ListRefreshRow, ListSourceRow } from "../store/schema.js";
import { requireGlobalAdmin } from "./access.js";
import { audit } from "./audit.js";
import { nowIso, type Ctx } from "./context.js";
import { enqueue } from "./jobs.js";
import { orderedId } from "./ids.js";
import type { ListRefresh, ListSource, ScreeningListInfo } from "./notify-types.js";
import { FleetError, type Principal } from "./types.js";

const LIST_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** A download larger than this is refused (the full OpenSanctions default dataset is under 1 GiB compressed). */
export const MAX_DOWNLOAD_BYTES = 2 * 1024 ** 3;
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;
const MAX_INTERVAL_MINUTES = 31 * 24 * 60;

function refreshOf(r: ListRefreshRow): ListRefresh {
  return {
    id: r.id,
    list: r.list,
    source: r.source,
    at: r.at,
    outcome: r.outcome as ListRefresh["outcome"],
    ...(r.sha256 ? { sha256: r.sha256 } : {}),
    ...(r.entries !== null ? { entries: Number(r.entries) } : {}),
    ...(r.previous_entries !== null ? { previousEntries: Number(r.previous_entries) } : {}),
    ...(r.message ? { message: r.message } : {}),
  };
}

function sourceOf(r: ListSourceRow, last?: ListRefreshRow): ListSource {
  return {
    name: r.name,
    source: r.source,
    ...(r.format ? { format: r.format } : {}),
    intervalMinutes: Number(r.interval_minutes),
    nextRunAt: r.next_run_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    ...(last ? { lastRefresh: refreshOf(last) } : {}),
  };
}

function checkSource(source: string): string {
  if (typeof source !== "string" || !source.trim() || source.length > 2048) throw new FleetError("invalid", "a list source is an http(s) URL or an absolute path on the server, at most 2048 characters");
  const s = source.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
    const u = new URL(s);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new FleetError("invalid", `a list source URL must be http or https, not ${u.protocol.replace(/:$/, "")}`);
    return u.toString();
  }
  if (!s.startsWith("/")) throw new FleetError("invalid", `"${s}": a list source on the server must be an absolute path (a file or a folder)`);
  return s;
}

async function lastRefreshes(ctx: Ctx, names?: string[]): Promise<Map<string, ListRefreshRow>> {
  if (names && names.length === 0) return new Map();
  let q = ctx.db.selectFrom("list_refreshes").selectAll().orderBy("at", "desc").orderBy("id", "desc");
  if (names) q = q.where("list", "in", names);
  const out = new Map<string, ListRefreshRow>();
  for (const r of await q.limit(1000).execute()) if (!out.has(r.list)) out.set(r.list, r);
  return out;
}

/** Admin over every site: adds or replaces the schedule of a list. The first refresh is due now. */
export async function setListSource(ctx: Ctx, p: Principal, input: { name: string; source: string; format?: string; intervalMinutes: number }): Promise<ListSource> {
  requireGlobalAdmin(p, "schedule list refreshes");
  if (!LIST_NAME.test(input.name) || input.name === "catalog") throw new FleetError("invalid", `invalid list name "${input.name}": lower-case letters, digits, '.', '_' or '-' (not "catalog")`);
  if (input.format !== undefined && !(LIST_FORMATS as readonly string[]).includes(input.format)) throw new FleetError("invalid", `unknown list format "${input.format}": expected ${LIST_FORMATS.join(", ")}`);
  if (!Number.isInteger(input.intervalMinutes) || input.intervalMinutes < 1 || input.intervalMinutes > MAX_INTERVAL_MINUTES) throw new FleetError("invalid", `intervalMinutes must be a whole number from 1 to ${MAX_INTERVAL_MINUTES}`);
  const now = nowIso(ctx);
  const row: ListSourceRow = { name: input.name, source: checkSource(input.source), format: input.format ?? null, interval_minutes: input.intervalMinutes, next_run_at: now, created_at: now, created_by: p.keyId };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("list_sources").where("name", "=", row.name).execute();
    await trx.insertInto("list_sources").values(row).execute();
    await audit(trx, { at: now, keyId: p.keyId, action: "lists.source.set", target: row.name, detail: { source: row.source, intervalMinutes: row.interval_minutes } });
  });
  return sourceOf(row);
}

export async function listListSources(ctx: Ctx, p: Principal): Promise<ListSource[]> {
  requireGlobalAdmin(p, "read list schedules");
  const rows = await ctx.db.selectFrom("list_sources").selectAll().orderBy("name").execute();
  const last = await lastRefreshes(ctx, rows.map((r) => r.name));
  return rows.map((r) => sourceOf(r, last.get(r.name)));
}

export async function deleteListSource(ctx: Ctx, p: Principal, name: string): Promise<ListSource> {
  requireGlobalAdmin(p, "schedule list refreshes");
  const r = await ctx.db.selectFrom("list_sources").selectAll().where("name", "=", name).executeTakeFirst();
  if (!r) throw new FleetError("not-found", `no list refresh scheduled for "${name}"`);
  const now = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("list_sources").where("name", "=", name).execute();
    await audit(trx, { at: now, keyId: p.keyId, action: "lists.source.delete", target: name, detail: { source: r.source } });
  });
  return sourceOf(r);
}

/** Every list the server screens with (the catalog and the imported lists), with the last refresh of each. */
export async function screeningLists(ctx: Ctx, p: Principal): Promise<ScreeningListInfo[]> {
  requireGlobalAdmin(p, "read the screening lists");
  const names = listNames(ctx.listsEnv);
  const last = await lastRefreshes(ctx);
  const out: ScreeningListInfo[] = [{ name: "catalog", entries: ctx.catalog.active.catalog.entities.length, source: [`catalog ${ctx.catalog.active.catalog.version} sha256:${ctx.catalog.active.catalog.digest}`] }];
  for (const name of names) {
    try {
      const h = readListHeader(name, ctx.listsEnv);
      const r = last.get(name);
      out.push({ name, entries: h.counts.entries, importedAt: h.importedAt, source: h.source.files.map((f) => `${f.path} sha256:${f.sha256}`), ...(r ? { lastRefresh: refreshOf(r) } : {}) });
    } catch (err) {
      out.push({ name, entries: 0, source: [`damaged: ${(err as Error).message}`] });
    }
  }
  return out;
}

/** Downloads a URL into a temporary folder (redirects followed: list publishers move files to CDNs), hashing as it goes. */
async function download(url: string, dir: string): Promise<{ path: string; sha256: string }> {
  const res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), headers: { accept: "*/*" } });
  if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}`);
  const name = basename(new URL(res.url || url).pathname).replace(/[^A-Za-z0-9._-]/g, "_") || "list";
  const path = join(dir, name);
  const hash = createHash("sha256");
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > MAX_DOWNLOAD_BYTES) return done(new Error(`${url} is larger than ${MAX_DOWNLOAD_BYTES} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(res.body as never), count, createWriteStream(path, { mode: 0o600 }));
  return { path, sha256: hash.digest("hex") };
}

/** SHA-256 of a file, or of a folder's files (each file's name and digest, in name order). */
async function digestOf(path: string): Promise<string> {
  const { createReadStream } = await import("node:fs");
  const fileDigest = async (f: string): Promise<string> => {
    const h = createHash("sha256");
    for await (const chunk of createReadStream(f)) h.update(chunk as Buffer);
    return h.digest("hex");
  };
  if (!statSync(path).isDirectory()) return fileDigest(path);
  const h = createHash("sha256");
  for (const f of readdirSync(path).sort()) {
    if (f.startsWith(".") || !statSync(join(path, f)).isFile()) continue;
    h.update(`${f}\u0000${await fileDigest(join(path, f))}\n`);
  }
  return h.digest("hex");
}

async function record(ctx: Ctx, row: Omit<ListRefreshRow, "id">, keyId: string): Promise<ListRefresh> {
  const full: ListRefreshRow = { id: orderedId("lr"), ...row };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto("list_refreshes").values(full).execute();
    await audit(trx, { at: row.at, keyId, action: "lists.refresh", target: row.list, detail: { outcome: row.outcome, source: row.source, sha256: row.sha256, entries: row.entries, previousEntries: row.previous_entries, message: row.message } });
  });
  return refreshOf(full);
}

/** Reads a source and imports it under the list's name, as `lists import` would (without --force). */
export async function refreshList(ctx: Ctx, name: string, keyId = "system"): Promise<ListRefresh> {
  const src = await ctx.db.selectFrom("list_sources").selectAll().where("name", "=", name).executeTakeFirst();
  if (!src) throw new FleetError("not-found", `no list refresh scheduled for "${name}"`);
  const at = nowIso(ctx);
  const base = { list: name, source: src.source, at, sha256: null, entries: null, previous_entries: null, message: null } satisfies Omit<ListRefreshRow, "id" | "outcome">;
  let previous: ReturnType<typeof readListHeader> | undefined;
  try {
    previous = listNames(ctx.listsEnv).includes(name) ? readListHeader(name, ctx.listsEnv) : undefined;
  } catch {
    previous = undefined; // a damaged stored list may be replaced
  }
  const prevEntries = previous ? previous.counts.entries : null;
  const tmp = mkdtempSync(join(tmpdir(), "ictsguard-list-refresh-"));
  let writer: ListWriter | undefined;
  try {
    let paths: string[];
    let sha256: string;
    try {
      if (/^https?:\/\//i.test(src.source)) {
        const d = await download(src.source, tmp);
        paths = [d.path];
        sha256 = d.sha256;
      } else {
        sha256 = await digestOf(src.source);
        paths = [src.source];
      }
    } catch (err) {
      return await record(ctx, { ...base, outcome: "error", previous_entries: prevEntries, message: `could not read the source: ${(err as Error).message}` }, keyId);
    }
    const last = (await lastRefreshes(ctx, [name])).get(name);
    const lastImport = await ctx.db.selectFrom("list_refreshes").select("sha256").where("list", "=", name).where("outcome", "=", "imported").orderBy("at", "desc").orderBy("id", "desc").limit(1).executeTakeFirst();
    if (previous && lastImport?.sha256 === sha256) {
      return await record(ctx, { ...base, outcome: "unchanged", sha256, entries: previous.counts.entries, previous_entries: prevEntries, message: last?.outcome === "imported" || last?.outcome === "unchanged" ? null : "the source is the one imported last" }, keyId);
    }
    let summary;
    try {
      summary = await importListTo(paths, { name, ...(src.format ? { format: src.format as ListFormat } : {}), now: ctx.clock(), env: ctx.listsEnv }, (n) => (writer = openListWriter(n, ctx.listsEnv)));
    } catch (err) {
      writer?.abort();
      return await record(ctx, { ...base, outcome: "error", sha256, previous_entries: prevEntries, message: (err as Error).message }, keyId);
    }
    const errors = summary.issues.filter((i) => i.severity === "error");
    const check = checkReplace(previous, summary.header, summary.header.counts.skipped);
    const firstErrors = errors.slice(0, 3).map((i) => `${i.source?.file ? basename(i.source.file) : ""}${i.source?.line ? `:${i.source.line}` : ""} ${i.message}`.trim());
    if (!check.ok) {
      writer!.abort();
      return await record(ctx, { ...base, outcome: "refused", sha256, entries: summary.header.counts.entries, previous_entries: prevEntries, message: `${check.reason}; the stored list was kept${firstErrors.length ? ` (${firstErrors.join("; ")})` : ""}` }, keyId);
    }
    // provenance: the source as configured (not the temporary download path)
    const header = { ...summary.header, source: { files: summary.header.source.files.map((f) => ({ ...f, path: /^https?:\/\//i.test(src.source) ? src.source : f.path })) } };
    writer!.commit(header);
    return await record(ctx, { ...base, outcome: "imported", sha256, entries: summary.header.counts.entries, previous_entries: prevEntries, message: summary.header.counts.skipped ? `${summary.header.counts.skipped} record(s) could not be read: ${firstErrors.join("; ")}` : null }, keyId);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Admin over every site: runs a list's refresh now and answers its record. */
export async function refreshListNow(ctx: Ctx, p: Principal, name: string): Promise<ListRefresh> {
  requireGlobalAdmin(p, "refresh lists");
  return refreshList(ctx, name, p.keyId);
}

/** The ticker: queues the refreshes that are due (the conditional update is the claim: one process queues each). */
export async function queueListRefreshes(ctx: Ctx, now: string): Promise<void> {
  const due = await ctx.db.selectFrom("list_sources").selectAll().where("next_run_at", "<=", now).execute();
  for (const s of due) {
    const next = new Date(Date.parse(now) + Number(s.interval_minutes) * 60_000).toISOString();
    const n = await ctx.db.updateTable("list_sources").set({ next_run_at: next }).where("name", "=", s.name).where("next_run_at", "=", s.next_run_at).executeTakeFirst();
    if (Number(n.numUpdatedRows) !== 1) continue;
    await enqueue(ctx, `lists-refresh:${s.name}:${s.next_run_at}`, "lists.refresh", { reason: `the list ${s.name} is due for a refresh from ${s.source}`, at: now, list: s.name }, now);
  }
}
