package faults

import (
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// WithPlan places p on an *sqs.Client, against any backend: sqs.NewFromConfig(cfg,
// faults.WithPlan(plan)). Give it once per client (the placement holds the messages it delays).
// If p has a rule this placement cannot honour, every call fails with that error.
func WithPlan(p *Plan) func(*sqs.Options) { return faultplan.WithPlan((*faultplan.Plan)(p)) }

// WithSNSPlan places p's rules on SNS's operations on an *sns.Client, against any backend:
// errors, throttling, latency, resets and timeouts per attempt, and failed PublishBatch entries.
// SNS's deliveries into queues are out of a client's reach: only sqsmock duplicates or delays
// them, and a plan with such a rule fails every call of the client with that error.
func WithSNSPlan(p *Plan) func(*sns.Options) { return faultplan.WithSNSPlan((*faultplan.Plan)(p)) }
