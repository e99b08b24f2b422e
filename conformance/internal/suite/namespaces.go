package suite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/queueurl"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// Queues live in one account and one Region: their names are unique there, their ARNs say both,
// and a dead-letter queue must share them with its sources.
var (
	namesDoc = guideDoc("sqs-queue-message-identifiers.html")
	arnDoc   = guideDoc("sqs-overview-of-managing-access.html")
	crossDoc = guideDoc("troubleshooting-access-denied.html")
	// The SQS guide calls one account and Region a best practice; the SDK developer guides (for
	// C++, Java 1.x) state the rule: "A dead letter queue must ... be created using the same AWS
	// account and AWS Region as the source queue".
	sameDLQDoc = dlqDoc
)

const (
	otherRegion  = "eu-north-1"
	otherAccount = "111111111111" // an access key id of 12 digits: that account, on the mock and LocalStack
)

// denied requires SQS's answer to a request its queue's policy does not allow: AccessDenied, HTTP
// 403, "Access to the resource <the URL the request went to> is denied." (the Developer Guide's
// troubleshooting page; the URL differs by endpoint, so only the shape is checked).
func (c *C) denied(err error) {
	c.Err(err, "AccessDenied", 403, "")
	var ae smithy.APIError
	if errors.As(err, &ae) {
		assert.Regexp(c, `^Access to the resource \S+ is denied\.$`, ae.ErrorMessage())
	}
}

// clientAs is a client of the backend signed for region and, when key is not empty, with that
// access key id (12 digits name an account on the mock and LocalStack). Real AWS has no second
// account behind a made-up key: a test that needs one is skipped there.
func (c *C) clientAs(region, key string) sqsmock.API {
	if key != "" && c.Backend() == "aws" {
		c.T().Skip("needs credentials of a second AWS account")
	}
	opt := func(o *sqs.Options) {
		o.Region = region
		if key != "" {
			o.Credentials = credentials.NewStaticCredentialsProvider(key, "test", "")
		}
	}
	if sc, ok := c.Client().(*sqs.Client); ok {
		return sqs.New(sc.Options(), opt)
	}
	require.NotNil(c, c.Mock(), "an *sqs.Client or the mock")
	return c.Mock().Client(opt)
}

// createWith creates a uniquely named queue with client and deletes it with that client when the
// test ends; it returns the queue URL.
func (c *C) createWith(client sqsmock.API, base string, attrs map[string]string) string {
	out, err := client.CreateQueue(c.Ctx(), &sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName(base, false)), Attributes: attrs})
	c.OK(err, "CreateQueue")
	url := aws.ToString(out.QueueUrl)
	c.T().Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	})
	return url
}

// arnWith is a queue's ARN as client reads it.
func (c *C) arnWith(client sqsmock.API, url string) string {
	out, err := client.GetQueueAttributes(c.Ctx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	c.OK(err, "GetQueueAttributes QueueArn")
	return out.Attributes["QueueArn"]
}

// listed reports whether client's ListQueues with the queue's name as prefix returns url.
func (c *C) listed(client sqsmock.API, url string) bool {
	out, err := client.ListQueues(c.Ctx(), &sqs.ListQueuesInput{QueueNamePrefix: aws.String(queueurl.Name(url))})
	c.OK(err, "ListQueues")
	for _, u := range out.QueueUrls {
		if queueurl.Name(u) == queueurl.Name(url) {
			return true
		}
	}
	return false
}

// Queue policies are IAM's policy language, evaluated as IAM evaluates a resource-based policy. A
// test's Doc is the SQS page; its evidence quotes IAM's.
var (
	policyConcepts  = guideDoc("sqs-creating-custom-policies-key-concepts.html")
	policyEval      = guideDoc("sqs-creating-custom-policies-evaluation-logic.html")
	policyDenials   = guideDoc("sqs-creating-custom-policies-relationships-between-explicit-default-denials.html")
	iamDoc          = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
	notPrincipalDoc = iamDoc + "reference_policies_elements_notprincipal.html"
	notActionDoc    = iamDoc + "reference_policies_elements_notaction.html"
	crossEvalDoc    = iamDoc + "reference_policies_evaluation-logic-cross-account.html"
)

// openTo gives a queue a policy whose first statement allows otherAccount every action on it,
// followed by the statements given (each with the queue's ARN for %[1]s), and returns a client
// of otherAccount.
func openTo(c *C, q string, statements ...string) sqsmock.API {
	arn := c.QueueARN(q)
	all := []string{`{"Sid":"open","Effect":"Allow","Principal":{"AWS":"` + otherAccount + `"},"Action":"sqs:*","Resource":"` + arn + `"}`}
	for _, s := range statements {
		all = append(all, fmt.Sprintf(s, arn))
	}
	c.OK(c.setAttrs(q, map[string]string{"Policy": `{"Version":"2012-10-17","Statement":[` + strings.Join(all, ",") + `]}`}), "SetQueueAttributes Policy")
	return c.clientAs(c.Region(), otherAccount)
}

// sendReceivePurge has other send to q (which must succeed), then receive from it and purge it
// (which must be denied), and checks that the message is still there, received by no one.
func sendReceivePurge(c *C, q string, other sqsmock.API) {
	_, err := other.SendMessage(c.Ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("sent")})
	c.OK(err, "SendMessage from account "+otherAccount)
	_, err = other.ReceiveMessage(c.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)})
	c.denied(err)
	_, err = other.PurgeQueue(c.Ctx(), &sqs.PurgeQueueInput{QueueUrl: aws.String(q)})
	c.denied(err)
	m := c.one(q, 5*time.Second)
	assert.Equal(c, "sent", aws.ToString(m.Body))
	assert.Equal(c, "1", m.Attributes["ApproximateReceiveCount"], "the refused receive took nothing")
}

// grantSend makes a queue whose policy grants otherAccount SendMessage (AddPermission), and a
// client of that account.
func grantSend(c *C) (string, sqsmock.API) {
	q := c.Queue("shared", nil)
	_, err := c.Client().AddPermission(c.Ctx(), &sqs.AddPermissionInput{QueueUrl: aws.String(q), Label: aws.String("send"),
		AWSAccountIds: []string{otherAccount}, Actions: []string{"SendMessage"}})
	c.OK(err, "AddPermission")
	return q, c.clientAs(c.Region(), otherAccount)
}

func namespaceTests() (tests []Test) {
	tests = append(tests,
		Test{ID: "SQS-NS-001", Title: "A queue is in the Region it was created in: a client of another Region neither finds it by name nor lists it",
			Doc: namesDoc, Run: func(c *C) {
				q := c.Queue("region", nil)
				other := c.clientAs(otherRegion, "")
				_, err := other.GetQueueUrl(c.Ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String(queueurl.Name(q))})
				c.Err(err, "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
				assert.False(c, c.listed(other, q), "ListQueues of %s lists a queue of %s", otherRegion, c.Region())
				assert.True(c, c.listed(c.Client(), q), "ListQueues of its own Region lists it")
			}},
		Test{ID: "SQS-NS-002", Title: "A message sent in one Region is not received by a client of another Region with the same queue URL: NonExistentQueue",
			Doc: namesDoc, Run: func(c *C) {
				q := c.Queue("region", nil)
				c.Send(q, "only-here")
				_, err := c.clientAs(otherRegion, "").ReceiveMessage(c.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)})
				c.Err(err, "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
				m := c.one(q, 5*time.Second)
				assert.Equal(c, "only-here", aws.ToString(m.Body))
			}},
		Test{ID: "SQS-NS-003", Title: "The same name in another Region is another queue: its QueueArn names that Region",
			Doc: arnDoc, Run: func(c *C) {
				name := c.UniqueName("twin", false)
				here := c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(name)})
				other := c.clientAs(otherRegion, "")
				out, err := other.CreateQueue(c.Ctx(), &sqs.CreateQueueInput{QueueName: aws.String(name)})
				c.OK(err, "CreateQueue in "+otherRegion)
				there := aws.ToString(out.QueueUrl)
				c.T().Cleanup(func() {
					_, _ = other.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(there)})
				})
				hereARN, thereARN := c.QueueARN(here), c.arnWith(other, there)
				assert.Equal(c, "arn:aws:sqs:"+c.Region()+":"+queueurl.Account(hereARN)+":"+name, hereARN)
				assert.Equal(c, "arn:aws:sqs:"+otherRegion+":"+queueurl.Account(hereARN)+":"+name, thereARN)
				c.Send(here, "here")
				wait := int32(1) // a short poll where the clock is the test's (see none)
				if c.Caps().FastForward {
					wait = 0
				}
				got, err := other.ReceiveMessage(c.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(there), WaitTimeSeconds: wait})
				c.OK(err, "ReceiveMessage in "+otherRegion)
				assert.Empty(c, got.Messages, "the message sent in %s", c.Region())
			}},
		Test{ID: "SQS-NS-004", Title: "A RedrivePolicy naming a dead-letter queue in another Region fails with InvalidParameterValue",
			Doc: sameDLQDoc, Run: func(c *C) {
				other := c.clientAs(otherRegion, "")
				dlqARN := c.arnWith(other, c.createWith(other, "dlq", nil))
				q := c.Queue("src", nil)
				c.Err(c.setAttrs(q, map[string]string{"RedrivePolicy": harness.RedrivePolicy(dlqARN, 3)}), "InvalidParameterValue", 400, "")
				assert.Empty(c, c.Attribute(q, "RedrivePolicy"), "no policy was set")
			}},
		Test{ID: "SQS-NS-005", Title: "A queue is in its account: a client of another account does not list it, and the same name there has its own URL and ARN",
			Doc: namesDoc, Run: func(c *C) {
				q := c.Queue("acct", nil)
				other := c.clientAs(c.Region(), otherAccount)
				assert.False(c, c.listed(other, q), "ListQueues of account %s lists another account's queue", otherAccount)
				out, err := other.CreateQueue(c.Ctx(), &sqs.CreateQueueInput{QueueName: aws.String(queueurl.Name(q))})
				c.OK(err, "CreateQueue in account "+otherAccount)
				there := aws.ToString(out.QueueUrl)
				c.T().Cleanup(func() {
					_, _ = other.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(there)})
				})
				assert.NotEqual(c, q, there)
				assert.Equal(c, "arn:aws:sqs:"+c.Region()+":"+otherAccount+":"+queueurl.Name(q), c.arnWith(other, there))
				assert.NotEqual(c, otherAccount, queueurl.Account(c.QueueARN(q)))
			}},
		Test{ID: "SQS-NS-006", Title: "SendMessage by URL to another account's queue its policy does not open fails with AccessDenied (HTTP 403) and sends nothing",
			Doc: crossDoc, Run: func(c *C) {
				q := c.Queue("shared", nil)
				other := c.clientAs(c.Region(), otherAccount)
				_, err := other.SendMessage(c.Ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("x")})
				c.denied(err)
				c.none(q, "the refused message")
			}},
		Test{ID: "SQS-NS-007", Title: "After AddPermission grants another account SendMessage, its SendMessage by URL succeeds",
			Doc: permDoc, Run: func(c *C) {
				q, other := grantSend(c)
				_, err := other.SendMessage(c.Ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("granted")})
				c.OK(err, "SendMessage from account "+otherAccount)
				m := c.one(q, 5*time.Second)
				assert.Equal(c, "granted", aws.ToString(m.Body))
			}},
		Test{ID: "SQS-NS-009", Title: "A permission for SendMessage opens no other action: the other account's ReceiveMessage fails with AccessDenied",
			Doc: permDoc, Run: func(c *C) {
				q, other := grantSend(c)
				c.Send(q, "kept")
				_, err := other.ReceiveMessage(c.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q)})
				c.denied(err)
				m := c.one(q, 5*time.Second)
				assert.Equal(c, "1", m.Attributes["ApproximateReceiveCount"], "the refused receive took nothing")
			}},
		Test{ID: "SQS-NS-008", Title: "A RedrivePolicy naming a dead-letter queue of another account fails with InvalidParameterValue",
			Doc: sameDLQDoc, Run: func(c *C) {
				other := c.clientAs(c.Region(), otherAccount)
				dlqARN := c.arnWith(other, c.createWith(other, "dlq", nil))
				q := c.Queue("src", nil)
				c.Err(c.setAttrs(q, map[string]string{"RedrivePolicy": harness.RedrivePolicy(dlqARN, 3)}), "InvalidParameterValue", 400, "")
				assert.Empty(c, c.Attribute(q, "RedrivePolicy"), "no policy was set")
			}},
		Test{ID: "SQS-NS-010", Title: "A Deny whose Condition holds keeps another account from receiving from and purging the queue an Allow opens to it; a Deny whose Condition fails denies nothing",
			Doc: policyDenials, Run: func(c *C) {
				q := c.Queue("shared", nil)
				other := openTo(c, q,
					// A request of a client, not of a service acting for a resource, has no aws:SourceArn.
					`{"Sid":"never","Effect":"Deny","Principal":{"AWS":"`+otherAccount+`"},"Action":"sqs:SendMessage","Resource":"%[1]s","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:`+c.Region()+`:`+otherAccount+`:sqsh-topic"}}}`,
					`{"Sid":"direct","Effect":"Deny","Principal":{"AWS":"`+otherAccount+`"},"Action":["sqs:ReceiveMessage","sqs:PurgeQueue"],"Resource":"%[1]s","Condition":{"Null":{"aws:SourceArn":"true"}}}`)
				sendReceivePurge(c, q, other)
			}},
		Test{ID: "SQS-NS-011", Title: "A Deny with a NotPrincipal that lists only the queue's account denies another account what an Allow opened to it",
			Doc: policyConcepts, Run: func(c *C) {
				q := c.Queue("shared", nil)
				owner := queueurl.Account(c.QueueARN(q))
				other := openTo(c, q,
					`{"Sid":"others","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::`+owner+`:root"},"Action":["sqs:ReceiveMessage","sqs:PurgeQueue"],"Resource":"%[1]s"}`)
				sendReceivePurge(c, q, other)
			}},
		Test{ID: "SQS-NS-012", Title: "A Deny with a NotAction denies another account every action but the ones it lists",
			Doc: policyConcepts, Run: func(c *C) {
				q := c.Queue("shared", nil)
				other := openTo(c, q,
					`{"Sid":"onlysend","Effect":"Deny","Principal":{"AWS":"`+otherAccount+`"},"NotAction":["sqs:SendMessage","sqs:GetQueueUrl"],"Resource":"%[1]s"}`)
				sendReceivePurge(c, q, other)
			}},
		Test{ID: "SQS-NS-013", Title: "An explicit Deny wins over an Allow of the same action: another account's SendMessage fails with AccessDenied and sends nothing",
			Doc: policyEval, Run: func(c *C) {
				q := c.Queue("shared", nil)
				other := openTo(c, q,
					`{"Sid":"nosend","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::`+otherAccount+`:root"},"Action":"SQS:SendMessage","Resource":"%[1]s"}`)
				_, err := other.SendMessage(c.Ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("x")})
				c.denied(err)
				c.none(q, "the refused message")
			}},
		Test{ID: "SQS-NS-014", Title: "A Deny naming one IAM user of another account denies that account's other principals nothing: what the Allow opens to the account stays open",
			Doc: arnDoc, Run: func(c *C) {
				q := c.Queue("shared", nil)
				other := openTo(c, q,
					`{"Sid":"oneuser","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::`+otherAccount+`:user/sqsh-denied"},"Action":"sqs:*","Resource":"%[1]s"}`)
				_, err := other.SendMessage(c.Ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("open")})
				c.OK(err, "SendMessage from account "+otherAccount)
				got, err := other.ReceiveMessage(c.Ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q), WaitTimeSeconds: 5})
				c.OK(err, "ReceiveMessage from account "+otherAccount)
				require.Len(c, got.Messages, 1)
				assert.Equal(c, "open", aws.ToString(got.Messages[0].Body))
			}},
	)
	return
}
