/**
 * @module
 * The types of notifications (webhook subscriptions, events, deliveries), counterparties with
 * their screening verdicts, and scheduled list refreshes (issue 15 parts 3 and 4). The `Fleet`
 * interface (types.ts) carries their methods.
 */

/** Every event a subscription may ask for. `test` is sent by the test endpoint to one subscription only. */
export const EVENT_TYPES = [
  "finding.new",
  "finding.resolved",
  "finding.reopened",
  "exception.expired",
  "deadline.approaching",
  "counterparty.verdict-changed",
  "test",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Lead times (days before a phase boundary) of `deadline.approaching` when a subscription gives none. */
export const DEFAULT_LEAD_DAYS: readonly number[] = [30, 7, 1];

export type Webhook = {
  /** `wh_` + 20 hex. */
  id: string;
  /** The site whose events it gets; null for every site. */
  site: string | null;
  url: string;
  events: EventType[];
  active: boolean;
  /** Days before a phase boundary at which `deadline.approaching` is sent, largest first. */
  leadDays: number[];
  description?: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
};

/** A subscription just made (or its secret rotated): `secret` is shown this once. */
export type WebhookWithSecret = { webhook: Webhook; secret: string };

export type WebhookInput = {
  site?: string | null;
  url: string;
  events: EventType[];
  active?: boolean;
  leadDays?: number[];
  description?: string;
};

export type WebhookPatch = Partial<Omit<WebhookInput, "site">> & { rotateSecret?: boolean };

export type DeliveryState = "pending" | "sending" | "delivered" | "failed";

export type DeliveryAttempt = { at: string; ok: boolean; statusCode: number | null; durationMs: number; error?: string };

export type WebhookDelivery = {
  /** `wd_` + 20 hex. */
  id: string;
  webhookId: string;
  eventId: string;
  eventType: EventType;
  site: string | null;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError?: string;
  deliveredAt?: string;
  createdAt: string;
  /** Every attempt, oldest first. */
  attemptLog: DeliveryAttempt[];
};

export const COUNTERPARTY_ROLES = ["vendor", "reseller", "customer", "partner", "other"] as const;
export type CounterpartyRole = (typeof COUNTERPARTY_ROLES)[number];

/** A list entry a counterparty's name matched at the threshold. */
export type CounterpartyMatch = {
  list: string;
  entityId: string;
  name: string;
  score: number;
  schema: string;
  countries: string[];
  programs: string[];
  /** Verdict `allowed`: the allow-list entry (config `screen.allow`, its 1-based `entry` in that list) that decided this match is a false positive. */
  allowedBy?: { reason: string; author: string; expires: string; entry: number; file?: string };
};

/** match: a list entry matches at the threshold; allowed: every such match is on the allow-list (a decided false positive); clear: none. */
export type CounterpartyVerdict = "match" | "allowed" | "clear";

export type Counterparty = {
  /** `cp_` + 20 hex of SHA-256(site, name, role): the same party imported twice is one. */
  id: string;
  site: string;
  name: string;
  country?: string;
  role: CounterpartyRole;
  identifiers: Record<string, string>;
  verdict: CounterpartyVerdict;
  matches: CounterpartyMatch[];
  screenedAt: string;
  /** The fingerprint of the catalog and lists it was screened with. */
  screenedWith: string;
  createdAt: string;
  updatedAt: string;
};

export type CounterpartyVerdictChange = { at: string; cause: string; verdict: CounterpartyVerdict; previous: CounterpartyVerdict | null; matches: CounterpartyMatch[]; screenedWith: string };

export type CounterpartyDetail = Counterparty & { history: CounterpartyVerdictChange[] };

export type CounterpartyInput = { site: string; name: string; country?: string; role?: CounterpartyRole; identifiers?: Record<string, string> };

export type CounterpartyImport = {
  imported: number;
  updated: number;
  errors: { line?: number; message: string }[];
  byVerdict: Record<CounterpartyVerdict, number>;
};

export type RescreenResult = { fingerprint: string; screened: number; changed: number };

export type ListSource = {
  /** The list's name (ICTSGUARD_HOME/lists/<name>.jsonl). */
  name: string;
  /** An http(s) URL, or a file or folder on the server. */
  source: string;
  format?: string;
  intervalMinutes: number;
  nextRunAt: string;
  createdAt: string;
  createdBy: string;
  lastRefresh?: ListRefresh;
};

export type ListRefresh = {
  id: string;
  list: string;
  source: string;
  at: string;
  /** imported; unchanged (same SHA-256 as the last import); refused (the import safety rules); error (could not be read). */
  outcome: "imported" | "unchanged" | "refused" | "error";
  sha256?: string;
  entries?: number;
  previousEntries?: number;
  message?: string;
};

export type ScreeningListInfo = { name: string; entries: number; importedAt?: string; source?: string[]; lastRefresh?: ListRefresh };
