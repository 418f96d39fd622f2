/**
 * POST /api/login {token} starts a random server-side session (HttpOnly SameSite=Strict cookie,
 * Secure behind a TLS proxy the config trusts); POST /api/logout revokes it. Failed logins are
 * throttled per client address and in total, and every attempt leaves one audit line in the log
 * (address and outcome, never the token).
 */
import { Router } from "express";
import { ApiError } from "../errors.ts";
import { onlyParams } from "../params.ts";
import { readCookie, SESSION_COOKIE, tokenMatches } from "../security.ts";
import type { LoginThrottle, SessionStore } from "../sessions.ts";

export interface AuthDeps {
  token: string | undefined;
  sessions: SessionStore;
  throttle: LoginThrottle;
  log: (line: string) => void;
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

export function authRoutes(deps: AuthDeps): Router {
  const { token, sessions, throttle, log } = deps;
  const router = Router();
  router.post("/login", (req, res) => {
    onlyParams(req, []);
    const body = req.body as { token?: unknown } | undefined;
    if (!token) {
      res.json({ ok: true, auth: false });
      return;
    }
    const client = req.ip ?? "unknown";
    const wait = throttle.wait(client);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      log(`audit: login throttled from ${client} (retry in ${seconds} s)`);
      throw new ApiError(429, "LoginThrottled", `Too many failed sign-ins; try again in ${seconds} s.`, {
        "Retry-After": String(seconds),
      });
    }
    if (typeof body?.token !== "string" || body.token.trim().length === 0) {
      throw new ApiError(
        400,
        "InvalidParameter",
        'token: missing; send JSON {"token": "<the server\'s access token>"}',
      );
    }
    if (!tokenMatches(body.token.trim(), token)) {
      throttle.fail(client);
      log(`audit: login failed from ${client}`);
      throw new ApiError(401, "Unauthorized", "token: not the server's access token.");
    }
    throttle.succeed(client);
    sessions.revoke(readCookie(req.headers.cookie, SESSION_COOKIE));
    const session = sessions.create();
    log(`audit: login ok from ${client}`);
    res.setHeader("Set-Cookie", cookie(session.id, session.maxAgeSeconds, req.secure));
    res.setHeader("Cache-Control", "no-store");
    res.json({ ok: true, auth: true });
  });
  router.post("/logout", (req, res) => {
    onlyParams(req, []);
    const revoked = sessions.revoke(readCookie(req.headers.cookie, SESSION_COOKIE));
    if (revoked) log(`audit: logout from ${req.ip ?? "unknown"}`);
    res.setHeader("Set-Cookie", cookie("", 0, req.secure));
    res.setHeader("Cache-Control", "no-store");
    res.json({ ok: true });
  });
  return router;
}
