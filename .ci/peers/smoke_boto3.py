"""Smoke test of one SQS endpoint with boto3: create, send, receive, delete, with assertions.

    python3 .ci/peers/smoke_boto3.py http://127.0.0.1:5000

Prints one JSON line of observations (queue URL format, error codes, ...) and exits non-zero on the
first failed assertion. Used by .ci/peers/verify.sh; works against any SQS endpoint.
"""

import hashlib
import json
import struct
import sys
import time
import uuid

import boto3
import botocore.config
from botocore.exceptions import ClientError


def md5_of_attributes(attrs):
    """MD5OfMessageAttributes as AWS computes it (names sorted; length-prefixed name, type, value)."""
    buf = b""
    for name in sorted(attrs):
        a = attrs[name]
        dt = a["DataType"]
        buf += struct.pack(">I", len(name.encode())) + name.encode()
        buf += struct.pack(">I", len(dt.encode())) + dt.encode()
        if dt.startswith("Binary"):
            v = a["BinaryValue"]
            buf += b"\x02" + struct.pack(">I", len(v)) + v
        else:
            v = a["StringValue"].encode()
            buf += b"\x01" + struct.pack(">I", len(v)) + v
    return hashlib.md5(buf).hexdigest()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def main(endpoint):
    sqs = boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=botocore.config.Config(retries={"max_attempts": 2}),
    )
    obs = {"endpoint": endpoint, "protocol": sqs.meta.service_model.protocol}
    name = f"smoke-{uuid.uuid4().hex[:12]}"

    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    obs["queue_url"] = url
    check(url.rstrip("/").endswith("/" + name), f"queue URL {url} does not end with /{name}")
    check(sqs.get_queue_url(QueueName=name)["QueueUrl"] == url, "GetQueueUrl differs from CreateQueue")
    try:
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        obs["queue_arn"] = arn
        check(arn.endswith(":" + name), f"QueueArn {arn}")

        body = "hello from boto3 \u00e9\u4e16"
        attrs = {
            "Foo": {"DataType": "String", "StringValue": "Bar"},
            "N": {"DataType": "Number", "StringValue": "42"},
            "B": {"DataType": "Binary", "BinaryValue": b"\x00\x01\x02"},
        }
        sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attrs)
        check(sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest(), "MD5OfMessageBody (send)")
        check(sent.get("MD5OfMessageAttributes") == md5_of_attributes(attrs), "MD5OfMessageAttributes (send)")
        check(md5_of_attributes({"Foo": attrs["Foo"]}) == "ae7155c6026991b6d54b11589678bf9c", "MD5 known answer")

        got = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=2,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        ).get("Messages", [])
        check(len(got) == 1, f"received {len(got)} messages, want 1")
        m = got[0]
        check(m["MessageId"] == sent["MessageId"], "MessageId differs")
        check(m["Body"] == body, "body differs")
        check(m["MD5OfBody"] == sent["MD5OfMessageBody"], "MD5OfBody (receive)")
        check(m.get("MD5OfMessageAttributes") == md5_of_attributes(attrs), "MD5OfMessageAttributes (receive)")
        check(m["MessageAttributes"]["B"]["BinaryValue"] == b"\x00\x01\x02", "binary attribute")
        check(m["Attributes"].get("ApproximateReceiveCount") == "1", "ApproximateReceiveCount")
        obs["sent_timestamp"] = m["Attributes"].get("SentTimestamp")

        # in flight: not received again
        again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", [])
        check(again == [], "in-flight message was received again")

        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        attrs_after = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        check(attrs_after["ApproximateNumberOfMessages"] == "0", "messages left after delete")
        check(attrs_after["ApproximateNumberOfMessagesNotVisible"] == "0", "in-flight left after delete")

        # batch
        entries = [{"Id": f"e{i}", "MessageBody": f"m{i}"} for i in range(3)]
        b = sqs.send_message_batch(QueueUrl=url, Entries=entries)
        check(len(b.get("Successful", [])) == 3 and not b.get("Failed"), f"batch send {b}")
        bodies = set()
        deadline = time.time() + 10
        while len(bodies) < 3 and time.time() < deadline:
            for mm in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
                bodies.add(mm["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=mm["ReceiptHandle"])
        check(bodies == {"m0", "m1", "m2"}, f"batch receive {bodies}")

        # error codes as the client sees them
        try:
            sqs.get_queue_url(QueueName=name + "-missing")
            check(False, "GetQueueUrl of a missing queue succeeded")
        except ClientError as e:
            obs["missing_queue_error"] = [e.response["Error"].get("Code"), e.response["ResponseMetadata"]["HTTPStatusCode"]]
        try:
            sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-receipt-handle")
            obs["bad_receipt_handle_error"] = "accepted"
        except ClientError as e:
            obs["bad_receipt_handle_error"] = [e.response["Error"].get("Code"), e.response["ResponseMetadata"]["HTTPStatusCode"]]
    finally:
        sqs.delete_queue(QueueUrl=url)

    # FIFO
    fname = f"smoke-{uuid.uuid4().hex[:12]}.fifo"
    furl = sqs.create_queue(QueueName=fname, Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    try:
        s1 = sqs.send_message(QueueUrl=furl, MessageBody="one", MessageGroupId="g")
        obs["fifo_send_has_sequence_number"] = "SequenceNumber" in s1
        sqs.send_message(QueueUrl=furl, MessageBody="one", MessageGroupId="g")  # deduplicated
        sqs.send_message(QueueUrl=furl, MessageBody="two", MessageGroupId="g")
        got = sqs.receive_message(QueueUrl=furl, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["All"]).get("Messages", [])
        check([x["Body"] for x in got] == ["one", "two"], f"FIFO order/dedup: {[x['Body'] for x in got]}")
    finally:
        sqs.delete_queue(QueueUrl=furl)

    print(json.dumps(obs, sort_keys=True))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        main(sys.argv[1])
    except AssertionError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
