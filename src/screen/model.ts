/**
 * @module
 * The data screening works on: restricted entities from any list (the catalog, the CSL, the SDN,
 * OpenSanctions, a plain CSV) in one shape, and the list file ictsguard stores for each imported
 * list. Lists cross a boundary (they are written to disk and read back), so they are zod schemas.
 */
import * as z from "zod";

export const SCREEN_SCHEMAS = ["organization", "person", "vessel", "aircraft"] as const;
export const ScreenSchema = z.enum(SCREEN_SCHEMAS);
export type ScreenSchema = z.infer<typeof ScreenSchema>;

export const NAME_KINDS = [
  "name", // the primary name
  "alias", // a.k.a.
  "weak-alias", // a weak a.k.a. (OFAC "weak aka", FtM weakAlias): a nickname or short form
  "former-name", // f.k.a.
  "brand",
  "publisher", // a publisher string the catalog knows the entity's software by
  "legal-form-variant",
  "translation",
  "transliteration",
] as const;
export const NameKind = z.enum(NAME_KINDS);
export type NameKind = z.infer<typeof NameKind>;

export const EntityName = z.object({
  name: z.string().min(1),
  kind: NameKind,
  lang: z.string().optional(),
});
export type EntityName = z.infer<typeof EntityName>;

export const ScreenEntity = z.object({
  /** Unique within its list: the list's own identifier (OFAC ent_num, CSL entity number, FtM id, catalog id). */
  id: z.string().min(1),
  name: z.string().min(1),
  schema: ScreenSchema,
  aliases: z.array(EntityName).default([]),
  /** ISO 3166-1 alpha-2, upper case. */
  countries: z.array(z.string().length(2)).default([]),
  addresses: z.array(z.string()).default([]),
  /** Sanctions programs or the sub-list (CSL source code "EL", "SDN" ...). */
  programs: z.array(z.string()).default([]),
  /** The group this entity belongs to (catalog), shown beside it. */
  group: z.string().optional(),
  remarks: z.string().optional(),
  url: z.string().optional(),
});
export type ScreenEntity = z.infer<typeof ScreenEntity>;

export const LIST_FORMATS = ["csl-csv", "csl-json", "ofac-sdn", "ftm", "ftm-delta", "un-xml", "csv"] as const;
export const ListFormat = z.enum(LIST_FORMATS);
export type ListFormat = z.infer<typeof ListFormat>;

export const SourceFile = z.object({ path: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type SourceFile = z.infer<typeof SourceFile>;

/** What is known of an imported list without its entries: the first line of its store file. */
export const ListHeader = z.object({
  /** Version of the store file's layout: 2 is JSON lines (this header, then one entity a line). */
  version: z.literal(2),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  format: ListFormat,
  source: z.object({ files: z.array(SourceFile).min(1) }),
  importedAt: z.string(),
  counts: z.object({
    entries: z.number().int().nonnegative(),
    aliases: z.number().int().nonnegative(),
    addresses: z.number().int().nonnegative(),
    /** Records that could not be read (reported at import, with their location). */
    skipped: z.number().int().nonnegative(),
  }),
});
export type ListHeader = z.infer<typeof ListHeader>;

/** One imported list with its entries in memory (small lists, tests, the screening eval). */
export type StoredList = Omit<ListHeader, "version"> & { version: 1 | 2; entities: ScreenEntity[] };

/**
 * The layout of version 1 (one JSON document, ICTSGUARD_HOME/lists/<name>.json), still read so
 * lists imported before version 2 keep working until they are imported again.
 */
export const StoredListV1 = ListHeader.extend({ version: z.literal(1), entities: z.array(ScreenEntity) });

/** An entity together with the list it comes from: what screening compares against. */
export type ListedEntity = ScreenEntity & { list: string };
