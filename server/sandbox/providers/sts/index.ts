/**
 * AWS STS GetCallerIdentity over the awsQuery protocol, which @aws-sdk/client-sts uses
 * (runtimeConfig.shared.js: AwsQueryProtocol): POST / with a form body
 * `Action=GetCallerIdentity&Version=2011-06-15`, XML answers and XML errors.
 * Response shape: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
import { requestId } from "../../core/json-protocol.ts";
import type { RestProvider, SandboxContext, SandboxRequest, SandboxResponse } from "../../core/types.ts";

const VERSION = "2011-06-15";
const XMLNS = `https://sts.amazonaws.com/doc/${VERSION}/`;
/** The sandbox's caller: an IAM user (UserId is the user's unique ID, which starts with AIDA). */
export const SANDBOX_USER = "bedrock-ops-sandbox";
export const SANDBOX_USER_ID = "AIDASANDBOXEXAMPLE0001";

function params(req: SandboxRequest): URLSearchParams {
  const type = String(req.headers["content-type"] ?? "");
  if (req.method === "POST" && type.startsWith("application/x-www-form-urlencoded"))
    return new URLSearchParams(req.body.toString("utf8"));
  return req.query;
}

function xml(status: number, body: string): SandboxResponse {
  return { status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId() }, body };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function error(status: number, code: string, message: string): SandboxResponse {
  const id = requestId();
  const body = `<ErrorResponse xmlns="${XMLNS}">
  <Error>
    <Type>Sender</Type>
    <Code>${code}</Code>
    <Message>${escapeXml(message)}</Message>
  </Error>
  <RequestId>${id}</RequestId>
</ErrorResponse>
`;
  return { status, headers: { "content-type": "text/xml", "x-amzn-requestid": id }, body };
}

export function createStsProvider(ctx: SandboxContext): RestProvider {
  return {
    kind: "rest",
    service: "sts",
    match: (req) => {
      if (req.path !== "/") return undefined;
      const p = params(req);
      const action = p.get("Action");
      return action && p.get("Version") === VERSION ? action : undefined;
    },
    handle: async (operation) => {
      if (operation !== "GetCallerIdentity") {
        return error(400, "InvalidAction", `Could not find operation ${operation} for version ${VERSION}`);
      }
      const id = requestId();
      const body = `<GetCallerIdentityResponse xmlns="${XMLNS}">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::${ctx.accountId}:user/${SANDBOX_USER}</Arn>
    <UserId>${SANDBOX_USER_ID}</UserId>
    <Account>${ctx.accountId}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>${id}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`;
      return { ...xml(200, body), headers: { "content-type": "text/xml", "x-amzn-requestid": id } };
    },
  };
}
