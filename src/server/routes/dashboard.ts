/**
 * @module
 * Routes the web dashboard needs beyond the reading API (any client may use them):
 * - `GET /api/v1/findings.csv`: exactly the findings a filter of `GET /api/v1/findings` selects,
 *   every page of them, streamed as CSV through the project's one CSV field escaper (controls
 *   made visible, formulas neutralised);
 * - `POST /api/v1/exceptions/bulk`: one exception (owner, reason, expiry) for many findings;
 * - `GET /api/v1/catalog/contents`: every authority (source), entity, product and rule of the
 *   catalog the server judges with, with their citations;
 * - `GET /api/v1/catalog/timeline`: the ban timeline (src/render/timeline) for a role and vendor;
 * - `GET /api/v1/reports/site`: a site's report (src/render) as of a date, as HTML or PDF.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ROLES as CHECK_ROLES } from "../../model/vocabulary.js";
import { parseAsOf, today } from "../../policy/time.js";
import { buildTimeline } from "../../render/timeline/model.js";
import { CONTENT_SECURITY_POLICY } from "../../render/html/page.js";
import { renderReportHtml } from "../../render/html/report.js";
import { renderPdf } from "../../render/pdf.js";
import { csvField } from "../../report/text.js";
import type { FleetFinding, Principal } from "../../fleet/types.js";
import { MAX_LIMIT } from "../../fleet/types.js";
import { ApiError } from "../errors.js";
import { defineRoute, principalOf, type Services } from "../route.js";
import { ExceptionSchema, Instant } from "../schemas.js";
import { DECIDERS, READERS, json } from "./common.js";
import { FindingFilterQuery, findingFilter, toInstant } from "./queries.js";

/** The CSV export's columns, in order. */
export const FINDING_CSV_COLUMNS = [
  "id",
  "site",
  "host",
  "hostId",
  "vendor",
  "vendorName",
  "product",
  "productName",
  "status",
  "state",
  "reason",
  "confidence",
  "deadline",
  "firstSeen",
  "lastSeen",
  "resolvedAt",
  "reopened",
  "sources",
  "exceptionId",
] as const;

function csvRow(f: FleetFinding): string {
  const v: Record<(typeof FINDING_CSV_COLUMNS)[number], string | number | undefined> = {
    ...f,
    resolvedAt: f.resolvedAt ?? undefined,
    sources: f.sources.join(" "),
  } as never;
  return `${FINDING_CSV_COLUMNS.map((c) => csvField(v[c])).join(",")}\r\n`;
}

const findingsCsv = defineRoute({
  id: "findings.csv",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/findings.csv",
    tags: ["findings"],
    summary: "Every finding a filter selects, as CSV (the filters of GET /api/v1/findings), streamed",
    request: { query: FindingFilterQuery },
    responses: { 200: { description: "RFC 4180 CSV with a header row; text from inventories has controls escaped and formulas neutralised", content: { "text/csv": { schema: z.string() } } } },
  }),
  handler: async (c, { fleet }) => {
    const principal = principalOf(c);
    const filter = findingFilter(c.req.valid("query"));
    // the first page before the answer starts, so a refusal is still a JSON error with its status
    let page = await fleet.listFindings(principal, { ...filter, limit: MAX_LIMIT });
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`${FINDING_CSV_COLUMNS.join(",")}\r\n`));
      },
      async pull(controller) {
        controller.enqueue(encoder.encode(page.items.map(csvRow).join("")));
        if (!page.next) return controller.close();
        page = await fleet.listFindings(principal, { ...filter, limit: MAX_LIMIT, cursor: page.next });
      },
    });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, "");
    return c.body(stream, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="ictsguard-findings-${stamp}Z.csv"`,
      "cache-control": "no-store",
    });
  },
});

/** Findings one bulk request may except at once. */
export const MAX_BULK_EXCEPTIONS = 1000;

const BulkExceptionBody = z
  .object({
    findingIds: z.array(z.string().min(1).max(200)).min(1).max(MAX_BULK_EXCEPTIONS),
    owner: z.string().trim().min(1).max(200).openapi({ description: "Who answers for the exceptions." }),
    reason: z.string().trim().min(10).max(4000).openapi({ description: "Why, citing the legal basis (a waiver, a carve-out ...)." }),
    expiresAt: Instant.openapi({ description: "When the exceptions end and the findings reopen by themselves." }),
  })
  .strict()
  .openapi("CreateBulkException");

async function bulkExcept(fleet: Services["fleet"], principal: Principal, body: z.infer<typeof BulkExceptionBody>) {
  const ids = [...new Set(body.findingIds)];
  const expiresAt = toInstant(body.expiresAt);
  // every finding must be visible to the caller before any is excepted (another site's is a 404)
  for (const id of ids) await fleet.getFinding(principal, id);
  const created = [];
  const failed: { findingId: string; code: string; message: string }[] = [];
  for (const findingId of ids) {
    try {
      created.push(await fleet.createException(principal, { findingId, owner: body.owner, reason: body.reason, expiresAt }));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== "string") throw err;
      failed.push({ findingId, code, message: (err as Error).message });
    }
  }
  return { created, failed };
}

const bulkExceptions = defineRoute({
  id: "exceptions.bulk",
  access: DECIDERS,
  scope: "site",
  siteBy: "id",
  body: "json",
  route: createRoute({
    method: "post",
    path: "/api/v1/exceptions/bulk",
    tags: ["exceptions"],
    summary: "Accept many findings until a date with one owner and reason (each becomes excepted)",
    request: { body: { content: { "application/json": { schema: BulkExceptionBody } }, required: true } },
    responses: {
      200: json(
        z
          .object({
            created: z.array(ExceptionSchema),
            failed: z.array(z.object({ findingId: z.string(), code: z.string(), message: z.string() })).openapi({ description: "Findings not excepted (one already excepted: conflict)." }),
          })
          .openapi("BulkExceptionResult"),
        "The exceptions made, and the findings that could not be excepted",
      ),
    },
  }),
  handler: async (c, { fleet }) => {
    if (c.req.valid("json").findingIds.length === 0) throw new ApiError(400, "invalid-request", "no findings");
    return c.json(await bulkExcept(fleet, principalOf(c), c.req.valid("json")), 200);
  },
});

const loose = z.object({}).passthrough();

const catalogContents = defineRoute({
  id: "catalog.contents",
  access: READERS,
  scope: "none",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/catalog/contents",
    tags: ["engines"],
    summary: "Every authority (source), entity, product and rule of the catalog, with citations",
    responses: {
      200: json(
        z
          .object({
            version: z.string(),
            date: z.string(),
            digest: z.string(),
            sources: z.array(loose),
            entities: z.array(loose),
            products: z.array(loose),
            rules: z.array(loose),
            profiles: z.array(loose),
          })
          .openapi("CatalogContents"),
        "The catalog's content (citations name a source by id)",
      ),
    },
  }),
  handler: async (c, { fleet }) => {
    const k = fleet.catalog.catalog;
    return c.json({ version: k.version, date: k.date, digest: k.digest, sources: k.sources, entities: k.entities, products: k.products, rules: k.rules, profiles: k.profiles } as never, 200);
  },
});

const catalogTimeline = defineRoute({
  id: "catalog.timeline",
  access: READERS,
  scope: "none",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/catalog/timeline",
    tags: ["engines"],
    summary: "Every rule's phases as dated steps for a role (and vendor), today marked, as `ictsguard timeline`",
    request: {
      query: z.object({
        role: z.enum(CHECK_ROLES).optional().openapi({ param: { name: "role", in: "query" }, description: "Only what changes for this role (default: every role)." }),
        vendor: z.string().max(200).optional().openapi({ param: { name: "vendor", in: "query" }, description: "An entity id (kaspersky, huawei ...)." }),
        today: Instant.optional().openapi({ param: { name: "today", in: "query" }, description: "The date or instant marked as today (default: now)." }),
      }),
    },
    responses: { 200: json(loose.openapi("Timeline"), "The timeline (steps, today's place among them, the catalog)") },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    const todayText = q.today ?? today();
    let asOf;
    try {
      asOf = parseAsOf(todayText);
    } catch (err) {
      throw new ApiError(400, "invalid-request", (err as Error).message);
    }
    try {
      const timeline = buildTimeline(fleet.catalog.catalog, { today: asOf, todayText, ...(q.role ? { role: q.role } : {}), ...(q.vendor ? { vendor: q.vendor } : {}) });
      return c.json(timeline as never, 200);
    } catch (err) {
      if ((err as { code?: string }).code === "usage/vendor") throw new ApiError(400, "invalid-request", (err as Error).message.replace(/^--vendor: /, "vendor: "));
      throw err;
    }
  },
});

const siteReport = defineRoute({
  id: "reports.site",
  access: READERS,
  scope: "site",
  siteBy: "query",
  body: "none",
  route: createRoute({
    method: "get",
    path: "/api/v1/reports/site",
    tags: ["posture"],
    summary: "A site's compliance report (the document of `ictsguard report`) as of a date, as HTML or PDF",
    request: {
      query: z.object({
        site: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/).openapi({ param: { name: "site", in: "query" }, description: "The site." }),
        at: Instant.optional().openapi({ param: { name: "at", in: "query" }, description: "Judge as of this date or instant (default: now)." }),
        format: z.enum(["html", "pdf"]).default("html").openapi({ param: { name: "format", in: "query" }, description: "html (default) or pdf (printed by Chromium)." }),
      }),
    },
    responses: {
      200: {
        description: "The report: self-contained HTML (no script; its own CSP) or a tagged PDF",
        content: { "text/html": { schema: z.string() }, "application/pdf": { schema: z.string().openapi({ format: "binary" }) } },
      },
    },
  }),
  handler: async (c, { fleet }) => {
    const q = c.req.valid("query");
    const at = q.at ? toInstant(q.at) : new Date().toISOString();
    const doc = await fleet.siteReport(principalOf(c), { site: q.site, at });
    const html = renderReportHtml(doc, { title: `ictsguard compliance report: ${q.site}, ${at.slice(0, 10)}` });
    const name = `ictsguard-report-${q.site}-${at.slice(0, 10)}`;
    if (q.format === "pdf") {
      const pdf = await renderPdf(html);
      return c.body(pdf as never, 200, { "content-type": "application/pdf", "content-disposition": `attachment; filename="${name}.pdf"`, "cache-control": "no-store" });
    }
    // the report's own policy (inline styles, no script at all), not the dashboard's
    return c.body(html, 200, {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`,
      "content-disposition": `inline; filename="${name}.html"`,
      "cache-control": "no-store",
    });
  },
});

export const DASHBOARD_ROUTES = [findingsCsv, bulkExceptions, catalogContents, catalogTimeline, siteReport];
