package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/internal/queueurl"
)

var (
	tagDoc   = guideDoc("sqs-queue-tags.html")
	permDoc  = apiDoc("AddPermission")
	purgeDoc = apiDoc("PurgeQueue")
)

func (c *C) tags(url string) map[string]string {
	out, err := c.Client().ListQueueTags(c.Ctx(), &sqs.ListQueueTagsInput{QueueUrl: aws.String(url)})
	c.OK(err, "ListQueueTags")
	if out.Tags == nil {
		return map[string]string{}
	}
	return out.Tags
}

func (c *C) tag(url string, tags map[string]string) error {
	_, err := c.Client().TagQueue(c.Ctx(), &sqs.TagQueueInput{QueueUrl: aws.String(url), Tags: tags})
	return err
}

func (c *C) addPermission(url, label string, accounts ...string) error {
	_, err := c.Client().AddPermission(c.Ctx(), &sqs.AddPermissionInput{QueueUrl: aws.String(url), Label: aws.String(label),
		AWSAccountIds: accounts, Actions: []string{"ReceiveMessage"}})
	return err
}

func (c *C) removePermission(url, label string) error {
	_, err := c.Client().RemovePermission(c.Ctx(), &sqs.RemovePermissionInput{QueueUrl: aws.String(url), Label: aws.String(label)})
	return err
}

type policyDoc struct {
	Version   string
	Id        string
	Statement []struct {
		Sid       string
		Effect    string
		Principal struct{ AWS any }
		Action    any
		Resource  string
	}
}

func (c *C) policy(url string) policyDoc {
	var p policyDoc
	raw := c.Attribute(url, "Policy")
	require.NotEmpty(c, raw, "Policy attribute")
	require.NoError(c, json.Unmarshal([]byte(raw), &p), "Policy is JSON: %s", raw)
	return p
}

func (c *C) purge(url string) error {
	_, err := c.Client().PurgeQueue(c.Ctx(), &sqs.PurgeQueueInput{QueueUrl: aws.String(url)})
	return err
}

// SQS's policy quotas: bytes, statements, principals, conditions, actions per statement.
var policyQuotaDoc = guideDoc("quotas-policies.html")

// policyActions are the actions a queue policy can share, for statements of up to 9 actions.
var policyActions = []string{"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
	"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListDeadLetterSourceQueues", "sqs:PurgeQueue", "sqs:ListQueueTags"}

// policyConditionKeys are 11 global condition keys SQS supports, each with an operator it takes.
var policyConditionKeys = [][2]string{
	{"StringEquals", "aws:SourceAccount"}, {"ArnLike", "aws:SourceArn"}, {"StringEquals", "aws:PrincipalAccount"},
	{"ArnLike", "aws:PrincipalArn"}, {"Bool", "aws:SecureTransport"}, {"DateGreaterThan", "aws:CurrentTime"},
	{"NumericGreaterThan", "aws:EpochTime"}, {"IpAddress", "aws:SourceIp"}, {"StringLike", "aws:UserAgent"},
	{"StringEquals", "aws:PrincipalOrgID"}, {"StringEquals", "aws:SourceVpce"},
}

// conditionValues are a value of the right type for each operator of policyConditionKeys.
var conditionValues = map[string]string{"StringEquals": "x", "ArnLike": "arn:aws:sqs:*:*:*", "Bool": "true",
	"DateGreaterThan": "2001-01-01T00:00:00Z", "NumericGreaterThan": "0", "IpAddress": "0.0.0.0/0", "StringLike": "*"}

// quotaPolicy is a valid policy for q of n Allow statements with the given number of actions and
// principals (distinct account ids spread over the statements, at least one each) and the given
// condition keys on the first statement.
func quotaPolicy(c *C, q string, statements, actions, principals int, conditions [][2]string) string {
	arn := c.QueueARN(q)
	type statement struct {
		Sid       string
		Effect    string
		Principal map[string][]string
		Action    []string
		Resource  string
		Condition map[string]map[string]string `json:",omitempty"`
	}
	doc := struct {
		Version   string
		Statement []statement
	}{Version: "2012-10-17"}
	for i := range statements {
		doc.Statement = append(doc.Statement, statement{Sid: fmt.Sprintf("s%d", i), Effect: "Allow",
			Principal: map[string][]string{"AWS": nil}, Action: policyActions[:actions], Resource: arn})
	}
	for i := range max(principals, statements) {
		st := &doc.Statement[i%statements]
		st.Principal["AWS"] = append(st.Principal["AWS"], fmt.Sprintf("%012d", 100000000000+i))
	}
	if len(conditions) > 0 {
		doc.Statement[0].Condition = map[string]map[string]string{}
		for _, k := range conditions {
			op := doc.Statement[0].Condition[k[0]]
			if op == nil {
				op = map[string]string{}
				doc.Statement[0].Condition[k[0]] = op
			}
			op[k[1]] = conditionValues[k[0]]
		}
	}
	b, err := json.Marshal(doc)
	require.NoError(c, err)
	return string(b)
}

// overLimit requires SetQueueAttributes of policy to fail with OverLimit (HTTP 403) and msg, and
// the queue's Policy to stay as it was.
func (c *C) overLimit(q, policy, msg string) {
	before := c.Attribute(q, "Policy")
	err := c.setAttrs(q, map[string]string{"Policy": policy})
	c.Err(err, "OverLimit", 403, msg)
	errAs[*types.OverLimit](c, err)
	if before == "" {
		assert.Empty(c, c.Attribute(q, "Policy"), "a refused Policy changes nothing")
	} else {
		assert.JSONEq(c, before, c.Attribute(q, "Policy"), "a refused Policy changes nothing")
	}
}

func managementTests() (tests []Test) {
	tests = append(tests,
		Test{ID: "SQS-TAG-001", Title: "TagQueue adds tags that ListQueueTags returns",
			Doc: apiDoc("TagQueue"), Run: func(c *C) {
				q := c.Queue("tags", nil)
				c.OK(c.tag(q, map[string]string{"tag1": "value1", "tag2": "value2", "tag3": ""}), "TagQueue")
				assert.Equal(c, map[string]string{"tag1": "value1", "tag2": "value2", "tag3": ""}, c.tags(q))
			}},
		Test{ID: "SQS-TAG-002", Title: "UntagQueue removes the named tags and keeps the others",
			Doc: apiDoc("UntagQueue"), Run: func(c *C) {
				q := c.Queue("tags", nil)
				c.OK(c.tag(q, map[string]string{"tag1": "value1", "tag2": "value2"}), "TagQueue")
				_, err := c.Client().UntagQueue(c.Ctx(), &sqs.UntagQueueInput{QueueUrl: aws.String(q), TagKeys: []string{"tag1", "absent"}})
				c.OK(err, "UntagQueue")
				assert.Equal(c, map[string]string{"tag2": "value2"}, c.tags(q))
			}},
		Test{ID: "SQS-TAG-003", Title: "Tags given to CreateQueue are on the new queue",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), Run: func(c *C) {
				q := c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("tags", false)), Tags: map[string]string{"team": "a", "env": "test"}})
				assert.Equal(c, map[string]string{"team": "a", "env": "test"}, c.tags(q))
			}},
		Test{ID: "SQS-TAG-004", Title: "TagQueue with an existing key replaces its value",
			Doc: tagDoc, Run: func(c *C) {
				q := c.Queue("tags", nil)
				c.OK(c.tag(q, map[string]string{"k": "v1"}), "TagQueue")
				c.OK(c.tag(q, map[string]string{"k": "v2"}), "TagQueue")
				assert.Equal(c, map[string]string{"k": "v2"}, c.tags(q))
			}},
		Test{ID: "SQS-TAG-005", Title: "ListQueueTags of an untagged queue returns no tags",
			Doc: apiDoc("ListQueueTags"), Run: func(c *C) {
				q := c.Queue("tags", nil)
				assert.Empty(c, c.tags(q))
			}},
		Test{ID: "SQS-TAG-006", Title: "TagQueue on a missing queue fails with NonExistentQueue",
			Doc: apiDocAt("TagQueue", "API_TagQueue_Errors"), Run: func(c *C) {
				q := c.Queue("exists", nil)
				c.Err(c.tag(c.MissingURL(q), map[string]string{"k": "v"}), "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
			}},
		Test{ID: "SQS-TAG-007", Title: "ListQueueTags on a missing queue fails with NonExistentQueue",
			Doc: apiDocAt("ListQueueTags", "API_ListQueueTags_Errors"), Run: func(c *C) {
				q := c.Queue("exists", nil)
				_, err := c.Client().ListQueueTags(c.Ctx(), &sqs.ListQueueTagsInput{QueueUrl: aws.String(c.MissingURL(q))})
				c.Err(err, "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
			}},
		Test{ID: "SQS-TAG-008", Title: "Tag lengths count Unicode characters: a 128-character key and a 256-character value of two-byte characters are accepted",
			Doc: guideDoc("quotas-queues.html"), Run: func(c *C) {
				q := c.Queue("tags", nil)
				tags := map[string]string{strings.Repeat("é", 128): strings.Repeat("ü", 256)}
				c.OK(c.tag(q, tags), "TagQueue")
				assert.Equal(c, tags, c.tags(q))
			}},
	)

	tests = append(tests,
		Test{ID: "SQS-PERM-001", Title: "AddPermission writes a policy statement: Sid=label, Allow, the accounts' root principals, SQS:<action>, the queue ARN",
			Doc: permDoc, Run: func(c *C) {
				q := c.Queue("perm", nil)
				arn := c.QueueARN(q)
				acct := queueurl.Account(arn)
				c.OK(c.addPermission(q, "crossaccountpermission", acct), "AddPermission")
				p := c.policy(q)
				assert.Equal(c, "2008-10-17", p.Version)
				assert.Equal(c, arn+"/SQSDefaultPolicy", p.Id)
				require.Len(c, p.Statement, 1)
				s := p.Statement[0]
				assert.Equal(c, "crossaccountpermission", s.Sid)
				assert.Equal(c, "Allow", s.Effect)
				assert.Equal(c, "arn:aws:iam::"+acct+":root", s.Principal.AWS)
				assert.Equal(c, "SQS:ReceiveMessage", s.Action)
				assert.Equal(c, arn, s.Resource)
			}},
		Test{ID: "SQS-PERM-002", Title: "AddPermission with a label already in use fails with InvalidParameterValue",
			Doc: apiDocAt("AddPermission", "API_AddPermission_Errors"), Run: func(c *C) {
				q := c.Queue("perm", nil)
				acct := queueurl.Account(c.QueueARN(q))
				c.OK(c.addPermission(q, "crossaccountpermission", acct), "AddPermission")
				c.Err(c.addPermission(q, "crossaccountpermission", acct), "InvalidParameterValue", 400,
					"Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.")
			}},
		Test{ID: "SQS-PERM-003", Title: "RemovePermission of the last statement removes the Policy attribute",
			Doc: apiDoc("RemovePermission"), Run: func(c *C) {
				q := c.Queue("perm", nil)
				c.OK(c.addPermission(q, "crossaccountpermission", queueurl.Account(c.QueueARN(q))), "AddPermission")
				c.OK(c.removePermission(q, "crossaccountpermission"), "RemovePermission")
				assert.Empty(c, c.Attribute(q, "Policy"))
			}},
		Test{ID: "SQS-PERM-004", Title: "RemovePermission of an unknown label fails with InvalidParameterValue",
			Doc: apiDocAt("RemovePermission", "API_RemovePermission_Errors"), Run: func(c *C) {
				q := c.Queue("perm", nil)
				c.OK(c.addPermission(q, "crossaccountpermission", queueurl.Account(c.QueueARN(q))), "AddPermission")
				c.Err(c.removePermission(q, "crossaccountpermission2"), "InvalidParameterValue", 400,
					"Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find label.")
			}},
		Test{ID: "SQS-PERM-005", Title: "Two labels give two statements; removing one keeps the other",
			Doc: permDoc, Run: func(c *C) {
				q := c.Queue("perm", nil)
				acct := queueurl.Account(c.QueueARN(q))
				c.OK(c.addPermission(q, "one", acct), "AddPermission one")
				c.OK(c.addPermission(q, "two", acct), "AddPermission two")
				require.Len(c, c.policy(q).Statement, 2)
				c.OK(c.removePermission(q, "one"), "RemovePermission one")
				p := c.policy(q)
				require.Len(c, p.Statement, 1)
				assert.Equal(c, "two", p.Statement[0].Sid)
			}},
		Test{ID: "SQS-PERM-006", Title: "AddPermission with several accounts lists each root principal",
			Doc: permDoc, Run: func(c *C) {
				q := c.Queue("perm", nil)
				acct := queueurl.Account(c.QueueARN(q))
				c.OK(c.addPermission(q, "multi", "668614515564", acct), "AddPermission")
				s := c.policy(q).Statement
				require.Len(c, s, 1)
				assert.ElementsMatch(c, []any{"arn:aws:iam::668614515564:root", "arn:aws:iam::" + acct + ":root"}, s[0].Principal.AWS)
			}},
		Test{ID: "SQS-PERM-007", Title: "AddPermission with more than seven actions fails with OverLimit (HTTP 403)",
			Doc: permDoc, Run: func(c *C) {
				q := c.Queue("perm", nil)
				_, err := c.Client().AddPermission(c.Ctx(), &sqs.AddPermissionInput{QueueUrl: aws.String(q), Label: aws.String("eight"),
					AWSAccountIds: []string{queueurl.Account(c.QueueARN(q))}, Actions: []string{"ChangeMessageVisibility", "DeleteMessage",
						"GetQueueAttributes", "GetQueueUrl", "ListDeadLetterSourceQueues", "PurgeQueue", "ReceiveMessage", "SendMessage"}})
				c.Err(err, "OverLimit", 403, "")
				errAs[*types.OverLimit](c, err)
			}},
		Test{ID: "SQS-PERM-008", Title: "A Policy of 8,192 bytes is accepted; one byte more fails with OverLimit (HTTP 403) \"Submitted policy is over max allowed size.\" and keeps the queue's policy",
			Doc: policyQuotaDoc, Run: func(c *C) {
				q := c.Queue("quota", nil)
				doc := quotaPolicy(c, q, 1, 1, 1, nil)
				pad := func(size int) string { return doc[:len(doc)-1] + strings.Repeat(" ", size-len(doc)) + "}" }
				c.OK(c.setAttrs(q, map[string]string{"Policy": pad(8192)}), "a Policy of 8,192 bytes")
				c.overLimit(q, pad(8193), "Submitted policy is over max allowed size.")
			}},
		Test{ID: "SQS-PERM-009", Title: "A Policy of 20 statements is accepted; 21 fail with OverLimit (HTTP 403)",
			Doc: policyQuotaDoc, Run: func(c *C) {
				q := c.Queue("quota", nil)
				c.OK(c.setAttrs(q, map[string]string{"Policy": quotaPolicy(c, q, 20, 1, 1, nil)}), "a Policy of 20 statements")
				c.overLimit(q, quotaPolicy(c, q, 21, 1, 1, nil), "21 statements were found in the submitted policy, max allowed is 20")
			}},
		Test{ID: "SQS-PERM-010", Title: "A Policy of 51 principals fails with OverLimit (HTTP 403)",
			Doc: policyQuotaDoc, Run: func(c *C) {
				q := c.Queue("quota", nil)
				c.overLimit(q, quotaPolicy(c, q, 1, 1, 51, nil), "51 principals were found in the submitted policy, max allowed is 50")
			}},
		Test{ID: "SQS-PERM-011", Title: "A Policy of 10 conditions is accepted; 11 fail with OverLimit (HTTP 403)",
			Doc: policyQuotaDoc, Run: func(c *C) {
				q := c.Queue("quota", nil)
				c.OK(c.setAttrs(q, map[string]string{"Policy": quotaPolicy(c, q, 1, 1, 1, policyConditionKeys[:10])}), "a Policy of 10 conditions")
				c.overLimit(q, quotaPolicy(c, q, 1, 1, 1, policyConditionKeys), "11 conditions were found in the submitted policy, max allowed is 10")
			}},
		Test{ID: "SQS-PERM-012", Title: "A Policy statement of 7 actions is accepted; 8 fail with OverLimit (HTTP 403)",
			Doc: policyQuotaDoc, Run: func(c *C) {
				q := c.Queue("quota", nil)
				c.OK(c.setAttrs(q, map[string]string{"Policy": quotaPolicy(c, q, 1, 7, 1, nil)}), "a statement of 7 actions")
				c.overLimit(q, quotaPolicy(c, q, 1, 8, 1, nil), "8 actions were found in a statement from the submitted policy, max allowed is 7")
			}},
	)

	tests = append(tests,
		Test{ID: "SQS-PURGE-001", Title: "PurgeQueue deletes the queue's messages",
			Doc: purgeDoc, Run: func(c *C) {
				q := c.Queue("purge", nil)
				c.SendN(q, 5)
				c.OK(c.purge(q), "PurgeQueue")
				c.WaitForCount(q, "ApproximateNumberOfMessages", 0, 5*time.Second)
				c.none(q, "purged")
			}},
		Test{ID: "SQS-PURGE-002", Title: "A second PurgeQueue within 60 seconds fails with PurgeQueueInProgress (HTTP 403)",
			Doc: apiDocAt("PurgeQueue", "API_PurgeQueue_Errors"), Run: func(c *C) {
				q := c.Queue("purge", nil)
				c.OK(c.purge(q), "PurgeQueue")
				err := c.purge(q)
				c.Err(err, "AWS.SimpleQueueService.PurgeQueueInProgress", 403, "Only one PurgeQueue operation on "+queueurl.Name(q)+" is allowed every 60 seconds.")
				errAs[*types.PurgeQueueInProgress](c, err)
			}},
		Test{ID: "SQS-PURGE-003", Title: "PurgeQueue of a missing queue fails with NonExistentQueue",
			Doc: apiDocAt("PurgeQueue", "API_PurgeQueue_Errors"), Run: func(c *C) {
				q := c.Queue("exists", nil)
				c.Err(c.purge(c.MissingURL(q)), "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
			}},
		Test{ID: "SQS-PURGE-004", Title: "PurgeQueue also deletes in-flight messages",
			Doc: purgeDoc, Run: func(c *C) {
				q := c.Queue("purge", map[string]string{"VisibilityTimeout": "1"})
				c.Send(q, "x")
				c.one(q, 5*time.Second)
				c.OK(c.purge(q), "PurgeQueue")
				c.Advance(1500 * time.Millisecond)
				c.none(q, "purged while in flight")
			}},
		Test{ID: "SQS-PURGE-005", Title: "PurgeQueue is allowed again after 60 seconds",
			Doc: purgeDoc, Timeout: 100 * time.Second, Run: func(c *C) {
				q := c.Queue("purge", nil)
				c.OK(c.purge(q), "PurgeQueue")
				c.Advance(61 * time.Second)
				c.OK(c.purge(q), "PurgeQueue after 60 s")
			}},
	)

	tests = append(tests,
		Test{ID: "SQS-RET-001", Title: "A message older than MessageRetentionPeriod is deleted",
			Doc: apiDocAt("SetQueueAttributes", "API_SetQueueAttributes_RequestParameters"), Timeout: 100 * time.Second, Run: func(c *C) {
				q := c.Queue("retention", map[string]string{"MessageRetentionPeriod": "60"})
				c.Send(q, "old")
				c.Advance(62 * time.Second)
				c.none(q, "expired")
				c.WaitForCount(q, "ApproximateNumberOfMessages", 0, 5*time.Second)
			}},
	)

	tests = append(tests,
		Test{ID: "SQS-ERR-001", Title: "Errors are wrapped in a *smithy.OperationError naming the service and operation",
			Doc: guideDoc("sqs-api-responses.html"), Run: func(c *C) {
				_, err := c.Client().GetQueueUrl(c.Ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String(c.UniqueName("missing", false))})
				oe := errAs[*smithy.OperationError](c, err)
				assert.Equal(c, "SQS", oe.Service())
				assert.Equal(c, "GetQueueUrl", oe.Operation())
			}},
		Test{ID: "SQS-ERR-002", Title: "Client errors have the client fault (smithy.FaultClient)",
			Doc: guideDoc("sqs-api-responses.html"), Run: func(c *C) {
				_, err := c.Client().GetQueueUrl(c.Ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String(c.UniqueName("missing", false))})
				var ae smithy.APIError
				require.True(c, errors.As(err, &ae))
				assert.Equal(c, smithy.FaultClient, ae.ErrorFault())
			}},
		Test{ID: "SQS-ERR-003", Title: "A missing queue's typed error reports the legacy code through ErrorCode()",
			Doc: apiDocAt("GetQueueUrl", "API_GetQueueUrl_Errors"), Run: func(c *C) {
				_, err := c.Client().GetQueueUrl(c.Ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String(c.UniqueName("missing", false))})
				qne := errAs[*types.QueueDoesNotExist](c, err)
				assert.Equal(c, "AWS.SimpleQueueService.NonExistentQueue", qne.ErrorCode())
			}},
		Test{ID: "SQS-ERR-004", Title: "Errors carry a request id",
			Doc: guideDoc("sqs-api-responses.html"), Run: func(c *C) {
				_, err := c.Client().GetQueueUrl(c.Ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String(c.UniqueName("missing", false))})
				var re interface{ ServiceRequestID() string }
				require.True(c, errors.As(err, &re), "error with a request id: %T", err)
				assert.NotEmpty(c, re.ServiceRequestID())
			}},
	)

	tests = append(tests,
		Test{ID: "SQS-CONS-001", Title: "A consumer handles every message of a standard queue at least once and leaves none behind",
			Doc: guideDoc("standard-queues.html"), Run: func(c *C) {
				q := c.Queue("consumer", map[string]string{"VisibilityTimeout": "2"})
				sent := c.SendN(q, 15)
				rep := c.CheckConsumer(q, harness.Expect{Bodies: sent, Timeout: 30 * time.Second}, harness.Loop(q, 3, failOn()))
				assert.Len(c, rep.Deleted, 15)
			}},
		Test{ID: "SQS-CONS-002", Title: "A consumer of a FIFO queue sees each group's messages in order, even with a retry",
			Doc: fifoDoc, Run: func(c *C) {
				q := c.FIFOQueue("consumer", map[string]string{"VisibilityTimeout": "1"})
				sent := c.SendBodies(q, harness.Bodies("m", 9), func(i int, e *types.SendMessageBatchRequestEntry) {
					e.MessageGroupId = aws.String([]string{"a", "b", "c"}[i%3])
				})
				var failed = make(chan struct{}, 1)
				rep := c.CheckConsumer(q, harness.Expect{Bodies: sent, Timeout: 30 * time.Second}, harness.Loop(q, 2, func(ctx context.Context, m types.Message) error {
					if aws.ToString(m.Body) == "m-4" {
						select {
						case failed <- struct{}{}:
							return errors.New("retry once")
						default:
						}
					}
					return nil
				}))
				assert.Len(c, rep.Deleted, 9)
			}},
		Test{ID: "SQS-CONS-003", Title: "A FIFO consumer failing on one message leaves it in the FIFO dead-letter queue and the rest handled",
			Doc: dlqDoc, Run: func(c *C) {
				src, _ := c.QueueWithDLQ("consumer.fifo", map[string]string{"VisibilityTimeout": "1"}, 2)
				sent := c.SendBodies(src, harness.Bodies("m", 4), func(i int, e *types.SendMessageBatchRequestEntry) {
					e.MessageGroupId = aws.String(strings.Repeat("g", 1+i%2))
				})
				rep := c.CheckConsumer(src, harness.Expect{Bodies: sent, Timeout: 30 * time.Second}, harness.Loop(src, 1, failOn("m-1")))
				assert.Equal(c, []string{"m-1"}, rep.DeadLettered)
			}},
	)
	return
}
