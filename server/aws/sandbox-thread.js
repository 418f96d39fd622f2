// Worker-thread entry of the in-process sandbox: registers tsx in this thread (the page's
// server runs on the main thread's event loop; a heavy sandbox query must not block it).
import { register } from "tsx/esm/api";

register();
await import("./sandbox-thread-main.ts");
