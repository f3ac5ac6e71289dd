/**
 * @module
 * An exception of the config file: a finding the organisation has accepted, with a reason, an
 * author and an expiry date. Here (not in src/config) because the scan and the policy engine
 * apply them and must not depend on the config file's reader.
 */
import * as z from "zod";
import { isValidDate } from "./date.js";

const Day = z.string().refine(isValidDate, "expected a date YYYY-MM-DD");

export const ExceptionRule = z
  .object({
    /** Catalog product id, or a glob over product ids (`kaspersky-*`). */
    product: z.string().optional(),
    vendor: z.string().optional(),
    /** Glob over the observation's host name. */
    host: z.string().optional(),
    /** Glob over the observation's path or its source file. */
    path: z.string().optional(),
    /** Equal to any identifier of the observation (purl, bundle id, extension id ...) or its name. */
    identifier: z.string().optional(),
    reason: z.string().min(1, "an exception needs a reason"),
    author: z.string().min(1, "an exception needs an author"),
    expires: z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), Day),
  })
  .strict()
  .refine((e) => e.product || e.vendor || e.host || e.path || e.identifier, {
    message: "an exception must name at least one of product, vendor, host, path, identifier",
  });
export type ExceptionRule = z.infer<typeof ExceptionRule>;
