/**
 * @module
 * The client side of `ictsguard upload`: one inventory file sent to a fleet server, streamed from
 * disk (never read whole into memory), with a deterministic idempotency key and retries.
 *
 * The key is the SHA-256 of the site, the host, the forced format, the file's modification time
 * and its bytes: a retry, or a second run over the same untouched file, carries the same key and
 * the server stores the upload once (docs/api.md, "Idempotency"), while an inventory collected
 * again (a new modification time) is a new upload even when nothing in it changed, so the host's
 * "last seen" moves. Network errors, 5xx and 429 are
 * retried with exponential backoff and full jitter (a 429's or 503's Retry-After is honoured);
 * any other answer is final. Uses Node's own fetch (undici): no other HTTP client. With `async`
 * the server queues the upload (202) and judges it after; `waitForUpload` polls its status.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { errorMessage, getWithRetry, networkMessage, readBody, retryAfterMs } from "./http.js";

export type UploadTarget = {
  /** The server's base URL, e.g. `http://127.0.0.1:8080`. */
  server: string;
  apiKey: string;
  /** Every observation belongs to this host; without it the server takes hosts from the data. */
  host?: string;
  /** The site the host(s) belong to (default: the server's default site). */
  site?: string;
  /** A reader name, to skip the server's format detection. */
  inputFormat?: string;
  /** Ask the server to queue the upload and answer at once (`Prefer: respond-async`): judged after, status at `GET /api/v1/uploads/{id}`. */
  async?: boolean;
};

export type RetryPolicy = {
  /** Tries in all, the first included (default 5). */
  attempts: number;
  /** The first backoff in milliseconds, doubled each retry (default 500). */
  baseDelayMs: number;
  /** No backoff is longer (default 30 s). */
  maxDelayMs: number;
  /** Each try gives up after this long (default 300 s). */
  timeoutMs: number;
};

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 300_000 };

export type UploadOutcome =
  | { ok: true; file: string; status: number; idempotencyKey: string; attempts: number; body: unknown }
  | { ok: false; file: string; status?: number; idempotencyKey?: string; attempts: number; message: string };

/** The upload's route: the host's inventories, or the fleet's (hosts from the data). */
export function uploadUrl(target: UploadTarget, file: string): URL {
  const base = target.server.replace(/\/+$/, "");
  const path = target.host ? `/api/v1/hosts/${encodeURIComponent(target.host)}/inventories` : "/api/v1/inventories";
  const url = new URL(base + path);
  if (target.site) url.searchParams.set("site", target.site);
  if (target.inputFormat) url.searchParams.set("format", target.inputFormat);
  url.searchParams.set("filename", baseName(file));
  return url;
}

/** SHA-256 (hex) of site, host, forced format, modification time and the file's bytes, read as a stream. */
export async function idempotencyKeyOf(file: string, target: Pick<UploadTarget, "site" | "host" | "inputFormat">): Promise<string> {
  const hash = createHash("sha256");
  const mtime = (await stat(file)).mtime.toISOString();
  // lengths first, so that no two lists of parts give the same prefix
  for (const part of [target.site ?? "", target.host ?? "", target.inputFormat ?? "", mtime]) hash.update(`${Buffer.byteLength(part)}:${part}\n`);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Sends one file; resolves with what the server said last, never throws for a network or HTTP failure. */
export async function uploadFile(file: string, target: UploadTarget, retry: RetryPolicy = DEFAULT_RETRY, log?: (line: string) => void): Promise<UploadOutcome> {
  let size: number;
  let key: string;
  try {
    const s = await stat(file);
    if (!s.isFile()) return { ok: false, file, attempts: 0, message: "not a file" };
    size = s.size;
    key = await idempotencyKeyOf(file, target);
  } catch (err) {
    return { ok: false, file, attempts: 0, message: `cannot read: ${(err as Error).message}` };
  }
  const url = uploadUrl(target, file);
  let last: UploadOutcome = { ok: false, file, idempotencyKey: key, attempts: 0, message: "not sent" };
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    let wait: number | undefined;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${target.apiKey}`,
          "content-type": "application/octet-stream",
          "content-length": String(size),
          "idempotency-key": key,
          accept: "application/json",
          ...(target.async ? { prefer: "respond-async" } : {}),
        },
        // streamed from disk, opened again for every try
        body: Readable.toWeb(createReadStream(file)) as ReadableStream,
        duplex: "half",
        signal: AbortSignal.timeout(retry.timeoutMs),
      } as RequestInit & { duplex: "half" });
      const body = await readBody(res);
      if (res.ok) return { ok: true, file, status: res.status, idempotencyKey: key, attempts: attempt, body };
      last = { ok: false, file, status: res.status, idempotencyKey: key, attempts: attempt, message: errorMessage(res.status, body) };
      if (res.status !== 429 && res.status < 500) return last; // the request itself is wrong: trying again changes nothing
      wait = retryAfterMs(res.headers.get("retry-after"));
    } catch (err) {
      last = { ok: false, file, idempotencyKey: key, attempts: attempt, message: networkMessage(err) };
    }
    if (attempt < retry.attempts) {
      const delay = Math.min(retry.maxDelayMs, wait ?? Math.random() * retry.baseDelayMs * 2 ** (attempt - 1));
      log?.(`${file}: ${last.ok ? "" : last.message}; retrying in ${(delay / 1000).toFixed(1)} s (try ${attempt + 1} of ${retry.attempts})`);
      await sleep(delay);
    }
  }
  return last;
}

/** A queued upload's status route on `server`. */
export const uploadStatusUrl = (server: string, id: string): string => `${server.replace(/\/+$/, "")}/api/v1/uploads/${encodeURIComponent(id)}`;

export type UploadStatus = { id: string; status: "queued" | "processing" | "done" | "failed"; scan?: unknown; error?: { code: string; message: string } };

/**
 * Polls a queued upload's status (`GET /api/v1/uploads/{id}`) until it is done or failed, or
 * `timeoutMs` passed (then the last status seen, still queued or processing). `ok: false` when
 * the status could not be read.
 */
export async function waitForUpload(
  server: string,
  apiKey: string,
  id: string,
  options: { retry: RetryPolicy; timeoutMs: number; intervalMs?: number },
): Promise<{ ok: true; upload: UploadStatus } | { ok: false; message: string }> {
  const url = new URL(uploadStatusUrl(server, id));
  const end = Date.now() + options.timeoutMs;
  let interval = options.intervalMs ?? 500;
  for (;;) {
    const got = await getWithRetry(url, apiKey, options.retry);
    if (!got.ok) return { ok: false, message: got.message };
    const upload = got.body as UploadStatus;
    if (upload.status === "done" || upload.status === "failed" || Date.now() >= end) return { ok: true, upload };
    await sleep(Math.min(interval, Math.max(0, end - Date.now())));
    interval = Math.min(interval * 2, 5000);
  }
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() || file;
}
