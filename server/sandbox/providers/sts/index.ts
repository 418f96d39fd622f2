/**
 * AWS STS over the awsQuery protocol, which @aws-sdk/client-sts uses (runtimeConfig.shared.js:
 * AwsQueryProtocol): POST / with a form body `Action=GetCallerIdentity&Version=2011-06-15`, XML
 * answers and XML `ErrorResponse` errors (botocore fails with "invalid XML" on anything else).
 * The XML is written by the awsQuery codec from the STS client's own schemas.
 * Response shape: https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
import * as sdk from "@aws-sdk/client-sts";
import { ServiceModel } from "../../core/service-model.ts";
import type { QueryProvider, SandboxContext } from "../../core/types.ts";

const VERSION = "2011-06-15";
const XMLNS = `https://sts.amazonaws.com/doc/${VERSION}/`;
/** The sandbox's caller: an IAM user (UserId is the user's unique ID, which starts with AIDA). */
export const SANDBOX_USER = "bedrock-ops-sandbox";
export const SANDBOX_USER_ID = "AIDASANDBOXEXAMPLE0001";

export function createStsProvider(ctx: SandboxContext): QueryProvider {
  return {
    kind: "query",
    service: "sts",
    query: { version: VERSION, xmlNamespace: XMLNS, model: new ServiceModel(sdk, "com.amazonaws.sts") },
    operations: {
      GetCallerIdentity: () => ({
        UserId: SANDBOX_USER_ID,
        Account: ctx.accountId,
        Arn: `arn:aws:iam::${ctx.accountId}:user/${SANDBOX_USER}`,
      }),
    },
  };
}
