/** Mapping between a RequestRow and its bench_requests table row. */
import type { RequestRow, RequestStatus } from "./types.ts";

export interface RequestRecord {
  run_id: string;
  seq: number;
  model_id: string;
  prompt_id: string;
  repetition: number;
  warmup: number;
  started_at: string;
  status: RequestStatus;
  error_code: string | null;
  error_message: string | null;
  mid_stream: number;
  first_event_ms: number | null;
  ttft_ms: number | null;
  end_to_end_ms: number | null;
  inter_token_ms: number | null;
  server_latency_ms: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  stop_reason: string | null;
  request_id: string | null;
  quality_pass: number | null;
  quality_failures: string;
  cost_usd: number | null;
  output_chars: number;
}

export function toRecord(r: RequestRow): RequestRecord {
  return {
    run_id: r.runId,
    seq: r.seq,
    model_id: r.modelId,
    prompt_id: r.promptId,
    repetition: r.repetition,
    warmup: r.warmup ? 1 : 0,
    started_at: r.startedAt,
    status: r.status,
    error_code: r.errorCode,
    error_message: r.errorMessage,
    mid_stream: r.midStream ? 1 : 0,
    first_event_ms: r.firstEventMs,
    ttft_ms: r.ttftMs,
    end_to_end_ms: r.endToEndMs,
    inter_token_ms: r.interTokenMs,
    server_latency_ms: r.serverLatencyMs,
    input_tokens: r.inputTokens,
    output_tokens: r.outputTokens,
    stop_reason: r.stopReason,
    request_id: r.requestId,
    quality_pass: r.qualityPass === null ? null : r.qualityPass ? 1 : 0,
    quality_failures: JSON.stringify(r.qualityFailures),
    cost_usd: r.costUsd,
    output_chars: r.outputChars,
  };
}

export function fromRecord(r: RequestRecord): RequestRow {
  return {
    runId: r.run_id,
    seq: r.seq,
    modelId: r.model_id,
    promptId: r.prompt_id,
    repetition: r.repetition,
    warmup: r.warmup === 1,
    startedAt: r.started_at,
    status: r.status,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    midStream: r.mid_stream === 1,
    firstEventMs: r.first_event_ms,
    ttftMs: r.ttft_ms,
    endToEndMs: r.end_to_end_ms,
    interTokenMs: r.inter_token_ms,
    serverLatencyMs: r.server_latency_ms,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    stopReason: r.stop_reason,
    requestId: r.request_id,
    qualityPass: r.quality_pass === null ? null : r.quality_pass === 1,
    qualityFailures: JSON.parse(r.quality_failures) as string[],
    costUsd: r.cost_usd,
    outputChars: r.output_chars,
  };
}
