import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deflateRawSync, gzipSync } from "node:zlib";
import * as cloudwatch from "@aws-sdk/client-cloudwatch";
import * as sns from "@aws-sdk/client-sns";
import { QueryShapeSerializer } from "@aws-sdk/core/protocols";
import { readQueryInput } from "../../server/sandbox/core/codecs/query-form.ts";
import { decodeBody } from "../../server/sandbox/core/content-encoding.ts";
import { AwsError } from "../../server/sandbox/core/errors.ts";
import { ServiceModel } from "../../server/sandbox/core/service-model.ts";

const cw = new ServiceModel(cloudwatch, "com.amazonaws.cloudwatch");
const snsModel = new ServiceModel(sns, "com.amazonaws.sns");

/** Serialises an input exactly as the SDK's awsQuery protocol does, then reads it back. */
function roundTrip(model: ServiceModel, operation: string, input: Record<string, unknown>) {
  const shapes = model.operation(operation);
  assert.ok(shapes, operation);
  const serializer = new QueryShapeSerializer({ timestampFormat: { useTrait: true, default: 5 } });
  serializer.write(shapes.input, input);
  return readQueryInput(shapes.input, new URLSearchParams(String(serializer.flush())));
}

describe("awsQuery form reader (inverse of the SDK's QueryShapeSerializer)", () => {
  it("reads nested member lists, numbers, ISO timestamps and booleans into the awsJson form", () => {
    const out = roundTrip(cw, "GetMetricData", {
      StartTime: new Date("2026-11-18T14:00:00Z"),
      EndTime: new Date("2026-11-18T15:00:00Z"),
      MetricDataQueries: [
        {
          Id: "m1",
          MetricStat: {
            Metric: {
              Namespace: "AWS/Lambda",
              MetricName: "Duration",
              Dimensions: [{ Name: "FunctionName", Value: "twin-api" }],
            },
            Period: 300,
            Stat: "p90",
          },
          ReturnData: false,
        },
        { Id: "e1", Expression: "m1/1000" },
      ],
    });
    assert.deepEqual(out, {
      MetricDataQueries: [
        {
          Id: "m1",
          MetricStat: {
            Metric: {
              Namespace: "AWS/Lambda",
              MetricName: "Duration",
              Dimensions: [{ Name: "FunctionName", Value: "twin-api" }],
            },
            Period: 300,
            Stat: "p90",
          },
          ReturnData: false,
        },
        { Id: "e1", Expression: "m1/1000" },
      ],
      StartTime: Date.UTC(2026, 10, 18, 14) / 1000,
      EndTime: Date.UTC(2026, 10, 18, 15) / 1000,
    });
  });

  it("reads maps from entry.N.key / entry.N.value and tag lists (SNS CreateTopic)", () => {
    const out = roundTrip(snsModel, "CreateTopic", {
      Name: "alerts",
      Attributes: { DisplayName: "Alerts", FifoTopic: "false" },
      Tags: [{ Key: "team", Value: "ops" }],
    });
    assert.deepEqual(out, {
      Name: "alerts",
      Attributes: { DisplayName: "Alerts", FifoTopic: "false" },
      Tags: [{ Key: "team", Value: "ops" }],
    });
  });

  it("reads an empty list sent as `Name=` and keeps an unparseable number for the handler to refuse", () => {
    const shapes = cw.operation("PutMetricData");
    assert.ok(shapes);
    const out = readQueryInput(
      shapes.input,
      new URLSearchParams(
        "Namespace=N&MetricData.member.1.MetricName=M&MetricData.member.1.Value=abc&MetricData.member.1.Values=",
      ),
    );
    assert.deepEqual(out, { Namespace: "N", MetricData: [{ MetricName: "M", Value: "abc", Values: [] }] });
  });

  it("finds the awsQuery error code of a modelled error", () => {
    assert.equal(snsModel.queryErrorCode("NotFoundException"), "NotFound");
    assert.equal(cw.queryErrorCode("InvalidParameterValueException"), "InvalidParameterValue");
    assert.equal(cw.queryErrorCode("NoSuchError"), undefined);
  });
});

describe("Content-Encoding decoding", () => {
  const text = Buffer.from("Action=ListMetrics&Version=2010-08-01");

  it("undoes gzip, raw and zlib deflate, and passes identity through", () => {
    assert.deepEqual(decodeBody(gzipSync(text), "gzip"), text);
    assert.deepEqual(decodeBody(deflateRawSync(text), "deflate"), text);
    assert.deepEqual(decodeBody(text, "identity"), text);
    assert.deepEqual(decodeBody(text, undefined), text);
  });

  it("answers 413 RequestEntityTooLarge with the decoded size, and refuses unknown encodings and bad gzip", () => {
    const big = Buffer.alloc(2000, 0x61);
    assert.throws(
      () => decodeBody(gzipSync(big), "gzip", 1500),
      (e: unknown) =>
        e instanceof AwsError &&
        e.status === 413 &&
        e.code === "RequestEntityTooLarge" &&
        e.message === "Request size exceeded 1500 bytes",
    );
    assert.throws(
      () => decodeBody(big, undefined, 1500),
      (e: unknown) => e instanceof AwsError && e.message === "Request size 2000 exceeded 1500 bytes",
    );
    assert.throws(
      () => decodeBody(text, "br"),
      (e: unknown) => e instanceof AwsError && e.status === 415,
    );
    assert.throws(
      () => decodeBody(text, "gzip"),
      (e: unknown) => e instanceof AwsError && e.status === 400,
    );
  });
});
