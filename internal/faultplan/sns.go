package faultplan

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/sqsharness/sqsharness/internal/msgattr"
	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// WithSNSPlan is an sns.Options function that adds the client placement of p to an *sns.Client:
// the per-attempt kinds (Error, Throttle, Latency, the resets, Timeout) on SNS's operations, and
// PartialBatchFailure on PublishBatch. SNS's deliveries into queues happen inside SNS, out of a
// client's reach: a plan with DuplicateDelivery or DelayedVisibility on Publish fails every call
// with that error. Give it once per client.
func WithSNSPlan(p *Plan) func(*sns.Options) {
	mw := orFailing(newPlacement(p, func(s *clientState) (middleware.InitializeMiddleware, *attemptMiddleware) {
		return &snsInitialize{s}, &attemptMiddleware{s: s, errorResponse: s.snsErrorResponse}
	}))
	return func(o *sns.Options) { o.APIOptions = append(o.APIOptions, mw) }
}

// SNSTopic is the topic an SNS request acts on, as an ARN (the topic of a subscription's ARN;
// the name alone for CreateTopic; "" for the lists of every topic): where a rule's queue pattern
// looks on SNS's operations.
func SNSTopic(params any) string {
	rv := reflect.ValueOf(params)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return ""
	}
	for _, name := range []string{"TopicArn", "TargetArn", "ResourceArn", "SubscriptionArn", "Name"} {
		f := rv.Elem().FieldByName(name)
		if !f.IsValid() || f.Type() != reflect.TypeFor[*string]() || f.IsNil() {
			continue
		}
		v := f.Elem().String()
		if name == "SubscriptionArn" && strings.Count(v, ":") > 5 { // TOPIC-ARN:ID
			v = v[:strings.LastIndexByte(v, ':')]
		}
		return v
	}
	return ""
}

// SNSCall is the Call of an SNS request: its operation, its topic (ARN and name) and, for
// Publish, its message as published.
func SNSCall(op string, params any) Call {
	topic := SNSTopic(params)
	c := Call{Operation: op, QueueURL: topic, QueueName: topic[strings.LastIndexByte(topic, ':')+1:]}
	if v, ok := params.(*sns.PublishInput); ok && v != nil {
		c.Message = &Message{Body: aws.ToString(v.Message), Attributes: msgattr.SNSStrings(v.MessageAttributes)}
	}
	return c
}

// snsInitialize names the call for the attempt middleware and fails PublishBatch entries.
type snsInitialize struct{ s *clientState }

func (*snsInitialize) ID() string { return CallID }

func (m *snsInitialize) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	call := SNSCall(middleware.GetOperationName(ctx), in.Parameters)
	ctx = middleware.WithStackValue(ctx, callKey{}, call)
	v, ok := in.Parameters.(*sns.PublishBatchInput)
	if !ok || v == nil {
		return next.HandleInitialize(ctx, in)
	}
	p := m.s.plan
	p.mu.Lock()
	call.Now = p.clock.Now()
	var failed []snstypes.BatchResultErrorEntry
	kept := make([]snstypes.PublishBatchRequestEntry, 0, len(v.PublishBatchRequestEntries))
	for _, e := range v.PublishBatchRequestEntries {
		d := p.decideMessage(call, Message{EntryID: aws.ToString(e.Id), Body: aws.ToString(e.Message), Attributes: msgattr.SNSStrings(e.MessageAttributes)},
			publishEntryKinds)
		if d.Fail != nil {
			failed = append(failed, snstypes.BatchResultErrorEntry{Id: e.Id, Code: aws.String(d.Fail.Code), Message: aws.String(d.Fail.Message), SenderFault: !d.Fail.Server})
			continue
		}
		kept = append(kept, e)
	}
	p.mu.Unlock()
	if len(failed) == 0 {
		return next.HandleInitialize(ctx, in)
	}
	if len(kept) == 0 { // nothing left to send: SNS is not called
		return middleware.InitializeOutput{Result: &sns.PublishBatchOutput{Successful: []snstypes.PublishBatchResultEntry{}, Failed: failed}}, middleware.Metadata{}, nil
	}
	cp := *v
	cp.PublishBatchRequestEntries = kept
	in.Parameters = &cp
	out, md, err := next.HandleInitialize(ctx, in)
	if res, ok := out.Result.(*sns.PublishBatchOutput); ok && err == nil && res != nil {
		res.Failed = append(res.Failed, failed...)
	}
	return out, md, err
}

// snsErrorResponse is the HTTP response SNS sends for e in its Query protocol's XML.
func (s *clientState) snsErrorResponse(e *sqserr.Error) *http.Response {
	var b bytes.Buffer
	b.WriteString(`<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>`)
	b.WriteString(e.Fault())
	b.WriteString(`</Type><Code>`)
	_ = xml.EscapeText(&b, []byte(e.Code))
	b.WriteString(`</Code><Message>`)
	_ = xml.EscapeText(&b, []byte(e.Message))
	id := fmt.Sprintf("fa017500-0000-4000-8000-%012d", s.ids.Add(1))
	b.WriteString(`</Message></Error><RequestId>` + id + `</RequestId></ErrorResponse>`)
	h := http.Header{}
	h.Set("Content-Type", "text/xml")
	h.Set("X-Amzn-Requestid", id)
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	return &http.Response{Status: fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status)), StatusCode: e.Status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h, Body: io.NopCloser(&b), ContentLength: int64(b.Len())}
}
