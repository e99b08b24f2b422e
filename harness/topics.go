package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/faults"
	"github.com/sqsharness/sqsharness/internal/exempt"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// SNS returns an SNS client of the backend: the mock's own in process (Mock.SNS), else
// aws-sdk-go-v2's *sns.Client on the SQS client's endpoint, region and credentials, under the
// fault plan's rules on SNS's operations (faults.WithSNSPlan) on backends other than the mock and
// its server. ElasticMQ has no SNS: the test is skipped there.
func (h *H) SNS() sqsmock.SNSAPI {
	h.t.Helper()
	return h.snsClient(true)
}

// snsClient is the test's SNS client (faulted) or the harness's own, made once each.
func (h *H) snsClient(faulted bool) sqsmock.SNSAPI {
	h.t.Helper()
	switch {
	case h.backend == backendMock:
		return h.mock.SNS()
	case h.backend == backendElasticMQ:
		h.t.Skip("harness: ElasticMQ has no SNS; run the test on the mock, the server, LocalStack, moto or AWS")
	}
	h.snsMu.Lock()
	defer h.snsMu.Unlock()
	c := &h.snsOwn
	if faulted {
		c = &h.snsAPI
	}
	if *c == nil {
		o := h.sqsOptions
		var fns []func(*sns.Options)
		if faulted && h.plan != nil && h.backend != backendServer { // the server's mock has the plan itself
			fns = append(fns, faults.WithSNSPlan(h.plan))
		}
		*c = sns.New(sns.Options{Region: o.Region, BaseEndpoint: o.BaseEndpoint, Credentials: o.Credentials, HTTPClient: o.HTTPClient,
			RetryMaxAttempts: o.RetryMaxAttempts, RetryMode: o.RetryMode}, fns...)
	}
	return *c
}

// Topic creates a uniquely named SNS topic with the given attributes (nil for none) and deletes
// it when the test ends; a name ending in ".fifo" makes a FIFO topic (FifoTopic=true is added).
// It returns the topic's ARN.
func (h *H) Topic(name string, attrs map[string]string) string {
	h.t.Helper()
	fifo := isFIFO(name)
	a := maps.Clone(attrs)
	if a == nil {
		a = map[string]string{}
	}
	if fifo {
		a["FifoTopic"] = "true"
	}
	c := h.snsClient(false)
	out, err := c.CreateTopic(h.ownCtx(), &sns.CreateTopicInput{Name: aws.String(h.UniqueName(name, fifo)), Attributes: a})
	require.NoError(h.t, err, "CreateTopic %s", name)
	arn := aws.ToString(out.TopicArn)
	h.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = c.DeleteTopic(exempt.With(ctx), &sns.DeleteTopicInput{TopicArn: aws.String(arn)})
	})
	return arn
}

// Subscribe subscribes the queue at queueURL to the topic with the given attributes (e.g.
// RawMessageDelivery, FilterPolicy), after adding to the queue's policy the statement SNS needs
// to send to it: sqs:SendMessage for sns.amazonaws.com with aws:SourceArn the topic, which AWS
// requires even in the queue's own account. It returns the subscription's ARN.
func (h *H) Subscribe(topicARN, queueURL string, attrs map[string]string) string {
	h.t.Helper()
	queueARN := h.QueueARN(queueURL)
	h.SetAttributes(queueURL, map[string]string{"Policy": h.policyWith(queueURL, snsStatement(queueARN, topicARN))})
	out, err := h.snsClient(false).Subscribe(h.ownCtx(), &sns.SubscribeInput{TopicArn: aws.String(topicARN), Protocol: aws.String("sqs"),
		Endpoint: aws.String(queueARN), Attributes: attrs, ReturnSubscriptionArn: true})
	require.NoError(h.t, err, "Subscribe %s to %s", queueARN, topicARN)
	return aws.ToString(out.SubscriptionArn)
}

// snsStatement is the queue policy statement that lets a topic send to a queue.
func snsStatement(queueARN, topicARN string) map[string]any {
	return map[string]any{"Sid": "sns-" + topicARN[strings.LastIndex(topicARN, ":")+1:], "Effect": "Allow",
		"Principal": map[string]any{"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": queueARN,
		"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": topicARN}}}
}

// policyWith is the queue's policy with one more statement (a new policy when it has none).
func (h *H) policyWith(queueURL string, statement map[string]any) string {
	h.t.Helper()
	doc := map[string]any{"Version": "2012-10-17"}
	if p := h.attribute(queueURL, "Policy"); p != "" {
		require.NoError(h.t, json.Unmarshal([]byte(p), &doc), "the queue's Policy %s", p)
	}
	var statements []any
	switch st := doc["Statement"].(type) {
	case []any:
		statements = st
	case map[string]any:
		statements = []any{st}
	case nil:
	default:
		require.Fail(h.t, fmt.Sprintf("the queue's policy has a Statement of type %T", st))
	}
	doc["Statement"] = append(statements, statement)
	b, err := json.Marshal(doc)
	require.NoError(h.t, err)
	return string(b)
}
