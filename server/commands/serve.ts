import type { CommandSpec } from "./types.ts";

export const command: CommandSpec = {
  name: "serve",
  summary: "Start the dashboard server.",
  options: [],
  run: async (_options, _positionals, io) => {
    io.stderr.write("serve is being built.\n");
    return 1;
  },
};
