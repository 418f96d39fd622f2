/**
 * Every table of the store, as migrations per dialect. IDs are stable and applied once, in
 * order; "cache-1" and "bench-1" are the SQLite tables of earlier releases (same IDs, so an
 * existing data directory upgrades in place).
 */
import type { Dialect } from "./sql.ts";

export interface Migration {
  id: string;
  sqlite: string;
  postgres: string;
}

const CACHE_1 = (real: string, big: string) => `
CREATE TABLE cache_entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, fetched_at ${big} NOT NULL);
CREATE TABLE aws_spend (day TEXT NOT NULL, api TEXT NOT NULL, count ${big} NOT NULL, usd ${real} NOT NULL, PRIMARY KEY (day, api));`;

const BENCH_1 = (real: string) => `
CREATE TABLE bench_runs (
  id TEXT PRIMARY KEY,
  suite TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  pid INTEGER NOT NULL,
  owner TEXT NOT NULL,
  models TEXT NOT NULL,
  manifest TEXT NOT NULL,
  results TEXT,
  error TEXT
);
CREATE INDEX bench_runs_suite ON bench_runs (suite, started_at);
CREATE TABLE bench_requests (
  run_id TEXT NOT NULL REFERENCES bench_runs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  model_id TEXT NOT NULL,
  prompt_id TEXT NOT NULL,
  repetition INTEGER NOT NULL,
  warmup INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  status TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT,
  mid_stream INTEGER NOT NULL,
  first_event_ms ${real},
  ttft_ms ${real},
  end_to_end_ms ${real},
  inter_token_ms ${real},
  server_latency_ms ${real},
  input_tokens INTEGER,
  output_tokens INTEGER,
  stop_reason TEXT,
  request_id TEXT,
  quality_pass INTEGER,
  quality_failures TEXT NOT NULL,
  cost_usd ${real},
  output_chars INTEGER NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE bench_schedule_state (
  key TEXT PRIMARY KEY,
  suite TEXT NOT NULL,
  cron TEXT NOT NULL,
  checked_at TEXT NOT NULL
);
CREATE TABLE bench_missed (
  key TEXT NOT NULL,
  suite TEXT NOT NULL,
  due_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  detected_at TEXT NOT NULL,
  PRIMARY KEY (key, due_at)
);`;

/** Run leases with a heartbeat (replacing bare PIDs) and named leases (cache flights, schedules). */
const LEASES_1 = (big: string) => `
ALTER TABLE bench_runs ADD COLUMN lease_until ${big};
CREATE TABLE leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at ${big} NOT NULL);`;

export const MIGRATIONS: readonly Migration[] = [
  { id: "cache-1", sqlite: CACHE_1("REAL", "INTEGER"), postgres: CACHE_1("DOUBLE PRECISION", "BIGINT") },
  { id: "bench-1", sqlite: BENCH_1("REAL"), postgres: BENCH_1("DOUBLE PRECISION") },
  { id: "leases-1", sqlite: LEASES_1("INTEGER"), postgres: LEASES_1("BIGINT") },
];

export function migrationSql(m: Migration, dialect: Dialect): string {
  return dialect === "sqlite" ? m.sqlite : m.postgres;
}
