package sqsmock_test

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

func TestPermissionLifecycle(t *testing.T) {
	t.Parallel()
	// Recorded: test_sqs_permission_lifecycle.
	e := newEnv(t, func(o *sqsmock.Options) { o.AccountID = "111111111111" })
	url := e.create("q", nil)
	arn := e.arn(url)
	add := func(label string, accounts ...string) error {
		_, err := e.c.AddPermission(e.ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(url), Label: aws.String(label),
			AWSAccountIds: accounts, Actions: []string{"ReceiveMessage"}})
		return err
	}
	remove := func(label string) error {
		_, err := e.c.RemovePermission(e.ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(url), Label: aws.String(label)})
		return err
	}
	statement := func(sid string, principal any) map[string]any {
		return map[string]any{"Sid": sid, "Effect": "Allow", "Principal": map[string]any{"AWS": principal},
			"Action": "SQS:ReceiveMessage", "Resource": arn}
	}
	policy := func(statements ...map[string]any) string {
		b, err := json.Marshal(map[string]any{"Version": "2008-10-17", "Id": arn + "/SQSDefaultPolicy", "Statement": statements})
		require.NoError(t, err)
		return string(b)
	}

	require.NoError(t, add("crossaccountpermission", "668614515564", "111111111111"))
	assert.JSONEq(t, policy(statement("crossaccountpermission",
		[]string{"arn:aws:iam::668614515564:root", "arn:aws:iam::111111111111:root"})), e.attr(url, "Policy"))

	require.NoError(t, remove("crossaccountpermission"))
	assert.NotContains(t, e.attrs(url), "Policy")

	require.NoError(t, add("crossaccountpermission", "111111111111"))
	assert.JSONEq(t, policy(statement("crossaccountpermission", "arn:aws:iam::111111111111:root")), e.attr(url, "Policy"))

	requireAPIError(t, add("crossaccountpermission", "668614515564"), "InvalidParameterValue",
		"Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.")

	require.NoError(t, add("crossaccountpermission2", "111111111111"))
	assert.JSONEq(t, policy(statement("crossaccountpermission", "arn:aws:iam::111111111111:root"),
		statement("crossaccountpermission2", "arn:aws:iam::111111111111:root")), e.attr(url, "Policy"))

	require.NoError(t, remove("crossaccountpermission"))
	assert.JSONEq(t, policy(statement("crossaccountpermission2", "arn:aws:iam::111111111111:root")), e.attr(url, "Policy"))

	require.NoError(t, remove("crossaccountpermission2"))
	assert.NotContains(t, e.attrs(url), "Policy")

	requireAPIError(t, remove("crossaccountpermission2"), "InvalidParameterValue",
		"Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find label.")
}

func TestAddPermissionValidation(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	cases := map[string]*sqs.AddPermissionInput{
		"bad label":   {Label: aws.String("bad label"), AWSAccountIds: []string{"111111111111"}, Actions: []string{"SendMessage"}},
		"bad action":  {Label: aws.String("l"), AWSAccountIds: []string{"111111111111"}, Actions: []string{"CreateQueue"}},
		"bad account": {Label: aws.String("l"), AWSAccountIds: []string{"123"}, Actions: []string{"SendMessage"}},
	}
	for name, in := range cases {
		in.QueueUrl = aws.String(e.queue)
		_, err := e.c.AddPermission(e.ctx, in)
		requireAPIError(t, err, "InvalidParameterValue", "")
		assert.NotContains(t, e.attrs(e.queue), "Policy", name)
	}
	// Several actions become a list; "*" is allowed.
	_, err := e.c.AddPermission(e.ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(e.queue), Label: aws.String("many"),
		AWSAccountIds: []string{"111111111111"}, Actions: []string{"SendMessage", "*"}})
	require.NoError(t, err)
	var doc struct {
		Statement []struct{ Action []string }
	}
	require.NoError(t, json.Unmarshal([]byte(e.attr(e.queue, "Policy")), &doc))
	require.Len(t, doc.Statement, 1)
	assert.Equal(t, []string{"SQS:SendMessage", "SQS:*"}, doc.Statement[0].Action)
}

func TestAddPermissionActionLimit(t *testing.T) {
	t.Parallel()
	// API Reference, AddPermission: "An Amazon SQS policy can have a maximum of seven actions per
	// statement"; a limit reached is OverLimit (HTTP 403).
	eight := []string{"ChangeMessageVisibility", "DeleteMessage", "GetQueueAttributes", "GetQueueUrl",
		"ListDeadLetterSourceQueues", "PurgeQueue", "ReceiveMessage", "SendMessage"}
	cases := []struct {
		name    string
		actions []string
		code    string
		msg     string
	}{
		{"seven actions", eight[:7], "", ""},
		{"eight actions", eight, "OverLimit", "8 Actions were found, maximum allowed is 7."},
		{"seven with the wildcard", append([]string{"*"}, eight[:6]...), "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvQueue(t, "q", nil)
			_, err := e.c.AddPermission(e.ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(e.queue), Label: aws.String("l"),
				AWSAccountIds: []string{"111111111111"}, Actions: tc.actions})
			if tc.code == "" {
				require.NoError(t, err)
				assert.Contains(t, e.attrs(e.queue), "Policy")
				return
			}
			requireAPIError(t, err, tc.code, tc.msg)
			var re *awshttp.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, 403, re.HTTPStatusCode())
			assert.NotContains(t, e.attrs(e.queue), "Policy", "a rejected AddPermission changes nothing")
		})
	}
}
