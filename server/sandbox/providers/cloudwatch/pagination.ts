/**
 * Opaque NextTokens. A token carries where the previous page stopped and a fingerprint of the
 * request it belongs to, so a token replayed with different parameters, edited, or made up is
 * rejected with InvalidNextToken, as CloudWatch does.
 */
import { createHash } from "node:crypto";
import { invalidNextToken } from "./validation.ts";

export function fingerprint(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 24);
}

export function encodeToken(kind: string, request: string, position: number[]): string {
  return Buffer.from(JSON.stringify({ k: kind, r: request, p: position }), "utf8").toString("base64url");
}

/** The position stored in a token of this kind and request; throws InvalidNextToken otherwise. */
export function decodeToken(token: string, kind: string, request: string, length: number): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalidNextToken();
  }
  const t = parsed as { k?: unknown; r?: unknown; p?: unknown };
  if (t === null || typeof t !== "object" || t.k !== kind || !Array.isArray(t.p) || t.p.length !== length)
    throw invalidNextToken();
  if (t.r !== request) {
    throw invalidNextToken(
      "The NextToken belongs to a request with different parameters: repeat the request exactly as before, only adding NextToken.",
    );
  }
  const position = t.p as unknown[];
  if (!position.every((n) => typeof n === "number" && Number.isInteger(n) && n >= -2))
    throw invalidNextToken();
  return position as number[];
}

/** One page of a flat list (ListMetrics, ListDashboards): items from the token's offset on. */
export function pageOf<T>(
  items: T[],
  pageSize: number,
  token: string | undefined,
  kind: string,
  request: string,
): { page: T[]; next?: string } {
  const [offset = 0] = token === undefined ? [0] : decodeToken(token, kind, request, 1);
  if (offset < 0 || offset > items.length) throw invalidNextToken();
  const page = items.slice(offset, offset + pageSize);
  const end = offset + page.length;
  return end < items.length ? { page, next: encodeToken(kind, request, [end]) } : { page };
}
