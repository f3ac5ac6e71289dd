/**
 * @module
 * The restriction catalog's schema. The catalog is data (YAML under `catalog/`); this file is
 * the one description of its shape, and every type of it is inferred from these schemas.
 * Every fact carries citations; a fact the sources do not confirm says so (`confirmed: false`).
 */
import * as z from "zod";
import { ACTIONS, CATEGORIES, DOMAIN_ROLES, ROLES } from "./vocabulary.js";

const Id = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "ids are lower-case kebab-case: a-z, 0-9, '-', '.'");

/** A calendar date (`2024-07-20`) or an instant with an offset (`2024-09-29T00:00:00-04:00`). */
export const DateOrInstant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z))?$/,
    "expected a date YYYY-MM-DD or an instant YYYY-MM-DDTHH:MM[:SS]±HH:MM",
  );

/** A document a fact was read in. */
export const Source = z.object({
  id: Id,
  title: z.string(),
  /** Where it can be read (a URL or a Federal Register / CFR locator). */
  url: z.string().optional(),
  /** What of it was actually read, when only part was. */
  note: z.string().optional(),
  /**
   * A primary legal instrument (the Federal Register, the statute, the CFR or FAR text, an
   * agency's own directive) rather than a press release, reprint or law-firm summary. Reports
   * cite primary sources first.
   */
  primary: z.boolean().default(false),
});
export type Source = z.infer<typeof Source>;

/** A reference from a fact to a source. */
export const Citation = z.object({
  source: Id,
  /** Page, section or paragraph, e.g. `89 FR 52434` or `FAR 4.2002`. */
  locator: z.string().optional(),
  /** false when the sources do not confirm the fact this citation backs (shown to users). */
  confirmed: z.boolean().default(true),
  note: z.string().optional(),
});
export type Citation = z.infer<typeof Citation>;
const Citations = z.array(Citation).min(1, "every fact needs at least one citation");

export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export type Profile = Exclude<Role, "exporter">;

export const Action = z.enum(ACTIONS);
export type Action = z.infer<typeof Action>;

export const AliasKind = z.enum(["name", "brand", "former-name", "legal-form-variant", "translation", "transliteration"]);

export const Alias = z.object({
  name: z.string().min(1),
  kind: AliasKind.default("name"),
  /** ISO 639-1 language of the alias where it is not English, e.g. `ru`, `zh`. */
  lang: z.string().optional(),
  confirmed: z.boolean().default(true),
  note: z.string().optional(),
  citations: z.array(Citation).optional(),
});
export type Alias = z.infer<typeof Alias>;

export const Entity = z.object({
  id: Id,
  name: z.string(),
  /** group: a brand or corporate family that findings name as their vendor; organization: a legal entity; person. */
  type: z.enum(["group", "organization", "person"]),
  /** The group or parent this entity belongs to; findings report the top-most ancestor as `vendor`. */
  parent: Id.optional(),
  /** ISO 3166-1 alpha-2. */
  country: z.string().length(2).optional(),
  aliases: z.array(z.union([z.string().min(1), Alias])).default([]),
  address: z.object({ text: z.string(), confirmed: z.boolean().default(true) }).optional(),
  /** Publisher, vendor, maintainer and supplier strings this entity's software carries. */
  publishers: z.array(z.string().min(1)).default([]),
  note: z.string().optional(),
  citations: Citations,
});
export type Entity = z.infer<typeof Entity>;

/**
 * What traffic to a domain shows. Product traffic (`update`, `activation`, `telemetry`,
 * `download`, `crl`, `product`) means the vendor's software runs on the client; `vendor` is a
 * host under the vendor's registrable domain whose service is not known (it may be either);
 * `browsing` is a person reading the vendor's web sites: informational, never a finding.
 */
export const DomainRole = z.enum(DOMAIN_ROLES);
export type DomainRole = z.infer<typeof DomainRole>;

/** An identifier value, with an optional confidence override (single-source identifiers get less). */
export const IdentifierValue = z.union([
  z.string().min(1),
  z.object({
    value: z.string().min(1),
    confidence: z.number().min(0).max(1).optional(),
    note: z.string().optional(),
    /** Domains only: what traffic to this host shows (see DomainRole). */
    role: DomainRole.optional(),
  }),
]);
export type IdentifierValue = z.infer<typeof IdentifierValue>;
const Values = z.array(IdentifierValue).default([]);

export const Identifiers = z.object({
  /** Exact bundle ids (macOS/iOS), e.g. `com.kaspersky.kav`. */
  bundleIds: Values,
  /** Bundle-id prefixes that end in a dot, e.g. `com.kaspersky.`. */
  bundleIdPrefixes: Values,
  /** Android application ids. */
  androidPackages: Values,
  /** OS and language packages, as purl type and name: `deb/kesl`, `rpm/klnagent64`, `npm/@kaspersky/foo`. */
  packages: Values,
  /** Browser extension ids. */
  extensionIds: Values,
  /** Executable file names, compared case-insensitively: `avp.exe`. */
  processes: Values,
  /** Service or daemon names: `klnagent`, `AVP`. Values ending in `*` are prefixes. */
  services: Values,
  /** Device models of equipment (CycloneDX `device`, asset lists): exact, or prefixes ending in `*`. */
  deviceModels: Values,
  /** IEEE MAC address blocks (OUI, MA-L) assigned to the maker: `0C:75:D2` (any separators). */
  macOuis: Values,
  /** Kernel driver or extension names: `klif.sys`, `com.kaspersky.kext.klif`. */
  drivers: Values,
  /** Registrable domains or host names; a host matches itself and its subdomains. */
  domains: Values,
  /** Code-signing subjects or Apple Team IDs. */
  signers: Values,
  /** CPE vendor:product pairs, e.g. `kaspersky:kaspersky_anti-virus` (`kaspersky:*` for any product). */
  cpes: Values,
  /** Install path prefixes, e.g. `/opt/kaspersky/kesl/`, `C:\Program Files (x86)\Kaspersky Lab\`. */
  paths: Values,
});
export type Identifiers = z.infer<typeof Identifiers>;
export type IdentifierKind = keyof Identifiers;

/** How to take a product off one platform, how to check it is gone, and what to do with the licence. */
export const RemovalGuide = z.object({
  platforms: z.array(z.enum(["windows", "macos", "linux", "android", "ios", "web", "any"])).min(1),
  /** How to remove it (the vendor's removal tool, package removal, MDM, remote uninstallation). */
  remove: z.string(),
  /** How to verify that it is gone. */
  verify: z.string(),
  /** What to do about the licence or subscription. */
  licence: z.string().optional(),
  confirmed: z.boolean().default(true),
  citations: Citations,
});
export type RemovalGuide = z.infer<typeof RemovalGuide>;

export const Product = z.object({
  id: Id,
  /** Entity id of the vendor (usually the group). */
  vendor: Id,
  name: z.string(),
  category: Category,
  /** How this product relates to the vendor: its own product, or a third party's product that embeds it. */
  relation: z.enum(["own", "integration"]).default("own"),
  platforms: z.array(z.enum(["windows", "macos", "linux", "android", "ios", "web", "any"])).default([]),
  /** Product names as they appear in inventories (display names, localized names). Matched normalized. */
  aliases: z.array(z.union([z.string().min(1), Alias])).default([]),
  identifiers: Identifiers.partial().default({}),
  /** `equipment`: hardware (cameras, recorders, radios, routers, hotspots), judged as equipment of its category. */
  form: z.enum(["software", "equipment"]).default("software"),
  /** The vendor's own removal tool: finding it on a host means removal is under way, not a product to replace. */
  removalTool: z.boolean().default(false),
  remediation: z.string().optional(),
  /** Removal per platform, cited from the vendor's documentation. */
  removal: z.array(RemovalGuide).default([]),
  note: z.string().optional(),
  citations: Citations,
});
export type Product = z.infer<typeof Product>;

/** A known look-alike: something that resembles a restricted product and must not match it. */
export const Lookalike = z.object({
  id: Id,
  /** What it really is, shown to users when it suppresses a match. */
  description: z.string(),
  /** Normalized-name equality or prefix (ends in `*`), exact identifiers, or publishers. */
  names: z.array(z.string()).default([]),
  publishers: z.array(z.string()).default([]),
  identifiers: Identifiers.partial().default({}),
  citations: Citations,
});
export type Lookalike = z.infer<typeof Lookalike>;

export const Decision = z.enum(["prohibited", "license-required"]);
export type Decision = z.infer<typeof Decision>;

/**
 * Facts of a transaction the user states (`check --counterparty government`, `--funding federal`):
 * a clause with `when` binds only transactions that have them.
 */
export const TransactionContext = z
  .object({
    /** `government`: a supply to a US federal agency (under a contract). */
    counterparty: z.enum(["government"]).optional(),
    /** `federal`: paid with federal grant or loan funds. */
    funding: z.enum(["federal"]).optional(),
  })
  .strict();
export type TransactionContext = z.infer<typeof TransactionContext>;

/** One prohibition clause: these roles may not take these actions (`any` = every US person). */
export const Prohibition = z.object({
  roles: z.array(z.union([Role, z.literal("any")])).min(1),
  actions: z.array(Action).min(1),
  decision: Decision.default("prohibited"),
  /** The clause binds only transactions with these stated facts. */
  when: TransactionContext.optional(),
  note: z.string().optional(),
});
export type Prohibition = z.infer<typeof Prohibition>;

/**
 * A duty that is not a prohibition (identify, report, plan, represent), with its deadlines in
 * business days where it has them, and its citations.
 */
export const Obligation = z.object({
  text: z.string(),
  /** Roles it falls on (omitted: whoever the phase binds). */
  roles: z.array(z.union([Role, z.literal("any")])).optional(),
  /** Deadlines in business days from identification, in order (e.g. [1, 10]). */
  businessDays: z.array(z.number().int().positive()).optional(),
  citations: Citations,
});
export type Obligation = z.infer<typeof Obligation>;

/**
 * Where the law is narrower than the rule as encoded: a fact the tool cannot see decides (a
 * purpose limit, an exception, a carve-out's condition, a rule whose status is unconfirmed).
 * A covered transaction the condition reaches is `review`, never a flat decision; `text` names
 * the condition and what the user must check.
 */
export const Condition = z.object({
  id: Id,
  text: z.string(),
  /** Reached only for these roles, entities (a group covers its members), categories and actions (omitted: all). */
  roles: z.array(Role).optional(),
  entities: z.array(Id).optional(),
  categories: z.array(Category).optional(),
  actions: z.array(Action).optional(),
  /** Reached only while one of these phases of the rule decides (omitted: every phase). */
  phases: z.array(Id).optional(),
  /** Stated facts that settle the condition (e.g. a supply to the Government is inside FAR 52.204-23's scope). */
  unless: TransactionContext.optional(),
  citations: Citations,
});
export type Condition = z.infer<typeof Condition>;

export const Penalty = z.object({
  text: z.string(),
  /** The year the figure is for (civil maxima are adjusted for inflation every year). */
  year: z.number().int().optional(),
  confirmed: z.boolean().default(true),
  citations: Citations,
});
export type Penalty = z.infer<typeof Penalty>;

export const Phase = z.object({
  id: Id,
  label: z.string(),
  from: DateOrInstant,
  to: DateOrInstant.optional(),
  /** false when the exact start (e.g. the time of day) is not confirmed. */
  fromConfirmed: z.boolean().default(true),
  /**
   * The entities this phase concerns, for a listing that names them over time (each inclusion a
   * phase of its own, with its own date): it concerns their corporate families only. Omitted:
   * every entity of the rule.
   */
  entities: z.array(Id).min(1).optional(),
  prohibits: z.array(Prohibition).default([]),
  /** Duties that are not prohibitions (identify, report, plan), shown with findings. */
  obligations: z.array(z.union([z.string(), Obligation])).default([]),
  citations: Citations,
});
export type Phase = z.infer<typeof Phase>;

export const Rule = z.object({
  id: Id,
  title: z.string(),
  /** listing: only names entities (no prohibition of its own); prohibition: has phases that prohibit. */
  kind: z.enum(["prohibition", "listing", "designation"]),
  authority: z.object({ agency: z.string(), legal: z.array(z.string()).min(1) }),
  /** Entities (any level: a group covers its members) this rule covers. Empty with `countries` for designations. */
  entities: z.array(Id).default([]),
  countries: z.array(z.string().length(2)).default([]),
  /** Product categories in scope; omitted = every category. */
  categories: z.array(Category).optional(),
  /** Categories carved out of the scope (exclusions). */
  excludedCategories: z.array(Category).default([]),
  /** Whether third-party products that embed a covered entity's software are covered. */
  coversIntegrations: z.boolean().default(false),
  /**
   * Whether the rule reaches the whole corporate family of its entities (true: affiliates,
   * subsidiaries, parents) or only the entities it lists (false: e.g. Entity List entries).
   */
  coversAffiliates: z.boolean().default(true),
  phases: z.array(Phase).default([]),
  /** Conditions the tool cannot see that narrow the rule (see Condition): covered transactions they reach are `review`. */
  conditions: z.array(Condition).default([]),
  /** The IANA zone of the rule's dates: a date-only phase starts at 00:00 there. */
  timeZone: z.string().default("America/New_York"),
  remediation: z.string().optional(),
  /** Penalties for a violation, each figure with its year; shown only on transactions prohibited to the user. */
  penalties: z.array(Penalty).default([]),
  summary: z.string(),
  citations: Citations,
});
export type Rule = z.infer<typeof Rule>;

/** How a scan profile holds the software it is scanned for: which actions holding it implies. */
export const ProfileDef = z.object({
  id: Role,
  label: z.string(),
  description: z.string(),
  /** Actions that having the product in the estate amounts to for this profile. */
  holdingActions: z.array(Action).min(1),
});
export type ProfileDef = z.infer<typeof ProfileDef>;

export const CatalogMeta = z.object({
  version: z.string(),
  /** Date of the last fact review. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  description: z.string().optional(),
});

/** One YAML file of the catalog may hold any of these sections. */
export const CatalogFile = z
  .object({
    catalog: CatalogMeta.optional(),
    sources: z.array(Source).default([]),
    entities: z.array(Entity).default([]),
    products: z.array(Product).default([]),
    lookalikes: z.array(Lookalike).default([]),
    rules: z.array(Rule).default([]),
    profiles: z.array(ProfileDef).default([]),
  })
  .strict();
export type CatalogFile = z.infer<typeof CatalogFile>;

/** The loaded, cross-checked catalog. */
export type Catalog = {
  version: string;
  date: string;
  /** sha256 of the canonical JSON of the catalog's content. */
  digest: string;
  sources: Source[];
  entities: Entity[];
  products: Product[];
  lookalikes: Lookalike[];
  rules: Rule[];
  profiles: ProfileDef[];
};
