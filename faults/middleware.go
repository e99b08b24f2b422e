package faults

import (
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// WithPlan places p on an *sqs.Client, against any backend: sqs.NewFromConfig(cfg,
// faults.WithPlan(plan)). Give it once per client (the placement holds the messages it delays).
// If p has a rule this placement cannot honour, every call fails with that error.
func WithPlan(p *Plan) func(*sqs.Options) { return faultplan.WithPlan((*faultplan.Plan)(p)) }
