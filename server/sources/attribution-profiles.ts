/**
 * Application inference profiles of the account (bedrock:ListInferenceProfiles typeEquals=APPLICATION,
 * pages followed) with their tags (bedrock:ListTagsForResource per profile) and the model each routes
 * to. These calls are free but rate limited: the caller caches the answer for hours. One profile whose
 * tags cannot be read keeps its row (with `error`), it is not dropped.
 */
import {
  type BedrockClient,
  type InferenceProfileSummary,
  ListInferenceProfilesCommand,
  ListTagsForResourceCommand,
} from "@aws-sdk/client-bedrock";
import { awsCall, SourceError } from "./errors.ts";
import { modelIdOfArn } from "./inference-profiles.ts";

export interface ApplicationProfile {
  /** The profile ID (`inferenceProfileId`), the last part of its ARN. */
  id: string;
  arn: string;
  name: string;
  /** The foundation model (or system-defined profile) it routes to, as an ID; null when it lists none. */
  model: string | null;
  tags: Record<string, string>;
  /** Why the tags could not be read. */
  error?: string;
}

function describe(err: unknown): string {
  return err instanceof SourceError
    ? `${err.code}: ${err.message}${err.permission ? ` (needs ${err.permission})` : ""}`
    : "ListTagsForResource failed";
}

export async function listApplicationProfiles(client: BedrockClient): Promise<ApplicationProfile[]> {
  const summaries: InferenceProfileSummary[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall("ListInferenceProfiles", () =>
      client.send(
        new ListInferenceProfilesCommand({
          typeEquals: "APPLICATION",
          maxResults: 1000,
          ...(token ? { nextToken: token } : {}),
        }),
      ),
    );
    summaries.push(...(page.inferenceProfileSummaries ?? []));
    token = page.nextToken;
  } while (token);
  const out: ApplicationProfile[] = [];
  // One at a time: ListTagsForResource is rate limited, and accounts hold a handful of profiles.
  for (const s of summaries) {
    const arn = s.inferenceProfileArn ?? "";
    const first = s.models?.[0]?.modelArn;
    const profile: ApplicationProfile = {
      id: s.inferenceProfileId ?? modelIdOfArn(arn),
      arn,
      name: s.inferenceProfileName ?? s.inferenceProfileId ?? arn,
      model: first ? modelIdOfArn(first) : null,
      tags: {},
    };
    try {
      const tags = await awsCall("ListTagsForResource", () =>
        client.send(new ListTagsForResourceCommand({ resourceARN: arn })),
      );
      for (const t of tags.tags ?? []) if (t.key) profile.tags[t.key] = t.value ?? "";
    } catch (err) {
      profile.error = describe(err);
    }
    out.push(profile);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The profile a CloudWatch ModelId (ARN or bare ID) names, if any. */
export function profileOf(
  profiles: readonly ApplicationProfile[],
  modelId: string,
): ApplicationProfile | undefined {
  return profiles.find((p) => p.arn === modelId || p.id === modelId || modelIdOfArn(modelId) === p.id);
}
