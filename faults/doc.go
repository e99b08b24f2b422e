// Package faults injects SQS faults deterministically: into sqsmock's engine, and into any real
// *sqs.Client as smithy-go middleware, from one Plan.
//
// A Plan is an ordered list of Rules (toxiproxy's toxics, for SQS). A rule matches operations
// (SDK names such as "SendMessage"), a queue (name or URL, exact, glob or regular expression) and
// optionally a message (body substring or regular expression, attribute values); it fires with
// a probability, at most Times times, after the first After matches, inside a window measured
// on the plan's Clock. Its Kind says what happens. Every firing is recorded as an Injection.
//
// A probability is in (0, 1]. A Go Rule states it (Probability: 1 fires on every match), unless
// Times or a token bucket (Throttle) bounds the rule: then Probability 0, the zero value, means 1.
// Any other rule with Probability 0 is rejected rather than read as "always" or "never". In a
// plan file an omitted probability means 1 and an explicit 0 is read as in Go.
//
// Plans are Go values, or JSON/YAML files (ParseJSON, ParseYAML, Load):
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
// In a harness test, harness.WithFaults(plan) picks the placement for the backend (the engine
// for the mock and its server, the client elsewhere) and applies the plan once.
//
// The engine placement is sqsmock.Options.Faults: the engine asks the plan once per operation
// (once per attempt: the mock's in-process client retries as *sqs.Client does) and once per
// message, and applies what it decides. The client
// placement is Middleware(plan) (or WithPlan) in sqs.Options.APIOptions of any *sqs.Client,
// against AWS, LocalStack, ElasticMQ or the mock server. A rule a placement cannot honour is
// rejected with an error by NewMiddleware, by Plan.Validate, and by Add/SetRules once the plan is
// attached to that placement.
//
//	Kind                 Level      Engine (sqsmock.Options.Faults)       Client (Middleware)
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
// every placement (see MessagePredicate).
//
// # Determinism
//
// Each rule draws from its own PCG stream (math/rand/v2), seeded by the plan's seed and the
// rule's name. For a given seed and the same sequence of decisions at the same clock times, a
// plan injects the same faults with the same parameters in the same order; see Plan.
//
// # Error codes
//
// Error, Throttle and PartialBatchFailure name SQS errors by legacy code or JSON shape; the status
// and fault come from the SDK's service/sqs/schemas (for example RequestThrottled 403 and
// ThrottlingException 400, both retried by the SDK's default retryer; OverLimit 403 and
// KmsThrottled, code KMS.ThrottlingException, 400, not retried; InternalError 500 and
// ServiceUnavailable 503, retried). See ErrorCodes and NewServiceError.
package faults
