/**
 * @module
 * The `screen` section of the config file and its allow-list entries (decided false positives:
 * this counterparty name is not that entity, who decided it, why, until when). Schemas only; the
 * matching is src/screen/allow-list.ts.
 */
import * as z from "zod";
import { isValidDate } from "./date.js";

const Day = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), z.string().refine(isValidDate, "expected a date YYYY-MM-DD"));

export const AllowEntry = z
  .object({
    /** The counterparty name as screened (`input` is a synonym). */
    name: z.string().min(1).optional(),
    input: z.string().min(1).optional(),
    /** Glob over `list:id` or the entity id. */
    entity: z.string().min(1, "an allow-list entry names the entity it is not"),
    reason: z.string().min(1, "an allow-list entry needs a reason"),
    author: z.string().min(1, "an allow-list entry needs an author"),
    expires: Day,
  })
  .strict()
  .refine((e) => e.name || e.input, { message: "an allow-list entry needs the counterparty's name (name or input)" });
export type AllowEntry = z.infer<typeof AllowEntry>;

/** The `screen` section of the config file. */
export const ScreenSettings = z
  .object({
    threshold: z.number().min(0).max(1).optional(),
    /** Lists screened against by default (`catalog` is the catalog). */
    lists: z.array(z.string()).optional(),
    allow: z.array(AllowEntry).default([]),
  })
  .strict();
export type ScreenSettings = z.infer<typeof ScreenSettings>;
