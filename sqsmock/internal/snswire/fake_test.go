package snswire

import (
	"context"
	"net/http/httptest"
	"reflect"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// fake is a backend that records each call's input and answers with canned outputs or errors.
type fake struct {
	mu    sync.Mutex
	calls []call
	outs  map[string]any   // op → *sns.XOutput
	errs  map[string]error // op → error
	// discard keeps no calls (for fuzzing).
	discard bool
}

type call struct {
	op     string
	in     any
	region string // from optFns
}

func newFake() *fake { return &fake{outs: map[string]any{}, errs: map[string]error{}} }

// last returns the input of the last call, which must be of op.
func (f *fake) last(t *testing.T, op string) any {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		t.Fatalf("no call, want %s", op)
	}
	c := f.calls[len(f.calls)-1]
	if c.op != op {
		t.Fatalf("last call %s, want %s", c.op, op)
	}
	return c.in
}

func (f *fake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func record[I, O any](f *fake, op string, in *I, optFns []func(*sns.Options)) (*O, error) {
	var o sns.Options
	for _, fn := range optFns {
		fn(&o)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.discard {
		f.calls = append(f.calls, call{op: op, in: in, region: o.Region})
	}
	if err := f.errs[op]; err != nil {
		return nil, err
	}
	out, _ := f.outs[op].(*O)
	return out, nil
}

func (f *fake) CreateTopic(_ context.Context, in *sns.CreateTopicInput, o ...func(*sns.Options)) (*sns.CreateTopicOutput, error) {
	return record[sns.CreateTopicInput, sns.CreateTopicOutput](f, "CreateTopic", in, o)
}
func (f *fake) DeleteTopic(_ context.Context, in *sns.DeleteTopicInput, o ...func(*sns.Options)) (*sns.DeleteTopicOutput, error) {
	return record[sns.DeleteTopicInput, sns.DeleteTopicOutput](f, "DeleteTopic", in, o)
}
func (f *fake) GetTopicAttributes(_ context.Context, in *sns.GetTopicAttributesInput, o ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	return record[sns.GetTopicAttributesInput, sns.GetTopicAttributesOutput](f, "GetTopicAttributes", in, o)
}
func (f *fake) SetTopicAttributes(_ context.Context, in *sns.SetTopicAttributesInput, o ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error) {
	return record[sns.SetTopicAttributesInput, sns.SetTopicAttributesOutput](f, "SetTopicAttributes", in, o)
}
func (f *fake) ListTopics(_ context.Context, in *sns.ListTopicsInput, o ...func(*sns.Options)) (*sns.ListTopicsOutput, error) {
	return record[sns.ListTopicsInput, sns.ListTopicsOutput](f, "ListTopics", in, o)
}
func (f *fake) Subscribe(_ context.Context, in *sns.SubscribeInput, o ...func(*sns.Options)) (*sns.SubscribeOutput, error) {
	return record[sns.SubscribeInput, sns.SubscribeOutput](f, "Subscribe", in, o)
}
func (f *fake) Unsubscribe(_ context.Context, in *sns.UnsubscribeInput, o ...func(*sns.Options)) (*sns.UnsubscribeOutput, error) {
	return record[sns.UnsubscribeInput, sns.UnsubscribeOutput](f, "Unsubscribe", in, o)
}
func (f *fake) GetSubscriptionAttributes(_ context.Context, in *sns.GetSubscriptionAttributesInput, o ...func(*sns.Options)) (*sns.GetSubscriptionAttributesOutput, error) {
	return record[sns.GetSubscriptionAttributesInput, sns.GetSubscriptionAttributesOutput](f, "GetSubscriptionAttributes", in, o)
}
func (f *fake) SetSubscriptionAttributes(_ context.Context, in *sns.SetSubscriptionAttributesInput, o ...func(*sns.Options)) (*sns.SetSubscriptionAttributesOutput, error) {
	return record[sns.SetSubscriptionAttributesInput, sns.SetSubscriptionAttributesOutput](f, "SetSubscriptionAttributes", in, o)
}
func (f *fake) ListSubscriptions(_ context.Context, in *sns.ListSubscriptionsInput, o ...func(*sns.Options)) (*sns.ListSubscriptionsOutput, error) {
	return record[sns.ListSubscriptionsInput, sns.ListSubscriptionsOutput](f, "ListSubscriptions", in, o)
}
func (f *fake) ListSubscriptionsByTopic(_ context.Context, in *sns.ListSubscriptionsByTopicInput, o ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	return record[sns.ListSubscriptionsByTopicInput, sns.ListSubscriptionsByTopicOutput](f, "ListSubscriptionsByTopic", in, o)
}
func (f *fake) Publish(_ context.Context, in *sns.PublishInput, o ...func(*sns.Options)) (*sns.PublishOutput, error) {
	return record[sns.PublishInput, sns.PublishOutput](f, "Publish", in, o)
}
func (f *fake) PublishBatch(_ context.Context, in *sns.PublishBatchInput, o ...func(*sns.Options)) (*sns.PublishBatchOutput, error) {
	return record[sns.PublishBatchInput, sns.PublishBatchOutput](f, "PublishBatch", in, o)
}
func (f *fake) TagResource(_ context.Context, in *sns.TagResourceInput, o ...func(*sns.Options)) (*sns.TagResourceOutput, error) {
	return record[sns.TagResourceInput, sns.TagResourceOutput](f, "TagResource", in, o)
}
func (f *fake) UntagResource(_ context.Context, in *sns.UntagResourceInput, o ...func(*sns.Options)) (*sns.UntagResourceOutput, error) {
	return record[sns.UntagResourceInput, sns.UntagResourceOutput](f, "UntagResource", in, o)
}
func (f *fake) ListTagsForResource(_ context.Context, in *sns.ListTagsForResourceInput, o ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error) {
	return record[sns.ListTagsForResourceInput, sns.ListTagsForResourceOutput](f, "ListTagsForResource", in, o)
}

var _ API = (*fake)(nil)

// testRequestID is the request id of every test response.
const testRequestID = "0e32add2-6c2b-523b-9edb-e2135d7f6fed"

// serve starts a server for NewHandler over a new fake and returns both.
func serve(t testing.TB) (*fake, *httptest.Server) {
	t.Helper()
	f := newFake()
	return f, serveBackend(t, f)
}

// serveBackend starts a server for NewHandler over b.
func serveBackend(t testing.TB, b API) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(NewHandler(b, func() string { return testRequestID }))
	t.Cleanup(srv.Close)
	return srv
}

// client is a real aws-sdk-go-v2 SNS client for srv, without retries.
func client(srv *httptest.Server) *sns.Client {
	return sns.New(sns.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   srv.Client(),
	})
}

// texts are strings that exercise the escapes of both directions: form encoding and XML.
var texts = []string{
	`plain`,
	`<&>"' ]]> entity &amp; not`,
	"tab\there\nnew line\r\ncrlf\rcr",
	"ünïcödé 日本語 🎉 \u2028 \u00a0",
	`{"default":"x","sqs":"{\"a\":1}"}`,
	" leading and trailing spaces ",
	"+%2B=&;#?/\\",
	"",
}

// fill sets every exported field of the value v points to (pointers, strings, bools, integers,
// blobs, lists of two, maps of two), so a round trip shows every member is carried; seed varies
// the values.
func fill(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), seed)
		v.Set(p)
	case reflect.String:
		v.SetString(texts[*seed%len(texts)] + "#" + strconv.Itoa(*seed))
	case reflect.Bool:
		v.SetBool(*seed%2 == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*seed))
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte{0, 0xff, byte(*seed), '<', '&'})
			return
		}
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), seed)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for i := range 2 {
			k := reflect.New(v.Type().Key()).Elem()
			k.SetString("key " + strconv.Itoa(i) + " " + texts[(*seed+i)%len(texts)])
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, seed)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for _, f := range fieldsOf(v.Type()) {
			fill(v.FieldByIndex(f.Index), seed)
		}
	}
}
