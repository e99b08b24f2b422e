// @aws-sdk/client-sqs against an SQS endpoint (the sqsmock server), as a node --test program.
//
//   SQSMOCK_ENDPOINT=http://127.0.0.1:9324 SQSMOCK_NODE_CLIENT_DIR=.ci/clients/node \
//     node --test e2e/clients/node/sqsmock.test.mjs
//
// The SDK is loaded from SQSMOCK_NODE_CLIENT_DIR (where .ci/peers/install.sh node puts it). The SDK
// itself verifies the body MD5s of SendMessage, SendMessageBatch and ReceiveMessage (its
// middleware-sdk-sqs); the tests check those and MD5OfMessageAttributes against their own digests.
// With SQSMOCK_SIGV4="KEY:SECRET" (an endpoint that verifies signatures) every test signs with
// those credentials and the signature tests run too. Run by e2e/clients/clients_test.go.
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, describe, test } from "node:test";

const endpoint = process.env.SQSMOCK_ENDPOINT;
const clientDir = path.resolve(process.env.SQSMOCK_NODE_CLIENT_DIR ?? ".ci/clients/node");
const require = createRequire(path.join(clientDir, "package.json"));
const sdk = require("@aws-sdk/client-sqs");
const {
  SQSClient,
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  SendMessageCommand,
  SendMessageBatchCommand,
  ReceiveMessageCommand,
  DeleteMessageCommand,
  DeleteMessageBatchCommand,
  ChangeMessageVisibilityCommand,
  TagQueueCommand,
  ListQueueTagsCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
} = sdk;

if (!endpoint) throw new Error("SQSMOCK_ENDPOINT not set");

// With SQSMOCK_SIGV4="KEY:SECRET" every test signs with those credentials.
const sigv4 = process.env.SQSMOCK_SIGV4;
const [defaultKey, defaultSecret] = sigv4 ? sigv4.split(":") : ["test", "test"];
const client = (accessKeyId = defaultKey, secretAccessKey = defaultSecret, extra = {}) =>
  new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, ...extra });
const sqs = client();

const md5 = (b) => createHash("md5").update(b).digest("hex");
const unique = (p = "js") => `${p}-${randomUUID().slice(0, 12)}`;

// MD5OfMessageAttributes as AWS computes it.
function md5OfAttributes(attrs) {
  const parts = [];
  const lp = (b) => {
    const n = Buffer.alloc(4);
    n.writeUInt32BE(b.length);
    parts.push(n, b);
  };
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name];
    lp(Buffer.from(name));
    lp(Buffer.from(a.DataType));
    if (a.DataType.startsWith("Binary")) {
      parts.push(Buffer.from([2]));
      lp(Buffer.from(a.BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      lp(Buffer.from(a.StringValue));
    }
  }
  return md5(Buffer.concat(parts));
}

const queues = [];
async function newQueue(name = unique(), Attributes = {}) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  queues.push(QueueUrl);
  return QueueUrl;
}
after(async () => {
  for (const QueueUrl of queues) await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => {});
});

async function counts(QueueUrl) {
  const { Attributes: a } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible)];
}

// rejects runs fn and checks the error it throws: its Code as the SDK reports it and HTTP status.
async function rejects(fn, code, status, cls) {
  let err;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${code}, got success`);
  assert.equal(err.Code ?? err.name, code, `${err.name}: ${err.message}`);
  assert.equal(err.$metadata?.httpStatusCode, status);
  if (cls) assert.ok(err instanceof cls, `${err.name} is not a ${cls.name}`);
  return err;
}

describe("messages", () => {
  test("send, receive, delete", async () => {
    const QueueUrl = await newQueue();
    assert.ok(QueueUrl.startsWith(`${endpoint}/`), QueueUrl);
    const body = "hello from node \u00e9\u4e16 <&>";
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    assert.equal(sent.MD5OfMessageBody, md5(body));
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["All"] }),
    );
    assert.equal(got.Messages?.length, 1);
    const m = got.Messages[0];
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, body);
    assert.equal(m.MD5OfBody, md5(body));
    assert.equal(m.Attributes.ApproximateReceiveCount, "1");
    assert.deepEqual(await counts(QueueUrl), [0, 1]);
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(again.Messages?.length ?? 0, 0, "in flight: not received again");
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    assert.deepEqual(await counts(QueueUrl), [0, 0]);
  });

  test("change visibility makes a message receivable again", async () => {
    const QueueUrl = await newQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "again" }));
    const [m] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages;
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    const [m2] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["ApproximateReceiveCount"] })))
      .Messages;
    assert.equal(m2.MessageId, m.MessageId);
    assert.equal(m2.Attributes.ApproximateReceiveCount, "2");
  });

  test("a long poll wakes when a message arrives", async () => {
    const QueueUrl = await newQueue();
    const start = Date.now();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
    await new Promise((r) => setTimeout(r, 300));
    await client().send(new SendMessageCommand({ QueueUrl, MessageBody: "wake" }));
    const got = await poll;
    assert.deepEqual(got.Messages.map((m) => m.Body), ["wake"]);
    assert.ok(Date.now() - start < 5000, `took ${Date.now() - start} ms`);
  });
});

describe("attributes", () => {
  const attrs = {
    Foo: { DataType: "String", StringValue: "Bar" },
    N: { DataType: "Number", StringValue: "-42.5e3" },
    B: { DataType: "Binary", BinaryValue: Uint8Array.from({ length: 256 }, (_, i) => i) },
    Custom: { DataType: "String.custom-type", StringValue: "\u4e16" },
    Img: { DataType: "Binary.gif", BinaryValue: Buffer.from("GIF89a\x00\xff", "latin1") },
  };

  test("the known answer for Foo=Bar", async () => {
    assert.equal(md5OfAttributes({ Foo: attrs.Foo }), "ae7155c6026991b6d54b11589678bf9c");
    const QueueUrl = await newQueue();
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x", MessageAttributes: { Foo: attrs.Foo } }));
    assert.equal(sent.MD5OfMessageAttributes, "ae7155c6026991b6d54b11589678bf9c");
  });

  test("String, Number, Binary and custom types round-trip with their MD5s", async () => {
    const QueueUrl = await newQueue();
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "attrs", MessageAttributes: attrs }));
    assert.equal(sent.MD5OfMessageAttributes, md5OfAttributes(attrs));
    const [m] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ["All"] }))).Messages;
    assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(attrs));
    assert.deepEqual(Object.keys(m.MessageAttributes).sort(), Object.keys(attrs).sort());
    for (const [name, want] of Object.entries(attrs)) {
      const got = m.MessageAttributes[name];
      assert.equal(got.DataType, want.DataType, name);
      if (want.BinaryValue) assert.deepEqual(Buffer.from(got.BinaryValue), Buffer.from(want.BinaryValue), name);
      else assert.equal(got.StringValue, want.StringValue, name);
    }
  });

  test("an attribute-name filter returns and digests only those", async () => {
    const QueueUrl = await newQueue();
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "f", MessageAttributes: attrs }));
    const [m] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ["Foo", "B"] }))).Messages;
    assert.deepEqual(Object.keys(m.MessageAttributes).sort(), ["B", "Foo"]);
    assert.equal(m.MD5OfMessageAttributes, md5OfAttributes({ Foo: attrs.Foo, B: attrs.B }));
  });

  test("queue attributes, URL, list and tags", async () => {
    const name = unique();
    const QueueUrl = await newQueue(name, { VisibilityTimeout: "45", DelaySeconds: "2" });
    const { Attributes: a } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
    assert.equal(a.VisibilityTimeout, "45");
    assert.equal(a.DelaySeconds, "2");
    assert.equal(a.QueueArn, `arn:aws:sqs:us-east-1:000000000000:${name}`);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: "5" } }));
    const { Attributes: b } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["VisibilityTimeout"] }));
    assert.deepEqual(b, { VisibilityTimeout: "5" });
    assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl, QueueUrl);
    assert.deepEqual((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: name }))).QueueUrls, [QueueUrl]);
    await sqs.send(new TagQueueCommand({ QueueUrl, Tags: { team: "a" } }));
    assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags, { team: "a" });
  });
});

describe("batch", () => {
  test("send, receive and delete in batches, with a per-entry failure", async () => {
    const QueueUrl = await newQueue();
    const Entries = Array.from({ length: 10 }, (_, i) => ({
      Id: `e${i}`,
      MessageBody: `body-${i}`,
      MessageAttributes: { i: { DataType: "Number", StringValue: String(i) } },
    }));
    const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
    assert.equal(out.Failed?.length ?? 0, 0);
    assert.equal(out.Successful.length, 10);
    for (const s of out.Successful) {
      const i = Number(s.Id.slice(1));
      assert.equal(s.MD5OfMessageBody, md5(`body-${i}`));
      assert.equal(s.MD5OfMessageAttributes, md5OfAttributes(Entries[i].MessageAttributes));
    }
    const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] })))
      .Messages;
    assert.deepEqual(got.map((m) => m.Body).sort(), Entries.map((e) => e.MessageBody).sort());
    const del = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [
          ...got.slice(0, 9).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
          { Id: "bad", ReceiptHandle: "not-a-receipt-handle" },
        ],
      }),
    );
    assert.equal(del.Successful.length, 9);
    assert.deepEqual(
      del.Failed.map((f) => [f.Id, f.Code, f.SenderFault]),
      [["bad", "ReceiptHandleIsInvalid", true]],
    );
    assert.deepEqual(await counts(QueueUrl), [0, 1]);
  });
});

describe("fifo", () => {
  test("order within a group, group locking", async () => {
    const QueueUrl = await newQueue(`${unique()}.fifo`, { FifoQueue: "true", ContentBasedDeduplication: "true" });
    const seqs = [];
    for (const [body, g] of [["a1", "A"], ["b1", "B"], ["a2", "A"], ["b2", "B"], ["a3", "A"]]) {
      const out = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: g }));
      seqs.push(BigInt(out.SequenceNumber));
    }
    assert.deepEqual([...seqs].sort((x, y) => (x < y ? -1 : 1)), seqs);
    const got = (
      await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"] }))
    ).Messages;
    const byGroup = {};
    for (const m of got) (byGroup[m.Attributes.MessageGroupId] ??= []).push(m.Body);
    assert.deepEqual(byGroup, { A: ["a1", "a2", "a3"], B: ["b1", "b2"] });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "a4", MessageGroupId: "A" }));
    const locked = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.equal(locked.Messages?.length ?? 0, 0, "groups with messages in flight are locked");
    for (const m of got) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    const next = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(next.Messages.map((m) => m.Body), ["a4"]);
  });

  test("deduplication by id and by content", async () => {
    const QueueUrl = await newQueue(`${unique()}.fifo`, { FifoQueue: "true", ContentBasedDeduplication: "true" });
    const first = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "one", MessageGroupId: "g", MessageDeduplicationId: "d1" }));
    const dup = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "two", MessageGroupId: "g", MessageDeduplicationId: "d1" }));
    assert.equal(dup.MessageId, first.MessageId);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "three", MessageGroupId: "g" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "three", MessageGroupId: "g" }));
    const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages;
    assert.deepEqual(got.map((m) => m.Body), ["one", "three"]);
  });
});

describe("errors", () => {
  test("nonexistent queue", async () => {
    await rejects(
      () => sqs.send(new GetQueueUrlCommand({ QueueName: unique("missing") })),
      "AWS.SimpleQueueService.NonExistentQueue",
      400,
      QueueDoesNotExist,
    );
    await rejects(
      () => sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/${unique("missing")}`, MessageBody: "x" })),
      "AWS.SimpleQueueService.NonExistentQueue",
      400,
      QueueDoesNotExist,
    );
  });

  test("invalid receipt handle", async () => {
    const QueueUrl = await newQueue();
    const err = await rejects(
      () => sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: "not-a-receipt-handle" })),
      "ReceiptHandleIsInvalid",
      404,
      ReceiptHandleIsInvalid,
    );
    assert.match(err.message, /not-a-receipt-handle/);
  });

  test("oversized message", async () => {
    const QueueUrl = await newQueue();
    const err = await rejects(
      () => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x".repeat(1048577) })),
      "InvalidParameterValue",
      400,
    );
    assert.match(err.message, /Message must be shorter than 1048576 bytes/);
    assert.deepEqual(await counts(QueueUrl), [0, 0]);
  });

  test("empty and oversized batches", async () => {
    const QueueUrl = await newQueue();
    await rejects(() => sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] })), "AWS.SimpleQueueService.EmptyBatchRequest", 400);
    await rejects(() => sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [] })), "AWS.SimpleQueueService.EmptyBatchRequest", 400);
    await rejects(
      () => sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `${i}`, MessageBody: "x" })) })),
      "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
      400,
    );
    assert.deepEqual(await counts(QueueUrl), [0, 0]);
  });
});

describe("sigv4", { skip: sigv4 ? false : "SQSMOCK_SIGV4 not set (the endpoint does not verify signatures)" }, () => {
  let key, secret;
  before(() => ([key, secret] = sigv4.split(":")));

  test("right credentials", async () => {
    const c = client(key, secret);
    const { QueueUrl } = await c.send(new CreateQueueCommand({ QueueName: unique("sig") }));
    await c.send(new SendMessageCommand({ QueueUrl, MessageBody: "signed \u4e16" }));
    const got = await c.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(got.Messages[0].Body, "signed \u4e16");
    await c.send(new DeleteQueueCommand({ QueueUrl }));
  });
  test("wrong secret", async () => {
    await rejects(() => client(key, `${secret}x`).send(new ListQueuesCommand({})), "SignatureDoesNotMatch", 403);
  });
  test("unknown access key", async () => {
    await rejects(() => client("AKIDUNKNOWN", secret).send(new ListQueuesCommand({})), "InvalidClientTokenId", 403);
  });
  test("unsigned", async () => {
    const c = client();
    // Drop the signature after signing: the request goes out with no Authorization header.
    c.middlewareStack.add(
      (next) => async (args) => {
        delete args.request.headers.authorization;
        return next(args);
      },
      { step: "finalizeRequest", priority: "low", name: "dropAuthorization" },
    );
    await rejects(() => c.send(new ListQueuesCommand({})), "MissingAuthenticationToken", 403);
  });
});
