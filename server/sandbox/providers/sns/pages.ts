/** SNS list pagination: 100 items a page, an opaque NextToken that encodes the offset. */
import { invalidParameter } from "./errors.ts";

export const PAGE = 100;

export function page<T>(items: readonly T[], token: unknown): { items: T[]; nextToken?: string } {
  let start = 0;
  if (typeof token === "string" && token !== "") {
    const decoded = Number(Buffer.from(token, "base64url").toString("utf8"));
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length)
      throw invalidParameter("NextToken");
    start = decoded;
  }
  const slice = items.slice(start, start + PAGE);
  const next =
    start + PAGE < items.length ? Buffer.from(String(start + PAGE)).toString("base64url") : undefined;
  return next ? { items: slice, nextToken: next } : { items: slice };
}
