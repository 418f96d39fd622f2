/** Commands are declared as data: the same declaration drives parsing and `--help`. */
export interface OptionSpec {
  name: string;
  type: "string" | "boolean";
  description: string;
  short?: string;
  /** Shown in help; the command applies it. */
  default?: string | boolean;
  /** The value's name in help, e.g. "<usd>". */
  value?: string;
  multiple?: boolean;
}

export type ParsedOptions = Record<string, string | boolean | string[] | undefined>;

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Resolves when the user presses Ctrl-C (SIGINT); commands use it to stop cleanly. */
  interrupted: AbortSignal;
}

export interface CommandSpec {
  name: string;
  summary: string;
  /** Extra help text: examples, notes. */
  details?: string;
  /** Positional arguments, for help. */
  positionals?: string;
  options: OptionSpec[];
  /** Returns the exit code. Commands never call process.exit. */
  run(options: ParsedOptions, positionals: string[], io: CommandIO): Promise<number>;
}

/** Options every command that reads the configuration accepts. */
export const CONFIG_OPTION: OptionSpec = {
  name: "config",
  type: "string",
  value: "<path>",
  description: "config file (default: ./config.json; none: run against the built-in sandbox)",
};
