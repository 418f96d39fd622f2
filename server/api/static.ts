/**
 * The page: static files from web/dist (built by `npm run build:web`). express.static refuses
 * paths that escape the folder and dotfiles; when the build is missing, a plain page says how
 * to build it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Router } from "express";

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL("../../web/dist", import.meta.url));

const MISSING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bedrock-ops: page not built</title></head>
<body><h1>bedrock-ops</h1>
<p>The dashboard page has not been built yet. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it) and reload.</p>
<p>The API is up: <a href="/api/health">/api/health</a>, <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body></html>
`;

export function staticRoutes(dir: string = DEFAULT_STATIC_DIR): Router {
  const router = express.Router();
  router.use(
    express.static(dir, {
      dotfiles: "deny",
      index: "index.html",
      fallthrough: true,
      redirect: false,
      maxAge: 0,
    }),
  );
  router.get("/", (_req, res) => {
    if (existsSync(join(dir, "index.html"))) {
      res.sendFile("index.html", { root: dir });
      return;
    }
    res.status(503).type("html").send(MISSING);
  });
  return router;
}
