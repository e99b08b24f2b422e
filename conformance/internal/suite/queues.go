package suite

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/queueurl"
)

const notExist = "The specified queue does not exist."

func queueTests() (tests []Test) {
	tests = append(tests,
		Test{ID: "SQS-Q-001", Title: "CreateQueue returns a URL ending in /<account>/<name> and GetQueueUrl returns the same URL",
			Doc: apiDoc("CreateQueue"), Run: func(c *C) {
				name := c.UniqueName("url", false)
				url := c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(name)})
				arn := c.QueueARN(url)
				assert.True(c, strings.HasSuffix(url, "/"+queueurl.Account(arn)+"/"+name), "URL %s, ARN %s", url, arn)
				out, err := c.Client().GetQueueUrl(c.Ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
				c.OK(err, "GetQueueUrl")
				assert.Equal(c, url, aws.ToString(out.QueueUrl))
			}},
		Test{ID: "SQS-Q-002", Title: "CreateQueue with the same name and the same attributes is idempotent",
			Doc: apiDoc("CreateQueue"), Run: func(c *C) {
				name := c.UniqueName("idem", false)
				in := &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{"VisibilityTimeout": "40"}}
				a := c.CreateQueue(in)
				b := c.CreateQueue(in)
				assert.Equal(c, a, b)
			}},
		Test{ID: "SQS-Q-003", Title: "CreateQueue with an existing name and a different attribute value fails with QueueAlreadyExists",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_Errors"), Run: func(c *C) {
				name := c.UniqueName("exists", false)
				c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{"DelaySeconds": "1"}})
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{"DelaySeconds": "2"}})
				c.Err(err, "QueueAlreadyExists", 400, "A queue already exists with the same name and a different value for attribute DelaySeconds")
				errAs[*types.QueueNameExists](c, err)
			}},
		Test{ID: "SQS-Q-004", Title: "CreateQueue of an existing FIFO queue with a different ContentBasedDeduplication fails with QueueAlreadyExists",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_Errors"), Run: func(c *C) {
				name := c.UniqueName("exists", true)
				c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{"FifoQueue": "true"}})
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"}})
				c.Err(err, "QueueAlreadyExists", 400, "A queue already exists with the same name and a different value for attribute ContentBasedDeduplication")
			}},
		Test{ID: "SQS-Q-005", Title: "A queue name with characters other than alphanumerics, hyphens and underscores is rejected with InvalidParameterValue",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("bad", false) + "!x")})
				c.Err(err, "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-Q-006", Title: "A queue name longer than 80 characters is rejected with InvalidParameterValue",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("long", false) + strings.Repeat("x", 70))})
				c.Err(err, "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-Q-007", Title: "A FIFO queue (FifoQueue=true) whose name lacks the .fifo suffix is rejected with InvalidParameterValue",
			Doc: guideDoc("FIFO-queues-understanding-logic.html"), Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("nosuffix", false)), Attributes: map[string]string{"FifoQueue": "true"}})
				c.Err(err, "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-Q-008", Title: "A name ending in .fifo without FifoQueue=true is rejected with InvalidParameterValue",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("std", true))})
				c.Err(err, "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-Q-009", Title: "GetQueueUrl of a missing queue fails with AWS.SimpleQueueService.NonExistentQueue (*types.QueueDoesNotExist, HTTP 400)",
			Doc: apiDocAt("GetQueueUrl", "API_GetQueueUrl_Errors"), Run: func(c *C) {
				_, err := c.Client().GetQueueUrl(c.Ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String(c.UniqueName("missing", false))})
				c.Err(err, "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
				errAs[*types.QueueDoesNotExist](c, err)
			}},
		Test{ID: "SQS-Q-010", Title: "After DeleteQueue the queue no longer exists (within the 60 seconds AWS allows)",
			Doc: apiDoc("DeleteQueue"), Timeout: 90 * time.Second, Run: func(c *C) {
				url := c.Queue("del", nil)
				_, err := c.Client().DeleteQueue(c.Ctx(), &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
				c.OK(err, "DeleteQueue")
				deadline := time.Now().Add(60 * time.Second)
				for {
					_, err = c.Client().GetQueueUrl(c.Ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String(queueurl.Name(url))})
					if err != nil || time.Now().After(deadline) {
						break
					}
					c.Advance(time.Second)
				}
				c.Err(err, "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
			}},
		Test{ID: "SQS-Q-011", Title: "SendMessage to a missing queue URL fails with NonExistentQueue",
			Doc: apiDocAt("SendMessage", "API_SendMessage_Errors"), Run: func(c *C) {
				q := c.Queue("exists", nil)
				_, err := c.send(c.MissingURL(q), "x")
				c.Err(err, "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
				errAs[*types.QueueDoesNotExist](c, err)
			}},
		Test{ID: "SQS-Q-012", Title: "DeleteQueue of a missing queue fails with NonExistentQueue",
			Doc: apiDocAt("DeleteQueue", "API_DeleteQueue_Errors"), Run: func(c *C) {
				q := c.Queue("exists", nil)
				_, err := c.Client().DeleteQueue(c.Ctx(), &sqs.DeleteQueueInput{QueueUrl: aws.String(c.MissingURL(q))})
				c.Err(err, "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
			}},
		Test{ID: "SQS-Q-013", Title: "ListQueues with QueueNamePrefix returns exactly the queues whose names start with it",
			Doc: apiDoc("ListQueues"), Run: func(c *C) {
				base := c.UniqueName("lst", false)
				var want []string
				for i := range 3 {
					want = append(want, c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprintf("%s-%d", base, i))}))
				}
				c.Queue("other", nil)
				out, err := c.Client().ListQueues(c.Ctx(), &sqs.ListQueuesInput{QueueNamePrefix: aws.String(base)})
				c.OK(err, "ListQueues")
				assert.ElementsMatch(c, want, out.QueueUrls)
			}},
		Test{ID: "SQS-Q-014", Title: "ListQueues with MaxResults pages with NextToken until every queue was listed",
			Doc: apiDoc("ListQueues"), Run: func(c *C) {
				base := c.UniqueName("page", false)
				var want []string
				for i := range 3 {
					want = append(want, c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprintf("%s-%d", base, i))}))
				}
				out, err := c.Client().ListQueues(c.Ctx(), &sqs.ListQueuesInput{QueueNamePrefix: aws.String(base), MaxResults: aws.Int32(2)})
				c.OK(err, "ListQueues page 1")
				require.Len(c, out.QueueUrls, 2)
				require.NotNil(c, out.NextToken, "NextToken after a full page")
				got := slices.Clone(out.QueueUrls)
				out, err = c.Client().ListQueues(c.Ctx(), &sqs.ListQueuesInput{QueueNamePrefix: aws.String(base), MaxResults: aws.Int32(2), NextToken: out.NextToken})
				c.OK(err, "ListQueues page 2")
				got = append(got, out.QueueUrls...)
				assert.Nil(c, out.NextToken, "no NextToken on the last page")
				assert.ElementsMatch(c, want, got)
			}},
		Test{ID: "SQS-Q-015", Title: "ListQueues with MaxResults outside 1..1000 fails with InvalidParameterValue",
			Doc: apiDocAt("ListQueues", "API_ListQueues_RequestParameters"), Run: func(c *C) {
				_, err := c.Client().ListQueues(c.Ctx(), &sqs.ListQueuesInput{MaxResults: aws.Int32(1001)})
				c.Err(err, "InvalidParameterValue", 400, "")
			}},
		Test{ID: "SQS-Q-016", Title: "ListQueues with a prefix no queue has returns no URLs",
			Doc: apiDoc("ListQueues"), Run: func(c *C) {
				out, err := c.Client().ListQueues(c.Ctx(), &sqs.ListQueuesInput{QueueNamePrefix: aws.String(c.UniqueName("none", false))})
				c.OK(err, "ListQueues")
				assert.Empty(c, out.QueueUrls)
			}},
		Test{ID: "SQS-Q-017", Title: "GetQueueUrl with QueueOwnerAWSAccountId of the owner finds the queue",
			Doc: apiDoc("GetQueueUrl"), Run: func(c *C) {
				url := c.Queue("owner", nil)
				out, err := c.Client().GetQueueUrl(c.Ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String(queueurl.Name(url)),
					QueueOwnerAWSAccountId: aws.String(queueurl.Account(c.QueueARN(url)))})
				c.OK(err, "GetQueueUrl")
				assert.Equal(c, url, aws.ToString(out.QueueUrl))
			}},
		Test{ID: "SQS-Q-018", Title: "QueueArn is arn:aws:sqs:<region>:<account>:<name>",
			Doc: apiDocAt("GetQueueAttributes", "API_GetQueueAttributes_RequestParameters"), Run: func(c *C) {
				url := c.Queue("arn", nil)
				arn := c.QueueARN(url)
				p := strings.Split(arn, ":")
				require.Len(c, p, 6, arn)
				assert.Equal(c, []string{"arn", "aws", "sqs", c.Region()}, p[:4])
				assert.Regexp(c, `^[0-9]{12}$`, p[4])
				assert.Equal(c, queueurl.Name(url), p[5])
			}},
		Test{ID: "SQS-Q-019", Title: "CreateQueue with an unknown attribute fails with InvalidAttributeName",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_Errors"), Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("bogus", false)), Attributes: map[string]string{"Bogus": "1"}})
				c.Err(err, "InvalidAttributeName", 400, "Unknown Attribute Bogus.")
			}},
		Test{ID: "SQS-Q-020", Title: "A standard queue cannot be created with FifoQueue (even false): InvalidAttributeName",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("std", false)), Attributes: map[string]string{"FifoQueue": "false"}})
				c.Err(err, "InvalidAttributeName", 400, "Unknown Attribute FifoQueue.")
			}},
		Test{ID: "SQS-Q-021", Title: "A standard queue cannot be created with ContentBasedDeduplication: InvalidAttributeName",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("std", false)), Attributes: map[string]string{"ContentBasedDeduplication": "false"}})
				c.Err(err, "InvalidAttributeName", 400, "Unknown Attribute ContentBasedDeduplication.")
			}},
		Test{ID: "SQS-Q-022", Title: "A standard queue cannot be created with DeduplicationScope: InvalidAttributeName",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("std", false)), Attributes: map[string]string{"DeduplicationScope": "queue"}})
				c.Err(err, "InvalidAttributeName", 400, "You can specify the DeduplicationScope only when FifoQueue is set to true.")
			}},
		Test{ID: "SQS-Q-023", Title: "A standard queue cannot be created with FifoThroughputLimit: InvalidAttributeName",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("std", false)), Attributes: map[string]string{"FifoThroughputLimit": "perQueue"}})
				c.Err(err, "InvalidAttributeName", 400, "You can specify the FifoThroughputLimit only when FifoQueue is set to true.")
			}},
		Test{ID: "SQS-Q-024", Title: "GetQueueAttributes of a missing queue fails with NonExistentQueue",
			Doc: apiDocAt("GetQueueAttributes", "API_GetQueueAttributes_Errors"), Run: func(c *C) {
				q := c.Queue("exists", nil)
				_, err := c.Client().GetQueueAttributes(c.Ctx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(c.MissingURL(q)),
					AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
				c.Err(err, "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
			}},
		Test{ID: "SQS-Q-025", Title: "ReceiveMessage from a missing queue fails with NonExistentQueue",
			Doc: apiDocAt("ReceiveMessage", "API_ReceiveMessage_Errors"), Run: func(c *C) {
				q := c.Queue("exists", nil)
				_, err := c.recv(c.MissingURL(q))
				c.Err(err, "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
			}},
		Test{ID: "SQS-Q-026", Title: "CreateQueue of a name deleted less than 60 seconds ago fails with QueueDeletedRecently",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_Errors"), Run: func(c *C) {
				name := c.UniqueName("recent", false)
				url := c.CreateQueue(&sqs.CreateQueueInput{QueueName: aws.String(name)})
				_, err := c.Client().DeleteQueue(c.Ctx(), &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
				c.OK(err, "DeleteQueue")
				err = c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(name)})
				c.Err(err, "AWS.SimpleQueueService.QueueDeletedRecently", 400, "")
				errAs[*types.QueueDeletedRecently](c, err)
			}},
	)
	return
}
