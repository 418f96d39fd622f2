/**
 * Security middleware: strict headers (CSP without inline script), token auth (bearer header or
 * a random server-side session from POST /api/login) compared in constant time, a Host check
 * against DNS rebinding when the server runs without a token on loopback, and a refusal of
 * requests another site's page makes (Sec-Fetch-Site, Origin, Referer) on every API route.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { ApiError } from "./errors.ts";
import type { SessionStore } from "./sessions.ts";

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

export const SESSION_COOKIE = "bedrock_ops_session";

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader("Content-Security-Policy", CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
  res.removeHeader("X-Powered-By");
  next();
};

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Constant-time comparison (hashes first, so lengths never leak). */
export function tokenMatches(candidate: string, expected: string): boolean {
  return timingSafeEqual(digest(candidate), digest(expected));
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/** Require the token (bearer) or a live session on every call when a token is configured. */
export function requireToken(token: string | undefined, sessions: SessionStore): RequestHandler {
  return (req, _res, next) => {
    if (!token) return next();
    const auth = req.headers.authorization;
    if (auth?.startsWith("Bearer ") && tokenMatches(auth.slice(7).trim(), token)) return next();
    if (sessions.valid(readCookie(req.headers.cookie, SESSION_COOKIE))) return next();
    next(
      new ApiError(
        401,
        "Unauthorized",
        "This API requires the access token: send Authorization: Bearer <token> or sign in at POST /api/login.",
        {
          "WWW-Authenticate": 'Bearer realm="bedrock-ops"',
        },
      ),
    );
  };
}

const LOOPBACK_HOSTS = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/** Without a token the server only answers requests addressed to loopback (DNS-rebinding guard). */
export function loopbackHostOnly(enabled: boolean): RequestHandler {
  return (req, _res, next) => {
    if (!enabled || LOOPBACK_HOSTS.test(req.headers.host ?? "")) return next();
    next(
      new ApiError(
        403,
        "ForbiddenHost",
        "This server answers only requests to localhost or 127.0.0.1 (it runs without a token).",
      ),
    );
  };
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function originOf(value: string): string | null {
  try {
    return new URL(value).host.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Refuse what another site's page asks of this server (an `<img>`, a form, a fetch): browsers
 * say so in Sec-Fetch-Site; older ones send an Origin or a Referer naming the other site.
 * Tools (curl, Prometheus, the health check) send none of these and pass.
 */
export const sameSiteOnly: RequestHandler = (req, _res, next) => {
  const site = req.headers["sec-fetch-site"];
  const host = (req.headers.host ?? "").toLowerCase();
  let foreign = false;
  if (typeof site === "string" && site !== "") foreign = site !== "same-origin" && site !== "none";
  else {
    for (const header of [req.headers.origin, req.headers.referer]) {
      if (typeof header !== "string" || header === "") continue;
      if (header === "null" || originOf(header) !== host) foreign = true;
      break;
    }
  }
  if (!foreign) return next();
  next(
    new ApiError(
      403,
      "CrossSiteRequest",
      "This API answers only its own page: the request came from another site (Sec-Fetch-Site/Origin). Open the dashboard itself, or call the API from a tool.",
    ),
  );
};
