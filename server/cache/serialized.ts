/**
 * One JSON serialisation per cached value: the cache measures an entry by it (its memory bound)
 * and the API builds its response bytes from it, so a value is stringified once per fetch, not
 * once per request.
 */
const texts = new WeakMap<object, string>();

/** The JSON text of `value`, computed once per object. */
export function serialized(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}
