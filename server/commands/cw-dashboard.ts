import type { CommandSpec } from "./types.ts";

export const command: CommandSpec = {
  name: "cw-dashboard",
  summary: "This command is being built; see the README's roadmap.",
  options: [],
  run: async (_options, _positionals, io) => {
    io.stderr.write("bedrock-ops cw-dashboard is not available in this version yet.\n");
    return 1;
  },
};
