/** Writing the CloudWatch dashboard: PutDashboard, with validation messages surfaced to the user. */
import { type CloudWatchClient, PutDashboardCommand } from "@aws-sdk/client-cloudwatch";
import { errorFacts, isAccessDenied } from "./aws-errors.ts";
import type { DashboardBody } from "./cw-dashboard.ts";

export interface PutResult {
  /** Warnings CloudWatch returned (DashboardValidationMessages). */
  messages: string[];
}

export async function putDashboard(
  client: CloudWatchClient,
  name: string,
  body: DashboardBody,
): Promise<PutResult> {
  try {
    const out = await client.send(
      new PutDashboardCommand({ DashboardName: name, DashboardBody: JSON.stringify(body) }),
    );
    return {
      messages: (out.DashboardValidationMessages ?? []).map((m) =>
        `${m.DataPath ?? ""} ${m.Message ?? ""}`.trim(),
      ),
    };
  } catch (err) {
    const facts = errorFacts(err);
    if (isAccessDenied(facts)) {
      throw new Error(
        `PutDashboard "${name}" was denied (${facts.name}): grant cloudwatch:PutDashboard on the dashboard ARN (bedrock-ops iam-policy --features cw-dashboard)`,
      );
    }
    throw new Error(`PutDashboard "${name}" failed: ${facts.name}: ${facts.message}`);
  }
}
