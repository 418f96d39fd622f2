/**
 * Logs Insights takes at most 50 log groups per query: with more functions the logs panel runs
 * its queries per batch of 50 groups and merges the answers here. Averages are weighted by their
 * counts; percentiles across batches are the count-weighted mean of the batches' percentiles (an
 * approximation, exact when there is one batch).
 */
import type { DurationBin, LogsData } from "../api/contract.ts";

/** AWS's limit of log groups in one StartQuery. */
export const MAX_GROUPS_PER_QUERY = 50;

export type LogsPart = Omit<LogsData, "range">;

export function batches<T>(items: readonly T[], size = MAX_GROUPS_PER_QUERY): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length > 0 ? out : [[]];
}

const round = (x: number) => Math.round(x * 100) / 100;

function weighted<T>(items: readonly T[], value: (t: T) => number, weight: (t: T) => number): number {
  const total = items.reduce((n, t) => n + weight(t), 0);
  return total > 0 ? items.reduce((n, t) => n + value(t) * weight(t), 0) / total : 0;
}

function mergeBins(parts: readonly LogsPart[]): DurationBin[] {
  const byBin = new Map<string, DurationBin[]>();
  for (const part of parts)
    for (const bin of part.durations) byBin.set(bin.bin, [...(byBin.get(bin.bin) ?? []), bin]);
  return [...byBin.entries()]
    .map(([bin, list]) => ({
      bin,
      avg: round(
        weighted(
          list,
          (b) => b.avg,
          (b) => b.count ?? 1,
        ),
      ),
      min: Math.min(...list.map((b) => b.min)),
      max: Math.max(...list.map((b) => b.max)),
      count: list.reduce((n, b) => n + (b.count ?? 0), 0),
    }))
    .sort((a, b) => a.bin.localeCompare(b.bin));
}

export function mergeLogs(parts: readonly LogsPart[]): LogsPart {
  if (parts.length === 1) return parts[0]!;
  const pct = parts.flatMap((p) => (p.percentiles ? [p.percentiles] : []));
  const cold = parts.flatMap((p) => (p.coldStarts ? [p.coldStarts] : []));
  const memory = parts.flatMap((p) => (p.memory ? [p.memory] : []));
  const maxUsed = Math.max(0, ...memory.map((m) => m.maxUsedMb));
  const size = Math.max(0, ...memory.map((m) => m.memorySizeMb));
  return {
    durations: mergeBins(parts),
    percentiles:
      pct.length === 0
        ? null
        : {
            p50: round(
              weighted(
                pct,
                (p) => p.p50,
                (p) => p.count,
              ),
            ),
            p90: round(
              weighted(
                pct,
                (p) => p.p90,
                (p) => p.count,
              ),
            ),
            p99: round(
              weighted(
                pct,
                (p) => p.p99,
                (p) => p.count,
              ),
            ),
            count: pct.reduce((n, p) => n + p.count, 0),
          },
    coldStarts:
      cold.length === 0
        ? null
        : {
            count: cold.reduce((n, c) => n + c.count, 0),
            avgInitMs: round(
              weighted(
                cold,
                (c) => c.avgInitMs,
                (c) => c.count,
              ),
            ),
            maxInitMs: Math.max(...cold.map((c) => c.maxInitMs)),
          },
    memory:
      memory.length === 0
        ? null
        : {
            memorySizeMb: size,
            maxUsedMb: maxUsed,
            avgUsedMb: round(memory.reduce((n, m) => n + m.avgUsedMb, 0) / memory.length),
            headroomPercent: size > 0 ? round(((size - maxUsed) / size) * 100) : 0,
          },
    recentErrors: parts
      .flatMap((p) => p.recentErrors)
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
      .slice(0, 20),
    bytesScanned: parts.reduce((n, p) => n + p.bytesScanned, 0),
  };
}
