/**
 * Latency and traffic profiles of the models the sandbox serves. The seeds' comparison
 * (Micro < 1 s, Lite 1-2 s, Pro 2-4 s for a typical answer) is what these produce.
 */
export interface LatencyProfile {
  /** Median time to first token, ms. */
  ttftMs: number;
  /** Sigma of the log-normal TTFT distribution. */
  ttftSigma: number;
  /** Median output tokens per second once streaming. */
  tokensPerSecond: number;
  /** Probability of a slow call (a tail event), and its multiplier. */
  slowProbability: number;
  slowFactor: number;
  /** Share of the workload's traffic when several models are configured. */
  trafficWeight: number;
}

const PROFILES: Array<[RegExp, LatencyProfile]> = [
  [
    /nova-micro/,
    {
      ttftMs: 180,
      ttftSigma: 0.25,
      tokensPerSecond: 320,
      slowProbability: 0.01,
      slowFactor: 2.5,
      trafficWeight: 0.4,
    },
  ],
  [
    /nova-lite/,
    {
      ttftMs: 350,
      ttftSigma: 0.25,
      tokensPerSecond: 170,
      slowProbability: 0.01,
      slowFactor: 2.5,
      trafficWeight: 0.56,
    },
  ],
  [
    /nova-pro/,
    {
      ttftMs: 700,
      ttftSigma: 0.3,
      tokensPerSecond: 85,
      slowProbability: 0.015,
      slowFactor: 2.2,
      trafficWeight: 0.04,
    },
  ],
  [
    /nova-premier/,
    {
      ttftMs: 1100,
      ttftSigma: 0.3,
      tokensPerSecond: 60,
      slowProbability: 0.02,
      slowFactor: 2,
      trafficWeight: 0.05,
    },
  ],
  [
    /haiku/,
    {
      ttftMs: 400,
      ttftSigma: 0.25,
      tokensPerSecond: 150,
      slowProbability: 0.01,
      slowFactor: 2.5,
      trafficWeight: 0.2,
    },
  ],
  [
    /sonnet/,
    {
      ttftMs: 900,
      ttftSigma: 0.3,
      tokensPerSecond: 70,
      slowProbability: 0.02,
      slowFactor: 2,
      trafficWeight: 0.1,
    },
  ],
  [
    /llama/,
    {
      ttftMs: 450,
      ttftSigma: 0.3,
      tokensPerSecond: 120,
      slowProbability: 0.015,
      slowFactor: 2.2,
      trafficWeight: 0.1,
    },
  ],
];

const DEFAULT_PROFILE: LatencyProfile = {
  ttftMs: 500,
  ttftSigma: 0.3,
  tokensPerSecond: 120,
  slowProbability: 0.015,
  slowFactor: 2.2,
  trafficWeight: 0.1,
};

export function latencyProfile(modelId: string): LatencyProfile {
  for (const [pattern, profile] of PROFILES) if (pattern.test(modelId)) return profile;
  return DEFAULT_PROFILE;
}
