/** POST /api/login {token} sets the HttpOnly SameSite=Strict session cookie; POST /api/logout clears it. */
import { Router } from "express";
import { ApiError } from "../errors.ts";
import { SESSION_COOKIE, sessionValue, tokenMatches } from "../security.ts";

export function authRoutes(token: string | undefined): Router {
  const router = Router();
  router.post("/login", (req, res) => {
    const body = req.body as { token?: unknown } | undefined;
    if (!token) {
      res.json({ ok: true, auth: false });
      return;
    }
    if (typeof body?.token !== "string" || body.token.length === 0) {
      throw new ApiError(
        400,
        "InvalidParameter",
        'token: missing; send JSON {"token": "<the server\'s access token>"}',
      );
    }
    if (!tokenMatches(body.token, token))
      throw new ApiError(401, "Unauthorized", "token: not the server's access token.");
    const secure = req.secure ? "; Secure" : "";
    res.setHeader(
      "Set-Cookie",
      `${SESSION_COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/${secure}`,
    );
    res.json({ ok: true, auth: true });
  });
  router.post("/logout", (_req, res) => {
    res.setHeader("Set-Cookie", `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
    res.json({ ok: true });
  });
  return router;
}
