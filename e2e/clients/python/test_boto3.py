"""boto3 against an SQS endpoint (the sqsmock server), as a unittest program.

    SQSMOCK_ENDPOINT=http://127.0.0.1:9324 python3 e2e/clients/python/test_boto3.py -v

Environment:
  SQSMOCK_ENDPOINT        the endpoint (required)
  SQSMOCK_BOTOCORE_DATA   a botocore data directory holding sqs/2012-11-05/service-2.json to use
                          instead of botocore's own model; with the Query-era model of botocore
                          1.31.0 (e2e/clients/install.sh) boto3 speaks the Query protocol. The tests
                          then also assert the protocol is "query".
  SQSMOCK_SIGV4           "ACCESS_KEY:SECRET" the endpoint verifies signatures with: every test signs
                          with them, and SigV4Test (right key, wrong secret, unknown key, unsigned)
                          runs too.

Run by e2e/clients/clients_test.go (cd e2e && go test ./clients/), which starts the server.
"""

import hashlib
import os
import struct
import sys
import threading
import time
import unittest
import uuid

import boto3
import botocore.config
import botocore.session
from botocore import UNSIGNED
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("SQSMOCK_ENDPOINT", "")
DATA_DIR = os.environ.get("SQSMOCK_BOTOCORE_DATA", "")
SIGV4 = os.environ.get("SQSMOCK_SIGV4", "")
EXPECT_PROTOCOL = "query" if DATA_DIR else "json"

# AWS's known answer for one String attribute Foo=Bar.
KNOWN_ATTR_MD5 = "ae7155c6026991b6d54b11589678bf9c"
SYSATTR_PARAM = "MessageSystemAttributeNames"


DEFAULT_KEY, DEFAULT_SECRET = SIGV4.split(":", 1) if SIGV4 else ("test", "test")


def client(access_key=DEFAULT_KEY, secret=DEFAULT_SECRET, **config):
    session = botocore.session.get_session()
    if DATA_DIR:
        session.get_component("data_loader").search_paths.insert(0, DATA_DIR)
    cfg = botocore.config.Config(retries={"max_attempts": 1}, **config)
    return boto3.Session(botocore_session=session).client(
        "sqs",
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        config=cfg,
    )


def SYSATTRS(names):
    """ReceiveMessage's system attribute names: MessageSystemAttributeNames in current models,
    AttributeNames in the Query-era one."""
    return {SYSATTR_PARAM: names}


def md5(b):
    return hashlib.md5(b if isinstance(b, bytes) else b.encode()).hexdigest()


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


def unique(prefix="py"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class SQSTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        global SYSATTR_PARAM
        if not ENDPOINT:
            raise unittest.SkipTest("SQSMOCK_ENDPOINT not set")
        cls.sqs = client()
        members = cls.sqs.meta.service_model.operation_model("ReceiveMessage").input_shape.members
        SYSATTR_PARAM = "MessageSystemAttributeNames" if "MessageSystemAttributeNames" in members else "AttributeNames"

    def new_queue(self, name=None, **attributes):
        name = name or unique()
        url = self.sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]
        self.addCleanup(self.sqs.delete_queue, QueueUrl=url)
        return url

    def assertError(self, ctx, code, status):
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)

    def counts(self, url):
        a = self.sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"])


class ProtocolTest(SQSTestCase):
    def test_protocol(self):
        self.assertEqual(self.sqs.meta.service_model.protocol, EXPECT_PROTOCOL)


class MessagesTest(SQSTestCase):
    def test_send_receive_delete(self):
        url = self.new_queue(VisibilityTimeout=30)
        self.assertTrue(url.startswith(ENDPOINT + "/"), url)
        body = "hello from boto3 \u00e9\u4e16 <&>\"'"
        sent = self.sqs.send_message(QueueUrl=url, MessageBody=body)
        self.assertEqual(sent["MD5OfMessageBody"], md5(body))
        self.assertNotIn("MD5OfMessageAttributes", sent)

        got = self.sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, **SYSATTRS(["All"])
        ).get("Messages", [])
        self.assertEqual(len(got), 1)
        m = got[0]
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["Body"], body)
        self.assertEqual(m["MD5OfBody"], md5(body))
        self.assertEqual(m["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertEqual(m["Attributes"]["SenderId"] != "", True)
        self.assertLessEqual(abs(int(m["Attributes"]["SentTimestamp"]) - time.time() * 1000), 60_000)
        self.assertEqual(self.counts(url), (0, 1))

        # In flight: not received again.
        self.assertEqual(self.sqs.receive_message(QueueUrl=url).get("Messages", []), [])
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual(self.counts(url), (0, 0))

    def test_change_visibility(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="again")
        m = self.sqs.receive_message(QueueUrl=url)["Messages"][0]
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        m2 = self.sqs.receive_message(QueueUrl=url, **SYSATTRS(["ApproximateReceiveCount"]))["Messages"][0]
        self.assertEqual(m2["MessageId"], m["MessageId"])
        self.assertEqual(m2["Attributes"]["ApproximateReceiveCount"], "2")
        self.assertNotEqual(m2["ReceiptHandle"], m["ReceiptHandle"])

    def test_delay_seconds(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=900)
        self.assertEqual(self.sqs.receive_message(QueueUrl=url).get("Messages", []), [])
        a = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])
        self.assertEqual(a["Attributes"]["ApproximateNumberOfMessagesDelayed"], "1")

    def test_long_poll_wakes_on_send(self):
        url = self.new_queue()
        sender = threading.Timer(0.5, lambda: client().send_message(QueueUrl=url, MessageBody="wake"))
        start = time.monotonic()
        sender.start()
        try:
            got = self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10).get("Messages", [])
        finally:
            sender.join()
        elapsed = time.monotonic() - start
        self.assertEqual([m["Body"] for m in got], ["wake"])
        self.assertLess(elapsed, 5, "the long poll returned when the message arrived, not at its deadline")

    def test_long_poll_empty(self):
        url = self.new_queue()
        start = time.monotonic()
        self.assertEqual(self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []), [])
        self.assertGreaterEqual(time.monotonic() - start, 0.9)


class AttributesTest(SQSTestCase):
    ATTRS = {
        "Foo": {"DataType": "String", "StringValue": "Bar"},
        "N": {"DataType": "Number", "StringValue": "-42.5e3"},
        "B": {"DataType": "Binary", "BinaryValue": bytes(range(256))},
        "Custom": {"DataType": "String.custom-type", "StringValue": "\u4e16"},
        "Img": {"DataType": "Binary.gif", "BinaryValue": b"GIF89a\x00\xff"},
    }

    def test_known_answer(self):
        self.assertEqual(md5_of_attributes({"Foo": self.ATTRS["Foo"]}), KNOWN_ATTR_MD5)
        url = self.new_queue()
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={"Foo": self.ATTRS["Foo"]})
        self.assertEqual(sent["MD5OfMessageAttributes"], KNOWN_ATTR_MD5)

    def test_message_attributes_and_md5s(self):
        url = self.new_queue()
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="attrs", MessageAttributes=self.ATTRS)
        self.assertEqual(sent["MD5OfMessageBody"], md5("attrs"))
        self.assertEqual(sent["MD5OfMessageAttributes"], md5_of_attributes(self.ATTRS))

        m = self.sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"])["Messages"][0]
        self.assertEqual(m["MD5OfMessageAttributes"], md5_of_attributes(self.ATTRS))
        got = m["MessageAttributes"]
        self.assertEqual(set(got), set(self.ATTRS))
        for name, want in self.ATTRS.items():
            self.assertEqual(got[name]["DataType"], want["DataType"], name)
            if "BinaryValue" in want:
                self.assertEqual(got[name]["BinaryValue"], want["BinaryValue"], name)
            else:
                self.assertEqual(got[name]["StringValue"], want["StringValue"], name)

    def test_attribute_name_filter(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="f", MessageAttributes=self.ATTRS)
        m = self.sqs.receive_message(QueueUrl=url, MessageAttributeNames=["Foo", "B", "Missing"])["Messages"][0]
        self.assertEqual(set(m["MessageAttributes"]), {"Foo", "B"})
        subset = {k: self.ATTRS[k] for k in ("Foo", "B")}
        self.assertEqual(m["MD5OfMessageAttributes"], md5_of_attributes(subset), "the digest covers what is returned")

    def test_no_attributes_requested(self):
        url = self.new_queue()
        self.sqs.send_message(QueueUrl=url, MessageBody="f", MessageAttributes=self.ATTRS)
        m = self.sqs.receive_message(QueueUrl=url)["Messages"][0]
        self.assertNotIn("MessageAttributes", m)
        self.assertNotIn("Attributes", m)

    def test_queue_attributes(self):
        name = unique()
        url = self.new_queue(name, VisibilityTimeout=45, DelaySeconds=2, MessageRetentionPeriod=3600)
        a = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        self.assertEqual(a["VisibilityTimeout"], "45")
        self.assertEqual(a["DelaySeconds"], "2")
        self.assertEqual(a["MessageRetentionPeriod"], "3600")
        self.assertEqual(a["MaximumMessageSize"], "1048576")
        self.assertEqual(a["QueueArn"], f"arn:aws:sqs:us-east-1:000000000000:{name}")
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "5"})
        a = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"]
        self.assertEqual(a, {"VisibilityTimeout": "5"})

    def test_get_queue_url_list_and_tags(self):
        prefix = unique("pylist")
        urls = sorted(self.new_queue(f"{prefix}-{i}") for i in range(3))
        self.assertEqual(self.sqs.get_queue_url(QueueName=f"{prefix}-1")["QueueUrl"], urls[1])
        self.assertEqual(sorted(self.sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"]), urls)
        self.sqs.tag_queue(QueueUrl=urls[0], Tags={"team": "a", "env": "test"})
        self.sqs.untag_queue(QueueUrl=urls[0], TagKeys=["env"])
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=urls[0])["Tags"], {"team": "a"})

    def test_purge(self):
        url = self.new_queue()
        for i in range(3):
            self.sqs.send_message(QueueUrl=url, MessageBody=str(i))
        self.sqs.purge_queue(QueueUrl=url)
        self.assertEqual(self.counts(url), (0, 0))

    def test_dead_letter_queue(self):
        dlq = self.new_queue()
        arn = self.sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        src = self.new_queue(RedrivePolicy=f'{{"deadLetterTargetArn":"{arn}","maxReceiveCount":"1"}}')
        self.sqs.send_message(QueueUrl=src, MessageBody="poison")
        m = self.sqs.receive_message(QueueUrl=src)["Messages"][0]
        self.sqs.change_message_visibility(QueueUrl=src, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
        self.assertEqual(self.sqs.receive_message(QueueUrl=src).get("Messages", []), [])
        moved = self.sqs.receive_message(QueueUrl=dlq, **SYSATTRS(["All"]))["Messages"]
        self.assertEqual([x["Body"] for x in moved], ["poison"])
        self.assertEqual(moved[0]["MessageId"], m["MessageId"])
        self.assertEqual(self.sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"], [src])


class BatchTest(SQSTestCase):
    def test_send_receive_delete_batch(self):
        url = self.new_queue()
        entries = [
            {
                "Id": f"e{i}",
                "MessageBody": f"body-{i}",
                "MessageAttributes": {"i": {"DataType": "Number", "StringValue": str(i)}},
            }
            for i in range(10)
        ]
        out = self.sqs.send_message_batch(QueueUrl=url, Entries=entries)
        self.assertEqual(out.get("Failed", []), [])
        ok = {e["Id"]: e for e in out["Successful"]}
        self.assertEqual(set(ok), {f"e{i}" for i in range(10)})
        for i in range(10):
            self.assertEqual(ok[f"e{i}"]["MD5OfMessageBody"], md5(f"body-{i}"))
            self.assertEqual(ok[f"e{i}"]["MD5OfMessageAttributes"], md5_of_attributes(entries[i]["MessageAttributes"]))
        self.assertEqual(len({e["MessageId"] for e in out["Successful"]}), 10)

        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
        self.assertEqual(sorted(m["Body"] for m in got), sorted(f"body-{i}" for i in range(10)))
        for m in got:
            self.assertEqual(m["Body"], "body-" + m["MessageAttributes"]["i"]["StringValue"])

        # Change visibility and delete in batches, one entry with a bad handle.
        cv = self.sqs.change_message_visibility_batch(
            QueueUrl=url,
            Entries=[{"Id": f"c{i}", "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 60} for i, m in enumerate(got[:3])],
        )
        self.assertEqual(len(cv["Successful"]), 3)
        d = self.sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got[:9])]
            + [{"Id": "bad", "ReceiptHandle": "not-a-receipt-handle"}],
        )
        self.assertEqual(sorted(e["Id"] for e in d["Successful"]), sorted(f"d{i}" for i in range(9)))
        self.assertEqual(len(d["Failed"]), 1)
        f = d["Failed"][0]
        self.assertEqual((f["Id"], f["Code"], f["SenderFault"]), ("bad", "ReceiptHandleIsInvalid", True))
        self.assertEqual(self.counts(url), (0, 1))
        self.sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "last", "ReceiptHandle": got[9]["ReceiptHandle"]}])
        self.assertEqual(self.counts(url), (0, 0))

    def test_batch_entry_failure(self):
        url = self.new_queue()
        out = self.sqs.send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": "ok", "MessageBody": "fine"}, {"Id": "delayed-too-long", "MessageBody": "x", "DelaySeconds": 901}],
        )
        self.assertEqual([e["Id"] for e in out["Successful"]], ["ok"])
        self.assertEqual([(e["Id"], e["Code"], e["SenderFault"]) for e in out["Failed"]], [("delayed-too-long", "InvalidParameterValue", True)])


class FifoTest(SQSTestCase):
    def test_group_order_and_locking(self):
        url = self.new_queue(unique() + ".fifo", FifoQueue="true", ContentBasedDeduplication="true")
        seqs = []
        for body, group in [("a1", "A"), ("b1", "B"), ("a2", "A"), ("b2", "B"), ("a3", "A")]:
            out = self.sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)
            seqs.append(int(out["SequenceNumber"]))
        self.assertEqual(seqs, sorted(seqs))
        self.assertEqual(len(set(seqs)), 5)

        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **SYSATTRS(["All"]))["Messages"]
        by_group = {}
        for m in got:
            by_group.setdefault(m["Attributes"]["MessageGroupId"], []).append(m["Body"])
        self.assertEqual(by_group, {"A": ["a1", "a2", "a3"], "B": ["b1", "b2"]})

        # Both groups are locked while their messages are in flight.
        self.sqs.send_message(QueueUrl=url, MessageBody="a4", MessageGroupId="A")
        self.assertEqual(self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []), [])
        for m in got:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual([m["Body"] for m in self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]], ["a4"])

    def test_deduplication(self):
        url = self.new_queue(unique() + ".fifo", FifoQueue="true")
        first = self.sqs.send_message(QueueUrl=url, MessageBody="one", MessageGroupId="g", MessageDeduplicationId="d1")
        dup = self.sqs.send_message(QueueUrl=url, MessageBody="two", MessageGroupId="g", MessageDeduplicationId="d1")
        self.assertEqual(dup["MessageId"], first["MessageId"])
        self.assertEqual(dup["SequenceNumber"], first["SequenceNumber"])
        self.sqs.send_message(QueueUrl=url, MessageBody="three", MessageGroupId="g", MessageDeduplicationId="d2")
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **SYSATTRS(["All"]))["Messages"]
        self.assertEqual([m["Body"] for m in got], ["one", "three"])
        self.assertEqual([m["Attributes"]["MessageDeduplicationId"] for m in got], ["d1", "d2"])

    def test_content_based_deduplication_and_batch(self):
        url = self.new_queue(unique() + ".fifo", FifoQueue="true", ContentBasedDeduplication="true")
        out = self.sqs.send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "MessageBody": b, "MessageGroupId": "g"} for i, b in enumerate(["x", "y", "x"])],
        )
        self.assertEqual(len(out["Successful"]), 3)
        got = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **SYSATTRS(["All"]))["Messages"]
        self.assertEqual([m["Body"] for m in got], ["x", "y"])
        self.assertEqual(got[0]["Attributes"]["MessageDeduplicationId"], hashlib.sha256(b"x").hexdigest())

    def test_missing_group_id(self):
        url = self.new_queue(unique() + ".fifo", FifoQueue="true", ContentBasedDeduplication="true")
        with self.assertRaises(ClientError) as ctx:
            self.sqs.send_message(QueueUrl=url, MessageBody="x")
        self.assertError(ctx, "MissingParameter", 400)


class ErrorsTest(SQSTestCase):
    def test_nonexistent_queue(self):
        with self.assertRaises(ClientError) as ctx:
            self.sqs.get_queue_url(QueueName=unique("missing"))
        self.assertError(ctx, "AWS.SimpleQueueService.NonExistentQueue", 400)
        with self.assertRaises(self.sqs.exceptions.QueueDoesNotExist):
            self.sqs.send_message(QueueUrl=ENDPOINT + "/000000000000/" + unique("missing"), MessageBody="x")

    def test_invalid_receipt_handle(self):
        url = self.new_queue()
        with self.assertRaises(ClientError) as ctx:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-receipt-handle")
        self.assertError(ctx, "ReceiptHandleIsInvalid", 404)
        self.assertIn("not-a-receipt-handle", ctx.exception.response["Error"]["Message"])

    def test_oversized_message(self):
        url = self.new_queue()
        with self.assertRaises(ClientError) as ctx:
            self.sqs.send_message(QueueUrl=url, MessageBody="x" * (1048576 + 1))
        self.assertError(ctx, "InvalidParameterValue", 400)
        self.assertIn("Message must be shorter than 1048576 bytes", ctx.exception.response["Error"]["Message"])
        self.assertEqual(self.counts(url), (0, 0))
        # Exactly the limit is fine.
        self.sqs.send_message(QueueUrl=url, MessageBody="x" * 1048576)
        self.assertEqual(self.counts(url), (1, 0))

    def test_empty_batch(self):
        sqs = client(parameter_validation=False)  # boto3 would refuse an empty list itself
        url = self.new_queue()
        for call, prefix in [
            (sqs.send_message_batch, "SendMessageBatchRequestEntry"),
            (sqs.delete_message_batch, "DeleteMessageBatchRequestEntry"),
        ]:
            with self.assertRaises(ClientError) as ctx:
                call(QueueUrl=url, Entries=[])
            self.assertError(ctx, "AWS.SimpleQueueService.EmptyBatchRequest", 400)

    def test_too_many_and_duplicate_batch_entries(self):
        url = self.new_queue()
        with self.assertRaises(ClientError) as ctx:
            self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(11)])
        self.assertError(ctx, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400)
        with self.assertRaises(ClientError) as ctx:
            self.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "same", "MessageBody": "x"}] * 2)
        self.assertError(ctx, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400)
        self.assertEqual(self.counts(url), (0, 0))

    def test_invalid_attribute(self):
        with self.assertRaises(ClientError) as ctx:
            self.sqs.create_queue(QueueName=unique(), Attributes={"VisibilityTimeout": "43201"})
        self.assertError(ctx, "InvalidAttributeValue", 400)
        with self.assertRaises(ClientError) as ctx:
            self.sqs.create_queue(QueueName="bad name!")
        self.assertError(ctx, "InvalidParameterValue", 400)


@unittest.skipUnless(SIGV4, "SQSMOCK_SIGV4 not set (the endpoint does not verify signatures)")
class SigV4Test(unittest.TestCase):
    def setUp(self):
        if not ENDPOINT:
            self.skipTest("SQSMOCK_ENDPOINT not set")
        self.key, self.secret = SIGV4.split(":", 1)

    def assertAuthError(self, sqs, code):
        with self.assertRaises(ClientError) as ctx:
            sqs.list_queues()
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403, err)

    def test_right_credentials(self):
        sqs = client(self.key, self.secret)
        url = sqs.create_queue(QueueName=unique("sig"))["QueueUrl"]
        try:
            body = "signed " + "\u4e16" * 100
            sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={"B": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
            self.assertEqual(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"], body)
        finally:
            sqs.delete_queue(QueueUrl=url)

    def test_wrong_secret(self):
        self.assertAuthError(client(self.key, self.secret + "x"), "SignatureDoesNotMatch")

    def test_unknown_access_key(self):
        self.assertAuthError(client("AKIDUNKNOWN", self.secret), "InvalidClientTokenId")

    def test_unsigned(self):
        self.assertAuthError(client(self.key, self.secret, signature_version=UNSIGNED), "MissingAuthenticationToken")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + sys.argv[1:])
