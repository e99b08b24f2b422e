// @aws-sdk/client-sns and @aws-sdk/client-sqs against one sqsmock endpoint: a topic fans out into
// a queue with raw delivery and a filter policy, as a node --test program.
//
//   SQSMOCK_ENDPOINT=http://127.0.0.1:9324 SQSMOCK_NODE_CLIENT_DIR=.ci/clients/node \
//     node --test e2e/clients/node/sns.test.mjs
//
// Run by e2e/clients/sns_test.go.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { test } from "node:test";

const endpoint = process.env.SQSMOCK_ENDPOINT;
const clientDir = path.resolve(process.env.SQSMOCK_NODE_CLIENT_DIR ?? ".ci/clients/node");
const require = createRequire(path.join(clientDir, "package.json"));
const { SNSClient, CreateTopicCommand, SubscribeCommand, PublishCommand, NotFoundException } = require("@aws-sdk/client-sns");
const { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, ReceiveMessageCommand } = require("@aws-sdk/client-sqs");

const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const sns = new SNSClient(config);
const sqs = new SQSClient(config);

test("a topic fans out into a queue with raw delivery and a filter policy", async () => {
  const suffix = randomUUID().slice(0, 8);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `orders-${suffix}` }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `eu-${suffix}` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  const queueArn = Attributes.QueueArn;
  const policy = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage",
      Resource: queueArn, Condition: { ArnEquals: { "aws:SourceArn": TopicArn } } }],
  };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queueArn,
    Attributes: { RawMessageDelivery: "true", FilterPolicy: JSON.stringify({ region: [{ prefix: "eu-" }] }) } }));
  for (const region of ["eu-west-1", "us-east-1"]) {
    const out = await sns.send(new PublishCommand({ TopicArn, Message: `order from ${region}`,
      MessageAttributes: { region: { DataType: "String", StringValue: region } } }));
    assert.ok(out.MessageId);
  }
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }));
  assert.deepEqual(got.Messages.map((m) => m.Body), ["order from eu-west-1"]);
  assert.equal(got.Messages[0].MessageAttributes.region.StringValue, "eu-west-1");
});

test("publishing to a missing topic is a NotFoundException", async () => {
  await assert.rejects(
    sns.send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:missing", Message: "m" })),
    (err) => err instanceof NotFoundException && err.message === "Topic does not exist" && err.$metadata.httpStatusCode === 404,
  );
});
