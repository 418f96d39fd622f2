/**
 * What every Converse / ConverseStream call goes through before the model "runs": model-ID
 * rules, request validation, model access, the maxTokens limit, RPM/TPM quotas; then the reply
 * and its timing are planned. Failures are recorded (ground truth + workload) and rethrown as
 * AwsError for the router to serialise (restJson1: status, x-amzn-errortype, {"message"}).
 * Outcomes of admitted calls are recorded by `recordOutcome`.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../../core/errors.ts";
import type { SandboxRequest } from "../../core/types.ts";
import type { CallStatus } from "../../workload/model.ts";
import { hashString, uniform } from "../../workload/random.ts";
import { scenarioOf } from "../../workload/scenario.ts";
import type { CatalogModel } from "./catalog.ts";
import type { GroundTruthCall, TruthStatus } from "./ground-truth.ts";
import { type LatencyPlan, planLatency, type Schedule, schedule } from "./latency.ts";
import { accessDenied, checkModelId, MODEL_ERROR_MESSAGES, type ModelIdCheck } from "./model-ids.ts";
import { type ConverseInput, checkMaxTokens, inputTokens, parseConverseBody, promptOf } from "./request.ts";
import type { BedrockState } from "./state.ts";
import { type Completion, chunkText, complete, generateReply } from "./text.ts";

export type Operation = GroundTruthCall["operation"];

interface CallStart {
  requestId: string;
  operation: Operation;
  requestedModelId: string;
  region: string;
  /** Sandbox clock (epoch ms) and monotonic clock (ms) at arrival. */
  start: number;
  t0: number;
}

export interface Admitted extends CallStart {
  check: Extract<ModelIdCheck, { ok: true }>;
  input: ConverseInput;
  inputTokens: number;
  maxTokens: number;
  completion: Completion;
  chunks: string[];
  plan: LatencyPlan;
  schedule: Schedule;
  callIndex: number;
  servedRegion: string;
  reservation: { tokens: number; time: number };
}

/** Reads the request body into a conversation; `model` is absent when the ID did not resolve. */
export type BodyParser = (body: Buffer, model: CatalogModel | undefined) => ConverseInput;

export function admit(
  state: BedrockState,
  operation: Operation,
  req: SandboxRequest,
  requestedModelId: string,
  parse: BodyParser = parseConverseBody,
): Admitted {
  const start: CallStart = {
    requestId: randomUUID(),
    operation,
    requestedModelId,
    region: req.region,
    start: state.ctx.now(),
    t0: performance.now(),
  };
  const check = checkModelId(requestedModelId, req.region, {
    profileOnly: state.settings.profileOnly,
    applicationProfiles: scenarioOf(state.ctx.workload).applicationProfiles(),
    accountId: state.ctx.accountId,
  });
  try {
    const input = parse(req.body, check.ok ? check.model : undefined);
    if (!check.ok) throw new AwsError(check.code, check.message, check.status);
    if (accessDenied(state.settings.accessDenied, check)) {
      throw new AwsError("AccessDeniedException", MODEL_ERROR_MESSAGES.accessDenied, 403);
    }
    checkMaxTokens(input.maxTokens, check.model.maxOutputTokens);
    const tokensIn = inputTokens(input);
    const maxTokens = input.maxTokens ?? check.model.maxOutputTokens;
    const quotas = state.settings.quotas;
    const quota = quotas?.[check.invokedId] ?? quotas?.[check.model.id] ?? check.model.quota;
    const verdict = state.quotas.reserve(check.invokedId, quota, tokensIn + maxTokens, start.start);
    if (!verdict.ok) {
      const message =
        verdict.limit === "rpm" ? MODEL_ERROR_MESSAGES.tooManyRequests : MODEL_ERROR_MESSAGES.tooManyTokens;
      throw new AwsError("ThrottlingException", message, 429);
    }
    const callIndex = state.nextCallIndex(check.invokedId);
    const { prompt, conversation } = promptOf(input);
    const reply = generateReply({ seed: state.seed, modelId: check.model.id, prompt, conversation });
    const completion = complete(reply, maxTokens, input.stopSequences);
    const chunks = chunkText(completion.text, hashString(start.requestId));
    const plan = planLatency(state.seed, check.invokedId, callIndex, state.latencyScale);
    const pick = Math.floor(
      uniform(state.seed, hashString(check.invokedId), callIndex, 0x5e) * check.destinations.length,
    );
    req.notes.modelId = check.invokedId;
    req.notes.inputTokens = tokensIn;
    return {
      ...start,
      check,
      input,
      inputTokens: tokensIn,
      maxTokens,
      completion,
      chunks,
      plan,
      schedule: schedule(plan, chunks),
      callIndex,
      servedRegion: check.destinations[pick] ?? req.region,
      reservation: verdict.reservation,
    };
  } catch (err) {
    if (err instanceof AwsError) recordFailure(state, start, check, err);
    throw err;
  }
}

function statusOf(error: AwsError): TruthStatus {
  if (error.code === "ThrottlingException" || error.code === "throttlingException") return "throttled";
  return error.status >= 500 ? "server_error" : "client_error";
}

function workloadStatus(status: TruthStatus): CallStatus {
  return status === "cancelled" ? "client_error" : status;
}

function recordFailure(state: BedrockState, start: CallStart, check: ModelIdCheck, error: AwsError): void {
  const latencyMs = Math.round(performance.now() - start.t0);
  const status = statusOf(error);
  const call: Omit<GroundTruthCall, "seq"> = {
    requestId: start.requestId,
    operation: start.operation,
    requestedModelId: start.requestedModelId,
    region: start.region,
    status,
    errorCode: error.code,
    errorMessage: error.message,
    startTime: new Date(start.start).toISOString(),
    startEpochMs: start.start,
    latencyScale: state.latencyScale,
    latencyMs,
    inputTokens: 0,
    outputTokens: 0,
  };
  if (check.ok) {
    call.modelId = check.invokedId;
    call.baseModelId = check.model.id;
    recordLive(state, start, check.invokedId, workloadStatus(status), latencyMs, 0, 0, 0);
  }
  state.truth.add(call);
}

function recordLive(
  state: BedrockState,
  start: CallStart,
  modelId: string,
  status: CallStatus,
  latencyMs: number,
  ttftMs: number,
  inputTokens: number,
  outputTokens: number,
  requestMetadata?: Readonly<Record<string, string>>,
): void {
  state.ctx.workload.recordLive({
    requestId: start.requestId,
    ...(requestMetadata ? { requestMetadata } : {}),
    modelId,
    time: start.start,
    operation:
      start.operation === "ConverseStream" || start.operation === "Converse"
        ? start.operation
        : "InvokeModel",
    status,
    latencyMs,
    ttftMs,
    inputTokens,
    outputTokens,
    region: start.region,
  });
}

export interface Outcome {
  status: TruthStatus;
  outputTokens: number;
  latencyMs: number;
  stopReason?: string;
  errorCode?: string;
  errorMessage?: string;
  deltas?: number;
}

/** Records an admitted call's outcome: ground truth, the workload (metrics, logs, bill), quota. */
export function recordOutcome(state: BedrockState, a: Admitted, outcome: Outcome): GroundTruthCall {
  const call: Omit<GroundTruthCall, "seq"> = {
    requestId: a.requestId,
    operation: a.operation,
    requestedModelId: a.requestedModelId,
    modelId: a.check.invokedId,
    baseModelId: a.check.model.id,
    region: a.region,
    servedRegion: a.servedRegion,
    status: outcome.status,
    startTime: new Date(a.start).toISOString(),
    startEpochMs: a.start,
    callIndex: a.callIndex,
    slowCall: a.plan.slow,
    slowFirstCall: a.plan.slowFirstCall,
    latencyScale: a.plan.scale,
    plannedTtftMs: a.plan.ttftMs,
    plannedLatencyMs: a.schedule.totalMs,
    plannedItlMs: a.schedule.itlMs,
    tokensPerSecond: Math.round(a.plan.tokensPerSecond * 100) / 100,
    latencyMs: outcome.latencyMs,
    inputTokens: a.inputTokens,
    outputTokens: outcome.outputTokens,
    maxTokens: a.maxTokens,
  };
  if (outcome.stopReason) call.stopReason = outcome.stopReason;
  if (outcome.errorCode) call.errorCode = outcome.errorCode;
  if (outcome.errorMessage) call.errorMessage = outcome.errorMessage;
  if (outcome.deltas !== undefined) call.deltas = outcome.deltas;
  state.quotas.settle(a.reservation, a.inputTokens + outcome.outputTokens);
  recordLive(
    state,
    a,
    a.check.invokedId,
    workloadStatus(outcome.status),
    outcome.latencyMs,
    a.plan.ttftMs,
    a.inputTokens,
    outcome.outputTokens,
    a.input.requestMetadata,
  );
  return state.truth.add(call);
}

/** Waits until `ms` after the call's arrival (monotonic), or until `signal` aborts. */
export function sleepUntil(t0: number, ms: number, signal?: AbortSignal): Promise<void> {
  const remaining = t0 + ms - performance.now();
  if (remaining <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, remaining);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
