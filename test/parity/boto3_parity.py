"""Parity script: boto3 (whatever version this python has) against the sandbox.

Prints one JSON document with what each call returned, for test/integration/parity-boto3.test.ts
to assert on. Usage: python3 boto3_parity.py <endpoint-url> <now-epoch-seconds>
Credentials come from the environment the test gives this child only.
"""
import datetime
import json
import sys

import boto3
import botocore
from botocore.exceptions import ClientError

endpoint, now_s = sys.argv[1], float(sys.argv[2])
now = datetime.datetime.fromtimestamp(now_s, tz=datetime.timezone.utc)
session = boto3.session.Session(region_name="us-east-1")


def client(name):
    return session.client(name, endpoint_url=endpoint)


def error(call):
    try:
        call()
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"], "message": e.response["Error"].get("Message")}
    return None


out = {"boto3": boto3.__version__, "botocore": botocore.__version__}
cw = client("cloudwatch")
out["cloudwatchProtocol"] = cw.meta.service_model.protocol

# 600 datums: above the 10,240-byte threshold where botocore (1.31+) gzips request bodies.
minute = now.replace(second=0, microsecond=0)
data = [
    {"MetricName": "Latency", "Dimensions": [{"Name": "Shard", "Value": "s%04d" % i}], "Value": i + 0.25, "Unit": "Milliseconds", "Timestamp": minute - datetime.timedelta(minutes=1)}
    for i in range(600)
]
cw.put_metric_data(Namespace="Parity/Boto3", MetricData=data)
paginator = cw.get_paginator("list_metrics")
out["listedMetrics"] = sum(len(p["Metrics"]) for p in paginator.paginate(Namespace="Parity/Boto3"))

stats = cw.get_metric_statistics(
    Namespace="Parity/Boto3", MetricName="Latency", Dimensions=[{"Name": "Shard", "Value": "s0007"}],
    StartTime=minute - datetime.timedelta(hours=1), EndTime=minute, Period=60, Statistics=["Sum", "Maximum"],
)
out["datapoints"] = [
    {"Timestamp": p["Timestamp"].isoformat(), "Sum": p["Sum"], "Maximum": p["Maximum"], "Unit": p["Unit"]}
    for p in stats["Datapoints"]
]

gmd = cw.get_metric_data(
    MetricDataQueries=[
        {"Id": "inv", "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Invocations", "Dimensions": [{"Name": "FunctionName", "Value": "twin-api"}]}, "Period": 300, "Stat": "Sum"}, "ReturnData": False},
        {"Id": "rate", "Expression": "inv/300", "Label": "per second"},
    ],
    StartTime=minute - datetime.timedelta(hours=1), EndTime=minute - datetime.timedelta(minutes=minute.minute % 5), ScanBy="TimestampAscending",
)
r = gmd["MetricDataResults"]
out["metricData"] = [
    {"Id": x["Id"], "Label": x["Label"], "StatusCode": x["StatusCode"], "Timestamps": [t.isoformat() for t in x["Timestamps"]], "Values": x["Values"]}
    for x in r
]

cw.put_dashboard(DashboardName="boto3-dash", DashboardBody=json.dumps({"widgets": []}))
entries = cw.list_dashboards(DashboardNamePrefix="boto3")["DashboardEntries"]
out["dashboards"] = [{"DashboardName": e["DashboardName"], "LastModifiedType": type(e["LastModified"]).__name__, "Size": e["Size"]} for e in entries]
out["dashboardMissing"] = error(lambda: cw.get_dashboard(DashboardName="nope"))
out["badRange"] = error(lambda: cw.get_metric_statistics(
    Namespace="AWS/Lambda", MetricName="Invocations", StartTime=minute, EndTime=minute - datetime.timedelta(hours=1), Period=60, Statistics=["Sum"]))

sts = client("sts")
out["callerAccount"] = sts.get_caller_identity()["Account"]
out["stsError"] = error(lambda: sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/x", RoleSessionName="s3-access-example"))

sns = client("sns")
topic = sns.create_topic(Name="boto3-topic", Attributes={"DisplayName": "Boto3"}, Tags=[{"Key": "team", "Value": "ops"}])["TopicArn"]
out["topicArn"] = topic
out["subscribeEmail"] = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="ops@example.com")["SubscriptionArn"]
out["subscriptions"] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
out["topicAttributes"] = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
out["tags"] = sns.list_tags_for_resource(ResourceArn=topic)["Tags"]
out["messageId"] = sns.publish(TopicArn=topic, Subject="ALARM", Message="hello")["MessageId"]
out["snsError"] = error(lambda: sns.get_topic_attributes(TopicArn=topic + "-missing"))

logs = client("logs")
out["logGroups"] = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]]

print(json.dumps(out))
