/**
 * The server-side truth of every Bedrock Runtime call the sandbox answered, for tests and for
 * checking the benchmark runner: what was planned (TTFT, end-to-end, inter-token latency) and
 * what was sent (tokens, stop reason, status). Served as JSON at GET /_sandbox/bedrock/calls.
 */

export type TruthStatus = "ok" | "throttled" | "client_error" | "server_error" | "cancelled";

export interface GroundTruthCall {
  /** Order of arrival, from 1; `?since=<seq>` returns later calls only. */
  seq: number;
  /** The x-amzn-requestid header of the response (the SDK's `$metadata.requestId`). */
  requestId: string;
  operation: "Converse" | "ConverseStream" | "InvokeModel" | "InvokeModelWithResponseStream";
  /** The model ID as the request named it (percent-decoded; may be an ARN). */
  requestedModelId: string;
  /** Profile or base ID the call resolved to (the AWS/Bedrock ModelId dimension); absent if unknown. */
  modelId?: string;
  baseModelId?: string;
  /** SigV4 Region of the request, and the Region the call was routed to (profiles pick one). */
  region: string;
  servedRegion?: string;
  status: TruthStatus;
  /** The AWS error code of a failed call, or the exception type of a mid-stream failure. */
  errorCode?: string;
  errorMessage?: string;
  /** ISO time and epoch ms (sandbox clock) when the request arrived. */
  startTime: string;
  startEpochMs: number;
  /** This model's call counter (0 = first call since start/reset), which seeds the latency. */
  callIndex?: number;
  slowCall?: boolean;
  slowFirstCall?: boolean;
  latencyScale: number;
  /** Planned ms from request to first non-empty text, to last token, and between tokens. */
  plannedTtftMs?: number;
  plannedLatencyMs?: number;
  plannedItlMs?: number;
  tokensPerSecond?: number;
  /** Measured by the server (the response's metrics.latencyMs for successful calls). */
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  maxTokens?: number;
  stopReason?: string;
  /** Stream deltas sent (ConverseStream). */
  deltas?: number;
}

export interface TruthFilter {
  modelId?: string;
  operation?: string;
  sinceSeq?: number;
}

export class GroundTruth {
  private calls: GroundTruthCall[] = [];
  private seq = 0;

  add(call: Omit<GroundTruthCall, "seq">): GroundTruthCall {
    const entry = { seq: ++this.seq, ...call };
    this.calls.push(entry);
    if (this.calls.length > 50_000) this.calls.splice(0, this.calls.length - 50_000);
    return entry;
  }

  list(filter: TruthFilter = {}): GroundTruthCall[] {
    return this.calls.filter(
      (c) =>
        (filter.modelId === undefined ||
          c.modelId === filter.modelId ||
          c.requestedModelId === filter.modelId) &&
        (filter.operation === undefined || c.operation === filter.operation) &&
        (filter.sinceSeq === undefined || c.seq > filter.sinceSeq),
    );
  }

  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.calls = [];
    this.seq = 0;
  }
}
