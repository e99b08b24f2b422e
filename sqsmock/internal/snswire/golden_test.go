package snswire

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// post sends one Query request (form body) to a handler over b, with request id reqID, and
// returns the response.
func post(t *testing.T, b API, reqID string, params url.Values) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "http://sns.eu-west-1.amazonaws.com/", strings.NewReader(params.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	w := httptest.NewRecorder()
	NewHandler(b, func() string { return reqID }).ServeHTTP(w, r)
	return w
}

// fromDocs turns a response example of the SNS API Reference (indented by four spaces, in the
// https: namespace) into SNS's wire format: two-space indentation, the http: namespace AWS
// answers with, and a final newline.
func fromDocs(example string) string {
	example = strings.TrimSpace(example)
	example = strings.Replace(example, `xmlns="https://sns.amazonaws.com/`, `xmlns="http://sns.amazonaws.com/`, 1)
	lead := regexp.MustCompile(`(?m)^( {4})+`)
	example = lead.ReplaceAllStringFunc(example, func(s string) string { return s[:len(s)/2] })
	return example + "\n"
}

// The response examples of the SNS API Reference (docs.aws.amazon.com/sns/latest/api,
// "Examples" sections), answered by the handler byte for byte but for indentation and namespace
// (see fromDocs).
func TestGoldenDocumentedExamples(t *testing.T) {
	cases := []struct {
		name, action string
		out          any
		example      string
	}{
		{"Publish", "Publish", &sns.PublishOutput{MessageId: aws.String("567910cd-659e-55d4-8ccb-5aaf14679dc0")}, `
<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
    <PublishResult>
        <MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId>
    </PublishResult>
    <ResponseMetadata>
        <RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId>
    </ResponseMetadata>
</PublishResponse>`},
		{"GetTopicAttributes", "GetTopicAttributes", &sns.GetTopicAttributesOutput{Attributes: map[string]string{
			"Owner":    "123456789012",
			"Policy":   `{"Version":"2008-10-17","Id":"us-east-2/698519295917/test__default_policy_ID","Statement":[{"Effect":"Allow","Sid":"us-east-2/698519295917/test__default_statement_ID","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"arn:aws:sns:us-east-2:698519295917:test","Condition":{"StringLike":{"AWS:SourceArn":"arn:aws:*:*:698519295917:*"}}}]}`,
			"TopicArn": "arn:aws:sns:us-east-2:123456789012:My-Topic",
		}}, `
<GetTopicAttributesResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
    <GetTopicAttributesResult>
        <Attributes>
            <entry>
                <key>Owner</key>
                <value>123456789012</value>
            </entry>
            <entry>
                <key>Policy</key>
                <value>{&quot;Version&quot;:&quot;2008-10-17&quot;,&quot;Id&quot;:&quot;us-east-2/698519295917/test__default_policy_ID&quot;,&quot;Statement&quot;:[{&quot;Effect&quot;:&quot;Allow&quot;,&quot;Sid&quot;:&quot;us-east-2/698519295917/test__default_statement_ID&quot;,&quot;Principal&quot;:{&quot;AWS&quot;:&quot;*&quot;},&quot;Action&quot;:[&quot;SNS:GetTopicAttributes&quot;,&quot;SNS:SetTopicAttributes&quot;,&quot;SNS:AddPermission&quot;,&quot;SNS:RemovePermission&quot;,&quot;SNS:DeleteTopic&quot;,&quot;SNS:Subscribe&quot;,&quot;SNS:ListSubscriptionsByTopic&quot;,&quot;SNS:Publish&quot;],&quot;Resource&quot;:&quot;arn:aws:sns:us-east-2:698519295917:test&quot;,&quot;Condition&quot;:{&quot;StringLike&quot;:{&quot;AWS:SourceArn&quot;:&quot;arn:aws:*:*:698519295917:*&quot;}}}]}</value>
            </entry>
            <entry>
                <key>TopicArn</key>
                <value>arn:aws:sns:us-east-2:123456789012:My-Topic</value>
            </entry>
        </Attributes>
    </GetTopicAttributesResult>
    <ResponseMetadata>
        <RequestId>057f074c-33a7-11df-9540-99d0768312d3</RequestId>
    </ResponseMetadata>
</GetTopicAttributesResponse>`},
		{"ListTopics", "ListTopics", &sns.ListTopicsOutput{Topics: []types.Topic{{TopicArn: aws.String("arn:aws:sns:us-east-2:123456789012:My-Topic")}}}, `
<ListTopicsResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
    <ListTopicsResult>
        <Topics>
            <member>
                <TopicArn>arn:aws:sns:us-east-2:123456789012:My-Topic</TopicArn>
            </member>
        </Topics>
    </ListTopicsResult>
    <ResponseMetadata>
        <RequestId>3f1478c7-33a9-11df-9540-99d0768312d3</RequestId>
    </ResponseMetadata>
</ListTopicsResponse>`},
		{"ListSubscriptionsByTopic", "ListSubscriptionsByTopic", &sns.ListSubscriptionsByTopicOutput{Subscriptions: []types.Subscription{{
			TopicArn:        aws.String("arn:aws:sns:us-east-2:123456789012:My-Topic"),
			Protocol:        aws.String("email"),
			SubscriptionArn: aws.String("arn:aws:sns:us-east-2:123456789012:My-Topic:80289ba6-0fd4-4079-afb4-ce8c8260f0ca"),
			Owner:           aws.String("123456789012"),
			Endpoint:        aws.String("example@amazon.com"),
		}}}, `
<ListSubscriptionsByTopicResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
    <ListSubscriptionsByTopicResult>
        <Subscriptions>
            <member>
                <TopicArn>arn:aws:sns:us-east-2:123456789012:My-Topic</TopicArn>
                <Protocol>email</Protocol>
                <SubscriptionArn>arn:aws:sns:us-east-2:123456789012:My-Topic:80289ba6-0fd4-4079-afb4-ce8c8260f0ca</SubscriptionArn>
                <Owner>123456789012</Owner>
                <Endpoint>example@amazon.com</Endpoint>
            </member>
        </Subscriptions>
    </ListSubscriptionsByTopicResult>
    <ResponseMetadata>
        <RequestId>b9275252-3774-11df-9540-99d0768312d3</RequestId>
    </ResponseMetadata>
</ListSubscriptionsByTopicResponse>`},
		// The developer guide's ConfirmSubscription answer has the same shape as Subscribe's.
		{"Subscribe", "Subscribe", &sns.SubscribeOutput{SubscriptionArn: aws.String("arn:aws:sns:us-west-2:123456789012:MyTopic:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55")}, `
<SubscribeResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
    <SubscribeResult>
        <SubscriptionArn>arn:aws:sns:us-west-2:123456789012:MyTopic:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55</SubscriptionArn>
    </SubscribeResult>
    <ResponseMetadata>
        <RequestId>075ecce8-8dac-11e1-bf80-f781d96e9307</RequestId>
    </ResponseMetadata>
</SubscribeResponse>`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.outs[tc.action] = tc.out
			reqID := regexp.MustCompile(`<RequestId>(.*)</RequestId>`).FindStringSubmatch(tc.example)[1]
			w := post(t, f, reqID, url.Values{"Action": {tc.action}, "Version": {Version}})
			assert.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, "text/xml", w.Header().Get("Content-Type"))
			assert.Equal(t, reqID, w.Header().Get("x-amzn-RequestId"))
			assert.Equal(t, fromDocs(tc.example), w.Body.String())
		})
	}
}

// Responses recorded from SNS itself (eu-west-1, with their Content-Length; kept as test
// fixtures in public projects), answered byte for byte: two-space indentation, a final newline,
// the http: namespace, text/xml.
func TestGoldenRecordedResponses(t *testing.T) {
	t.Run("Publish", func(t *testing.T) {
		// Recorded 2016-05-26, Content-Length 294.
		const recorded = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n  <PublishResult>\n    <MessageId>d1d5b0b7-c664-5e6b-b25d-ff76f73013bd</MessageId>\n  </PublishResult>\n  <ResponseMetadata>\n    <RequestId>0e32add2-6c2b-523b-9edb-e2135d7f6fed</RequestId>\n  </ResponseMetadata>\n</PublishResponse>\n"
		require.Len(t, recorded, 294)
		f := newFake()
		f.outs["Publish"] = &sns.PublishOutput{MessageId: aws.String("d1d5b0b7-c664-5e6b-b25d-ff76f73013bd")}
		w := post(t, f, "0e32add2-6c2b-523b-9edb-e2135d7f6fed", url.Values{"Action": {"Publish"}, "Message": {"m"}, "TargetArn": {"arn"}})
		assert.Equal(t, recorded, w.Body.String())
		assert.Equal(t, "294", w.Header().Get("Content-Length"))
	})
	t.Run("Subscribe", func(t *testing.T) {
		// Recorded 2017-04-29.
		const recorded = "<SubscribeResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n  <SubscribeResult>\n    <SubscriptionArn>pending confirmation</SubscriptionArn>\n  </SubscribeResult>\n  <ResponseMetadata>\n    <RequestId>e6dafcfc-f533-55dd-8e02-ad829cdb66b9</RequestId>\n  </ResponseMetadata>\n</SubscribeResponse>\n"
		f := newFake()
		f.outs["Subscribe"] = &sns.SubscribeOutput{SubscriptionArn: aws.String("pending confirmation")}
		w := post(t, f, "e6dafcfc-f533-55dd-8e02-ad829cdb66b9", url.Values{"Action": {"Subscribe"}})
		assert.Equal(t, recorded, w.Body.String())
	})
	t.Run("Error", func(t *testing.T) {
		// Recorded 2017-05-03, Content-Length 305 (an error of SNS's front end: 403).
		const recorded = "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>InvalidClientTokenId</Code>\n    <Message>The security token included in the request is invalid.</Message>\n  </Error>\n  <RequestId>7adbdc24-77a1-5fe2-ac17-8da048e15fa4</RequestId>\n</ErrorResponse>\n"
		require.Len(t, recorded, 305)
		f := newFake()
		resp := &smithyhttp.Response{Response: &http.Response{StatusCode: http.StatusForbidden, Header: http.Header{}}}
		f.errs["Publish"] = &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{Response: resp,
			Err: &smithy.GenericAPIError{Code: "InvalidClientTokenId", Message: "The security token included in the request is invalid.", Fault: smithy.FaultClient}}}
		w := post(t, f, "7adbdc24-77a1-5fe2-ac17-8da048e15fa4", url.Values{"Action": {"Publish"}})
		assert.Equal(t, http.StatusForbidden, w.Code)
		assert.Equal(t, "text/xml", w.Header().Get("Content-Type"))
		assert.Equal(t, "7adbdc24-77a1-5fe2-ac17-8da048e15fa4", w.Header().Get("x-amzn-RequestId"))
		assert.Equal(t, "305", w.Header().Get("Content-Length"))
		assert.Equal(t, recorded, w.Body.String())
	})
}

// SNS's errors as AWS recorded them (LocalStack's AWS-validated snapshots, shared
// aws-recorded/sns): the code, message, Sender type and status of the typed errors the backend
// returns, in the ErrorResponse shape.
func TestGoldenErrors(t *testing.T) {
	cases := []struct {
		err    error
		status int
		want   string
	}{
		{&types.NotFoundException{Message: aws.String("Topic does not exist")}, 404,
			"<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>NotFound</Code>\n    <Message>Topic does not exist</Message>\n  </Error>\n  <RequestId>r</RequestId>\n</ErrorResponse>\n"},
		{&types.InvalidParameterException{Message: aws.String("Invalid parameter: Topic")}, 400,
			"<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>InvalidParameter</Code>\n    <Message>Invalid parameter: Topic</Message>\n  </Error>\n  <RequestId>r</RequestId>\n</ErrorResponse>\n"},
		{&smithy.GenericAPIError{Code: "ValidationError", Fault: smithy.FaultClient,
			Message: "1 validation error detected: Value null at 'publishBatchRequestEntries.1.member.messageAttributes.attr1.member.dataType' failed to satisfy constraint: Member must not be null"}, 400,
			"<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>ValidationError</Code>\n    <Message>1 validation error detected: Value null at 'publishBatchRequestEntries.1.member.messageAttributes.attr1.member.dataType' failed to satisfy constraint: Member must not be null</Message>\n  </Error>\n  <RequestId>r</RequestId>\n</ErrorResponse>\n"},
		{&types.InternalErrorException{Message: aws.String("Internal error")}, 500,
			"<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n  <Error>\n    <Type>Receiver</Type>\n    <Code>InternalError</Code>\n    <Message>Internal error</Message>\n  </Error>\n  <RequestId>r</RequestId>\n</ErrorResponse>\n"},
		{errors.New(`broken <"&">`), 500,
			"<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\n  <Error>\n    <Type>Receiver</Type>\n    <Code>InternalError</Code>\n    <Message>broken &lt;&quot;&amp;&quot;&gt;</Message>\n  </Error>\n  <RequestId>r</RequestId>\n</ErrorResponse>\n"},
	}
	for _, tc := range cases {
		f := newFake()
		f.errs["DeleteTopic"] = tc.err
		w := post(t, f, "r", url.Values{"Action": {"DeleteTopic"}, "TopicArn": {"arn:aws:sns:us-east-1:111111111111:t"}})
		assert.Equal(t, tc.status, w.Code, tc.err.Error())
		body, _ := io.ReadAll(w.Body)
		assert.Equal(t, tc.want, string(body))
	}
}
