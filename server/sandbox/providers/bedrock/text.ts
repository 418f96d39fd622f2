/**
 * Deterministic, plausible replies and the sandbox's token arithmetic.
 *
 * Tokens: one token per 4 characters, rounded up (`countTokens`), the usual rule of thumb for
 * English text with BPE tokenisers. Input tokens are counted over the system blocks and every
 * message's text (plus fixed amounts for non-text blocks, see request.ts); output tokens over the
 * reply text exactly as returned, so `usage` always agrees with the text.
 *
 * Replies: seeded by the workload seed, the model and a hash of the conversation, so the same
 * prompt to the same model gives the same reply. The reply is in the prompt's language
 * (English, Spanish or Portuguese), repeats its salient words and any quoted phrase verbatim,
 * and is valid JSON when the prompt asks for JSON. Its length follows cues in the prompt
 * ("one word", "briefly", "summarize", "in detail", "in N words") with seeded variation.
 */
import { hash32, hashString, logNormal, uniform } from "../../workload/random.ts";

export const CHARS_PER_TOKEN = 4;

export function countTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

type Lang = "en" | "es" | "pt";

const STOPWORDS: Record<Lang, ReadonlySet<string>> = {
  en: new Set(
    "the a an and or of to in is are what how why which with for on that this be it you your me my can do does please".split(
      " ",
    ),
  ),
  es: new Set(
    "el la los las un una y o de del que en es son por para con como qué cómo cuál me mi tu su se lo al".split(
      " ",
    ),
  ),
  pt: new Set(
    "o a os as um uma e ou de do da que em é são por para com como qual meu minha você seu sua não".split(
      " ",
    ),
  ),
};

/** Words that say what to do rather than what about: never echoed as the topic. */
const INSTRUCTIONS = new Set(
  (
    "explain briefly brief describe return write summarize summarise please answer question following using about " +
    "which where would could should there their these those include respond reply format words sentence detail " +
    "detailed short list give tell make show provide valid object field fields " +
    "explica explícame describe responde escribe resume resumen breve sobre cuál dónde cuando porque también puedes " +
    "podrías quiero necesito palabras devuelve incluye explique descreva responda escreva resuma também você pode " +
    "quero preciso palavras retorne inclua"
  ).split(" "),
);

const OPENERS: Record<Lang, readonly string[]> = {
  en: ["Here is a short answer.", "Good question.", "Certainly.", "In short:", "Let me explain."],
  es: ["Aquí tienes una respuesta breve.", "Buena pregunta.", "Claro.", "En resumen:", "Te lo explico."],
  pt: ["Aqui está uma resposta curta.", "Boa pergunta.", "Claro.", "Em resumo:", "Vou explicar."],
};

const SENTENCES: Record<Lang, readonly string[]> = {
  en: [
    "{a} matters most when you look at {b} over a full week of traffic.",
    "A practical way to handle {a} is to measure it first and change one thing at a time.",
    "Most teams find that {a} and {b} are closely related.",
    "Keep {a} simple, and document the decision so others can follow it.",
    "The trade-off between {a} and {b} depends on latency, cost and quality.",
    "Start with the smallest option that meets the goal for {a}, then review it with real numbers.",
    "When {a} changes, check {b} as well, because one usually affects the other.",
  ],
  es: [
    "{a} importa especialmente cuando se mira {b} durante una semana completa.",
    "Una forma práctica de abordar {a} es medirlo primero y cambiar una cosa cada vez.",
    "La mayoría de los equipos ve que {a} y {b} están muy relacionados.",
    "Mantén {a} sencillo y documenta la decisión para que otros la sigan.",
    "El equilibrio entre {a} y {b} depende de la latencia, el coste y la calidad.",
    "Empieza por la opción más pequeña que cumpla el objetivo de {a} y revísala con datos reales.",
  ],
  pt: [
    "{a} importa sobretudo quando se observa {b} durante uma semana inteira.",
    "Uma forma prática de tratar {a} é medi-lo primeiro e mudar uma coisa de cada vez.",
    "A maioria das equipes percebe que {a} e {b} estão muito relacionados.",
    "Mantenha {a} simples e documente a decisão para que outros a sigam.",
    "O equilíbrio entre {a} e {b} depende da latência, do custo e da qualidade.",
  ],
};

const FALLBACK_TOPIC: Record<Lang, readonly [string, string]> = {
  en: ["the question", "the context"],
  es: ["la pregunta", "el contexto"],
  pt: ["a pergunta", "o contexto"],
};

/** How verbose each model family is, relative to the median reply. */
function verbosity(modelId: string): number {
  if (modelId.includes("micro")) return 0.85;
  if (modelId.includes("pro") || modelId.includes("premier") || modelId.includes("sonnet")) return 1.15;
  return 1;
}

export function detectLanguage(text: string): Lang {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const score = (lang: Lang) => words.filter((w) => STOPWORDS[lang].has(w)).length;
  const es = score("es") + (/[ñ¿¡]/.test(text) ? 2 : 0);
  const pt = score("pt") + (/[ãõç]/.test(text) ? 2 : 0);
  const en = score("en");
  if (es > en && es >= pt) return "es";
  if (pt > en && pt > es) return "pt";
  return "en";
}

/** Median reply length (tokens) the prompt asks for. */
export function targetTokens(prompt: string): number {
  const p = prompt.toLowerCase();
  const words = /\b(?:in|en|em)\s+(\d{1,4})\s+(?:words|palabras|palavras)\b/.exec(p);
  if (words) return Math.max(1, Math.round(Number(words[1]) * 1.35));
  if (/\b(one word|una palabra|uma palavra|yes or no|sí o no|sim ou não)\b/.test(p)) return 3;
  if (/\b(one sentence|una frase|uma frase|briefly|brief|short|breve|corto|curta|curto)\b/.test(p)) return 30;
  if (/\b(summar|resum)/.test(p)) return 140;
  if (
    /\b(in detail|detailed|explain|step by step|explica|detalle|detalhe|passo a passo|paso a paso|essay|list)\b/.test(
      p,
    )
  )
    return 380;
  return 160;
}

function keywords(text: string, lang: Lang): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const word of text.match(/[\p{L}\p{N}][\p{L}\p{N}_-]*/gu) ?? []) {
    const lower = word.toLowerCase();
    if (word.length < 5 || STOPWORDS[lang].has(lower) || STOPWORDS.en.has(lower) || INSTRUCTIONS.has(lower))
      continue;
    if (seen.has(lower)) continue;
    seen.add(lower);
    out.push(word);
  }
  return out.slice(0, 8);
}

/** Phrases the prompt quotes ("...", '...', «...», `...`): the reply repeats them verbatim. */
export function quotedPhrases(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(
    /"([^"\n]{1,80})"|“([^”\n]{1,80})”|«([^»\n]{1,80})»|`([^`\n]{1,80})`|(?<!\p{L})'([^'\n]{2,80})'(?!\p{L})/gu,
  )) {
    const phrase = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? "").trim();
    if (phrase && !out.includes(phrase)) out.push(phrase);
  }
  return out.slice(0, 6);
}

export interface ReplyInput {
  seed: number;
  /** Base model ID (a profile gives the same replies as its model). */
  modelId: string;
  /** The whole conversation (system + messages), for the seed. */
  conversation: string;
  /** The last user turn, which the reply answers. */
  prompt: string;
}

/** The full reply the model "wants" to give, before maxTokens and stop sequences cut it. */
export function generateReply(input: ReplyInput): string {
  const lang = detectLanguage(input.prompt);
  const h = hash32(input.seed, hashString(input.modelId), hashString(input.conversation));
  const kws = keywords(input.prompt, lang);
  const quoted = quotedPhrases(input.prompt);
  const budget = Math.max(
    1,
    Math.round(targetTokens(input.prompt) * verbosity(input.modelId) * logNormal(1, 0.3, h, 1)) *
      CHARS_PER_TOKEN,
  );
  if (/\bjson\b/i.test(input.prompt)) return jsonReply(h, lang, kws, quoted, budget);
  return proseReply(h, lang, kws, quoted, budget);
}

function proseReply(h: number, lang: Lang, kws: string[], quoted: string[], budgetChars: number): string {
  if (budgetChars <= 16) return quoted[0] ?? kws[0] ?? (lang === "en" ? "Yes." : "Sí.");
  const parts: string[] = [];
  const openers = OPENERS[lang];
  parts.push(openers[Math.floor(uniform(h, 2) * openers.length)]!);
  if (quoted.length > 0) parts.push(quoted.map((q) => `"${q}"`).join(", ") + ".");
  const bank = SENTENCES[lang];
  let length = parts.join(" ").length;
  for (let i = 0; length < budgetChars && i < 400; i++) {
    const template = bank[Math.floor(uniform(h, 3, i) * bank.length)]!;
    const a = kws[i % Math.max(1, kws.length)] ?? FALLBACK_TOPIC[lang][0];
    const b = kws[(i + 1) % Math.max(1, kws.length)] ?? FALLBACK_TOPIC[lang][1];
    const sentence = capitalise(
      template.replace("{a}", a).replace("{b}", b === a ? FALLBACK_TOPIC[lang][1] : b),
    );
    parts.push(i > 0 && i % 4 === 0 ? `\n\n${sentence}` : sentence);
    length += sentence.length + 1;
  }
  return parts.join(" ").replace(/ \n\n/g, "\n\n");
}

function jsonReply(h: number, lang: Lang, kws: string[], quoted: string[], budgetChars: number): string {
  const keys = quoted.filter((q) => /^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(q));
  const summary = proseReply(h, lang, kws, [], Math.max(40, Math.min(budgetChars, 600)));
  const value: Record<string, unknown> = {};
  if (keys.length > 0) {
    const sentences = summary.split(/(?<=\.)\s+/);
    keys.forEach((key, i) => {
      value[key] = kws[i] ?? sentences[i % sentences.length] ?? summary;
    });
  } else {
    value.answer = summary;
    value.keywords = kws.slice(0, 5);
    value.confidence = Math.round((0.7 + 0.29 * uniform(h, 4)) * 100) / 100;
  }
  return JSON.stringify(value, null, 2);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence";

export interface Completion {
  text: string;
  stopReason: StopReason;
  outputTokens: number;
}

/** Cuts the reply at the first stop sequence, then at `maxTokens` (whole tokens of 4 characters). */
export function complete(reply: string, maxTokens: number, stopSequences: readonly string[]): Completion {
  let text = reply;
  let stopReason: StopReason = "end_turn";
  let cut = -1;
  for (const stop of stopSequences) {
    const at = stop ? text.indexOf(stop) : -1;
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  if (cut >= 0) {
    text = text.slice(0, cut);
    stopReason = "stop_sequence";
  }
  if (countTokens(text) > maxTokens) {
    text = text.slice(0, maxTokens * CHARS_PER_TOKEN);
    stopReason = "max_tokens";
  }
  return { text, stopReason, outputTokens: countTokens(text) };
}

/**
 * Splits the reply into stream deltas of one to three words (whitespace kept, so the deltas
 * concatenate to the text). The first delta is a single word, as models start with a short one.
 */
export function chunkText(text: string, seed: number): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const chunks: string[] = [];
  let i = 0;
  while (i < words.length) {
    const size = chunks.length === 0 ? 1 : 1 + Math.floor(uniform(seed, 5, chunks.length) * 3);
    chunks.push(words.slice(i, i + size).join(""));
    i += size;
  }
  return chunks;
}
