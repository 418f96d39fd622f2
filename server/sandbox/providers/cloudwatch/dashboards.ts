/**
 * CloudWatch dashboards: PutDashboard (validates DashboardBody against the dashboard body
 * structure: a JSON object with a `widgets` array of typed widgets), GetDashboard,
 * ListDashboards (DashboardNamePrefix, paginated) and DeleteDashboards (all or nothing).
 * Source: API reference PutDashboard/GetDashboard/ListDashboards/DeleteDashboards and
 * "Dashboard Body Structure and Syntax".
 */
import { AwsError } from "../../core/errors.ts";
import { fingerprint, pageOf } from "./pagination.ts";
import {
  type Input,
  invalidValue,
  missingParameter,
  optionalArray,
  optionalString,
  requiredString,
} from "./validation.ts";

interface Dashboard {
  name: string;
  body: string;
  lastModified: number;
}

interface ValidationMessage {
  DataPath: string;
  Message: string;
}

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const WIDGET_TYPES = new Set(["metric", "text", "log", "alarm", "explorer", "custom"]);
const MAX_WIDGETS = 500;
const LIST_PAGE = 1000;

const invalidInput = (message: string, messages: ValidationMessage[]) =>
  new AwsError("DashboardInvalidInputError", message, 400, "InvalidParameterInput", {
    dashboardValidationMessages: messages,
  });
const notFound = (message: string) =>
  new AwsError("DashboardNotFoundError", message, 404, "ResourceNotFound");

function checkName(name: string, path: string): void {
  if (!NAME.test(name)) {
    const message = `The value ${name} for field ${path} is invalid: a dashboard name has 1 to 255 characters, only letters, digits, dash (-) and underscore (_).`;
    throw invalidInput(message, [{ DataPath: path, Message: message }]);
  }
}

/** Structural problems of a dashboard body, as DataPath/Message pairs. */
export function validateBody(body: string): ValidationMessage[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return [
      {
        DataPath: "",
        Message: `DashboardBody is not valid JSON (${err instanceof Error ? err.message : "parse error"}).`,
      },
    ];
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return [{ DataPath: "", Message: "Should be object" }];
  const widgets = (parsed as Input).widgets;
  if (widgets === undefined) return [{ DataPath: "", Message: "Should have required property 'widgets'" }];
  if (!Array.isArray(widgets)) return [{ DataPath: "/widgets", Message: "Should be array" }];
  if (widgets.length > MAX_WIDGETS)
    return [{ DataPath: "/widgets", Message: `Should NOT have more than ${MAX_WIDGETS} items` }];
  const out: ValidationMessage[] = [];
  widgets.forEach((w, i) => {
    const at = `/widgets/${i}`;
    if (typeof w !== "object" || w === null || Array.isArray(w)) {
      out.push({ DataPath: at, Message: "Should be object" });
      return;
    }
    const widget = w as Input;
    if (typeof widget.type !== "string")
      out.push({ DataPath: at, Message: "Should have required property 'type'" });
    else if (!WIDGET_TYPES.has(widget.type))
      out.push({
        DataPath: `${at}/type`,
        Message: `Should be equal to one of the allowed values: ${[...WIDGET_TYPES].join(", ")}`,
      });
    for (const [key, lo, hi] of [
      ["width", 1, 24],
      ["height", 1, 1000],
      ["x", 0, 23],
      ["y", 0, 10000],
    ] as const) {
      const v = widget[key];
      if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)) {
        out.push({ DataPath: `${at}/${key}`, Message: `Should be an integer from ${lo} to ${hi}` });
      }
    }
    const props = widget.properties;
    if (widget.type === "metric" || widget.type === "text" || widget.type === "log") {
      if (typeof props !== "object" || props === null || Array.isArray(props)) {
        out.push({ DataPath: at, Message: "Should have required property 'properties'" });
        return;
      }
      const p = props as Input;
      if (widget.type === "metric" && p.metrics !== undefined && !Array.isArray(p.metrics))
        out.push({ DataPath: `${at}/properties/metrics`, Message: "Should be array" });
      if (widget.type === "metric" && p.metrics === undefined && p.query === undefined) {
        out.push({ DataPath: `${at}/properties`, Message: "Should have required property 'metrics'" });
      }
      if (widget.type === "text" && typeof p.markdown !== "string")
        out.push({ DataPath: `${at}/properties`, Message: "Should have required property 'markdown'" });
      if (widget.type === "log" && typeof p.query !== "string")
        out.push({ DataPath: `${at}/properties`, Message: "Should have required property 'query'" });
    }
  });
  return out;
}

export class Dashboards {
  private readonly byName = new Map<string, Dashboard>();

  constructor(
    private readonly accountId: string,
    private readonly now: () => number,
  ) {}

  private arn(name: string): string {
    return `arn:aws:cloudwatch::${this.accountId}:dashboard/${name}`;
  }

  put(input: Input) {
    const name = requiredString(input, "DashboardName");
    checkName(name, "DashboardName");
    const body = optionalString(input, "DashboardBody");
    if (body === undefined) throw missingParameter("DashboardBody");
    const problems = validateBody(body);
    if (problems.length > 0)
      throw invalidInput(
        "The field DashboardBody must be a valid JSON object with a widgets array; see dashboardValidationMessages.",
        problems,
      );
    this.byName.set(name, { name, body, lastModified: this.now() });
    return { DashboardValidationMessages: [] as ValidationMessage[] };
  }

  get(input: Input) {
    const name = requiredString(input, "DashboardName");
    const dashboard = this.byName.get(name);
    if (!dashboard)
      throw notFound(`Dashboard ${name} does not exist. List existing dashboards with ListDashboards.`);
    return { DashboardArn: this.arn(name), DashboardBody: dashboard.body, DashboardName: name };
  }

  list(input: Input) {
    const prefix = optionalString(input, "DashboardNamePrefix") ?? "";
    if (prefix !== "" && !/^[A-Za-z0-9_-]{1,255}$/.test(prefix)) {
      throw invalidValue(
        `The value ${prefix} for parameter DashboardNamePrefix is invalid: use letters, digits, dash (-) and underscore (_).`,
      );
    }
    const all = [...this.byName.values()]
      .filter((d) => d.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const { page, next } = pageOf(
      all,
      LIST_PAGE,
      optionalString(input, "NextToken"),
      "ld",
      fingerprint([prefix]),
    );
    const output: { DashboardEntries: unknown[]; NextToken?: string } = {
      DashboardEntries: page.map((d) => ({
        DashboardName: d.name,
        DashboardArn: this.arn(d.name),
        LastModified: new Date(d.lastModified),
        Size: Buffer.byteLength(d.body, "utf8"),
      })),
    };
    if (next) output.NextToken = next;
    return output;
  }

  delete(input: Input) {
    const names = optionalArray(input, "DashboardNames") ?? [];
    if (names.length === 0) throw missingParameter("DashboardNames");
    const missing = names.filter((n) => typeof n !== "string" || !this.byName.has(n));
    if (missing.length > 0)
      throw notFound(
        `The specified dashboard does not exist: ${missing.map(String).join(", ")}. Nothing was deleted.`,
      );
    for (const n of names) this.byName.delete(n as string);
    return {};
  }

  clear(): void {
    this.byName.clear();
  }
}
