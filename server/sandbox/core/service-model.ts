/**
 * A service's model as the AWS SDK client itself ships it: the static schemas each
 * `@aws-sdk/client-*` package exports (`GetMetricData$`, `InvalidParameterValueException$`, …),
 * read through @smithy/core/schema's NormalizedSchema. The awsQuery and RPC v2 CBOR codecs take
 * member names, list/map wrapping, timestamps and error codes from here, so the sandbox and the
 * clients cannot drift apart.
 */
import { NormalizedSchema } from "@smithy/core/schema";

export type SchemaRef = Parameters<typeof NormalizedSchema.of>[0];

/** Static schema ids (@smithy/types static-schemas): operation 9, error -3. */
const OPERATION = 9;
const ERROR = -3;

export interface OperationShapes {
  name: string;
  input: NormalizedSchema;
  output: NormalizedSchema;
  /** The raw output schema reference, for wrapping in protocol envelopes. */
  outputRef: SchemaRef;
}

export class ServiceModel {
  private readonly operations = new Map<string, OperationShapes | null>();

  /**
   * @param exports the SDK client package's module namespace (`import * as sdk from "@aws-sdk/client-cloudwatch"`)
   * @param namespace the Smithy namespace of the service's shapes, e.g. "com.amazonaws.cloudwatch"
   */
  constructor(
    private readonly exports: Readonly<Record<string, unknown>>,
    readonly namespace: string,
  ) {}

  operation(name: string): OperationShapes | undefined {
    const cached = this.operations.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const schema = this.exports[`${name}$`];
    let shapes: OperationShapes | null = null;
    if (Array.isArray(schema) && schema[0] === OPERATION && schema[2] === name) {
      const inputRef = schema[4] as SchemaRef;
      const outputRef = schema[5] as SchemaRef;
      shapes = {
        name,
        input: NormalizedSchema.of(inputRef),
        output: NormalizedSchema.of(outputRef),
        outputRef,
      };
    }
    this.operations.set(name, shapes);
    return shapes ?? undefined;
  }

  /** The awsQuery error code of an error shape (its `awsQueryError` trait), e.g. NotFoundException → NotFound. */
  queryErrorCode(code: string): string | undefined {
    const schema = this.exports[`${code}$`];
    if (!Array.isArray(schema) || schema[0] !== ERROR) return undefined;
    const traits = NormalizedSchema.of(schema as SchemaRef).getMergedTraits() as { awsQueryError?: unknown };
    const trait = traits.awsQueryError;
    return Array.isArray(trait) && typeof trait[0] === "string" ? trait[0] : undefined;
  }
}
