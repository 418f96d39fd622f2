/**
 * A sandbox in its own process, for the accuracy tests: the client under test then does not
 * share an event loop with the server it measures. Settings (ProviderSettings JSON) in argv[2];
 * prints {"url": ...} on stdout; stops when stdin closes.
 */
import { startSandbox } from "../../server/sandbox/index.ts";

const settings = JSON.parse(process.argv[2] ?? "{}");
const sandbox = await startSandbox({ port: 0, settings });
process.stdout.write(`${JSON.stringify({ url: sandbox.url })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void sandbox.close().then(() => process.exit(0));
});
