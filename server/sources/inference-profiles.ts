/**
 * Application inference profiles -> the model they route to (bedrock:GetInferenceProfile), so a
 * model ID such as arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123 is
 * priced as its model instead of $0. The control-plane client comes from the factory; the caller
 * caches the answer for hours (profiles rarely change).
 */
import { GetInferenceProfileCommand } from "@aws-sdk/client-bedrock";
import type { AwsClients } from "../aws/clients.ts";
import { awsCall, SourceError } from "./errors.ts";

export interface ResolvedProfile {
  /** The ID or ARN as CloudWatch reported it. */
  id: string;
  name: string | null;
  /**
   * The model the profile routes to, as a model ID (`amazon.nova-pro-v1:0`), or null when the
   * profile could not be read (`error` says why).
   */
  model: string | null;
  error?: string;
}

/** The region of an ARN (`arn:aws:bedrock:us-east-1:...`), if it is one. */
export function arnRegion(id: string): string | null {
  return /^arn:aws[a-z-]*:bedrock:([a-z0-9-]+):/.exec(id)?.[1] ?? null;
}

/** `arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0` -> `amazon.nova-pro-v1:0`. */
export function modelIdOfArn(arn: string): string {
  return arn.includes("/") ? arn.slice(arn.lastIndexOf("/") + 1) : arn;
}

export class InferenceProfiles {
  constructor(
    private readonly clients: AwsClients,
    private readonly region: string,
  ) {}

  async resolveOne(id: string): Promise<ResolvedProfile> {
    const client = this.clients.bedrockControl({ region: arnRegion(id) ?? this.region });
    try {
      const out = await awsCall("GetInferenceProfile", () =>
        client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id })),
      );
      const first = out.models?.[0]?.modelArn;
      return {
        id,
        name: out.inferenceProfileName ?? null,
        model: first ? modelIdOfArn(first) : null,
        ...(first ? {} : { error: "the profile lists no model" }),
      };
    } catch (err) {
      const message =
        err instanceof SourceError
          ? `${err.code}: ${err.message}${err.permission ? ` (needs ${err.permission})` : ""}`
          : "GetInferenceProfile failed";
      return { id, name: null, model: null, error: message };
    }
  }

  /** Resolve each profile; one failing profile does not hide the others. */
  async resolve(ids: readonly string[]): Promise<ResolvedProfile[]> {
    return Promise.all(ids.map((id) => this.resolveOne(id)));
  }
}
