// Every call to the fleet API: same-origin credentials (the session cookie), the CSRF token on
// unsafe methods, and a 401 sends the browser to sign in (returning to where it was).

export type Session = { user?: { sub: string; name?: string; email?: string }; role?: string; sites?: string[] | null; csrfToken?: string; oidc?: boolean };

let session: Session | null | undefined;

export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** The signed-in session, or null (no session route, or an API key given by the browser's headers). */
export async function getSession(): Promise<Session | null> {
  if (session !== undefined) return session;
  const res = await fetch("/api/v1/session", { credentials: "same-origin", headers: { accept: "application/json" } });
  if (res.status === 401) {
    const body = (await res.json().catch(() => ({}))) as { signIn?: string };
    signIn(body.signIn);
    throw new ApiFailure(401, "unauthenticated", "signing in");
  }
  session = res.ok ? ((await res.json()) as Session) : null;
  return session;
}

export function signIn(path = "/auth/login"): void {
  const returnTo = location.pathname + location.search;
  location.assign(`${path}?returnTo=${encodeURIComponent(returnTo)}`);
}

async function failure(res: Response): Promise<ApiFailure> {
  const body = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  return new ApiFailure(res.status, body?.error?.code ?? "http-error", body?.error?.message ?? `HTTP ${res.status}`);
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? (init.body !== undefined ? "POST" : "GET");
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") {
    const s = await getSession();
    if (s?.csrfToken) headers["x-csrf-token"] = s.csrfToken;
  }
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, credentials: "same-origin", ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  if (res.status === 401) {
    const body = (await res.clone().json().catch(() => ({}))) as { signIn?: string };
    if (body.signIn) signIn(body.signIn);
  }
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/** A query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : "";
}

export type Page<T> = { items: T[]; next: string | null; total: number; totalCapped: boolean };
export type ByStatus = Partial<Record<"prohibited" | "unsupported" | "deadline" | "review", number>>;
export const STATUSES = ["prohibited", "unsupported", "deadline", "review"] as const;
export const STATES = ["open", "removal-pending", "resolved", "excepted"] as const;

export type Evidence = { matcher: string; type: string; found: { rule: string; value: string }; confidence: number; searchedBy?: Record<string, string>; searched?: string[]; source?: { file?: string; line?: number } };
export type Finding = {
  id: string;
  site: string;
  hostId: string;
  host: string;
  vendor: string;
  vendorName?: string;
  product: string;
  productName?: string;
  status: string;
  state: string;
  reason: string;
  confidence: number;
  deadline?: string;
  rules: { id: string; title?: string; phase?: string }[];
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
  reopened: number;
  sources: string[];
  evidence?: Evidence[];
  observation?: Record<string, unknown>;
  exceptionId?: string;
};
export type Host = { id: string; site: string; name: string; firstSeen: string; lastSeen: string; findings: ByStatus; sources: { source: string; format?: string; lastSeen: string; observations: number; scanId: string }[] };
