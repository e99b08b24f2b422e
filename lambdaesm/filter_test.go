package lambdaesm_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/lambdaesm"
)

func ok(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	return events.SQSEventResponse{}, nil
}

// bodiesOf lists the bodies of every record the function was invoked with.
func bodiesOf(rep lambdaesm.Report) []string {
	var out []string
	for _, inv := range rep.Invocations {
		out = append(out, inv.Bodies...)
	}
	return out
}

// sendIDs sends the bodies one by one and returns their message IDs.
func sendIDs(h *harness.H, url string, bodies ...string) []string {
	ids := make([]string, len(bodies))
	for i, b := range bodies {
		ids[i] = aws.ToString(h.Send(url, b).MessageId)
	}
	return ids
}

// TestFilterCriteriaAsRecorded: Lambda's SQS event source mapping with one filter, as recorded
// against AWS (LocalStack's test_sqs_event_filter, validated 2025-11): a matching and a
// non-matching message are in the queue, the mapping is created with MaximumBatchingWindow 1 s,
// and AWS invoked the function once with the one matching record and left the queue empty. The
// non-matching message is deleted without an invocation and counted in Report.Filtered.
// Docs: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html ("If none of your filters are satisfied, Lambda discards
// the record."), https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html.
func TestFilterCriteriaAsRecorded(t *testing.T) {
	cases := []struct{ name, pattern, matching, notMatching string }{
		{"single", `{"body": {"my-key": ["my-value"]}}`, `{"my-key": "my-value"}`, `{"my-key": "other-value"}`},
		{"or", `{"body": {"my-key": ["my-value-one", "my-value-two"]}}`, `{"my-key": "my-value-two"}`, `{"my-key": "other-value"}`},
		{"and", `{"body": {"my-key-one": ["other-filter", "my-value-one"], "my-key-two": ["my-value-two"]}}`,
			`{"my-key-one": "my-value-one", "my-key-two": "my-value-two"}`, `{"my-key-one": "other-value-", "my-key-two": "my-value-two"}`},
		{"exists", `{"body": {"my-key": [{"exists": true}]}}`, `{"my-key": "any-value-one"}`, `{"other-key": "any-value-two"}`},
		{"numeric-bigger", `{"body": {"my-number": [{"numeric": [">", 100]}]}}`, `{"my-number": 101}`, `{"my-number": 100}`},
		{"numeric-smaller", `{"body": {"my-number": [{"numeric": ["<", 100]}]}}`, `{"my-number": 99}`, `{"my-number": 100}`},
		{"numeric-range", `{"body": {"my-number": [{"numeric": [">=", 100, "<", 200]}]}}`, `{"my-number": 100}`, `{"my-number": 200}`},
		{"prefix", `{"body": {"my-key": [{"prefix": "yes"}]}}`, `{"my-key": "yes-value"}`, `{"my-key": "no-value"}`},
		{"valid-json-filter", `{"body": {"my-key": ["my-value"]}}`, `{"my-key": "my-value"}`, `plain-string`},
	}
	everyBackend(t, func(t *testing.T, h *harness.H) {
		vis, timeout := vt(h)
		for _, c := range cases {
			url := h.Queue("filter-"+c.name, map[string]string{"VisibilityTimeout": vis})
			ids := sendIDs(h, url, c.matching, c.notMatching)
			rep, crep := run(h, url, harness.Expect{Bodies: []string{c.matching, c.notMatching}, DeadLettered: []string{}},
				lambdaesm.Config{MaximumBatchingWindowInSeconds: 1, FunctionTimeoutSeconds: timeout, FilterPatterns: []string{c.pattern}}, ok)
			if assert.Len(t, rep.Invocations, 1, c.name) {
				assert.Equal(t, []string{ids[0]}, rep.Invocations[0].MessageIDs, "%s: one invocation with the one matching record", c.name)
				assert.Equal(t, []string{c.matching}, rep.Invocations[0].Bodies, c.name)
			}
			assert.Equal(t, []string{ids[1]}, rep.Filtered, "%s: the other deleted without an invocation", c.name)
			assert.Equal(t, []string{ids[0]}, rep.Deleted, c.name)
			assert.Equal(t, map[string]int{ids[0]: 1}, rep.Receives, c.name)
			assert.ElementsMatch(t, []string{c.matching, c.notMatching}, crep.Deleted, "%s: both deleted, the queue is empty", c.name)
			assert.Zero(t, crep.Left, c.name)
			assert.Contains(t, rep.String(), ", 1 deleted, 1 filtered out,", c.name)
		}
	})
}

// TestInvalidFilterPatternsAreRefused: the patterns CreateEventSourceMapping was recorded
// refusing (LocalStack's test_sqs_invalid_event_filter, validated 2025-11: the Pattern null,
// "simple string", {"eventSource": "aws:sqs"}, {"eventSource": []}) and others of the same kind
// fail New with InvalidParameterValueException "Invalid filter pattern definition.", the error
// saying which pattern and why; more patterns than the quota, and a pattern over 4,096
// characters, are refused too.
// Docs: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html (five filters by default, up to 10 on request),
// https://docs.aws.amazon.com/lambda/latest/api/API_Filter.html (Pattern "Maximum length of 4096").
func TestInvalidFilterPatternsAreRefused(t *testing.T) {
	mockOnly(t, func(t *testing.T, h *harness.H) {
		url := h.Queue("invalid-filters", map[string]string{"VisibilityTimeout": "30"})
		valid := `{"body": {"a": ["1"]}}`
		for _, c := range []struct {
			patterns []string
			why      string
		}{
			{[]string{`null`}, "FilterPatterns[0]: invalid event pattern: Filter is not an object"},
			{[]string{`simple string`}, "FilterPatterns[0]: invalid event pattern: not valid JSON"},
			{[]string{`{"eventSource": "aws:sqs"}`}, `FilterPatterns[0]: invalid event pattern: "eventSource" must be an object or an array`},
			{[]string{`{"eventSource": []}`}, "FilterPatterns[0]: invalid event pattern: Empty arrays are not allowed"},
			{[]string{valid, ``}, "FilterPatterns[1]: invalid event pattern: unexpected end of the pattern"},
			{[]string{valid, `{"body": {"a": [{"numeric": [">", 5, "<", 1]}]}}`}, "FilterPatterns[1]: invalid event pattern: Bottom must be less than top"},
			{[]string{`{"body": {"a": [{"wildcard": "x*"}]}}`}, "Unrecognized match type wildcard"},
		} {
			_, err := lambdaesm.New(h.Ctx(), h.Client(), lambdaesm.Config{QueueURL: url, FilterPatterns: c.patterns}, ok)
			require.Error(t, err, c.patterns)
			assert.Equal(t, "InvalidParameterValueException: Invalid filter pattern definition.", apiCode(t, err), c.patterns)
			assert.Contains(t, err.Error(), c.why)
		}

		six := slices.Repeat([]string{valid}, 6)
		_, err := lambdaesm.New(h.Ctx(), h.Client(), lambdaesm.Config{QueueURL: url, FilterPatterns: six[:5]}, ok)
		assert.NoError(t, err, "five filters, the default quota")
		_, err = lambdaesm.New(h.Ctx(), h.Client(), lambdaesm.Config{QueueURL: url, FilterPatterns: six}, ok)
		assert.Equal(t, "InvalidParameterValueException: The number of filters (6) exceeds the quota of 5 filters per event source mapping.", apiCode(t, err))
		_, err = lambdaesm.New(h.Ctx(), h.Client(), lambdaesm.Config{QueueURL: url, FilterPatterns: six, MaxFilterPatterns: 10}, ok)
		assert.NoError(t, err, "a raised quota")
		_, err = lambdaesm.New(h.Ctx(), h.Client(), lambdaesm.Config{QueueURL: url, FilterPatterns: six, MaxFilterPatterns: 11}, ok)
		assert.EqualError(t, err, "lambdaesm: MaxFilterPatterns 11: the quota of filters per event source mapping is 5 by default and at most 10")

		long := `{"body": {"a": ["` + strings.Repeat("x", 4096-len(`{"body": {"a": [""]}}`)) + `"]}}`
		require.Len(t, long, 4096)
		_, err = lambdaesm.New(h.Ctx(), h.Client(), lambdaesm.Config{QueueURL: url, FilterPatterns: []string{long}}, ok)
		assert.NoError(t, err, "4,096 characters")
		_, err = lambdaesm.New(h.Ctx(), h.Client(), lambdaesm.Config{QueueURL: url, FilterPatterns: []string{valid, long + " "}}, ok)
		assert.Equal(t, "ValidationException: 1 validation error detected: Value '"+long+" ' at 'filterCriteria.filters.2.member.pattern' failed to satisfy constraint: Member must have length less than or equal to 4096", apiCode(t, err))
	})
}

// TestQueueThatDoesNotExist: CreateEventSourceMapping on a queue that does not exist answers,
// as recorded against AWS (LocalStack's test_esm_with_not_existing_sqs_queue, validated
// 2025-11), InvalidParameterValueException "Error occurred while ReceiveMessage. SQS Error Code:
// AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not
// exist."; the SQS error stays reachable with errors.As.
func TestQueueThatDoesNotExist(t *testing.T) {
	everyBackend(t, func(t *testing.T, h *harness.H) {
		url := h.Queue("exists", nil)
		missing := url[:strings.LastIndex(url, "/")+1] + "not-existing-queue"
		_, err := lambdaesm.New(h.Ctx(), h.Client(), lambdaesm.Config{QueueURL: missing}, ok)
		require.Error(t, err)
		var ae smithy.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "InvalidParameterValueException", ae.ErrorCode())
		// LocalStack and ElasticMQ answer with the same message text as SQS, so the whole text holds
		// on every backend.
		assert.Equal(t, "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.", ae.ErrorMessage())
		var qne *types.QueueDoesNotExist
		assert.ErrorAs(t, err, &qne, "the SQS error is wrapped")
	})
	t.Run("not an SQS error", func(t *testing.T) {
		boom := errors.New("connection refused")
		_, err := lambdaesm.New(context.Background(), failingClient{err: boom}, lambdaesm.Config{QueueURL: "http://localhost:1/000000000000/q"}, ok)
		assert.ErrorIs(t, err, boom)
		var ae smithy.APIError
		assert.False(t, errors.As(err, &ae), "a network error is not Lambda's answer")
	})
}

// failingClient fails every call with err.
type failingClient struct {
	lambdaesm.Client
	err error
}

func (c failingClient) GetQueueAttributes(context.Context, *sqs.GetQueueAttributesInput, ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	return nil, c.err
}

// TestFilterOperatorsThroughTheMapping: each operator of the guide's filter rule syntax, on the
// message body as the mapping sees it: the records that match are passed to the function, the
// others deleted without an invocation.
// Docs: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
func TestFilterOperatorsThroughTheMapping(t *testing.T) {
	for _, c := range []struct {
		name     string
		patterns []string
		kept     []string
		dropped  []string
	}{
		{"null", []string{`{"body": {"UserID": [null]}}`}, []string{`{"UserID": null}`}, []string{`{"UserID": "u1"}`, `{}`}},
		{"empty", []string{`{"body": {"LastName": [""]}}`}, []string{`{"LastName": ""}`}, []string{`{"LastName": "Doe"}`}},
		{"equals", []string{`{"body": {"Name": ["Alice"]}}`}, []string{`{"Name": "Alice"}`}, []string{`{"Name": "alice"}`}},
		{"equals-ignore-case", []string{`{"body": {"Name": [{"equals-ignore-case": "alice"}]}}`}, []string{`{"Name": "ALICE"}`}, []string{`{"Name": "Bob"}`}},
		{"and", []string{`{"body": {"Location": ["New York"], "Day": ["Monday"]}}`},
			[]string{`{"Location": "New York", "Day": "Monday"}`}, []string{`{"Location": "New York", "Day": "Friday"}`}},
		{"or", []string{`{"body": {"PaymentType": ["Credit", "Debit"]}}`}, []string{`{"PaymentType": "Debit"}`}, []string{`{"PaymentType": "Cash"}`}},
		{"$or", []string{`{"body": {"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]}}`},
			[]string{`{"Day": "Monday"}`, `{"Location": "New York"}`}, []string{`{"Location": "Boston", "Day": "Friday"}`}},
		{"anything-but", []string{`{"body": {"Weather": [{"anything-but": ["Raining"]}]}}`}, []string{`{"Weather": "Sunny"}`}, []string{`{"Weather": "Raining"}`}},
		{"anything-but prefix", []string{`{"body": {"Region": [{"anything-but": {"prefix": "us-"}}]}}`}, []string{`{"Region": "eu-west-1"}`}, []string{`{"Region": "us-east-1"}`}},
		{"anything-but suffix", []string{`{"body": {"File": [{"anything-but": {"suffix": ".png"}}]}}`}, []string{`{"File": "a.jpg"}`}, []string{`{"File": "a.png"}`}},
		{"numeric equals", []string{`{"body": {"Price": [{"numeric": ["=", 100]}]}}`}, []string{`{"Price": 100.0}`}, []string{`{"Price": 101}`, `{"Price": "100"}`}},
		{"numeric range", []string{`{"body": {"Price": [{"numeric": [">", 10, "<=", 20]}]}}`}, []string{`{"Price": 20}`}, []string{`{"Price": 10}`}},
		{"exists", []string{`{"body": {"ProductName": [{"exists": true}]}}`}, []string{`{"ProductName": "x"}`}, []string{`{"Name": "x"}`}},
		{"does not exist", []string{`{"body": {"ProductName": [{"exists": false}]}}`}, []string{`{"Name": "x"}`}, []string{`{"ProductName": "x"}`}},
		{"prefix", []string{`{"body": {"Region": [{"prefix": "us-"}]}}`}, []string{`{"Region": "us-east-1"}`}, []string{`{"Region": "eu-west-1"}`}},
		{"suffix", []string{`{"body": {"FileName": [{"suffix": ".png"}]}}`}, []string{`{"FileName": "a.png"}`}, []string{`{"FileName": "a.jpg"}`}},
		{"arrays in the body", []string{`{"body": {"tags": ["urgent"]}}`}, []string{`{"tags": ["low", "urgent"]}`}, []string{`{"tags": ["low"]}`, `{"tags": []}`}},
		{"any of several patterns", []string{`{"body": {"kind": ["a"]}}`, `{"body": {"kind": ["b"]}}`},
			[]string{`{"kind": "a"}`, `{"kind": "b"}`}, []string{`{"kind": "c"}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			mockOnly(t, func(t *testing.T, h *harness.H) {
				url := h.Queue("ops", map[string]string{"VisibilityTimeout": "30"})
				all := append(append([]string{}, c.kept...), c.dropped...)
				ids := sendIDs(h, url, all...)
				rep, _ := run(h, url, harness.Expect{Bodies: all, DeadLettered: []string{}},
					lambdaesm.Config{FilterPatterns: c.patterns}, ok)
				assert.ElementsMatch(t, c.kept, bodiesOf(rep))
				assert.ElementsMatch(t, ids[len(c.kept):], rep.Filtered)
			})
		})
	}
}

// TestFilterBodyFormat: the guide's table of body formats. A JSON pattern for body never
// matches a plain-string body, and a plain-string pattern for body never matches a body that is
// valid JSON ("If there is a mismatch, Lambda drops the message"); with both formats matching,
// Lambda filters; without a pattern for body, the check is skipped and the other fields decide.
// Docs: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html ("Properly filtering Amazon SQS messages"),
// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html.
func TestFilterBodyFormat(t *testing.T) {
	for _, c := range []struct {
		name    string
		pattern string
		kept    []string
		dropped []string
	}{
		{"plain string, plain-string pattern", `{"body": ["plain-string"]}`, []string{"plain-string"}, []string{"plain-string-not-matching"}},
		{"plain-string pattern rules", `{"body": [{"prefix": "ord"}, {"suffix": "!"}]}`, []string{"order 1", "hey!"}, []string{"other"}},
		{"valid JSON, plain-string pattern", `{"body": [{"prefix": "{"}, {"exists": true}, {"exists": false}, "\"quoted\"", "42", {"anything-but": "x"}]}`,
			nil, []string{`{"valid-json-key": "plain-string"}`, `"quoted"`, `42`, `[1, 2]`, `null`}},
		{"plain string, JSON pattern", `{"body": {"k": [{"exists": false}]}}`, []string{`{"other": 1}`}, []string{"plain-string", `{"k": "v"`}},
		{"valid JSON, JSON pattern", `{"body": {"k": ["v"]}}`, []string{`{"k": "v"}`, ` {"k": ["v", "w"]} `}, []string{`{"k": "w"}`}},
		{"no pattern for body", `{"attributes": {"ApproximateReceiveCount": ["1"]}}`, []string{"plain-string", `{"k": "v"}`}, nil},
		{"a JSON scalar body under a JSON pattern", `{"body": {"k": [{"exists": false}]}}`, []string{`"quoted"`, `42`}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			mockOnly(t, func(t *testing.T, h *harness.H) {
				url := h.Queue("formats", map[string]string{"VisibilityTimeout": "30"})
				all := append(append([]string{}, c.kept...), c.dropped...)
				ids := sendIDs(h, url, all...)
				rep, _ := run(h, url, harness.Expect{Bodies: all, DeadLettered: []string{}},
					lambdaesm.Config{FilterPatterns: []string{c.pattern}}, ok)
				assert.ElementsMatch(t, c.kept, bodiesOf(rep))
				assert.ElementsMatch(t, ids[len(c.kept):], rep.Filtered)
			})
		})
	}
}

// TestFilterOnRecordFields: a pattern sees the record as the function receives it: its
// attributes and message attributes ("stringValue", "dataType"), and metadata such as
// "eventSource"; on LocalStack and ElasticMQ too.
// Docs: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html (metadata properties are "the fields of the event object").
func TestFilterOnRecordFields(t *testing.T) {
	everyBackend(t, func(t *testing.T, h *harness.H) {
		vis, timeout := vt(h)
		url := h.Queue("fields", map[string]string{"VisibilityTimeout": vis})
		send := func(body, kind string) string {
			return aws.ToString(h.Send(url, body, func(in *sqs.SendMessageInput) {
				if kind != "" {
					in.MessageAttributes = map[string]types.MessageAttributeValue{
						"kind": {DataType: aws.String("String"), StringValue: aws.String(kind)},
						"qty":  {DataType: aws.String("Number"), StringValue: aws.String("3")},
					}
				}
			}).MessageId)
		}
		order := send("order", "order")
		refund := send("refund", "refund")
		bare := send("bare", "")
		rep, _ := run(h, url, harness.Expect{Bodies: []string{"order", "refund", "bare"}, DeadLettered: []string{}},
			lambdaesm.Config{FunctionTimeoutSeconds: timeout, FilterPatterns: []string{
				`{"messageAttributes": {"kind": {"stringValue": ["order"], "dataType": ["String"]}}, "eventSource": ["aws:sqs"], "attributes": {"SenderId": [{"exists": true}]}}`,
			}}, ok)
		assert.Equal(t, []string{"order"}, bodiesOf(rep))
		assert.ElementsMatch(t, []string{refund, bare}, rep.Filtered)
		assert.Equal(t, []string{order}, rep.Deleted)
	})
}

// TestFilteredRecordsDoNotFillTheBatch: with a batching window, the filter applies to each
// receive ("Lambda applies your filter criteria to each new event to determine whether to add it
// to the current batch"): filtered records are deleted at once and take no room in the batch.
// Docs: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
func TestFilteredRecordsDoNotFillTheBatch(t *testing.T) {
	mockOnly(t, func(t *testing.T, h *harness.H) {
		url := h.Queue("window", map[string]string{"VisibilityTimeout": "60"})
		var bodies []string
		for i := range 30 {
			kind := "noise"
			if i%10 == 0 {
				kind = "keep"
			}
			bodies = append(bodies, fmt.Sprintf(`{"kind": %q, "n": %d}`, kind, i))
		}
		h.SendBodies(url, bodies)
		rep, _ := run(h, url, harness.Expect{Bodies: bodies, DeadLettered: []string{}},
			lambdaesm.Config{BatchSize: 3, MaximumBatchingWindowInSeconds: 5, MaximumConcurrency: 2, FilterPatterns: []string{`{"body": {"kind": ["keep"]}}`}}, ok)
		assert.Len(t, rep.Filtered, 27)
		assert.Len(t, bodiesOf(rep), 3)
		for _, b := range bodiesOf(rep) {
			assert.Contains(t, b, `"keep"`)
		}
		assert.Len(t, rep.Deleted, 3)
	})
}

// TestFilterOnAFIFOQueue: on a FIFO queue the filtered records are deleted and the others keep
// their group order.
func TestFilterOnAFIFOQueue(t *testing.T) {
	mockOnly(t, func(t *testing.T, h *harness.H) {
		url := h.Queue("groups.fifo", map[string]string{"VisibilityTimeout": "30"})
		bodies := []string{`{"n": 1}`, `{"n": 2, "skip": true}`, `{"n": 3}`, `{"n": 4, "skip": true}`, `{"n": 5}`}
		h.SendBodies(url, bodies, func(i int, e *types.SendMessageBatchRequestEntry) { e.MessageGroupId = aws.String("g") })
		var calls atomic.Int32
		rep, _ := run(h, url, harness.Expect{Bodies: bodies, DeadLettered: []string{}},
			lambdaesm.Config{BatchSize: 1, FilterPatterns: []string{`{"body": {"skip": [{"exists": false}]}}`}},
			func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
				calls.Add(1)
				return events.SQSEventResponse{}, nil
			})
		assert.Equal(t, []string{`{"n": 1}`, `{"n": 3}`, `{"n": 5}`}, bodiesOf(rep))
		assert.Len(t, rep.Filtered, 2)
		assert.EqualValues(t, 3, calls.Load())
	})
}
