/** Auto-refresh: a timer at the chosen interval, paused while the tab is hidden and caught up when it shows again. */

export interface Scheduler {
  set(intervalMs: number | null): void;
  paused(): boolean;
}

export function scheduler(run: () => void, onPauseChange: (paused: boolean) => void): Scheduler {
  let interval: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let due = 0;
  const hidden = () => document.visibilityState === "hidden";

  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (interval === null || hidden()) return;
    timer = setTimeout(
      () => {
        due = Date.now() + (interval ?? 0);
        run();
        arm();
      },
      Math.max(0, due - Date.now()),
    );
  };

  document.addEventListener("visibilitychange", () => {
    onPauseChange(interval !== null && hidden());
    arm();
  });

  return {
    set(ms) {
      interval = ms;
      due = Date.now() + (ms ?? 0);
      arm();
    },
    paused: () => interval !== null && hidden(),
  };
}
