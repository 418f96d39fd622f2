/**
 * Security middleware: strict headers (CSP without inline script), token auth (bearer header or
 * an HttpOnly SameSite=Strict session cookie from POST /api/login) compared in constant time,
 * and a Host check against DNS rebinding when the server runs without a token on loopback.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { ApiError } from "./errors.ts";

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

/** The cookie holds a value derived from the token, never the token itself. */
export function sessionValue(token: string): string {
  return createHash("sha256").update(`bedrock-ops-session\u0000${token}`, "utf8").digest("base64url");
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/** Require the token on every call when one is configured. */
export function requireToken(token: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (!token) return next();
    const auth = req.headers.authorization;
    if (auth?.startsWith("Bearer ") && tokenMatches(auth.slice(7).trim(), token)) return next();
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (cookie && tokenMatches(cookie, sessionValue(token))) return next();
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
