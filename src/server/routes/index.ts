/**
 * @module
 * THE route table: every route of the API, in the order the OpenAPI document and docs/api.md
 * list them. The app (app.ts), the OpenAPI document, the authorisation matrix of docs/api.md
 * (matrix.ts) and the matrix test are all built from this list; a route added here is served,
 * documented and tested for every role, and one not added here does not exist.
 */
import type { ApiRoute } from "../route.js";
import { ADMIN_ROUTES, COVERAGE_ROUTES } from "./admin.js";
import { DASHBOARD_ROUTES } from "./dashboard.js";
import { ATTESTATION_ROUTES } from "./attestations.js";
import { AUTH_ROUTES } from "./auth.js";
import { COUNTERPARTY_ROUTES } from "./counterparties.js";
import { AGENT_ROUTES } from "./agents.js";
import { NATIVE_INGEST_ROUTES } from "./ingest-native.js";
import { OSQUERY_ROUTES } from "./osquery.js";
import { ENGINE_ROUTES } from "./engines.js";
import { EXCEPTION_ROUTES } from "./exceptions.js";
import { INVENTORY_ROUTES } from "./inventories.js";
import { UPLOAD_ROUTES } from "./uploads.js";
import { NOTIFICATION_ROUTES } from "./notifications.js";
import { POSTURE_ROUTES } from "./posture.js";
import { QUERY_ROUTES } from "./queries.js";
import { SYSTEM_ROUTES } from "./system.js";

export const ROUTES: readonly ApiRoute[] = [
  ...SYSTEM_ROUTES,
  ...INVENTORY_ROUTES,
  ...UPLOAD_ROUTES,
  ...QUERY_ROUTES,
  ...POSTURE_ROUTES,
  ...EXCEPTION_ROUTES,
  ...COVERAGE_ROUTES,
  ...ENGINE_ROUTES,
  ...ADMIN_ROUTES,
  ...DASHBOARD_ROUTES,
  ...AUTH_ROUTES,
  ...ATTESTATION_ROUTES,
  ...NOTIFICATION_ROUTES,
  ...COUNTERPARTY_ROUTES,
  ...AGENT_ROUTES,
  ...OSQUERY_ROUTES,
  ...NATIVE_INGEST_ROUTES,
];

export { DEFAULT_SITE } from "./inventories.js";
