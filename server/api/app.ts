/**
 * The Express app factory: security headers, token auth, the data routes behind the cache, the
 * Prometheus endpoint, the OpenAPI document, the page, one 404 and one error mapper.
 */
import express, { type Express, type Router } from "express";
import type { AwsClients } from "../aws/clients.ts";
import { LogBinStore } from "../cache/log-bins.ts";
import { RateLimiter } from "../cache/rate-limit.ts";
import { instrumentClients, SpendLedger } from "../cache/spend.ts";
import { CacheStore } from "../cache/store.ts";
import { SwrCache } from "../cache/swr-cache.ts";
import type { Config } from "../config.ts";
import type { Store } from "../store/index.ts";
import { VERSION } from "../version.ts";
import type { HealthResponse } from "./contract.ts";
import { Dashboard, describeError } from "./dashboard.ts";
import { PanelEncoder } from "./encode.ts";
import { errorHandler, notFound } from "./errors.ts";
import { OPENAPI } from "./openapi.ts";
import { onlyParams } from "./params.ts";
import { alarmRoutes } from "./routes/alarms.ts";
import { attributionRoutes } from "./routes/attribution.ts";
import { authRoutes } from "./routes/auth.ts";
import { dataRoutes } from "./routes/data.ts";
import { prometheusRoute } from "./routes/prometheus.ts";
import { quotaRoutes } from "./routes/quotas.ts";
import { REFRESH_INTERVAL_S, refreshRoutes } from "./routes/refresh.ts";
import { isLoopback, loopbackHostOnly, requireToken, sameSiteOnly, securityHeaders } from "./security.ts";
import { LoginThrottle, SessionStore } from "./sessions.ts";
import { staticRoutes } from "./static.ts";

export interface AppDeps {
  config: Config;
  /** The client factory (real AWS or the sandbox); the app instruments it for the own-spend ledger. */
  clients: AwsClients;
  mode: "sandbox" | "aws";
  now?: () => Date;
  /** The store (persisted cache and spend); see server/store/index.ts. */
  store: Store;
  /** Extra routers mounted under /api behind the same auth, e.g. { path: "/bench", router }. */
  routers?: Array<{ path: string; router: Router }>;
  /** Folder of the built page (default web/dist). */
  staticDir?: string;
  /** Where the server logs (never secrets). */
  log?: (line: string) => void;
}

/** What the app is built from, for tests and the server (app.locals.services). */
export interface AppServices {
  clients: AwsClients;
  spend: SpendLedger;
  cache: SwrCache;
  dashboard: Dashboard;
  sessions: SessionStore;
}

export function appServices(app: Express): AppServices {
  return app.locals.services as AppServices;
}

export function createApp(deps: AppDeps): Express {
  const { config } = deps;
  const now = deps.now ?? (() => new Date());
  const nowMs = () => now().getTime();
  const log = deps.log ?? (() => undefined);
  const store = new CacheStore(deps.store);
  // Entries older than the longest look-back anyone would still be served are dropped at start.
  void store.prune(nowMs() - 7 * 86_400_000).catch(() => undefined);
  const spend = new SpendLedger(nowMs, store);
  const clients = instrumentClients(deps.clients, spend);
  const describe = (err: unknown) => {
    const described = describeError(err);
    if (described.code === "InternalError")
      log(`source failed unexpectedly: ${err instanceof Error ? err.name : typeof err}`);
    return described;
  };
  const cache = new SwrCache({
    now: nowMs,
    store,
    maxBytes: Math.round(config.cache.maxMemoryMB * 1024 * 1024),
    maxStoredBytes: Math.round(config.cache.maxStoredMB * 1024 * 1024),
    waitMs: config.cache.waitSeconds * 1000,
    describeError: describe,
    onError: (key, error) => log(`refresh of ${key.split(":")[0]} failed: ${error.code}: ${error.message}`),
  });
  const dashboard = new Dashboard({ config, clients, cache, now, logBins: new LogBinStore(store, nowMs) });
  const limiter = new RateLimiter(
    (panel) => (REFRESH_INTERVAL_S[panel as keyof typeof REFRESH_INTERVAL_S] ?? 60) * 1000,
    nowMs,
  );
  const token = config.server.token;
  const sessions = new SessionStore(config.server.sessionHours * 3_600_000, nowMs);
  const throttle = new LoginThrottle(nowMs);
  const encoder = new PanelEncoder();

  const app = express();
  app.locals.services = { clients, spend, cache, dashboard, sessions } satisfies AppServices;
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("trust proxy", config.server.trustProxy);
  app.use(securityHeaders);
  app.use(loopbackHostOnly(!token && isLoopback(config.server.host)));

  const api = express.Router();
  api.use(sameSiteOnly);
  api.use(express.json({ limit: "16kb" }));
  api.get("/health", (req, res) => {
    onlyParams(req, []);
    const stored = deps.store.status();
    const body: HealthResponse = {
      status: stored.status,
      mode: deps.mode,
      region: config.aws.region,
      version: VERSION,
      auth: Boolean(token),
      store: stored,
    };
    res.setHeader("Cache-Control", "no-store");
    res.json(body);
  });
  api.use(authRoutes({ token, sessions, throttle, log }));
  api.use(requireToken(token, sessions));
  api.get("/openapi.json", (req, res) => {
    onlyParams(req, []);
    res.json(OPENAPI);
  });
  // Mounted at their own prefix (the bench routes at /bench): a request for another route
  // passes them with one prefix check.
  for (const extra of deps.routers ?? []) api.use(extra.path, extra.router);
  api.use(dataRoutes({ config, dashboard, spend, now, encoder }));
  api.use(attributionRoutes({ config, dashboard, now, encoder }));
  api.use(quotaRoutes({ config, dashboard, clients, cache, now, encoder }));
  api.use(alarmRoutes({ config, clients, cache, now, encoder }));
  api.use(refreshRoutes({ config, dashboard, limiter, now }));
  api.use(notFound);
  app.use("/api", api);

  app.use(
    "/metrics",
    sameSiteOnly,
    requireToken(token, sessions),
    prometheusRoute({ config, dashboard, spend }),
  );
  app.use(staticRoutes(deps.staticDir));
  app.use(notFound);
  app.use(errorHandler(log));
  return app;
}
