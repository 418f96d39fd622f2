/**
 * The API client: one fetch per panel source, every answer normalised to Panel<T> so a failing
 * source shows its own error badge and never blanks the others.
 */
import type { ApiErrorBody, HealthResponse, Panel } from "../../server/api/contract.ts";

export class AuthRequiredError extends Error {
  constructor() {
    super("This dashboard requires a token: sign in with the token from the server's config (server.token).");
    this.name = "AuthRequiredError";
  }
}

/** Auth rides on the server's HttpOnly session cookie from POST /api/login: the page never stores the token. */
function headers(): HeadersInit {
  return { Accept: "application/json" };
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  try {
    const body = (await res.json()) as Partial<ApiErrorBody>;
    if (body.error?.code) return { code: body.error.code, message: body.error.message ?? res.statusText };
  } catch {
    // Not JSON: fall through to the status line.
  }
  return { code: `HTTP${res.status}`, message: `The server answered ${res.status} ${res.statusText}.` };
}

function isPanel(value: unknown): value is Panel<unknown> {
  return (
    typeof value === "object" && value !== null && "data" in value && "stale" in value && "asOf" in value
  );
}

/** GET a panel source; a network, HTTP or auth failure becomes a Panel with `error` set. */
export async function getPanel<T>(path: string, query: string): Promise<Panel<T>> {
  const url = query ? `${path}?${query}` : path;
  try {
    // Revalidate: the browser keeps the last body and sends If-None-Match; an unchanged panel
    // comes back as a 304 of a few hundred bytes (the server sends ETag and no-cache).
    const res = await fetch(url, { headers: headers(), credentials: "same-origin", cache: "no-cache" });
    if (res.status === 401) throw new AuthRequiredError();
    if (!res.ok) return { data: null, asOf: null, stale: true, error: await errorOf(res) };
    const body = (await res.json()) as unknown;
    if (isPanel(body)) return body as Panel<T>;
    return { data: body as T, asOf: new Date().toISOString(), stale: false, error: null };
  } catch (err) {
    if (err instanceof AuthRequiredError) throw err;
    return {
      data: null,
      asOf: null,
      stale: true,
      error: {
        code: "NetworkError",
        message: `Could not reach the dashboard server (${(err as Error).message}).`,
      },
    };
  }
}

export async function getHealth(): Promise<HealthResponse> {
  const res = await fetch("/api/health", { headers: headers(), credentials: "same-origin" });
  if (!res.ok) throw new Error((await errorOf(res)).message);
  return (await res.json()) as HealthResponse;
}

/**
 * POST /api/refresh/:panel (metrics, logs, costs with the range; budgets without): asks the server
 * to refetch from AWS now. The server rate-limits per panel; its refusal comes back as the message.
 */
export async function requestRefresh(panel: string, query: string): Promise<string | null> {
  try {
    const res = await fetch(`/api/refresh/${encodeURIComponent(panel)}${query ? `?${query}` : ""}`, {
      method: "POST",
      headers: headers(),
      credentials: "same-origin",
    });
    return res.ok ? null : (await errorOf(res)).message;
  } catch (err) {
    return (err as Error).message;
  }
}

/** POST /api/logout: the server revokes the session and clears its cookie. */
export async function logout(): Promise<void> {
  await fetch("/api/logout", { method: "POST", headers: headers(), credentials: "same-origin" });
}

/** POST /api/login {token}; on success the server sets its HttpOnly session cookie. */
export async function login(token: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const res = await fetch("/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ token: token.trim() }),
  });
  if (!res.ok) return { ok: false, message: (await errorOf(res)).message };
  return { ok: true };
}
