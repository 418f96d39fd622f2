/**
 * The local AWS sandbox: a small emulator of exactly the AWS operations bedrock-ops uses,
 * speaking the real wire protocols on one loopback port, with data from one workload model.
 */
import type { FaultConfig } from "../config.ts";
import { AwsError } from "./core/errors.ts";
import { Faults } from "./core/faults.ts";
import { type AnyRequest, type AnyResponse, createDualServer } from "./core/http-server.ts";
import { jsonError } from "./core/json-protocol.ts";
import { Ledger } from "./core/ledger.ts";
import { type Routed, Router } from "./core/router.ts";
import type { ProviderSettings } from "./core/settings.ts";
import { credentialScope } from "./core/sigv4.ts";
import type { SandboxContext, SandboxRequest, SandboxResponse } from "./core/types.ts";
import { createProviders } from "./providers/index.ts";
import { defaultSpec, type LogFormat } from "./workload/functions.ts";
import { attachLoggingConfig, resolveLoggingConfig } from "./workload/invocation-logging.ts";
import { Workload } from "./workload/model.ts";
import { attachScenario, type ScenarioName, scenarioByName } from "./workload/scenario.ts";

export const SANDBOX_ACCOUNT_ID = "123456789012";
/**
 * The source accounts linked to the sandbox's (monitoring) account: their traffic is a share of
 * the monitoring account's, from workloads of their own (different seeds).
 */
export const SANDBOX_LINKED_ACCOUNTS = [
  { id: "210987654321", label: "twin-prod-eu", share: 0.5 },
  { id: "345678901234", label: "twin-staging", share: 0.25 },
] as const;
/** Credentials the product uses against the sandbox; they sign requests but grant nothing. */
export function sandboxCredentials(): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: "AKIASANDBOXEXAMPLE01", secretAccessKey: "sandbox-secret-not-a-real-key" };
}
const MAX_BODY = 16 * 1024 * 1024;

export interface SandboxOptions {
  port?: number;
  host?: string;
  seed?: number;
  region?: string;
  functions?: readonly string[];
  models?: readonly string[];
  historyDays?: number;
  peakPerMinute?: number;
  /** Traffic multiplier (config sandbox.workload.scale). */
  scale?: number;
  /** Functions' log formats where the config states them (others: see workload/functions.ts). */
  logFormats?: Readonly<Record<string, LogFormat>>;
  faults?: readonly FaultConfig[];
  settings?: ProviderSettings;
  /** How the account bills (server/sandbox/workload/scenario.ts); `simple` when absent. */
  scenario?: ScenarioName;
  /** Injectable clock for tests (epoch ms). */
  now?: () => number;
}

export interface RunningSandbox {
  url: string;
  port: number;
  context: SandboxContext;
  ledger: Ledger;
  faults: Faults;
  workload: Workload;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_FUNCTIONS = ["twin-api"];
export const DEFAULT_MODELS = ["amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0"];

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const seed = options.seed ?? 42;
  const region = options.region ?? "us-east-1";
  const now = options.now ?? Date.now;
  const scenario = scenarioByName(options.scenario);
  const models = options.models ?? DEFAULT_MODELS;
  const extra = scenario.extraModels(region, SANDBOX_ACCOUNT_ID).filter((m) => !models.includes(m));
  const workload = new Workload({
    seed,
    region,
    functions: options.functions ?? DEFAULT_FUNCTIONS,
    models: [...models, ...extra],
    historyDays: options.historyDays ?? 30,
    peakPerMinute: options.peakPerMinute ?? 4,
    scale: options.scale ?? 1,
    functionSpecs: Object.entries(options.logFormats ?? {}).map(([name, format]) =>
      defaultSpec(name, 512, format),
    ),
    now,
    shapeCall: scenario.shapeCall,
  });
  attachScenario(workload, scenario);
  attachLoggingConfig(
    workload,
    resolveLoggingConfig(scenario.name, options.settings?.bedrockControl, SANDBOX_ACCOUNT_ID),
  );
  const linkedAccounts = SANDBOX_LINKED_ACCOUNTS.map((a, i) => ({
    id: a.id,
    label: a.label,
    workload: new Workload({
      seed: seed + 1 + i,
      region,
      functions: options.functions ?? DEFAULT_FUNCTIONS,
      models: options.models ?? DEFAULT_MODELS,
      historyDays: options.historyDays ?? 30,
      peakPerMinute: (options.peakPerMinute ?? 4) * a.share,
      scale: options.scale ?? 1,
      now,
    }),
  }));
  const ledger = new Ledger();
  const initialFaults = options.faults ?? [];
  const faults = new Faults(initialFaults, seed);
  const context: SandboxContext = {
    workload,
    ledger,
    now,
    accountId: SANDBOX_ACCOUNT_ID,
    linkedAccounts,
    defaultRegion: region,
    settings: options.settings ?? {},
  };
  const router = new Router(faults);
  for (const provider of createProviders(context)) router.register(provider);
  const started = now();

  const reset = () => {
    ledger.clear();
    faults.set(initialFaults);
    workload.reset();
    for (const linked of linkedAccounts) linked.workload.reset();
    for (const provider of router.providers()) provider.reset?.();
  };

  async function admin(req: SandboxRequest): Promise<SandboxResponse> {
    const json = (status: number, value: unknown): SandboxResponse => ({
      status,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(value),
    });
    const route = `${req.method} ${req.path}`;
    // The admin routes are for tools and tests: a browser page (any Origin, a cross-site fetch)
    // or a rebound host name never reaches them.
    const site = headerString(req.headers["sec-fetch-site"]);
    const host = headerString(req.headers.host) ?? headerString(req.headers[":authority"]) ?? "";
    if (
      req.headers.origin !== undefined ||
      (site !== undefined && site !== "none" && site !== "same-origin") ||
      !/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(host)
    )
      return json(403, {
        error: {
          code: "Forbidden",
          message:
            "The sandbox admin routes answer tools on this machine only (no browser Origin, a loopback Host).",
        },
      });
    switch (route) {
      case "GET /_sandbox/health":
        return json(200, {
          status: "ok",
          seed,
          region,
          accountId: SANDBOX_ACCOUNT_ID,
          uptimeSeconds: Math.round((now() - started) / 1000),
          services: router.providers().map((p) => p.service),
          functions: workload.functions,
          models: workload.models,
        });
      case "POST /_sandbox/reset":
        reset();
        return json(200, { reset: true });
      case "GET /_sandbox/faults":
        return json(200, { faults: faults.list() });
      case "POST /_sandbox/faults":
      case "PUT /_sandbox/faults": {
        const parsed = parseFaults(req.body);
        if (typeof parsed === "string") return json(400, { error: { code: "BadFaults", message: parsed } });
        faults.set(parsed);
        return json(200, { faults: faults.list() });
      }
      case "DELETE /_sandbox/faults":
        faults.set([]);
        return json(200, { faults: [] });
      case "GET /_sandbox/requests": {
        const filter: { service?: string; operation?: string; sinceSeq?: number } = {};
        const service = req.query.get("service");
        const operation = req.query.get("operation");
        const since = req.query.get("since");
        if (service) filter.service = service;
        if (operation) filter.operation = operation;
        if (since && /^\d+$/.test(since)) filter.sinceSeq = Number(since);
        const requests = ledger.list(filter);
        return json(200, { requests, counts: ledger.counts(), lastSeq: ledger.lastSeq });
      }
      case "DELETE /_sandbox/requests":
        ledger.clear();
        return json(200, { cleared: true });
    }
    for (const provider of router.providers()) {
      if (provider.admin && req.path.startsWith(`/_sandbox/${provider.service}/`)) {
        const answer = await provider.admin(req);
        if (answer) return answer;
      }
    }
    return json(404, { error: { code: "NotFound", message: `No sandbox admin route ${route}` } });
  }

  const handler = (rawReq: AnyRequest, res: AnyResponse) => {
    collect(rawReq)
      .then(async (body) => {
        const url = new URL(rawReq.url ?? "/", "http://sandbox");
        const scope = credentialScope(headerString(rawReq.headers.authorization));
        const req: SandboxRequest = {
          method: rawReq.method ?? "GET",
          path: url.pathname,
          rawPath: (rawReq.url ?? "/").split("?")[0] ?? "/",
          query: url.searchParams,
          headers: rawReq.headers,
          body,
          httpVersion: rawReq.httpVersion,
          region: scope.region ?? region,
          notes: {},
        };
        if (req.path.startsWith("/_sandbox/")) {
          await write(res, await admin(req));
          return;
        }
        const t0 = performance.now();
        const routed = await router.route(req);
        if (routed.drop) {
          destroy(rawReq);
          ledger.record(entry(routed, 0, "ConnectionDropped", req, t0));
          return;
        }
        const errorCode =
          routed.response.status >= 400
            ? (routed.errorCode ?? headerString(routed.response.headers["x-amzn-errortype"])?.split(":")[0])
            : undefined;
        const written = write(res, routed.response);
        if (!routed.response.stream) ledger.record(entry(routed, routed.response.status, errorCode, req, t0));
        await written;
        if (routed.response.stream) ledger.record(entry(routed, routed.response.status, errorCode, req, t0));
      })
      .catch((err: unknown) => {
        const error = err instanceof AwsError ? err : new AwsError("InternalFailure", String(err), 500);
        if (!res.headersSent) void write(res, jsonError({ protocol: "1.1" }, error));
        else res.end();
      });
  };

  function entry(
    { service, operation, protocol }: Routed,
    status: number,
    errorCode: string | undefined,
    req: SandboxRequest,
    t0: number,
  ) {
    const e: Parameters<Ledger["record"]>[0] = {
      time: new Date(now()).toISOString(),
      service,
      operation,
      status,
      region: req.region,
      durationMs: Math.round((performance.now() - t0) * 100) / 100,
    };
    if (errorCode) e.errorCode = errorCode;
    if (protocol) e.protocol = protocol;
    const encoding = headerString(req.headers["content-encoding"]);
    if (encoding) e.contentEncoding = encoding;
    if (Object.keys(req.notes).length > 0) e.notes = req.notes;
    return e;
  }

  const server = createDualServer(handler);
  const host = options.host ?? "127.0.0.1";
  const port = await server.listen(options.port ?? 0, host);
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    context,
    ledger,
    faults,
    workload,
    reset,
    close: () => server.close(),
  };
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function collect(req: AnyRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new AwsError("RequestEntityTooLarge", "Request body exceeds 16 MiB", 413));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function destroy(req: AnyRequest): void {
  const socket = "stream" in req ? req.stream.session?.socket : req.socket;
  socket?.destroy();
}

async function write(res: AnyResponse, response: SandboxResponse): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers)) headers[k.toLowerCase()] = v;
  if (!response.stream) {
    const body =
      response.body === undefined
        ? Buffer.alloc(0)
        : Buffer.isBuffer(response.body)
          ? response.body
          : Buffer.from(response.body);
    headers["content-length"] = String(body.length);
    res.writeHead(response.status, headers);
    res.end(body);
    return;
  }
  res.writeHead(response.status, headers);
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const writeChunk = (chunk: Buffer) =>
    new Promise<void>((resolve, reject) => {
      if (controller.signal.aborted) {
        reject(new Error("client closed the stream"));
        return;
      }
      (res as ServerResponseLike).write(chunk, (err?: Error | null) => (err ? reject(err) : resolve()));
    });
  try {
    await response.stream(writeChunk, controller.signal);
  } finally {
    if (!controller.signal.aborted) res.end();
  }
}

interface ServerResponseLike {
  write(chunk: Buffer, cb: (err?: Error | null) => void): boolean;
}

function parseFaults(body: Buffer): FaultConfig[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8") || "{}");
  } catch {
    return 'body must be JSON: {"faults": [{"service": "ce", "kind": "throttle", "probability": 1}]}';
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { faults?: unknown }).faults;
  if (!Array.isArray(list)) return "body must hold a `faults` array";
  const kinds = new Set(["throttle", "internal", "unavailable", "slow", "malformed", "truncated", "drop"]);
  const out: FaultConfig[] = [];
  for (const [i, item] of list.entries()) {
    const f = item as Partial<FaultConfig>;
    if (!f || typeof f.service !== "string")
      return `faults[${i}].service must be a service name such as "ce", "cloudwatch", "logs", "budgets", "bedrock"`;
    if (typeof f.kind !== "string" || !kinds.has(f.kind))
      return `faults[${i}].kind must be one of ${[...kinds].join(", ")}`;
    const probability = f.probability ?? 1;
    if (typeof probability !== "number" || probability < 0 || probability > 1)
      return `faults[${i}].probability must be a number from 0 to 1`;
    const rule: FaultConfig = { service: f.service, kind: f.kind, probability };
    if (typeof f.operation === "string") rule.operation = f.operation;
    if (typeof f.delayMs === "number") rule.delayMs = f.delayMs;
    for (const key of ["every", "after", "times"] as const) {
      const v = f[key];
      if (v === undefined) continue;
      if (typeof v !== "number" || !Number.isInteger(v) || v < (key === "after" ? 0 : 1))
        return `faults[${i}].${key} must be a whole number${key === "after" ? "" : " from 1"}`;
      rule[key] = v;
    }
    out.push(rule);
  }
  return out;
}
