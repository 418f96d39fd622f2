/** The SQLite tables of the benchmark runner (migration "bench-1" in the shared database). */
import type { Migration } from "../store/db.ts";

export const BENCH_MIGRATIONS: Migration[] = [
  {
    id: "bench-1",
    sql: `
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
  first_event_ms REAL,
  ttft_ms REAL,
  end_to_end_ms REAL,
  inter_token_ms REAL,
  server_latency_ms REAL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  stop_reason TEXT,
  request_id TEXT,
  quality_pass INTEGER,
  quality_failures TEXT NOT NULL,
  cost_usd REAL,
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
);`,
  },
];
