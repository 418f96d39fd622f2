/**
 * awsQuery: a form-encoded POST (`Action=…&Version=…&…`), answered with
 * `<OpResponse xmlns="…"><OpResult>…</OpResult><ResponseMetadata><RequestId>…` and errors as
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` with the
 * error's HTTP status. The Result is written by @aws-sdk/core's XmlShapeSerializer from the
 * client's own output schema, so list `<member>` wrapping, map entries, xmlName and ISO-8601
 * timestamps are exactly what the SDK's AwsQueryProtocol parses.
 */
import { XmlShapeSerializer } from "@aws-sdk/core/protocols";
import { XmlNode } from "@aws-sdk/xml-builder";
import { AwsError } from "../errors.ts";
import { requestId } from "../json-protocol.ts";
import type { SchemaRef, ServiceModel } from "../service-model.ts";
import type { SandboxRequest, SandboxResponse } from "../types.ts";
import type { Codec } from "./codec.ts";
import { readQueryInput } from "./query-form.ts";
import { toTyped } from "./shapes.ts";

export interface QueryBinding {
  /** The API version clients send as `Version`, e.g. "2010-08-01". */
  version: string;
  /** The XML namespace of responses, e.g. "http://monitoring.amazonaws.com/doc/2010-08-01/". */
  xmlNamespace: string;
  model: ServiceModel;
}

type XmlSchema = Parameters<XmlShapeSerializer["write"]>[0];

const RESPONSE_METADATA: SchemaRef = [3, "com.amazonaws.sandbox", "ResponseMetadata", 0, ["RequestId"], [0]];

/** Parameters of an awsQuery request: the form body of a POST, or the query string of a GET. */
export function queryParams(req: SandboxRequest): URLSearchParams | undefined {
  const type = String(req.headers["content-type"] ?? "").toLowerCase();
  if (req.method === "POST" && type.startsWith("application/x-www-form-urlencoded"))
    return new URLSearchParams(req.body.toString("utf8"));
  if (req.method === "GET" && req.query.has("Action")) return req.query;
  return undefined;
}

function xml(status: number, id: string, body: string): SandboxResponse {
  return { status, headers: { "content-type": "text/xml", "x-amzn-requestid": id }, body };
}

export function queryCodec(binding: QueryBinding): Codec {
  const { model, xmlNamespace } = binding;
  return {
    protocol: "awsQuery",
    input(operation, req) {
      const shapes = model.operation(operation);
      const params = queryParams(req) ?? new URLSearchParams();
      params.delete("Action");
      params.delete("Version");
      return shapes ? readQueryInput(shapes.input, params) : {};
    },
    output(operation, output) {
      const id = requestId();
      const shapes = model.operation(operation);
      // Operations without output members answer only <ResponseMetadata>, as AWS does.
      const result =
        shapes?.output.isStructSchema() && [...shapes.output.structIterator()].length > 0
          ? shapes
          : undefined;
      const names = result ? [`${operation}Result`, "ResponseMetadata"] : ["ResponseMetadata"];
      const types = result ? [result.outputRef, RESPONSE_METADATA] : [RESPONSE_METADATA];
      // The response envelope is a structure of its own: <OpResponse><OpResult/><ResponseMetadata/>.
      const envelope = [3, model.namespace, `${operation}Response`, 0, names, types] as unknown as XmlSchema;
      const value: Record<string, unknown> = { ResponseMetadata: { RequestId: id } };
      if (result) value[`${operation}Result`] = toTyped(result.output, output ?? {});
      const serializer = new XmlShapeSerializer({
        timestampFormat: { useTrait: true, default: 5 },
        xmlNamespace,
        serviceNamespace: model.namespace,
      });
      serializer.write(envelope, value);
      return xml(200, id, String(serializer.flush()));
    },
    error(_operation, error) {
      return queryError(xmlNamespace, error, model.queryErrorCode(error.code));
    },
  };
}

/** An awsQuery `ErrorResponse` document. */
export function queryError(xmlNamespace: string, error: AwsError, modelledCode?: string): SandboxResponse {
  const id = requestId();
  const code = error.queryCode ?? modelledCode ?? error.code;
  const doc = XmlNode.of("ErrorResponse")
    .addAttribute("xmlns", xmlNamespace)
    .addChildNode(
      XmlNode.of("Error")
        .addChildNode(XmlNode.of("Type", error.fault))
        .addChildNode(XmlNode.of("Code", code))
        .addChildNode(XmlNode.of("Message", error.message)),
    )
    .addChildNode(XmlNode.of("RequestId", id));
  return xml(error.status, id, doc.toString());
}

/** The awsQuery answer to an Action the service does not have. */
export function invalidAction(operation: string, version: string): AwsError {
  return new AwsError("InvalidAction", `Could not find operation ${operation} for version ${version}`, 400);
}
