import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GetDashboardCommand, ListDashboardsCommand } from "@aws-sdk/client-cloudwatch";
import { type AwsClients, createAwsClients, settingsFromConfig } from "../../server/aws/clients.ts";
import { parseConfig } from "../../server/config.ts";
import { buildDashboardBody } from "../../server/ops/cw-dashboard.ts";
import { putDashboard } from "../../server/ops/cw-dashboard-apply.ts";
import { type RunningSandbox, sandboxCredentials, startSandbox } from "../../server/sandbox/index.ts";

describe("cw-dashboard against the sandbox", () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  const config = parseConfig({ mode: "aws" });

  before(async () => {
    sandbox = await startSandbox({ port: 0, now: () => Date.UTC(2026, 10, 18, 15, 30) });
    clients = createAwsClients(settingsFromConfig(config, sandboxCredentials(), sandbox.url));
  });
  after(async () => {
    clients.destroy();
    await sandbox.close();
  });

  it("round-trips the body through PutDashboard and GetDashboard", async () => {
    // Prepare
    const body = buildDashboardBody(config);
    // Act
    const put = await putDashboard(clients.cloudwatch(), "twin-monitoring", body);
    const got = await clients
      .cloudwatch()
      .send(new GetDashboardCommand({ DashboardName: "twin-monitoring" }));
    // Assess
    assert.deepEqual(put.messages, []);
    assert.equal(got.DashboardName, "twin-monitoring");
    assert.deepEqual(JSON.parse(got.DashboardBody ?? "{}"), body);
    const listed = await clients
      .cloudwatch()
      .send(new ListDashboardsCommand({ DashboardNamePrefix: "twin-" }));
    assert.deepEqual(
      listed.DashboardEntries?.map((d) => d.DashboardName),
      ["twin-monitoring"],
    );
    assert.equal(sandbox.ledger.list({ service: "cloudwatch", operation: "PutDashboard" }).length, 1);
  });

  it("overwrites on a second write instead of adding a dashboard", async () => {
    await putDashboard(clients.cloudwatch(), "twin-monitoring", buildDashboardBody(config));
    const listed = await clients.cloudwatch().send(new ListDashboardsCommand({}));
    assert.equal(listed.DashboardEntries?.filter((d) => d.DashboardName === "twin-monitoring").length, 1);
  });
});
