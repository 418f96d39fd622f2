/**
 * Benchmark results over HTTP (mounted at /api/bench):
 *   GET /bench/runs?suite=&limit=       BenchRunSummary[] (newest first)
 *   GET /bench/runs/:id                 BenchRunDetail (stats are BenchModelDetail)
 *   GET /bench/runs/:id/export?format=  the run and every request as json (default) or csv
 *   GET /bench/schedules                BenchSchedulesData (next fire times, missed runs)
 */
import { type Request, type Response, Router } from "express";
import { exportCsv, exportJson } from "../../bench/export.ts";
import type { BenchScheduler } from "../../bench/schedule.ts";
import { BenchStore } from "../../bench/store.ts";
import type { Store } from "../../store/index.ts";
import type { BenchSchedulesData } from "../contract.ts";
import { sendEncoded, TextBodies } from "../encode.ts";
import { ApiError } from "../errors.ts";
import { onlyParams } from "../params.ts";

export interface BenchRouterDeps {
  store: Store;
  /** The running scheduler, when serve started one; /bench/schedules is empty without it. */
  scheduler?: BenchScheduler | undefined;
}

/** Every refusal goes through the app's one error mapper (server/api/errors.ts). */
function fail(_res: Response, status: number, code: string, message: string): never {
  throw new ApiError(status, code, message);
}

const RUN_ID = /^[0-9A-Za-z-]{1,64}$/;
const SUITE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function createBenchRouter(deps: BenchRouterDeps): Router {
  const store = new BenchStore(deps.store);
  const router = Router();
  // Read from SQLite on every request (never stale); the ETag is the content's, so an unchanged
  // answer is a 304 and a new or finished run changes it.
  const bodies = new TextBodies();
  const send = (req: Request, res: Response, value: unknown) =>
    sendEncoded(req, res, bodies.body(req.originalUrl, JSON.stringify(value)));

  router.get("/runs", async (req: Request, res: Response) => {
    onlyParams(req, ["suite", "limit"]);
    const suite = typeof req.query.suite === "string" ? req.query.suite : undefined;
    const limitText = typeof req.query.limit === "string" ? req.query.limit : "50";
    if (suite !== undefined && !SUITE.test(suite)) {
      fail(
        res,
        400,
        "BadSuite",
        `suite: got ${JSON.stringify(suite)}; use a suite name such as twin or short-qa`,
      );
      return;
    }
    if (!/^\d{1,3}$/.test(limitText) || Number(limitText) < 1) {
      fail(res, 400, "BadLimit", `limit: got ${JSON.stringify(limitText)}; use a whole number from 1 to 999`);
      return;
    }
    const options: { suite?: string; limit: number } = { limit: Number(limitText) };
    if (suite) options.suite = suite;
    send(req, res, await store.listRuns(options));
  });

  router.get("/runs/:id", async (req: Request, res: Response) => {
    onlyParams(req, []);
    const id = String(req.params.id);
    const run = RUN_ID.test(id) ? await store.getRun(id) : null;
    if (!run) {
      fail(res, 404, "RunNotFound", `No benchmark run ${JSON.stringify(id)}; list runs at /api/bench/runs`);
      return;
    }
    send(req, res, run);
  });

  router.get("/runs/:id/export", async (req: Request, res: Response) => {
    onlyParams(req, ["format"]);
    const id = String(req.params.id);
    const format = typeof req.query.format === "string" ? req.query.format : "json";
    const run = RUN_ID.test(id) ? await store.getRun(id) : null;
    if (!run) {
      fail(res, 404, "RunNotFound", `No benchmark run ${JSON.stringify(id)}; list runs at /api/bench/runs`);
      return;
    }
    if (format !== "json" && format !== "csv") {
      fail(res, 400, "BadFormat", `format: got ${JSON.stringify(format)}; use json or csv`);
      return;
    }
    const rows = await store.requests(id);
    res.setHeader("content-disposition", `attachment; filename="bench-${id}.${format}"`);
    if (format === "csv") res.type("text/csv").send(exportCsv(rows));
    else res.type("application/json").send(exportJson(run, rows));
  });

  router.get("/schedules", async (req: Request, res: Response) => {
    onlyParams(req, []);
    const empty: BenchSchedulesData = { schedules: [], missed: [] };
    send(req, res, deps.scheduler ? await deps.scheduler.status() : empty);
  });

  return router;
}
