/**
 * Smithy RPC v2 CBOR: `POST /service/<ServiceShape>/operation/<Op>` with `smithy-protocol:
 * rpc-v2-cbor`, CBOR bodies in and out (content-type application/cbor), errors as a CBOR map with
 * `__type` (the error's shape id) and `message`, plus `x-amzn-query-error` for query-compatible
 * services such as CloudWatch. Encoded and decoded with @smithy/core/cbor, the SDK's own codec,
 * driven by the client's schemas (timestamps as CBOR tag 1 epoch seconds).
 */
import { CborCodec } from "@smithy/core/cbor";
import { AwsError } from "../errors.ts";
import { requestId } from "../json-protocol.ts";
import type { ServiceModel } from "../service-model.ts";
import type { Codec } from "./codec.ts";
import { toPlain, toTyped } from "./shapes.ts";

export interface CborBinding {
  /** The service shape name in the path, e.g. "GraniteServiceVersion20100801". */
  serviceName: string;
  model: ServiceModel;
  /** Adds `x-amzn-query-error: <Code>;<Sender|Receiver>` to errors (awsQueryCompatible trait). */
  queryCompatible?: boolean;
}

const PATH = /^\/service\/([^/]+)\/operation\/([^/]+)$/;

/** The service and operation a Smithy RPC v2 request addresses, or undefined. */
export function cborTarget(path: string): { service: string; operation: string } | undefined {
  const match = PATH.exec(path);
  return match?.[1] && match[2] ? { service: match[1], operation: match[2] } : undefined;
}

function headers(id: string): Record<string, string> {
  return { "content-type": "application/cbor", "smithy-protocol": "rpc-v2-cbor", "x-amzn-requestid": id };
}

export function cborCodec(binding: CborBinding): Codec {
  const codec = new CborCodec();
  const { model } = binding;
  return {
    protocol: "smithyRpcV2Cbor",
    input(operation, req) {
      const shapes = model.operation(operation);
      if (!shapes || req.body.length === 0) return {};
      let value: unknown;
      try {
        value = codec.createDeserializer().read(shapes.input, new Uint8Array(req.body));
      } catch (err) {
        throw new AwsError(
          "SerializationException",
          `Could not parse the request body as CBOR: ${(err as Error).message}`,
          400,
        );
      }
      const plain = toPlain(value);
      return typeof plain === "object" && plain !== null && !Array.isArray(plain)
        ? (plain as Record<string, unknown>)
        : {};
    },
    output(operation, output) {
      const shapes = model.operation(operation);
      const serializer = codec.createSerializer();
      if (shapes) serializer.write(shapes.output, toTyped(shapes.output, output ?? {}));
      else serializer.write(15, output ?? {});
      return { status: 200, headers: headers(requestId()), body: Buffer.from(serializer.flush()) };
    },
    error(_operation, error) {
      const id = requestId();
      const h = headers(id);
      if (binding.queryCompatible) {
        h["x-amzn-query-error"] =
          `${error.queryCode ?? model.queryErrorCode(error.code) ?? error.code};${error.fault}`;
      }
      const serializer = codec.createSerializer();
      serializer.write(15, {
        __type: `${model.namespace}#${error.code}`,
        message: error.message,
        ...error.extra,
      });
      return { status: error.status, headers: h, body: Buffer.from(serializer.flush()) };
    },
  };
}
