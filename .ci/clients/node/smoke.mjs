// Smoke test of one SQS endpoint with @aws-sdk/client-sqs: create, send, receive, delete, with
// assertions. The SDK itself verifies MD5OfMessageBody on send and receive.
//
//   node .ci/clients/node/smoke.mjs http://127.0.0.1:9325
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import {
  SQSClient,
  CreateQueueCommand,
  SendMessageCommand,
  ReceiveMessageCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  DeleteQueueCommand,
} from "@aws-sdk/client-sqs";

const endpoint = process.argv[2];
if (!endpoint) {
  console.error("usage: node smoke.mjs <endpoint-url>");
  process.exit(2);
}

const sqs = new SQSClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 2,
});

const md5 = (s) => createHash("md5").update(s).digest("hex");
const name = `smoke-node-${randomUUID().slice(0, 12)}`;
const obs = { endpoint };

const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
obs.queue_url = QueueUrl;
try {
  assert.ok(QueueUrl.replace(/\/$/, "").endsWith(`/${name}`), `queue URL ${QueueUrl}`);
  const body = "hello from node \u00e9\u4e16";
  const sent = await sqs.send(
    new SendMessageCommand({
      QueueUrl,
      MessageBody: body,
      MessageAttributes: { Foo: { DataType: "String", StringValue: "Bar" } },
    }),
  );
  assert.equal(sent.MD5OfMessageBody, md5(body));
  assert.equal(sent.MD5OfMessageAttributes, "ae7155c6026991b6d54b11589678bf9c");

  const got = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 2,
      MessageAttributeNames: ["All"],
      MessageSystemAttributeNames: ["All"],
    }),
  );
  assert.equal(got.Messages?.length, 1, "one message received");
  const m = got.Messages[0];
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.Body, body);
  assert.equal(m.MessageAttributes.Foo.StringValue, "Bar");
  assert.equal(m.Attributes.ApproximateReceiveCount, "1");

  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  const a = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  assert.equal(a.Attributes.ApproximateNumberOfMessages, "0");
  assert.equal(a.Attributes.ApproximateNumberOfMessagesNotVisible, "0");

  try {
    await sqs.send(new GetQueueUrlCommand({ QueueName: `${name}-missing` }));
    assert.fail("GetQueueUrl of a missing queue succeeded");
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    obs.missing_queue_error = [e.name, e.Code ?? null, e.$metadata?.httpStatusCode];
  }
} finally {
  await sqs.send(new DeleteQueueCommand({ QueueUrl }));
}
console.log(JSON.stringify(obs));
