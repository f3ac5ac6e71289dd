/**
 * @module
 * The HTTP plumbing the fleet server's clients share (`upload`, `attest`): Node's own fetch, the
 * server's `{ error: { code, message } }` read into one line, network errors named, Retry-After
 * honoured, and a GET retried on network errors, 5xx and 429 with exponential backoff and full
 * jitter (any other answer is final).
 */
import { setTimeout as sleep } from "node:timers/promises";

export async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The server's `{ error: { code, message } }`, else the status and what it sent. */
export function errorMessage(status: number, body: unknown): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.message === "string") return `HTTP ${status} ${String(error.code ?? "")}: ${error.message}`.replace(" : ", ": ");
  const text = typeof body === "string" ? body.slice(0, 200) : "";
  return `HTTP ${status}${text ? `: ${text}` : ""}`;
}

export function networkMessage(err: unknown): string {
  const e = err as Error & { cause?: Error & { code?: string } };
  if (e.name === "TimeoutError") return "no answer in time";
  const cause = e.cause ? `: ${e.cause.code ?? e.cause.message}` : "";
  return `${e.message}${cause}`;
}

/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export type GetOutcome = { ok: true; status: number; body: unknown; attempts: number } | { ok: false; status?: number; attempts: number; message: string };

/** GETs a JSON resource with an API key, retrying what a retry can fix; never throws for a network or HTTP failure. */
export async function getWithRetry(
  url: URL,
  apiKey: string,
  retry: { attempts: number; baseDelayMs: number; maxDelayMs: number; timeoutMs: number },
  log?: (line: string) => void,
): Promise<GetOutcome> {
  let last: GetOutcome = { ok: false, attempts: 0, message: "not sent" };
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    let wait: number | undefined;
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}`, accept: "application/json" }, signal: AbortSignal.timeout(retry.timeoutMs) });
      const body = await readBody(res);
      if (res.ok) return { ok: true, status: res.status, body, attempts: attempt };
      last = { ok: false, status: res.status, attempts: attempt, message: errorMessage(res.status, body) };
      if (res.status !== 429 && res.status < 500) return last;
      wait = retryAfterMs(res.headers.get("retry-after"));
    } catch (err) {
      last = { ok: false, attempts: attempt, message: networkMessage(err) };
    }
    if (attempt < retry.attempts) {
      const delay = Math.min(retry.maxDelayMs, wait ?? Math.random() * retry.baseDelayMs * 2 ** (attempt - 1));
      log?.(`${last.ok ? "" : last.message}; retrying in ${(delay / 1000).toFixed(1)} s (try ${attempt + 1} of ${retry.attempts})`);
      await sleep(delay);
    }
  }
  return last;
}
