/**
 * @module
 * ictsguard as a library: the scanner the CLI and the fleet server share. Feed it observations
 * (from your own agents, inventories or uploads) and get the same report document, with the
 * same stable finding ids, as `ictsguard scan`.
 *
 * ```ts
 * import { createScanner, loadActiveCatalog } from "ictsguard";
 *
 * const scanner = createScanner({ catalog: await loadActiveCatalog(), profile: "state-local-government", asOf: "2025-01-01" });
 * scanner.add({ kind: "software", name: "Kaspersky Endpoint Security for Windows", host: "ws-7", source: { file: "agent:ws-7" } });
 * const report = await scanner.finish();
 * ```
 */
export { createScanner, type Scanner, type ScannerOptions } from "./scan/scanner.js";
export { runScan, UsageError, type ObservationInput, type ScanOptions, type ScanProgress } from "./scan/index.js";
export { findingId, hostKeyOf, NO_HOST } from "./scan/finding-id.js";
export { resolveActiveCatalog, type ActiveCatalog, type ResolveOptions } from "./catalog/active.js";
export { loadActiveCatalog, resolveSettings, type LoadActiveCatalogOptions } from "./config/settings.js";
export { loadCatalog, loadCatalogOrThrow } from "./catalog/load.js";
export { writeReport, REPORT_FORMATS, type ReportFormat } from "./report/index.js";
export { createResolver, type ResolvedFinding } from "./report/document.js";
export {
  parseReportDocument,
  renderReportHtml,
  renderPdf,
  buildTimeline,
  renderTimelineHtml,
  buildFarDraft,
  renderFarMarkdown,
  renderFarHtml,
  type ReportHtmlOptions,
  type PdfOptions,
  type Timeline,
  type FarDraft,
} from "./render/index.js";
export { exitCodeOf, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK } from "./model/exit-code.js";
export { parseAsOf, type AsOf } from "./policy/time.js";
export type { Catalog, Profile } from "./model/catalog.js";
export type { Observation, ObservationKind, SourceRef } from "./model/observation.js";
export type { Issue } from "./model/issue.js";
export type {
  CollectedSource,
  Evidence,
  Finding,
  ReportDocument,
  ReportProduct,
  ReportRule,
  RuleRef,
  Status,
  SuppressedFinding,
} from "./model/finding.js";
