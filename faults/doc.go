// Package faults injects SQS faults deterministically: into sqsmock's engine (and its SNS), and
// into any real *sqs.Client as smithy-go middleware, from one Plan.
//
// A Plan is an ordered list of Rules (toxiproxy's toxics, for SQS). A rule's constructor says
// what happens (Error, Throttle, Latency, ResetBeforeApply, ResetAfterApply, Timeout,
// DuplicateDelivery, DelayedVisibility, FalseEmpty, Reorder, LostDelete, StaleHandleDelete,
// PartialBatchFailure); its builders say what it matches: operations (SDK names such as
// "SendMessage", On), a queue (name or URL, exact or glob, OnQueue), and when it fires (After
// the first matches, at most Times times, with a Probability, inside a Window measured on the
// plan's clock). Rarer settings (a queue regexp, a message predicate, batch entry ids, error
// codes and messages, the latency distribution) go through With(Details{...}). Every firing
// is recorded as an Injection.
//
//	plan, err := faults.NewPlan(42,
//		faults.Error("RequestThrottled").On("ReceiveMessage").Probability(0.2),
//		faults.DuplicateDelivery(0).Probability(0.3),
//		faults.LostDelete().Times(1),
//	)
//
// A new rule fires on every match; a probability is in (0, 1]. Plan files (Parse, Load,
// Plan.String) are flat YAML, or JSON; an omitted probability means 1 and an explicit 0 is
// allowed only on a rule bounded by times or a token bucket (throttle), where it means 1:
//
//	seed: 42
//	rules:
//	  - name: throttle-sends
//	    kind: error
//	    errorCode: RequestThrottled
//	    operations: [SendMessage]
//	    queue: "orders-*"
//	    probability: 0.2
//	  - kind: latency # no probability: every match
//	    latency: 250ms
//	    jitter: 50ms
//
// # Placements
//
// In a harness test, harness.Options.Faults picks the placement for the backend (the engine
// for the mock and its server, the client elsewhere) and applies the plan once.
//
// The engine placement is sqsmock.Options.Faults: the engine asks the plan once per operation
// (once per attempt: the mock's in-process client retries as *sqs.Client does) and once per
// message, and applies what it decides. The client placement is WithPlan(plan) on any
// *sqs.Client, against AWS, LocalStack, ElasticMQ or the mock server. A rule a placement cannot
// honour is rejected with an error: by sqsmock.Options.Faults and Mock.SetFaults, by every call of
// a client given WithPlan, and by Add once the plan is attached to that placement.
//
//	Kind                 Level      Engine (sqsmock.Options.Faults)       Client (WithPlan)
//	-------------------  ---------  ------------------------------------  ---------------------------------------------
//	Error                operation  any operation                         any operation; per attempt, retried as from AWS
//	Throttle             operation  any operation                         any operation; per attempt (retries take tokens)
//	Latency              operation  any operation; waits on the mock clock any operation; per attempt, via the Sleeper
//	ResetBeforeApply     operation  any operation                         any operation; per attempt, nothing sent
//	ResetAfterApply      operation  any operation                         any operation; sent, then reset: retry duplicates
//	Timeout              operation  any operation                         any operation; per attempt (Applied: sent first)
//	FalseEmpty           operation  ReceiveMessage (a long poll waits)    ReceiveMessage (server not called; a long
//	                                                                      poll waits WaitTimeSeconds, Sleeper)
//	Reorder              operation  ReceiveMessage (standard queues)      ReceiveMessage (standard queues; shuffled)
//	LostDelete           message    DeleteMessage, DeleteMessageBatch     DeleteMessage, DeleteMessageBatch (not sent)
//	DuplicateDelivery    message    ReceiveMessage (new receipt handle;   ReceiveMessage (same receipt handle;
//	                                standard queues)                      standard queues)
//	DelayedVisibility    message    SendMessage[Batch], ReceiveMessage,   SendMessage[Batch] (DelaySeconds, whole
//	                                ChangeMessageVisibility[Batch]        seconds), ReceiveMessage (held back)
//	PartialBatchFailure  message    SendMessageBatch, DeleteMessageBatch, the same (failed entries are not sent)
//	                                ChangeMessageVisibilityBatch
//	StaleHandleDelete    message    DeleteMessage, DeleteMessageBatch     DeleteMessage, DeleteMessageBatch (not sent;
//	                                (standard queues)                     handles its own client received)
//
// Message predicates: message-level kinds test each message (batch entry, received message);
// operation-level kinds test the single message of the call, so they must name single-message
// operations (SendMessage; in the engine also DeleteMessage and ChangeMessageVisibility, whose
// message the engine knows). The client placement rejects predicates on operations whose
// requests carry no message body (DeleteMessage, ChangeMessageVisibility and their batches): the
// client cannot see the message there. entryIds apply to message-level kinds only. Attribute
// predicates compare strings, a Binary attribute as the standard base64 of its bytes, the same in
// every placement (see Details.Attributes).
//
// # SNS
//
// In the engine placement a rule may name the operations of sqsmock's SNS (Mock.SNS, and SNS
// over HTTP on the server); a rule that names no operation is SQS's and never meets SNS:
//
//	faults.Error("Throttling").On("Publish").Times(5)            // SNS's "Rate exceeded"
//	faults.ResetAfterApply().On("Publish").Times(1)               // a publish the SDK sends twice
//	faults.DuplicateDelivery(time.Minute).On("Publish")           // a notification delivered twice
//	faults.DelayedVisibility(30*time.Second).On("Publish").OnQueue("billing")
//	faults.PartialBatchFailure().On("PublishBatch")
//
// On an SNS operation a rule's queue pattern matches the topic (ARN or name) and its message
// predicate the message of Publish. The operation-level kinds act on SNS calls as on SQS's, with
// SNS's errors (Throttle: Throttling, HTTP 400; the codes: Throttling, Throttled, InternalError,
// ServiceUnavailable, the KMS codes, AuthorizationError, NotFound, ... see the error when a code
// is wrong); the mock's SNS client retries them as *sns.Client does. DuplicateDelivery and
// DelayedVisibility on Publish or PublishBatch act on each delivery of a published message to a
// subscribed queue: the pattern matches that queue, the predicate the message as published
// (not the envelope), and a duplicate has the same SNS MessageId; FIFO topics deliver once, so
// DuplicateDelivery never fires on them. PartialBatchFailure on PublishBatch fails entries
// before they are published. WithSNSPlan places the rules on SNS's operations on any
// *sns.Client (LocalStack, moto, AWS), all but those on deliveries, which happen inside SNS:
// harness tests with such a rule skip on backends other than the mock and its server.
//
// # Determinism
//
// Each rule draws from its own PCG stream (math/rand/v2), seeded by the plan's seed and the
// rule's name. For a given seed and the same sequence of decisions at the same clock times, a
// plan injects the same faults with the same parameters in the same order. Calls made
// concurrently reach the plan in scheduler order, so a test that needs exact replay makes its
// calls sequentially. Adding a rule does not change the stream of another.
//
// # Error codes
//
// Error, Throttle and PartialBatchFailure name SQS errors by legacy code or JSON shape; the status
// and fault come from the SDK's service/sqs/schemas (for example RequestThrottled 403 and
// ThrottlingException 400, both retried by the SDK's default retryer; OverLimit 403 and
// KmsThrottled, code KMS.ThrottlingException, 400, not retried; InternalError 500 and
// ServiceUnavailable 503, retried). An unknown code is an error when the rule joins a plan.
package faults
