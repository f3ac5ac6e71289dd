/**
 * @module
 * Every error the API answers has one shape, `{ "error": { "code", "message" } }` (plus
 * `issues` for a request that failed validation or an inventory a reader could not read):
 * `ApiError` carries the status and the body, `errorResponse` writes it, and `fromFleetError`
 * maps the fleet service's refusals to their HTTP status.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { FleetError } from "../fleet/types.js";

export type ErrorIssue = { path?: string; message: string; line?: number; file?: string };

export type ErrorBody = { error: { code: string; message: string; issues?: ErrorIssue[] } };

/** A request the API refuses: status, stable code, a message for people. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: ErrorIssue[],
    /** Extra response headers (Retry-After on 429). */
    readonly headers?: Record<string, string>,
    /** Extra top-level fields of the body (`signIn` on 401). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, issues?: ErrorIssue[]): ErrorBody {
  return { error: { code, message, ...(issues && issues.length > 0 ? { issues } : {}) } };
}

export function errorResponse(c: Context, err: ApiError): Response {
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
  return c.json({ ...errorBody(err.code, err.message, err.issues), ...err.extra }, err.status);
}

const FLEET_STATUS: Record<FleetError["code"], ContentfulStatusCode> = {
  unauthenticated: 401,
  forbidden: 403,
  "not-found": 404,
  invalid: 400,
  conflict: 409,
};

/** The fleet's refusal as an API error (the same code; its status from the table above). */
export function fromFleetError(err: FleetError): ApiError {
  return new ApiError(FLEET_STATUS[err.code] ?? 500, err.code, err.message);
}

/** A FleetError by name too: the server may run against a fleet module loaded twice (tests). */
export function isFleetError(err: unknown): err is FleetError {
  return err instanceof FleetError || (err as Error | undefined)?.name === "FleetError";
}
