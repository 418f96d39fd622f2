/**
 * A Lambda log line's headline: its level and first message line without the runtime's prefix.
 * Python writes `[ERROR]\t<time>\t<request id>\t<message>`, Node.js `<time>\t<request id>\tERROR\t<message>`.
 */

export interface Headline {
  level: string | null;
  text: string;
}

const PYTHON = /^\[([A-Z]+)\]\t\S+\t\S+\t/;
const NODE = /^\d{4}-\d\d-\d\dT\S+\t\S+\t([A-Z]+)\t/;

export function headline(message: string): Headline {
  const python = PYTHON.exec(message);
  const node = python ? null : NODE.exec(message);
  const match = python ?? node;
  const rest = match ? message.slice(match[0].length) : message;
  const first = rest.split("\n").find((l) => l.trim() !== "") ?? "";
  return { level: match?.[1] ?? null, text: first.trim().slice(0, 200) };
}
