/** Progress of a benchmark on stderr: a redrawn bar on a TTY, otherwise a line every 10 %. */

import { formatProgress } from "../bench/report.ts";
import type { Progress } from "../bench/runner.ts";

export interface ProgressReporter {
  update(p: Progress): void;
  finish(): void;
}

export function progressReporter(stream: NodeJS.WritableStream): ProgressReporter {
  const tty = (stream as { isTTY?: boolean }).isTTY === true;
  let lastDecile = -1;
  let drawn = false;
  return {
    update(p) {
      if (tty) {
        stream.write(`\r${formatProgress(p)}\u001b[K`);
        drawn = true;
        return;
      }
      const decile = p.total === 0 ? 10 : Math.floor((p.done / p.total) * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${formatProgress(p)}\n`);
      }
    },
    finish() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}
