/**
 * @module
 * `ictsguard agent`: enroll (an enrollment token for the agent's own credential), then run:
 * collect with the `scan --host` collectors, spool the observations (not verdicts: the server
 * judges with its own catalog), and send the spool, oldest first. Sending retries network
 * failures, 5xx, 408 and 429 with exponential backoff and full jitter (Retry-After honoured), and
 * each upload carries its upload id, so a retry after an answer that was lost stores nothing twice.
 * A 4xx refusal moves the upload to `spool/rejected/` (401: the credential is refused, the run
 * stops). SIGTERM (an AbortSignal here) stops between steps and aborts a request in flight; the
 * spool keeps whatever was not answered. The spool is capped (spool-cap.ts): after each
 * collection the oldest ones, superseded by it, are dropped while it is over the cap, with a
 * warning that counts them.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { createHostCollection, runningPlatform } from "../collect/index.js";
import type { CommandRunner } from "../collect/runner.js";
import { createSpawnRunner } from "../collect/runner.js";
import type { Platform } from "../collect/types.js";
import type { Catalog } from "../model/catalog.js";
import { machineFacts, type MachineFacts } from "./machine.js";
import { DEFAULT_SPOOL_CAP, trimSpool, type SpoolCap, type SpoolTrim } from "./spool-cap.js";
import { AgentStateError, deleteSpooled, readState, rejectSpooled, spoolUpload, spooled, writeState, type AgentState } from "./state.js";

export type Backoff = { baseMs: number; maxMs: number };
export const DEFAULT_BACKOFF: Backoff = { baseMs: 1000, maxMs: 5 * 60_000 };

/** Full jitter: a random wait up to min(max, base · 2^attempt) (AWS's "Exponential Backoff And Jitter"). */
export function backoffDelay(attempt: number, b: Backoff, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(b.maxMs, b.baseMs * 2 ** attempt));
}

export type Collector = { platform?: Platform; root?: string; runner?: CommandRunner; host?: string; catalog: Catalog };

async function factsOf(c: Collector): Promise<MachineFacts & { platform: Platform; root: string }> {
  const platform = c.platform ?? (c.root !== undefined ? "linux" : runningPlatform());
  const root = c.root ?? "/";
  if (c.root !== undefined && !statSync(c.root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new AgentStateError(`--host-root ${c.root}: not a folder; give the folder a Linux file system is mounted at`);
  }
  return { ...(await machineFacts({ platform, root, runner: c.runner ?? createSpawnRunner(), ...(c.host ? { host: c.host } : {}) })), platform, root };
}

export async function enroll(options: { stateDir: string; server: string; token: string; collector: Collector; signal?: AbortSignal }): Promise<{ state: AgentState; duplicates: unknown[] }> {
  const facts = await factsOf(options.collector);
  const server = options.server.replace(/\/+$/, "");
  let res: Response;
  try {
    res = await fetch(`${server}/api/v1/agents/enroll`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ token: options.token, machineId: facts.machineId, hostname: facts.hostname, ...(facts.os ? { os: facts.os } : {}) }),
      signal: options.signal ?? AbortSignal.timeout(60_000),
    });
  } catch (err) {
    throw new AgentStateError(`cannot reach ${server}: ${networkMessage(err)}`);
  }
  const body = (await res.json().catch(() => undefined)) as { agent?: { id: string; site: string; hostId: string; enrolledAt: string }; credential?: string; duplicates?: unknown[]; error?: { message?: string } } | undefined;
  if (!res.ok || !body?.agent || !body.credential) throw new AgentStateError(`enrollment refused by ${server}: HTTP ${res.status}${body?.error?.message ? `: ${body.error.message}` : ""}`);
  const state: AgentState = { version: 1, server, site: body.agent.site, agentId: body.agent.id, hostId: body.agent.hostId, credential: body.credential, enrolledAt: body.agent.enrolledAt };
  writeState(options.stateDir, state);
  return { state, duplicates: body.duplicates ?? [] };
}

/** One collection, spooled (written before anything is sent); then the spool is brought within its cap. */
export async function collectToSpool(stateDir: string, collector: Collector, signal?: AbortSignal, cap: SpoolCap = DEFAULT_SPOOL_CAP): Promise<{ path: string; observations: number; issues: number; trim: SpoolTrim }> {
  const facts = await factsOf(collector);
  const collection = await createHostCollection({
    catalog: collector.catalog,
    platform: facts.platform,
    ...(collector.root !== undefined ? { root: collector.root } : {}),
    ...(collector.runner ? { runner: collector.runner } : {}),
    host: facts.hostname,
    ...(signal ? { signal } : {}),
  });
  const observations: unknown[] = [];
  let issues = 0;
  for await (const o of collection.observe(() => void issues++)) observations.push(o);
  const upload = {
    version: 1 as const,
    uploadId: randomBytes(16).toString("base64url"),
    collectedAt: new Date().toISOString(),
    facts: { machineId: facts.machineId, hostname: facts.hostname, ...(facts.os ? { os: facts.os } : {}) },
    observations,
    issues,
  };
  const path = spoolUpload(stateDir, upload);
  return { path, observations: observations.length, issues, trim: trimSpool(stateDir, cap) };
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 3 : 1)} MiB`;

/** The warning lines of a trim (none when nothing was dropped and the newest fits). */
export function trimWarnings(trim: SpoolTrim, cap: SpoolCap): string[] {
  const out: string[] = [];
  if (trim.dropped.length > 0) {
    const n = trim.dropped.length;
    out.push(
      `the spool was over its cap (at most ${cap.maxUploads} collections, ${mib(cap.maxBytes)}): dropped ${n} older collection${n === 1 ? "" : "s"}, superseded by newer ones of this host; the server still gets its newest inventory`,
    );
  }
  if (trim.newestOverCap) out.push(`the newest collection alone (${mib(trim.bytes)}) is over the spool's ${mib(cap.maxBytes)}; kept, as it is this host's newest inventory`);
  return out;
}

export type FlushOutcome = {
  sent: number;
  replayed: number;
  rejected: string[];
  /** Uploads still spooled (the server could not be reached, or kept failing). */
  pending: number;
  /** The server refused the credential (401): enroll again. */
  unauthorised: boolean;
};

export type FlushOptions = {
  /** Tries per upload in this flush (the first included); afterwards it stays spooled. */
  attempts: number;
  backoff: Backoff;
  signal?: AbortSignal;
  log?: (line: string) => void;
  timeoutMs?: number;
};

/** Sends the spool oldest first; stops at the first upload that still fails after its tries (order is kept). */
export async function flushSpool(stateDir: string, options: FlushOptions): Promise<FlushOutcome> {
  const state = readState(stateDir);
  const out: FlushOutcome = { sent: 0, replayed: 0, rejected: [], pending: 0, unauthorised: false };
  const files = spooled(stateDir);
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const result = await sendOne(state, file, options);
    if (result === "sent" || result === "replayed") {
      deleteSpooled(file);
      out[result === "sent" ? "sent" : "replayed"]++;
      continue;
    }
    if (result === "rejected") {
      out.rejected.push(rejectSpooled(stateDir, file));
      continue;
    }
    if (result === "unauthorised") out.unauthorised = true;
    out.pending = files.length - i;
    return out;
  }
  return out;
}

async function sendOne(state: AgentState, file: string, options: FlushOptions): Promise<"sent" | "replayed" | "rejected" | "unauthorised" | "failed"> {
  const log = options.log ?? (() => {});
  const name = file.split(/[\\/]/).pop();
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    if (options.signal?.aborted) return "failed";
    let wait: number | undefined;
    try {
      const body = readFileSync(file);
      const signals = [AbortSignal.timeout(options.timeoutMs ?? 300_000), ...(options.signal ? [options.signal] : [])];
      const res = await fetch(`${state.server}/api/v1/agents/inventories`, {
        method: "POST",
        headers: { authorization: `Bearer ${state.credential}`, "content-type": "application/json", "content-encoding": "gzip", accept: "application/json" },
        body,
        signal: AbortSignal.any(signals),
      });
      const text = await res.text();
      if (res.ok) return res.status === 200 ? "replayed" : "sent";
      const message = errorText(res.status, text);
      if (res.status === 401) {
        log(`${name}: the server refused the agent's credential (${message}); enroll again`);
        return "unauthorised";
      }
      if (res.status !== 408 && res.status !== 429 && res.status < 500) {
        log(`${name}: refused (${message}); moved to spool/rejected`);
        return "rejected";
      }
      wait = retryAfterMs(res.headers.get("retry-after"));
      log(`${name}: ${message}`);
    } catch (err) {
      if (options.signal?.aborted) return "failed";
      log(`${name}: ${networkMessage(err)}`);
    }
    if (attempt + 1 < options.attempts) {
      const delay = Math.min(options.backoff.maxMs, wait ?? backoffDelay(attempt, options.backoff));
      log(`${name}: retrying in ${(delay / 1000).toFixed(1)} s (try ${attempt + 2} of ${options.attempts})`);
      try {
        await sleep(delay, undefined, options.signal ? { signal: options.signal } : undefined);
      } catch {
        return "failed"; // stopped
      }
    }
  }
  return "failed";
}

function errorText(status: number, text: string): string {
  try {
    const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    if (e?.message) return `HTTP ${status} ${e.code ?? ""}: ${e.message}`;
  } catch {
    // not JSON
  }
  return `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ""}`;
}

function networkMessage(err: unknown): string {
  const e = err as Error & { cause?: Error & { code?: string } };
  if (e.name === "TimeoutError") return "no answer in time";
  return `${e.message}${e.cause ? `: ${e.cause.code ?? e.cause.message}` : ""}`;
}

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** `4h`, `30m`, `90s`, `1d`, `500ms` → milliseconds. */
export function parseInterval(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new AgentStateError(`--interval ${text}: expected a number and a unit (ms, s, m, h, d), e.g. 4h`);
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "ms" | "s" | "m" | "h" | "d"];
  if (ms < 1000) throw new AgentStateError(`--interval ${text}: at least 1 s`);
  return ms;
}

export type RunOptions = {
  stateDir: string;
  collector: Collector;
  /** Collect once, send the spool, return. */
  once: boolean;
  intervalMs: number;
  /** Tries per upload per flush with --once (the daemon keeps trying until the next collection). */
  attempts: number;
  backoff: Backoff;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Said even when progress is not (dropped collections); default: `log`. */
  warn?: (line: string) => void;
  /** The spool's cap (default DEFAULT_SPOOL_CAP). */
  spoolCap?: SpoolCap;
};

export type RunOutcome = FlushOutcome & {
  collections: number;
  /** Spooled collections dropped over the spool's cap (superseded by newer ones). */
  dropped: number;
};

/**
 * Collect → spool → send, once or every interval (±10% jitter, so a fleet started together
 * spreads out). Between collections the daemon keeps sending what is spooled, with backoff.
 */
export async function runAgent(options: RunOptions): Promise<RunOutcome> {
  readState(options.stateDir); // enrolled?
  let collections = 0;
  let last: FlushOutcome = { sent: 0, replayed: 0, rejected: [], pending: 0, unauthorised: false };
  const total: RunOutcome = { ...last, collections: 0, dropped: 0 };
  const cap = options.spoolCap ?? DEFAULT_SPOOL_CAP;
  const warn = options.warn ?? options.log;
  for (;;) {
    if (options.signal.aborted) break;
    const spooledNow = await collectToSpool(options.stateDir, options.collector, options.signal, cap);
    collections++;
    options.log(`collected ${spooledNow.observations} observations (${spooledNow.issues} problems reported); spooled`);
    total.dropped += spooledNow.trim.dropped.length;
    for (const line of trimWarnings(spooledNow.trim, cap)) warn(line);
    const nextCollection = Date.now() + options.intervalMs * (0.9 + Math.random() * 0.2);
    if (options.once) {
      last = await flushSpool(options.stateDir, { attempts: options.attempts, backoff: options.backoff, signal: options.signal, log: options.log });
      accumulate(total, last);
      break;
    }
    // the daemon: send, and keep trying with backoff until everything is sent or it is time to collect again
    for (let round = 0; ; round++) {
      last = await flushSpool(options.stateDir, { attempts: 1, backoff: options.backoff, signal: options.signal, log: options.log });
      accumulate(total, last);
      if (last.pending === 0 || last.unauthorised || options.signal.aborted) break;
      const wait = Math.min(backoffDelay(round, options.backoff), nextCollection - Date.now());
      if (wait <= 0) break;
      try {
        await sleep(wait, undefined, { signal: options.signal });
      } catch {
        break;
      }
    }
    if (last.unauthorised) break;
    try {
      await sleep(Math.max(0, nextCollection - Date.now()), undefined, { signal: options.signal });
    } catch {
      break; // stopped
    }
  }
  total.collections = collections;
  total.pending = spooled(options.stateDir).length;
  total.unauthorised = last.unauthorised;
  return total;
}

function accumulate(total: FlushOutcome, one: FlushOutcome): void {
  total.sent += one.sent;
  total.replayed += one.replayed;
  total.rejected.push(...one.rejected);
}
