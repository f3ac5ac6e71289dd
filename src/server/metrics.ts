/**
 * @module
 * Prometheus metrics (prom-client), one registry per server so that several servers in one
 * process (tests) do not share counters: requests and their durations by route (the route
 * table's id, never the raw path, so cardinality stays bounded), method and status; uploads by
 * outcome; authentication failures; and, read from the store at each scrape, findings by status
 * and by state, hosts, and the depth of the queued-upload queue.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Fleet } from "../fleet/types.js";
import { LOCAL_ADMIN } from "../fleet/types.js";

export type UploadOutcomeLabel = "stored" | "queued" | "replayed" | "rejected" | "too-large" | "failed";

export type ServerMetrics = {
  readonly registry: Registry;
  request(route: string, method: string, status: number, seconds: number): void;
  upload(outcome: UploadOutcomeLabel, observations?: number): void;
  authFailure(reason: "missing" | "invalid" | "rate-limited" | "session"): void;
};

export function createMetrics(fleet: Fleet, options: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "ictsguard_" });
  const requests = new Counter({
    name: "ictsguard_http_requests_total",
    help: "HTTP requests answered, by route id, method and status.",
    labelNames: ["route", "method", "status"] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: "ictsguard_http_request_duration_seconds",
    help: "Time to answer HTTP requests, by route id, method and status.",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const uploads = new Counter({
    name: "ictsguard_uploads_total",
    help: "Inventory uploads, by outcome (stored, queued: accepted to be judged later, replayed: same idempotency key, rejected, too-large, failed).",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const uploadedObservations = new Counter({
    name: "ictsguard_uploaded_observations_total",
    help: "Observations in stored uploads.",
    registers: [registry],
  });
  const authFailures = new Counter({
    name: "ictsguard_auth_failures_total",
    help: "Requests refused for want of a valid API key, by reason.",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  // read from the store at scrape time: the one summary query serves both gauges
  let pending: Promise<Awaited<ReturnType<Fleet["summary"]>> | undefined> | undefined;
  const summary = () =>
    (pending ??= fleet
      .summary(LOCAL_ADMIN)
      .catch(() => undefined)
      .finally(() => setTimeout(() => (pending = undefined), 0)));
  new Gauge({
    name: "ictsguard_findings",
    help: "Findings not resolved, by status.",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const s = await summary();
      if (s) for (const [status, n] of Object.entries(s.byStatus)) this.set({ status }, n);
    },
  });
  new Gauge({
    name: "ictsguard_findings_by_state",
    help: "Findings not resolved, by state.",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const s = await summary();
      if (s) for (const [state, n] of Object.entries(s.byState)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: "ictsguard_queued_uploads",
    help: "Uploads accepted with Prefer: respond-async, by state: queued (waiting to be judged) and processing, in the whole store.",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const depth = await fleet.uploadQueueDepth().catch(() => undefined);
      if (depth) for (const [state, n] of Object.entries(depth)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: "ictsguard_hosts",
    help: "Hosts known to the store.",
    registers: [registry],
    async collect() {
      const s = await summary();
      if (s) this.set(s.hosts);
    },
  });
  return {
    registry,
    request(route, method, status, seconds) {
      const labels = { route, method, status: String(status) };
      requests.inc(labels);
      durations.observe(labels, seconds);
    },
    upload(outcome, observations) {
      uploads.inc({ outcome });
      if (observations) uploadedObservations.inc(observations);
    },
    authFailure(reason) {
      authFailures.inc({ reason });
    },
  };
}
