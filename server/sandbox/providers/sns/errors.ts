/**
 * SNS errors as the service sends them (awsQuery codes from the SDK model's awsQueryError traits:
 * InvalidParameter 400, NotFound 404, ResourceNotFound 404, TagLimitExceeded 400). Messages follow
 * SNS's "Invalid parameter: …" wording.
 */
import { AwsError } from "../../core/errors.ts";

export const invalidParameter = (what: string) =>
  new AwsError("InvalidParameterException", `Invalid parameter: ${what}`, 400, "InvalidParameter");
export const notFound = (what: string) => new AwsError("NotFoundException", what, 404, "NotFound");
export const resourceNotFound = () =>
  new AwsError("ResourceNotFoundException", "Resource does not exist", 404, "ResourceNotFound");
export const tagLimit = () =>
  new AwsError(
    "TagLimitExceededException",
    "Could not complete request: tag quota of per resource exceeded",
    400,
    "TagLimitExceeded",
  );
