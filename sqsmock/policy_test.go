package sqsmock_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/sqsmock"
)

// Queue policies are evaluated as IAM evaluates a resource-based policy: explicit Deny wins,
// NotPrincipal, NotAction and conditions count; a caller is known by its account, and by the IAM
// identity its session token names.

const (
	ownerAcct = "000000000000"
	otherAcct = "111111111111"
	sharedARN = "arn:aws:sqs:us-east-1:000000000000:shared"
)

// policyDoc is a queue policy of the given statements.
func policyDoc(statements ...string) string {
	return `{"Version":"2012-10-17","Id":"test","Statement":[` + strings.Join(statements, ",") + `]}`
}

// asPrincipal is a client option for otherAcct's access key and a session token naming an IAM
// identity (the mock's convention: a token that is an IAM or STS ARN names the caller).
func asPrincipal(arn string) func(*sqs.Options) {
	return func(o *sqs.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", arn)
		o.RetryMaxAttempts = 1
	}
}

// sharedQueue makes the owner's queue "shared" with the policy, and returns its URL.
func sharedQueue(t *testing.T, m *sqsmock.Mock, policy string) string {
	t.Helper()
	q, err := m.Client(noRetries).CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("shared"),
		Attributes: map[string]string{"Policy": policy}})
	require.NoError(t, err)
	return aws.ToString(q.QueueUrl)
}

// Each Deny the mock used to skip (one with a Condition, a NotPrincipal, a NotAction) now keeps
// the other account from receiving from and purging the queue its Allow opens, while the send it
// leaves open still works.
func TestQueuePolicyDenyStatementsTheMockUsedToSkip(t *testing.T) {
	t.Parallel()
	allow := `{"Sid":"open","Effect":"Allow","Principal":{"AWS":"` + otherAcct + `"},"Action":"sqs:*","Resource":"` + sharedARN + `"}`
	for name, deny := range map[string]string{
		"Condition":    `{"Effect":"Deny","Principal":"*","Action":["sqs:ReceiveMessage","sqs:PurgeQueue"],"Resource":"` + sharedARN + `","Condition":{"StringEquals":{"aws:PrincipalAccount":"` + otherAcct + `"}}}`,
		"NotPrincipal": `{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::` + ownerAcct + `:root"},"Action":["sqs:ReceiveMessage","sqs:PurgeQueue"],"Resource":"` + sharedARN + `"}`,
		"NotAction":    `{"Effect":"Deny","Principal":{"AWS":"` + otherAcct + `"},"NotAction":["sqs:SendMessage","sqs:GetQueueUrl"],"Resource":"` + sharedARN + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			m := sqsmock.New()
			q := sharedQueue(t, m, policyDoc(allow, deny))
			other := m.Client(as("us-east-1", otherAcct))
			_, err := other.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("allowed")})
			require.NoError(t, err, "the Allow opens SendMessage and the Deny leaves it")
			_, err = other.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)})
			requireStatusError(t, err, "AccessDenied", 403, deniedInProcess)
			_, err = other.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(q)})
			requireStatusError(t, err, "AccessDenied", 403, deniedInProcess)
			assert.Len(t, m.Messages("shared"), 1, "nothing received, nothing purged")
			// The owner is not denied: the Deny names the other account, or leaves the owner out.
			got, err := m.Client(noRetries).ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)})
			require.NoError(t, err)
			assert.Len(t, got.Messages, 1)
		})
	}
}

// A Deny naming one IAM user of an account does not block a caller known only by the account (its
// root, to the mock), nor another user; it blocks that user when the caller names itself.
// Likewise an Allow naming one role opens the queue to that role's sessions only.
func TestQueuePolicyOneIdentityOfAnAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := sqsmock.New()
	alice := "arn:aws:iam::" + otherAcct + ":user/alice"
	q := sharedQueue(t, m, policyDoc(
		`{"Effect":"Allow","Principal":{"AWS":"`+otherAcct+`"},"Action":"sqs:SendMessage"}`,
		`{"Effect":"Deny","Principal":{"AWS":"`+alice+`"},"Action":"sqs:*"}`,
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+otherAcct+`:role/consumers/worker"},"Action":"sqs:ReceiveMessage"}`))
	send := func(c sqsmock.API) error {
		_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("x")})
		return err
	}
	receive := func(c sqsmock.API) error {
		_, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)})
		return err
	}
	root := m.Client(as("us-east-1", otherAcct))
	require.NoError(t, send(root), "a caller known only by its account is not the denied user")
	require.NoError(t, send(m.Client(asPrincipal("arn:aws:iam::"+otherAcct+":user/bob"))), "another user of the account")
	requireStatusError(t, send(m.Client(asPrincipal(alice))), "AccessDenied", 403, deniedInProcess)

	requireStatusError(t, receive(root), "AccessDenied", 403, deniedInProcess)
	require.NoError(t, receive(m.Client(asPrincipal("arn:aws:sts::"+otherAcct+":assumed-role/worker/run-1"))), "a session of the allowed role")
	requireStatusError(t, receive(m.Client(asPrincipal("arn:aws:sts::"+otherAcct+":assumed-role/other/run-1"))), "AccessDenied", 403, deniedInProcess)
	assert.Len(t, m.Messages("shared"), 2)
}

// An explicit Deny binds the queue's own account too (its IAM policies, which the mock takes to
// allow everything, cannot override it); the console, acting for the mock's user, is not bound.
func TestQueuePolicyDenyBindsTheOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := sqsmock.New()
	q := sharedQueue(t, m, policyDoc(`{"Effect":"Deny","Principal":"*","Action":["sqs:PurgeQueue","sqs:DeleteMessage"],"Resource":"`+sharedARN+`"}`))
	owner := m.Client(noRetries)
	_, err := owner.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("kept")})
	require.NoError(t, err)
	_, err = owner.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(q)})
	requireStatusError(t, err, "AccessDenied", 403, deniedInProcess)
	got, err := owner.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)})
	require.NoError(t, err)
	require.Len(t, got.Messages, 1)
	_, err = owner.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(q),
		Entries: []types.DeleteMessageBatchRequestEntry{{Id: aws.String("1"), ReceiptHandle: got.Messages[0].ReceiptHandle}}})
	requireStatusError(t, err, "AccessDenied", 403, deniedInProcess)
	assert.Len(t, m.Messages("shared"), 1)

	srv, err := m.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	status, v := consoleDo(t, srv, "POST", "/_sqsmock/queues/shared/purge", "")
	require.Equal(t, http.StatusOK, status, v)
	assert.Empty(t, m.Messages("shared"))
}

// The condition keys the mock can know come from the request: aws:SecureTransport from its TLS
// (the in-process client and SDKClient stand for the SDK on AWS's HTTPS endpoint), aws:SourceIp
// from its remote address (absent in process), aws:CurrentTime from the mock's clock.
func TestQueuePolicyConditionKeysOfTheRequest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := sqsmock.NewManualClock(epoch)
	m := sqsmock.New(func(o *sqsmock.Options) { o.Clock = clk })
	q := sharedQueue(t, m, policyDoc(
		`{"Sid":"tls","Effect":"Deny","Principal":"*","Action":"sqs:SendMessage","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
		`{"Sid":"ip","Effect":"Deny","Principal":"*","Action":"sqs:ChangeMessageVisibility","Condition":{"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}`,
		`{"Sid":"time","Effect":"Deny","Principal":"*","Action":"sqs:ReceiveMessage","Condition":{"DateGreaterThan":{"aws:CurrentTime":"`+epoch.Add(time.Hour).Format(time.RFC3339)+`"}}}`))
	srv, err := m.Start()
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	plain := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})
	inProcess, sdk := m.Client(noRetries), m.SDKClient(noRetries)
	qHTTP := srv.URL + "/" + ownerAcct + "/shared"

	// aws:SecureTransport.
	_, err = inProcess.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("1")})
	require.NoError(t, err)
	_, err = sdk.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("2")})
	require.NoError(t, err)
	_, err = plain.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(qHTTP), MessageBody: aws.String("3")})
	requireStatusError(t, err, "AccessDenied", 403, "Access to the resource "+srv.URL+"/ is denied.")
	assert.Len(t, m.Messages("shared"), 2)

	// aws:SourceIp: the loopback address over HTTP; no address in process, so NotIpAddress holds.
	got, err := plain.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(qHTTP), MaxNumberOfMessages: 2})
	require.NoError(t, err)
	require.Len(t, got.Messages, 2)
	_, err = plain.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(qHTTP),
		ReceiptHandle: got.Messages[0].ReceiptHandle, VisibilityTimeout: 0})
	require.NoError(t, err)
	_, err = inProcess.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(q),
		ReceiptHandle: got.Messages[1].ReceiptHandle, VisibilityTimeout: 0})
	requireStatusError(t, err, "AccessDenied", 403, deniedInProcess)

	// aws:CurrentTime is the mock's clock.
	_, err = inProcess.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)})
	require.NoError(t, err)
	clk.Advance(61 * time.Minute)
	_, err = inProcess.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)})
	requireStatusError(t, err, "AccessDenied", 403, deniedInProcess)
}

// SQS's policy quotas, on SetQueueAttributes, CreateQueue and AddPermission: OverLimit (HTTP 403)
// with SQS's message, and the queue keeps its policy.
func TestQueuePolicyQuotas(t *testing.T) {
	t.Parallel()
	stmt := func(i int, extra string) string {
		return fmt.Sprintf(`{"Sid":"s%d","Effect":"Allow","Principal":{"AWS":"%s"},"Action":"sqs:SendMessage"%s}`, i, otherAcct, extra)
	}
	many := func(n int, one func(i int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = one(i)
		}
		return out
	}
	actions := many(8, func(i int) string { return fmt.Sprintf(`"sqs:A%d"`, i) })
	principals := many(51, func(i int) string { return fmt.Sprintf(`"%012d"`, i+1) })
	conditions := many(11, func(i int) string { return fmt.Sprintf(`"aws:SourceAccount%d":"x"`, i) })
	padded := policyDoc(stmt(0, ""))
	padded = padded[:len(padded)-1] + strings.Repeat(" ", 3<<20) + "}"
	cases := map[string]struct{ policy, msg string }{
		"3 MB":          {padded, "Submitted policy is over max allowed size."},
		"21 statements": {policyDoc(many(21, func(i int) string { return stmt(i, "") })...), "21 statements were found in the submitted policy, max allowed is 20"},
		"8 actions":     {policyDoc(`{"Effect":"Allow","Principal":"*","Action":[` + strings.Join(actions, ",") + `]}`), "8 actions were found in a statement from the submitted policy, max allowed is 7"},
		"51 principals": {policyDoc(`{"Effect":"Allow","Principal":{"AWS":[` + strings.Join(principals, ",") + `]},"Action":"sqs:*"}`), "51 principals were found in the submitted policy, max allowed is 50"},
		"11 conditions": {policyDoc(stmt(0, `,"Condition":{"StringEquals":{`+strings.Join(conditions, ",")+`}}`)), "11 conditions were found in the submitted policy, max allowed is 10"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnvQueue(t, "q", nil)
			kept := policyDoc(stmt(0, ""))
			require.NoError(t, e.setAttrs(e.queue, map[string]string{"Policy": kept}))
			err := e.setAttrs(e.queue, map[string]string{"Policy": tc.policy})
			requireStatusError(t, err, "OverLimit", 403, tc.msg)
			assert.JSONEq(t, kept, e.attr(e.queue, "Policy"), "a refused policy changes nothing")
			_, err = e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("new"), Attributes: map[string]string{"Policy": tc.policy}})
			requireStatusError(t, err, "OverLimit", 403, tc.msg)
		})
	}

	t.Run("AddPermission past 20 statements", func(t *testing.T) {
		t.Parallel()
		e := newEnvQueue(t, "q", nil)
		add := func(label string) error {
			_, err := e.c.AddPermission(e.ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(e.queue), Label: aws.String(label),
				AWSAccountIds: []string{otherAcct}, Actions: []string{"SendMessage"}})
			return err
		}
		for i := range 20 {
			require.NoError(t, add(fmt.Sprintf("p%d", i)))
		}
		before := e.attr(e.queue, "Policy")
		requireStatusError(t, add("p20"), "OverLimit", 403, "21 statements were found in the submitted policy, max allowed is 20")
		assert.Equal(t, before, e.attr(e.queue, "Policy"))
	})
}

// A document that is JSON but no policy is InvalidAttributeValue, as SQS answers a malformed
// Policy.
func TestQueuePolicyInvalid(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	for _, policy := range []string{
		`{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"sqs:*"}]}`,
		`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"sqs:*","Condition":{"StringSortOf":{"aws:SourceArn":"x"}}}]}`,
		`{"Version":"2012-10-17"}`,
		`[]`,
	} {
		err := e.setAttrs(e.queue, map[string]string{"Policy": policy})
		requireStatusError(t, err, "InvalidAttributeValue", 400, "Invalid value for the parameter Policy.")
	}
	assert.NotContains(t, e.attrs(e.queue), "Policy")
}
