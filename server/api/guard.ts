/**
 * The last line of defence for a long-running server: whatever still escapes every route's
 * error mapper (a rejected promise nobody awaited, a throw in a timer) is logged as one line —
 * its name and the first line of its message, never a stack — and the server keeps serving.
 */
export function describeEscaped(reason: unknown): string {
  if (reason instanceof Error) {
    const first = (reason.message.split("\n")[0] ?? "").slice(0, 200);
    return first ? `${reason.name}: ${first}` : reason.name;
  }
  return typeof reason;
}

/** Install the guard once per process; returns a function that removes it (tests). */
export function installProcessGuard(
  log: (line: string) => void,
  target: Pick<NodeJS.EventEmitter, "on" | "off"> = process,
): () => void {
  const onRejection = (reason: unknown) =>
    log(`unhandled rejection (still serving): ${describeEscaped(reason)}`);
  const onException = (err: unknown) => log(`uncaught exception (still serving): ${describeEscaped(err)}`);
  target.on("unhandledRejection", onRejection);
  target.on("uncaughtException", onException);
  return () => {
    target.off("unhandledRejection", onRejection);
    target.off("uncaughtException", onException);
  };
}
