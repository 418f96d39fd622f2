/**
 * Who made each Bedrock call and for whom: the IAM principal (invocation logs' `identity.arn`,
 * the bill's `iamPrincipal/<key>` cost-allocation tags) and the request metadata the caller sent
 * (Converse `requestMetadata`, recorded only in model invocation logs). A pure function of the call,
 * so the logs, the bill and the metrics describe the same calls.
 *
 * The realistic account (issue #18): twin-api's Lambda execution role makes most calls and sends
 * `{tenant}` for the five tenants it serves (skewed shares; about 10 % of its calls carry no
 * metadata); a search indexer role makes most calls through the `twinsearch01` profile, without
 * metadata; an operator's IAM user makes a few calls by hand. Calls answered live by the sandbox
 * (benchmarks) are made by the sandbox's own caller (sts:GetCallerIdentity) with the metadata
 * their request carried.
 */
import type { BedrockCall } from "./model.ts";
import { hash32, hashString, uniform } from "./random.ts";
import { SEARCH_PROFILE_ID } from "./scenario.ts";

export interface Principal {
  /** As invocation logs name it (`identity.arn`): the assumed-role session ARN, or the user ARN. */
  arn(accountId: string): string;
  /** Tags on the IAM role or user (iamPrincipal/<key> cost-allocation tags). */
  tags: Readonly<Record<string, string>>;
}

export const PRINCIPALS = {
  twinApi: {
    arn: (a: string) => `arn:aws:sts::${a}:assumed-role/twin-api-execution-role/twin-api`,
    tags: { team: "platform", "cost-center": "cc-1042" },
  },
  indexer: {
    arn: (a: string) => `arn:aws:sts::${a}:assumed-role/twin-search-indexer/indexer-batch`,
    tags: { team: "search" },
  },
  operator: {
    arn: (a: string) => `arn:aws:iam::${a}:user/dana.ops`,
    tags: {},
  },
  /** The sandbox's own caller (server/sandbox/providers/sts: user bedrock-ops-sandbox). */
  sandbox: {
    arn: (a: string) => `arn:aws:iam::${a}:user/bedrock-ops-sandbox`,
    tags: {},
  },
} as const satisfies Record<string, Principal>;

/** Tenants of twin-api and their shares of its calls; the remainder (10 %) sends no metadata. */
export const TENANTS: ReadonlyArray<readonly [string, number]> = [
  ["acme", 0.38],
  ["globex", 0.22],
  ["initech", 0.16],
  ["umbrella", 0.09],
  ["hooli", 0.05],
];

export interface Attribution {
  requestId: string;
  principal: Principal;
  /** requestMetadata as sent (absent when the call carried none). */
  requestMetadata?: Readonly<Record<string, string>>;
}

function callHash(call: BedrockCall): number[] {
  return [
    hashString(call.modelId),
    Math.floor(call.time),
    call.inputTokens,
    call.outputTokens,
    call.latencyMs,
  ];
}

function uuid(parts: number[]): string {
  const hex = [0, 1, 2, 3]
    .map((k) =>
      hash32(...parts, 0x1a9e + k)
        .toString(16)
        .padStart(8, "0"),
    )
    .join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Who made a call (deterministic; the bill asks only this). */
export function principalOf(call: BedrockCall, seed: number): Principal {
  if (call.source === "live") return PRINCIPALS.sandbox;
  const who = uniform(seed, ...callHash(call), 0xa77);
  if (call.modelId === SEARCH_PROFILE_ID && who < 0.7) return PRINCIPALS.indexer;
  return who > 0.96 ? PRINCIPALS.operator : PRINCIPALS.twinApi;
}

/** The principal, request ID and request metadata of a call (deterministic). */
export function attributionOf(call: BedrockCall, seed: number): Attribution {
  const h = callHash(call);
  const requestId = call.requestId ?? uuid([seed, ...h]);
  const principal = principalOf(call, seed);
  if (call.source === "live") {
    const out: Attribution = { requestId, principal };
    if (call.requestMetadata && Object.keys(call.requestMetadata).length > 0)
      out.requestMetadata = call.requestMetadata;
    return out;
  }
  // twin-api sends the tenant it serves; the indexer and the operator send no metadata.
  if (principal !== PRINCIPALS.twinApi) return { requestId, principal };
  const u = uniform(seed, ...h, 0x7e4a);
  let acc = 0;
  for (const [tenant, share] of TENANTS) {
    acc += share;
    if (u < acc) return { requestId, principal, requestMetadata: { tenant } };
  }
  return { requestId, principal };
}
