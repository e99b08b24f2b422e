"""boto3's SNS and SQS clients against one sqsmock endpoint: a fan-out of a topic into queues.

    SQSMOCK_ENDPOINT=http://127.0.0.1:9324 python3 e2e/clients/python/test_boto3_sns.py -v

Run by e2e/clients/sns_test.go (cd e2e && go test ./clients/ -run SNS), which starts the server.
"""

import json
import os
import unittest
import uuid

import boto3
from botocore.exceptions import ClientError

ENDPOINT = os.environ["SQSMOCK_ENDPOINT"]


def clients():
    kw = dict(endpoint_url=ENDPOINT, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    return boto3.client("sns", **kw), boto3.client("sqs", **kw)


def policy(queue_arn, topic_arn):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}]})


class FanOutTest(unittest.TestCase):
    def setUp(self):
        self.sns, self.sqs = clients()
        self.suffix = uuid.uuid4().hex[:8]

    def queue(self, name, topic_arn):
        url = self.sqs.create_queue(QueueName=name + "-" + self.suffix)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy(arn, topic_arn)})
        return url, arn

    def receive(self, url):
        return self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages", [])

    def test_fan_out(self):
        topic = self.sns.create_topic(Name="orders-" + self.suffix, Attributes={"DisplayName": "Orders"})["TopicArn"]
        env_url, env_arn = self.queue("billing", topic)
        raw_url, raw_arn = self.queue("shipping", topic)
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=env_arn)
        sub = self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=raw_arn, ReturnSubscriptionArn=True,
                                 Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"region": [{"prefix": "eu-"}]})})["SubscriptionArn"]
        attrs = self.sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
        self.assertEqual(attrs["RawMessageDelivery"], "true")
        self.assertEqual(attrs["FilterPolicyScope"], "MessageAttributes")

        for region in ("eu-west-1", "us-east-1"):
            r = self.sns.publish(TopicArn=topic, Message="order from " + region, Subject="order",
                                 MessageAttributes={"region": {"DataType": "String", "StringValue": region},
                                                    "blob": {"DataType": "Binary", "BinaryValue": b"\x02\x03\x04"}})
            self.assertIn("MessageId", r)

        envs = [json.loads(m["Body"]) for m in self.receive(env_url)]
        self.assertEqual(sorted(e["Message"] for e in envs), ["order from eu-west-1", "order from us-east-1"])
        self.assertEqual(envs[0]["Type"], "Notification")
        self.assertEqual(envs[0]["Subject"], "order")
        self.assertEqual(envs[0]["MessageAttributes"]["blob"], {"Type": "Binary", "Value": "AgME"})
        raw = self.receive(raw_url)
        self.assertEqual([m["Body"] for m in raw], ["order from eu-west-1"])
        self.assertEqual(raw[0]["MessageAttributes"]["blob"]["BinaryValue"], b"\x02\x03\x04")
        self.assertEqual(raw[0]["MessageAttributes"]["region"], {"StringValue": "eu-west-1", "DataType": "String"})

        listed = self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        self.assertEqual(len(listed), 2)
        self.assertEqual({s["Protocol"] for s in listed}, {"sqs"})

    def test_fifo_and_batch(self):
        topic = self.sns.create_topic(Name="orders-" + self.suffix + ".fifo",
                                      Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
        url = self.sqs.create_queue(QueueName="orders-" + self.suffix + ".fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy(arn, topic)})
        self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
        with self.assertRaises(self.sns.exceptions.InvalidParameterException) as cm:  # recorded: the whole batch fails
            self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
                {"Id": "1", "Message": "first", "MessageGroupId": "g"}, {"Id": "3", "Message": "no group"}])
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
        r = self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": "1", "Message": "first", "MessageGroupId": "g"},
            {"Id": "2", "Message": "second", "MessageGroupId": "g"},
        ])
        self.assertEqual([s["Id"] for s in r["Successful"]], ["1", "2"])
        self.assertEqual(len(r["Successful"][0]["SequenceNumber"]), 20)
        msgs = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
        self.assertEqual([m["Body"] for m in msgs], ["first", "second"])
        self.assertEqual(msgs[0]["Attributes"]["MessageGroupId"], "g")

    def test_errors(self):
        with self.assertRaises(ClientError) as cm:
            self.sns.publish(TopicArn="arn:aws:sns:us-east-1:000000000000:missing-" + self.suffix, Message="m")
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], "NotFound")
        self.assertEqual(err["Error"]["Message"], "Topic does not exist")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 404)
        with self.assertRaises(self.sns.exceptions.InvalidParameterException) as cm:
            self.sns.create_topic(Name="bad.name")
        self.assertEqual(cm.exception.response["Error"]["Message"], "Invalid parameter: Topic Name")


if __name__ == "__main__":
    unittest.main()
