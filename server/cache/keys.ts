/** Cache keys that include every input: a source name plus its inputs, serialised with sorted keys. */
export type KeyPart =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly KeyPart[]
  | { readonly [k: string]: KeyPart };

function canonical(value: KeyPart): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const obj = value as { readonly [k: string]: KeyPart };
  const entries = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`);
  return `{${entries.join(",")}}`;
}

/** e.g. cacheKey("metrics", {preset: "3h", functions: ["twin-api"]}) -> `metrics:{"functions":["twin-api"],"preset":"3h"}` */
export function cacheKey(source: string, inputs: { readonly [k: string]: KeyPart }): string {
  return `${source}:${canonical(inputs)}`;
}
