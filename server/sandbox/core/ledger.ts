/** Every call the sandbox answers, so tests and benchmarks can count what a client asked of AWS. */
export interface LedgerEntry {
  seq: number;
  time: string;
  service: string;
  operation: string;
  status: number;
  errorCode?: string;
  region: string;
  durationMs: number;
  /** The wire protocol the call came in (awsJson1_0, awsQuery, smithyRpcV2Cbor, …), for operation providers. */
  protocol?: string;
  /** The request's Content-Encoding when it had one (e.g. "gzip"). */
  contentEncoding?: string;
  /** Provider-specific counts, e.g. GetMetricData `metricsRequested`, Logs `bytesScanned`. */
  notes?: Record<string, number | string>;
}

export class Ledger {
  private entries: LedgerEntry[] = [];
  private seq = 0;
  constructor(private readonly capacity = 200_000) {}

  record(entry: Omit<LedgerEntry, "seq">): LedgerEntry {
    const full = { ...entry, seq: ++this.seq };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  list(filter: { service?: string; operation?: string; sinceSeq?: number } = {}): LedgerEntry[] {
    return this.entries.filter(
      (e) =>
        (!filter.service || e.service === filter.service) &&
        (!filter.operation || e.operation === filter.operation) &&
        (filter.sinceSeq === undefined || e.seq > filter.sinceSeq),
    );
  }

  /** Calls per "service:operation". */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.entries)
      out[`${e.service}:${e.operation}`] = (out[`${e.service}:${e.operation}`] ?? 0) + 1;
    return out;
  }

  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
  }
}
