/**
 * @module
 * Transactions and decisions: what `ictsguard check` is asked (a zod schema, since the input
 * comes from users' files) and what it answers (plain types; the JSON output is the decision).
 */
import * as z from "zod";
import type { Action, Category, Role } from "./catalog.js";
import { ACTIONS, CATEGORIES, DECISIONS, ROLES } from "./vocabulary.js";
import type { RenderedCitation } from "./finding.js";

export type CheckDecision = (typeof DECISIONS)[number];

const DATE_OR_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
const got = (input: unknown): string => (input === undefined ? "nothing" : JSON.stringify(input));
const oneOf = (values: readonly string[]) => (iss: { input?: unknown }) => `expected one of ${values.join(", ")} (got ${got(iss.input)})`;
const text = z.string().trim().min(1, "expected a non-empty text");

/** One transaction as asked: who, what action, with whom or on what, when. */
export const CheckInput = z
  .object({
    role: z.enum(ROLES, { error: oneOf(ROLES) }),
    action: z.enum(ACTIONS, { error: oneOf(ACTIONS) }),
    /** The counterparty by name: resolved against entity names and aliases. */
    vendor: text.optional(),
    /** The counterparty by catalog entity id (exact). */
    entity: text.optional(),
    /** A product name or catalog product id: gives the category and the maker. */
    product: text.optional(),
    /** The product category; overrides the product's. */
    category: z.enum(CATEGORIES, { error: oneOf(CATEGORIES) }).optional(),
    /** ISO 3166-1 alpha-2 country of the counterparty, to tell same-named entities apart. */
    country: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/, "expected an ISO 3166-1 alpha-2 country code such as RU or US")
      .transform((s) => s.toUpperCase())
      .optional(),
    /** `government`: the transaction supplies a US federal agency (sale, resale, integration, support or licence under a contract). */
    counterparty: z.enum(["government"], { error: oneOf(["government"]) }).optional(),
    /** `federal`: the purchase is paid with federal grant or loan funds. */
    funding: z.enum(["federal"], { error: oneOf(["federal"]) }).optional(),
    /** A calendar date, or an ISO 8601 timestamp with an offset. */
    date: z.string().trim().regex(DATE_OR_INSTANT, "expected a date YYYY-MM-DD or an ISO 8601 timestamp with an offset, e.g. 2024-09-29T00:00:00-04:00"),
    /** Columns of the input echoed with the decision (purchase order number, reference ...). */
    ref: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine((t) => !(t.vendor && t.entity), { message: "give the counterparty as vendor or as entity, not both", path: ["entity"] })
  .refine((t) => t.vendor || t.entity || t.product, { message: "expected a vendor, an entity or a product to check", path: ["vendor"] });
export type CheckInput = {
  role: Role;
  action: Action;
  vendor?: string;
  entity?: string;
  product?: string;
  category?: Category;
  country?: string;
  counterparty?: "government";
  funding?: "federal";
  date: string;
  ref?: Record<string, string>;
};

/** A rule that decided, as the output shows it. */
export type DecidingRule = {
  id: string;
  title: string;
  decision: CheckDecision;
  /** The first citation of the deciding phase (or of the rule), rendered. */
  citation: string;
  citations: RenderedCitation[];
  /** The phase that applied and its start. */
  phase?: { id: string; label: string; from: string; fromConfirmed: boolean };
  /** Through whom the rule reaches the transaction. */
  subject: { entity: string; name: string; as: "counterparty" | "maker" };
  /** The prohibition's own note (what exactly it forbids, and readings of the text). */
  note?: string;
  /** Why the rule is left for review, when it is. */
  review?: string;
  /** What the rule decides once the review goes against you. */
  wouldBe?: CheckDecision;
  /** The condition the tool cannot see that leaves the rule for review: what the user must check. */
  condition?: { id: string; text: string; citations: RenderedCitation[] };
  /** `use`: the rule prohibits using it, and this action leads to using it. */
  via?: Action;
  /** Penalties, only where the transaction is prohibited to the user; the current figures, with their year. */
  penalties?: { text: string; year?: number; confirmed: boolean }[];
  /** Duties of the in-force phases that fall on this role (reporting deadlines in business days). */
  obligations?: { text: string; businessDays?: number[]; citations: RenderedCitation[] }[];
};

export type PartyView =
  | { query: string; how: "id" | "alias" | "fuzzy"; entity: { id: string; name: string; type: string; country?: string }; group: { id: string; name: string }; score: number; matched: string; explanation: string }
  | { query?: string; how: "none"; score: 0; explanation: string };

export type ProductView =
  | { query: string; how: "catalog"; id: string; name: string; category: Category; relation: "own" | "integration"; vendor: { id: string; name: string }; confidence: number; explanation: string }
  | { query: string; how: "lookalike" | "unknown"; explanation: string };

/** The answer for one transaction: the JSON output of `ictsguard check`. */
export type CheckResult = {
  input: CheckInput;
  decision: CheckDecision;
  rules: DecidingRule[];
  /** Plain sentences a buyer can read. */
  explanation: string;
  party: PartyView;
  product?: ProductView;
  /** The category the decision used, and where it came from. */
  category: { value?: Category; from: "input" | "product" | "unknown" };
  asOf: { date: string; instant?: string };
  /** The next coming date that makes the decision stricter. */
  next?: { from: string; fromConfirmed: boolean; decision: CheckDecision; rule: string; phase: string; label: string };
  catalogVersion: string;
  catalogDigest: string;
  /** Where the transaction was read, in batch mode. */
  source?: { file: string; line: number };
};
