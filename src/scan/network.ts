/**
 * @module
 * Network evidence folded per client. A DNS or proxy log names the same few hosts thousands of
 * times: one finding per lookup would bury the one fact that matters, "this client runs the
 * vendor's software". So domain matches are gathered here instead of becoming findings one by
 * one: per (client, vendor) one finding, holding each domain with its count and its first and
 * last time seen. Browsing (catalog role `browsing`: corporate, support and research web sites)
 * is gathered the same way but reported as information, never as a finding.
 *
 * Memory is bounded by the number of distinct (client, vendor, domain) keys, not by lines.
 *
 * The finding names the product when all the client's domains belong to one catalog product
 * (the vendor's catch-all does not count); when they belong to several (KSN telemetry and
 * updates, say), it names the vendor's catch-all, "<vendor> software (product not identified)":
 * traffic shows that the vendor's software runs on the client, not which product it is. Each
 * domain still names its own product and role.
 */
import type { DomainRole } from "../model/catalog.js";
import { INFORMATIONAL_ROLES } from "../model/vocabulary.js";
import type { EntityRef, Evidence, InformationalHit, Match, NetworkEvidence, ProductRef } from "../model/finding.js";
import type { SourceRef } from "../model/observation.js";
import { productRef, unidentifiedProduct, type CatalogIndex } from "../match/index.js";

type DomainState = {
  domain: string;
  product: ProductRef;
  role?: DomainRole;
  count: number;
  first?: Seen;
  last?: Seen;
  source: SourceRef;
  confidence: number;
  evidence: Evidence;
};

/** A time as the log gave it, and as milliseconds for comparing. */
type Seen = { text: string; ms: number };

type Bucket = {
  client?: string;
  vendor: EntityRef;
  total: number;
  first?: Seen;
  last?: Seen;
  domains: Map<string, DomainState>;
};

/** Role words as the reasons print them. */
const ROLE_WORDS: Record<DomainRole, string> = {
  update: "update",
  activation: "license activation",
  telemetry: "telemetry",
  download: "download",
  crl: "certificate revocation",
  product: "product service",
  vendor: "vendor",
  browsing: "web site",
};

/** A client's traffic to one vendor, folded: the match it amounts to, the evidence, and a sentence saying so. */
export type NetworkFinding = { match: Match; network: NetworkEvidence; sentence: string };

export type NetworkAggregator = {
  /** Takes a match when it is network evidence, and says whether it did (then no finding is made for it). */
  add(match: Match): boolean;
  /** One match per client and vendor (the scanner makes it a finding), in the order the clients were first seen. */
  findings(): NetworkFinding[];
  /** Informational traffic, one entry per client and vendor. */
  informational(): InformationalHit[];
};

export function createNetworkAggregator(index: CatalogIndex): NetworkAggregator {
  const evidenceBuckets = new Map<string, Bucket>();
  const infoBuckets = new Map<string, Bucket>();

  const add = (m: Match): boolean => {
    const o = m.observation;
    if (o.kind !== "domain" || m.evidence.length === 0 || !m.evidence.every((e) => e.matcher === "domain")) return false;
    const informational = m.evidence.every((e) => e.role !== undefined && INFORMATIONAL_ROLES.has(e.role));
    const client = o.host?.trim() || undefined;
    // Product traffic without a client (an SBOM's service endpoint) stays a finding of its own.
    if (!informational && client === undefined) return false;
    const buckets = informational ? infoBuckets : evidenceBuckets;
    const key = `${client ?? ""}\u0000${m.vendor.id}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { ...(client !== undefined ? { client } : {}), vendor: m.vendor, total: 0, domains: new Map() };
      buckets.set(key, bucket);
    }
    const domain = o.name.trim().toLowerCase().replace(/\.$/, "");
    const seen = toSeen(o.seenAt);
    let state = bucket.domains.get(domain);
    if (!state) {
      const evidence = m.evidence[0]!;
      state = {
        domain,
        product: m.product,
        ...(evidence.role ? { role: evidence.role } : {}),
        count: 0,
        source: { ...o.source },
        confidence: m.confidence,
        evidence,
      };
      bucket.domains.set(domain, state);
    }
    state.count++;
    bucket.total++;
    if (seen) {
      if (!state.first || seen.ms < state.first.ms) state.first = seen;
      if (!state.last || seen.ms > state.last.ms) state.last = seen;
      if (!bucket.first || seen.ms < bucket.first.ms) bucket.first = seen;
      if (!bucket.last || seen.ms > bucket.last.ms) bucket.last = seen;
    }
    return true;
  };

  const findings = (): NetworkFinding[] =>
    [...evidenceBuckets.values()].map((bucket) => {
      const domains = [...bucket.domains.values()];
      const product = productOf(domains, bucket.vendor, index);
      const confidence = Math.max(...domains.map((d) => d.confidence));
      const evidence = distinctEvidence(domains);
      const top = domains.reduce((best, d) => (d.count > best.count ? d : best));
      const observation = { kind: "domain" as const, name: top.domain, host: bucket.client!, source: { ...domains[0]!.source } };
      const network = networkOf(bucket);
      return { match: { observation, product, vendor: bucket.vendor, confidence, evidence }, network, sentence: networkSentence(bucket, network) };
    });

  const informational = (): InformationalHit[] =>
    [...infoBuckets.values()]
      .map((bucket) => {
        const network = networkOf(bucket);
        const who = bucket.client ?? "The inputs";
        const hosts = network.domains.map((d) => d.domain).join(", ");
        return {
          vendor: bucket.vendor.id,
          vendorName: bucket.vendor.name,
          reason:
            `${who} visited ${bucket.vendor.name} web sites (${hosts}) ${times(network.total)}. ` +
            `Reading a vendor's corporate, support or research sites does not show that its software is installed: information only, not a finding.`,
          network,
        };
      })
      .sort((a, b) => a.vendor.localeCompare(b.vendor) || (a.network.client ?? "").localeCompare(b.network.client ?? ""));

  return { add, findings, informational };
}

/** One product if all the domains name one (the vendor's catch-all aside), else the catch-all. */
function productOf(domains: DomainState[], vendor: EntityRef, index: CatalogIndex): ProductRef {
  const catchAll = `${vendor.id}-unidentified`;
  const specific = new Map(domains.filter((d) => d.product.id !== catchAll).map((d) => [d.product.id, d.product]));
  if (specific.size === 1) return [...specific.values()][0]!;
  const caught = domains.find((d) => d.product.id === catchAll)?.product;
  if (caught) return caught;
  const group = index.entities.get(vendor.id);
  return group ? productRef(unidentifiedProduct(group, index)) : { id: catchAll, name: `${vendor.name} software (product not identified)`, category: "other-software", relation: "own" };
}

/** The evidence of each distinct catalog identifier that fired, strongest first. */
function distinctEvidence(domains: DomainState[]): Evidence[] {
  const byRule = new Map<string, Evidence>();
  for (const d of domains) {
    const key = `${d.evidence.found.rule}\u0000${d.evidence.found.value}`;
    if (!byRule.has(key)) byRule.set(key, d.evidence);
  }
  return [...byRule.values()].sort((a, b) => b.confidence - a.confidence);
}

function networkOf(bucket: Bucket): NetworkEvidence {
  return {
    ...(bucket.client !== undefined ? { client: bucket.client } : {}),
    total: bucket.total,
    ...(bucket.first ? { firstSeen: bucket.first.text } : {}),
    ...(bucket.last ? { lastSeen: bucket.last.text } : {}),
    domains: [...bucket.domains.values()].map((d) => ({
      domain: d.domain,
      product: d.product.id,
      ...(d.role ? { role: d.role } : {}),
      count: d.count,
      ...(d.first ? { firstSeen: d.first.text } : {}),
      ...(d.last ? { lastSeen: d.last.text } : {}),
      source: d.source,
    })),
  };
}

/** "10.0.0.5 looked up 3 Kaspersky hosts (update, telemetry service) 42 times, 2024-… to 2024-…." */
function networkSentence(bucket: Bucket, network: NetworkEvidence): string {
  const roles = [...new Set(network.domains.map((d) => ROLE_WORDS[d.role ?? "product"]))];
  const hosts = network.domains.length === 1 ? `the ${bucket.vendor.name} host ${network.domains[0]!.domain}` : `${network.domains.length} ${bucket.vendor.name} hosts`;
  const span = network.firstSeen && network.lastSeen ? (network.firstSeen === network.lastSeen ? `, at ${network.firstSeen}` : `, from ${network.firstSeen} to ${network.lastSeen}`) : "";
  const running = network.domains.some((d) => d.role !== "vendor")
    ? `, so ${bucket.vendor.name} software runs there.`
    : `: hosts of the vendor whose service is not known (browsing or product traffic).`;
  return `Network evidence: ${bucket.client} contacted ${hosts} (${roles.join(", ")}) ${times(network.total)}${span}${running}`;
}

function times(n: number): string {
  return n === 1 ? "once" : `${n} times`;
}

function toSeen(text: string | undefined): Seen | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : { text, ms };
}
