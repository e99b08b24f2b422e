package snswire

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// invoke calls the client method named op with in and returns its output (ResultMetadata
// cleared) and error.
func invoke(t *testing.T, c *sns.Client, op string, in any) (any, error) {
	t.Helper()
	m := reflect.ValueOf(c).MethodByName(op)
	require.True(t, m.IsValid(), op)
	res := m.Call([]reflect.Value{reflect.ValueOf(context.Background()), reflect.ValueOf(in)})
	err, _ := res[1].Interface().(error)
	if err != nil {
		return nil, err
	}
	out := res[0]
	out.Elem().FieldByName("ResultMetadata").Set(reflect.ValueOf(middleware.Metadata{}))
	return out.Interface(), nil
}

// ioTypes returns new pointers to the input and output types of the client method op.
func ioTypes(t *testing.T, op string) (reflect.Value, reflect.Value) {
	t.Helper()
	m, ok := reflect.TypeFor[*sns.Client]().MethodByName(op)
	require.True(t, ok, op)
	return reflect.New(m.Type.In(2).Elem()), reflect.New(m.Type.Out(0).Elem())
}

func opNames() []string {
	names := make([]string, 0, len(operations))
	for n := range operations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Every member of every input and output, filled in, survives a round trip through the real SDK
// client: the backend receives exactly what the client sent, the client decodes exactly what
// the backend answered.
func TestSDKRoundTripEveryMember(t *testing.T) {
	f, srv := serve(t)
	c := client(srv)
	require.Len(t, operations, 16)
	for i, op := range opNames() {
		t.Run(op, func(t *testing.T) {
			in, want := ioTypes(t, op)
			seed := i * 100
			fill(in.Elem(), &seed)
			fill(want.Elem(), &seed)
			want.Elem().FieldByName("ResultMetadata").Set(reflect.ValueOf(middleware.Metadata{}))
			f.outs[op] = want.Interface()

			got, err := invoke(t, c, op, in.Interface())
			require.NoError(t, err)
			assert.Equal(t, in.Interface(), f.last(t, op), "input")
			assert.Equal(t, want.Interface(), got, "output")
		})
	}
}

// A nil output from the backend is an empty one; the SDK still finds its (empty) result.
func TestSDKRoundTripEmptyOutputs(t *testing.T) {
	f, srv := serve(t)
	c := client(srv)
	for _, op := range opNames() {
		t.Run(op, func(t *testing.T) {
			in, want := ioTypes(t, op)
			seed := 0
			fill(in.Elem(), &seed)
			got, err := invoke(t, c, op, in.Interface())
			require.NoError(t, err)
			assert.Equal(t, in.Interface(), f.last(t, op))
			want.Elem().FieldByName("ResultMetadata").Set(reflect.ValueOf(middleware.Metadata{}))
			assert.Equal(t, want.Interface(), got)
		})
	}
}

// The parameters that matter most for SNS, written out: message attributes of each data type
// (binary with every byte value), batch entries with their own attributes, topic attributes and
// tags, tag keys, ReturnSubscriptionArn, empty strings and empty lists.
func TestSDKRoundTripNamedCases(t *testing.T) {
	f, srv := serve(t)
	c := client(srv)
	ctx := context.Background()
	allBytes := make([]byte, 256)
	for i := range allBytes {
		allBytes[i] = byte(i)
	}
	topic := aws.String("arn:aws:sns:eu-west-1:123456789012:orders.fifo")

	t.Run("Publish", func(t *testing.T) {
		in := &sns.PublishInput{
			TopicArn: topic,
			Message:  aws.String(`{"order":"<42> & \"more\""}` + "\n\tend ✓"),
			Subject:  aws.String(""),
			MessageAttributes: map[string]types.MessageAttributeValue{
				"store":          {DataType: aws.String("String"), StringValue: aws.String("ünïcödé 🎉")},
				"price":          {DataType: aws.String("Number"), StringValue: aws.String("-1.5e3")},
				"blob":           {DataType: aws.String("Binary"), BinaryValue: allBytes},
				"list":           {DataType: aws.String("String.Array"), StringValue: aws.String(`["a","b"]`)},
				"custom.type.x":  {DataType: aws.String("Number.float"), StringValue: aws.String("1")},
				"no-value":       {DataType: aws.String("String")},
				"AWS.SNS.x.y_-z": {DataType: aws.String("Binary"), BinaryValue: []byte{}},
			},
			MessageGroupId:         aws.String("g1"),
			MessageDeduplicationId: aws.String("d1"),
			MessageStructure:       aws.String("json"),
		}
		f.outs["Publish"] = &sns.PublishOutput{MessageId: aws.String("567910cd-659e-55d4-8ccb-5aaf14679dc0"), SequenceNumber: aws.String("10000000000000000001")}
		out, err := c.Publish(ctx, in)
		require.NoError(t, err)
		got := f.last(t, "Publish").(*sns.PublishInput)
		// An empty blob is sent as an empty parameter and decodes to an empty, non-nil slice.
		assert.Equal(t, in, got)
		assert.Equal(t, "567910cd-659e-55d4-8ccb-5aaf14679dc0", aws.ToString(out.MessageId))
		assert.Equal(t, "10000000000000000001", aws.ToString(out.SequenceNumber))
	})

	t.Run("PublishBatch", func(t *testing.T) {
		in := &sns.PublishBatchInput{TopicArn: topic}
		for i, id := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"} {
			e := types.PublishBatchRequestEntry{Id: aws.String(id), Message: aws.String("message " + id)}
			if i%2 == 0 {
				e.MessageAttributes = map[string]types.MessageAttributeValue{
					"n":   {DataType: aws.String("Number"), StringValue: aws.String(id)},
					"bin": {DataType: aws.String("Binary"), BinaryValue: []byte{byte(i), 0, 0xff}},
				}
				e.Subject = aws.String("subject " + id)
				e.MessageGroupId = aws.String("g")
				e.MessageDeduplicationId = aws.String("d" + id)
				e.MessageStructure = aws.String("json")
			}
			in.PublishBatchRequestEntries = append(in.PublishBatchRequestEntries, e)
		}
		f.outs["PublishBatch"] = &sns.PublishBatchOutput{
			Successful: []types.PublishBatchResultEntry{{Id: aws.String("1"), MessageId: aws.String("m1"), SequenceNumber: aws.String("s1")}},
			Failed: []types.BatchResultErrorEntry{
				{Id: aws.String("2"), Code: aws.String("InvalidParameter"), Message: aws.String("Invalid parameter: Message"), SenderFault: true},
				{Id: aws.String("3"), Code: aws.String("InternalError"), SenderFault: false},
			},
		}
		out, err := c.PublishBatch(ctx, in)
		require.NoError(t, err)
		assert.Equal(t, in, f.last(t, "PublishBatch"))
		out.ResultMetadata = middleware.Metadata{}
		assert.Equal(t, f.outs["PublishBatch"], out)

		// All entries failed: Successful is an empty list.
		f.outs["PublishBatch"] = &sns.PublishBatchOutput{Successful: []types.PublishBatchResultEntry{},
			Failed: []types.BatchResultErrorEntry{{Id: aws.String("1"), Code: aws.String("x"), SenderFault: true}}}
		out, err = c.PublishBatch(ctx, in)
		require.NoError(t, err)
		assert.Empty(t, out.Successful)
		assert.Len(t, out.Failed, 1)

		// An empty batch is sent as PublishBatchRequestEntries= and arrives as an empty list.
		_, err = c.PublishBatch(ctx, &sns.PublishBatchInput{TopicArn: topic, PublishBatchRequestEntries: []types.PublishBatchRequestEntry{}})
		require.NoError(t, err)
		assert.Equal(t, []types.PublishBatchRequestEntry{}, f.last(t, "PublishBatch").(*sns.PublishBatchInput).PublishBatchRequestEntries)
	})

	t.Run("CreateTopic", func(t *testing.T) {
		in := &sns.CreateTopicInput{
			Name: aws.String("orders.fifo"),
			Attributes: map[string]string{
				"FifoTopic": "true", "ContentBasedDeduplication": "false", "DisplayName": "",
				"Policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"SNS:Publish","Resource":"*"}]}`,
			},
			Tags:                 []types.Tag{{Key: aws.String("team"), Value: aws.String("orders")}, {Key: aws.String("empty"), Value: aws.String("")}},
			DataProtectionPolicy: aws.String("{}"),
		}
		f.outs["CreateTopic"] = &sns.CreateTopicOutput{TopicArn: topic}
		out, err := c.CreateTopic(ctx, in)
		require.NoError(t, err)
		assert.Equal(t, in, f.last(t, "CreateTopic"))
		assert.Equal(t, topic, out.TopicArn)

		// Empty maps are not sent (the SDKs send nothing for them): the backend sees nil.
		_, err = c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("t"), Attributes: map[string]string{}, Tags: []types.Tag{}})
		require.NoError(t, err)
		got := f.last(t, "CreateTopic").(*sns.CreateTopicInput)
		assert.Nil(t, got.Attributes)
		assert.Equal(t, []types.Tag{}, got.Tags)
	})

	t.Run("Subscribe", func(t *testing.T) {
		in := &sns.SubscribeInput{
			TopicArn: topic, Protocol: aws.String("sqs"), Endpoint: aws.String("arn:aws:sqs:eu-west-1:123456789012:q.fifo"),
			Attributes: map[string]string{
				"RawMessageDelivery": "true",
				"FilterPolicy":       `{"store":["example_corp"],"price":[{"numeric":[">",0]}]}`,
				"FilterPolicyScope":  "MessageBody",
				"RedrivePolicy":      `{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:dlq.fifo"}`,
			},
			ReturnSubscriptionArn: true,
		}
		f.outs["Subscribe"] = &sns.SubscribeOutput{SubscriptionArn: aws.String("arn:aws:sns:eu-west-1:123456789012:orders.fifo:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55")}
		out, err := c.Subscribe(ctx, in)
		require.NoError(t, err)
		assert.Equal(t, in, f.last(t, "Subscribe"))
		assert.Equal(t, f.outs["Subscribe"].(*sns.SubscribeOutput).SubscriptionArn, out.SubscriptionArn)
	})

	t.Run("Tags", func(t *testing.T) {
		arn := aws.String("arn:aws:sns:eu-west-1:123456789012:t")
		_, err := c.TagResource(ctx, &sns.TagResourceInput{ResourceArn: arn, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
		require.NoError(t, err)
		_, err = c.UntagResource(ctx, &sns.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"a", "b c", "ü"}})
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "b c", "ü"}, f.last(t, "UntagResource").(*sns.UntagResourceInput).TagKeys)
		f.outs["ListTagsForResource"] = &sns.ListTagsForResourceOutput{Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("")}}}
		out, err := c.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: arn})
		require.NoError(t, err)
		assert.Equal(t, f.outs["ListTagsForResource"].(*sns.ListTagsForResourceOutput).Tags, out.Tags)
	})

	t.Run("Paginators", func(t *testing.T) {
		// The SDK's paginator follows NextToken through the handler.
		pages := map[string]*sns.ListTopicsOutput{
			"":   {Topics: []types.Topic{{TopicArn: aws.String("a")}}, NextToken: aws.String("p2")},
			"p2": {Topics: []types.Topic{{TopicArn: aws.String("b")}}},
		}
		b := &pagingBackend{fake: f, pages: pages}
		srv2 := serveBackend(t, b)
		var arns []string
		p := sns.NewListTopicsPaginator(client(srv2), &sns.ListTopicsInput{})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			require.NoError(t, err)
			for _, tp := range out.Topics {
				arns = append(arns, aws.ToString(tp.TopicArn))
			}
		}
		assert.Equal(t, []string{"a", "b"}, arns)
	})
}

// pagingBackend answers ListTopics by NextToken.
type pagingBackend struct {
	*fake
	pages map[string]*sns.ListTopicsOutput
}

func (b *pagingBackend) ListTopics(_ context.Context, in *sns.ListTopicsInput, _ ...func(*sns.Options)) (*sns.ListTopicsOutput, error) {
	return b.pages[aws.ToString(in.NextToken)], nil
}

// A backend error reaches the SDK client as the typed exception of its code, with its message,
// the HTTP status and the request id.
func TestSDKErrors(t *testing.T) {
	f, srv := serve(t)
	c := client(srv)
	ctx := context.Background()
	// responseError wraps err as the SDK's client (and the mock's in-process client) do.
	responseError := func(status int, err error) error {
		resp := &smithyhttp.Response{Response: &http.Response{StatusCode: status, Header: http.Header{}}}
		return &smithy.OperationError{ServiceID: "SNS", OperationName: "Op", Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: resp, Err: err}, RequestID: "other"}}
	}
	cases := []struct {
		name    string
		err     error
		status  int
		code    string
		msg     string
		typed   any // a pointer to the typed error errors.As must find
		isFault smithy.ErrorFault
	}{
		{"not found wrapped", responseError(404, &types.NotFoundException{Message: aws.String("Topic does not exist")}),
			404, "NotFound", "Topic does not exist", new(*types.NotFoundException), smithy.FaultClient},
		{"not found bare", &types.NotFoundException{Message: aws.String("Topic does not exist")},
			404, "NotFound", "Topic does not exist", new(*types.NotFoundException), smithy.FaultClient},
		{"authorization", &types.AuthorizationErrorException{Message: aws.String("User: arn:aws:iam::1:root is not authorized")},
			403, "AuthorizationError", "User: arn:aws:iam::1:root is not authorized", new(*types.AuthorizationErrorException), smithy.FaultClient},
		{"invalid parameter", responseError(400, &types.InvalidParameterException{Message: aws.String("Invalid parameter: TopicArn")}),
			400, "InvalidParameter", "Invalid parameter: TopicArn", new(*types.InvalidParameterException), smithy.FaultClient},
		{"parameter value invalid", &types.InvalidParameterValueException{Message: aws.String("The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.")},
			400, "ParameterValueInvalid", "The message attribute 'a' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", new(*types.InvalidParameterValueException), smithy.FaultClient},
		{"batch too long", &types.BatchRequestTooLongException{Message: aws.String("The length of all the messages put together is more than the limit.")},
			400, "BatchRequestTooLong", "The length of all the messages put together is more than the limit.", new(*types.BatchRequestTooLongException), smithy.FaultClient},
		{"throttled", &types.ThrottledException{Message: aws.String("Rate exceeded")},
			429, "Throttled", "Rate exceeded", new(*types.ThrottledException), smithy.FaultClient},
		{"internal", &types.InternalErrorException{Message: aws.String("oops")},
			500, "InternalError", "oops", new(*types.InternalErrorException), smithy.FaultServer},
		{"validation", responseError(400, &smithy.GenericAPIError{Code: "ValidationError", Message: "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null", Fault: smithy.FaultClient}),
			400, "ValidationError", "1 validation error detected: Value null at 'attributes' failed to satisfy constraint: Member must not be null", new(*smithy.GenericAPIError), smithy.FaultUnknown},
		{"generic client fault", &smithy.GenericAPIError{Code: "Whatever", Message: "<&>", Fault: smithy.FaultClient},
			400, "Whatever", "<&>", new(*smithy.GenericAPIError), smithy.FaultUnknown},
		{"plain error", errors.New("backend exploded"),
			500, "InternalError", "backend exploded", new(*types.InternalErrorException), smithy.FaultServer},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.errs["GetTopicAttributes"] = tc.err
			_, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String("arn:aws:sns:eu-west-1:1:t")})
			require.Error(t, err)
			require.True(t, errors.As(err, tc.typed), "%T", err)
			var api smithy.APIError
			require.True(t, errors.As(err, &api))
			assert.Equal(t, tc.code, api.ErrorCode())
			assert.Equal(t, tc.msg, api.ErrorMessage())
			if tc.isFault != smithy.FaultUnknown {
				assert.Equal(t, tc.isFault, api.ErrorFault())
			}
			var re *awshttp.ResponseError
			require.True(t, errors.As(err, &re))
			assert.Equal(t, tc.status, re.HTTPStatusCode())
			assert.Equal(t, testRequestID, re.ServiceRequestID())
		})
	}
}

// The region of a signed request's credential scope reaches the backend as an option.
func TestSDKRegionReachesBackend(t *testing.T) {
	f, srv := serve(t)
	c := client(srv)
	_, err := c.ListTopics(context.Background(), &sns.ListTopicsInput{}, func(o *sns.Options) { o.Region = "ap-southeast-2" })
	require.NoError(t, err)
	f.mu.Lock()
	defer f.mu.Unlock()
	assert.Equal(t, "ap-southeast-2", f.calls[len(f.calls)-1].region)
}
