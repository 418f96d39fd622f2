import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import {
  type RunningSandbox,
  SANDBOX_ACCOUNT_ID,
  sandboxCredentials,
  startSandbox,
} from "../../server/sandbox/index.ts";

describe("sandbox STS (awsQuery)", () => {
  let sandbox: RunningSandbox;
  let sts: STSClient;

  before(async () => {
    sandbox = await startSandbox({ port: 0, now: () => Date.UTC(2026, 10, 18, 15, 30) });
    sts = new STSClient({
      region: "us-east-1",
      endpoint: sandbox.url,
      credentials: sandboxCredentials(),
      maxAttempts: 1,
    });
  });

  after(async () => {
    sts.destroy();
    await sandbox.close();
  });

  it("answers GetCallerIdentity with the sandbox account, an IAM user ARN and a user ID", async () => {
    // Act
    const out = await sts.send(new GetCallerIdentityCommand({}));
    // Assess
    assert.equal(out.Account, SANDBOX_ACCOUNT_ID);
    assert.equal(out.Arn, `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:user/bedrock-ops-sandbox`);
    assert.match(out.UserId ?? "", /^AIDA[A-Z0-9]+$/);
    assert.match(out.$metadata.requestId ?? "", /^[0-9a-f-]{36}$/);
  });

  it("serves the exact awsQuery XML shape of AWS's published example to a raw form POST", async () => {
    // Prepare: the request AWS documents (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html)
    const body = "Action=GetCallerIdentity&Version=2011-06-15";
    // Act
    const res = await fetch(`${sandbox.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body,
    });
    const text = await res.text();
    // Assess
    assert.equal(res.status, 200);
    assert.match(
      text,
      /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/,
    );
    // Members in the order of the STS model (the SDK's serializer writes them so; parsers ignore order).
    const result = /<GetCallerIdentityResult>([\s\S]*)<\/GetCallerIdentityResult>/.exec(text)?.[1] ?? "";
    assert.match(result, /<Arn>arn:aws:iam::123456789012:user\/bedrock-ops-sandbox<\/Arn>/);
    assert.match(result, /<UserId>AIDA\w+<\/UserId>/);
    assert.match(result, /<Account>123456789012<\/Account>/);
    assert.match(text, /<ResponseMetadata>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ResponseMetadata>/);
  });

  it("answers an unsupported action with an awsQuery XML error and records both in the ledger", async () => {
    // Act
    const res = await fetch(`${sandbox.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=AssumeRole&Version=2011-06-15",
    });
    const text = await res.text();
    // Assess
    assert.equal(res.status, 400);
    assert.match(
      text,
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>Could not find operation AssumeRole for version 2011-06-15<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
    assert.equal(res.headers.get("content-type"), "text/xml");
    const ops = sandbox.ledger.list({ service: "sts" }).map((e) => e.operation);
    assert.ok(ops.includes("GetCallerIdentity"));
    assert.ok(ops.includes("AssumeRole"));
  });
});
