/**
 * @module
 * What every part of the service shares: the store, the clock, the catalog in use and the
 * verified-removal threshold. The catalog is held in a box so `catalogChanged()` swaps it for
 * every part at once.
 */
import type { Kysely, Transaction } from "kysely";
import type { ActiveCatalog } from "../catalog/active.js";
import type { Backend } from "../store/open.js";
import type { Database } from "../store/schema.js";
import type { AllowEntry } from "../model/screen-settings.js";
import type { RetentionSettings } from "./retention.js";
import { FleetError } from "./types.js";

export type Ctx = {
  db: Kysely<Database>;
  backend: Backend;
  clock: () => Date;
  /** Clean inventories before a vanished finding is resolved. */
  judgeAfterClean: number;
  catalog: { active: ActiveCatalog };
  /** This process, for job locks. */
  workerId: string;
  /** Hosts per re-judgment shard job (rejudge.ts). */
  shardHosts: number;
  /** How long history and upload records are kept (retention.ts). */
  retention: RetentionSettings;
  /** Re-reads the catalog (as `catalogChanged()`); true when it changed. */
  refreshCatalog?: () => Promise<boolean>;
  /** The environment whose ICTSGUARD_HOME holds the screening lists (src/screen/lists/store.ts). */
  listsEnv: NodeJS.ProcessEnv;
  /** How webhooks are delivered (delivery.ts). */
  delivery: DeliverySettings;
  /** How counterparties are screened (screening.ts): the config's `screen:` settings. */
  screen: ScreenSettings;
  /** True once the job loop is stopping (`stopJobs`): a long pass (queued uploads) ends after the item in hand. */
  stopping?: () => boolean;
};

/**
 * Screening settings, as `ictsguard screen` resolves them from the config file (threshold,
 * candidates, the lowest score shown, and the allow-list of decided false positives, each entry
 * naming the file it came from).
 */
export type ScreenSettings = { threshold: number; candidates: number; minScore: number; allow: readonly (AllowEntry & { file?: string })[] };

/** Webhook delivery: timeouts and the retry schedule (exponential backoff with jitter). */
export type DeliverySettings = {
  /** One POST may take this long (default 10 s). */
  timeoutMs: number;
  /** Attempts before a delivery is marked failed (default 10). */
  maxAttempts: number;
  /** The first retry waits about this long (default 30 s); each next one twice as long ... */
  baseDelayMs: number;
  /** ... up to this (default 6 h). */
  maxDelayMs: number;
};

export type Db = Kysely<Database> | Transaction<Database>;

/**
 * What `in (...)` is given for an empty list (SQL has no empty list): a value no site name, id or
 * key can be, as they are never empty. Not "\u0000": PostgreSQL refuses a NUL character in text
 * ("invalid byte sequence for encoding UTF8"), which made such a filter a 500 there.
 */
export const NONE: string[] = [""];

export const nowIso = (ctx: Ctx): string => ctx.clock().toISOString();

/** Parses an instant or date given by a caller into the stored form (ISO UTC with milliseconds). */
export function isoInstant(value: string, what: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(ms)) throw new FleetError("invalid", `${what}: invalid instant "${value}": expected an ISO 8601 date or timestamp`);
  return new Date(ms).toISOString();
}

/** SQLite has no row locks (its one writer serialises transactions); PostgreSQL locks rows FOR UPDATE. */
export function lockable(ctx: Ctx): boolean {
  return ctx.backend === "postgres";
}

/** A unique-constraint violation, on either backend. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | undefined;
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}
