package suite

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var setAttrsDoc = apiDocAt("SetQueueAttributes", "API_SetQueueAttributes_RequestParameters")

func attributeTests() (tests []Test) {
	tests = append(tests,
		Test{ID: "SQS-ATTR-001", Title: "A new standard queue has SQS's default attribute values",
			Doc: setAttrsDoc, Run: func(c *C) {
				q := c.Queue("defaults", nil)
				c.AssertQueueAttributes(q, map[string]string{
					"VisibilityTimeout": "30", "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600",
					"DelaySeconds": "0", "ReceiveMessageWaitTimeSeconds": "0",
					"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0", "ApproximateNumberOfMessagesDelayed": "0",
				})
			}},
		Test{ID: "SQS-ATTR-002", Title: "New queues have server-side encryption with SQS-owned keys on by default (SqsManagedSseEnabled=true)",
			Doc: guideDoc("sqs-server-side-encryption.html"), Run: func(c *C) {
				q := c.Queue("sse", nil)
				assert.Equal(c, "true", c.Attribute(q, "SqsManagedSseEnabled"))
			}},
		Test{ID: "SQS-ATTR-003", Title: "CreatedTimestamp and LastModifiedTimestamp are epoch seconds of the creation",
			Doc: apiDocAt("GetQueueAttributes", "API_GetQueueAttributes_RequestParameters"), Run: func(c *C) {
				var now time.Time
				if c.Clock() != nil {
					now = c.Clock().Now()
				} else {
					now = time.Now()
				}
				q := c.Queue("ts", nil)
				a := c.Attributes(q)
				for _, k := range []string{"CreatedTimestamp", "LastModifiedTimestamp"} {
					v, err := strconv.ParseInt(a[k], 10, 64)
					if assert.NoError(c, err, "%s=%q", k, a[k]) {
						assert.InDelta(c, now.Unix(), v, 120, "%s is epoch seconds", k)
					}
				}
			}},
		Test{ID: "SQS-ATTR-004", Title: "A new FIFO queue reports FifoQueue=true, ContentBasedDeduplication=false, DeduplicationScope=queue, FifoThroughputLimit=perQueue",
			Doc: guideDoc("high-throughput-fifo.html"), Run: func(c *C) {
				q := c.FIFOQueue("defaults", nil)
				c.AssertQueueAttributes(q, map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "false",
					"DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"})
			}},
		Test{ID: "SQS-ATTR-005", Title: "SetQueueAttributes changes are returned by GetQueueAttributes",
			Doc: apiDoc("SetQueueAttributes"), Run: func(c *C) {
				q := c.Queue("set", map[string]string{"VisibilityTimeout": "20", "ReceiveMessageWaitTimeSeconds": "10", "MessageRetentionPeriod": "604800"})
				c.SetAttributes(q, map[string]string{"VisibilityTimeout": "69", "DelaySeconds": "420", "MaximumMessageSize": "2048"})
				c.AssertQueueAttributes(q, map[string]string{"VisibilityTimeout": "69", "DelaySeconds": "420", "MaximumMessageSize": "2048",
					"ReceiveMessageWaitTimeSeconds": "10", "MessageRetentionPeriod": "604800"})
			}},
		Test{ID: "SQS-ATTR-006", Title: "GetQueueAttributes with specific names returns only those attributes",
			Doc: apiDoc("GetQueueAttributes"), Run: func(c *C) {
				q := c.Queue("some", nil)
				out, err := c.Client().GetQueueAttributes(c.Ctx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(q),
					AttributeNames: []types.QueueAttributeName{"VisibilityTimeout", "DelaySeconds"}})
				c.OK(err, "GetQueueAttributes")
				assert.Equal(c, map[string]string{"VisibilityTimeout": "30", "DelaySeconds": "0"}, out.Attributes)
			}},
		Test{ID: "SQS-ATTR-007", Title: "GetQueueAttributes with an unknown attribute name fails with InvalidAttributeName",
			Doc: apiDocAt("GetQueueAttributes", "API_GetQueueAttributes_Errors"), Run: func(c *C) {
				q := c.Queue("unknown", nil)
				_, err := c.Client().GetQueueAttributes(c.Ctx(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(q),
					AttributeNames: []types.QueueAttributeName{"Bogus"}})
				c.Err(err, "InvalidAttributeName", 400, "")
				errAs[*types.InvalidAttributeName](c, err)
			}},
		Test{ID: "SQS-ATTR-008", Title: "SetQueueAttributes with an unknown attribute fails with InvalidAttributeName",
			Doc: apiDocAt("SetQueueAttributes", "API_SetQueueAttributes_Errors"), Run: func(c *C) {
				q := c.Queue("unknown", nil)
				c.Err(c.setAttrs(q, map[string]string{"Bogus": "1"}), "InvalidAttributeName", 400, "Unknown Attribute Bogus.")
			}},
		Test{ID: "SQS-ATTR-009", Title: "FifoQueue cannot be set on a standard queue: InvalidAttributeName",
			Doc: setAttrsDoc, Run: func(c *C) {
				q := c.Queue("std", nil)
				c.Err(c.setAttrs(q, map[string]string{"FifoQueue": "true"}), "InvalidAttributeName", 400, "Unknown Attribute FifoQueue.")
			}},
		Test{ID: "SQS-ATTR-010", Title: "A FIFO queue cannot be turned into a standard queue: InvalidAttributeValue",
			Doc: setAttrsDoc, Run: func(c *C) {
				q := c.FIFOQueue("fifo", nil)
				c.OK(c.setAttrs(q, map[string]string{"FifoQueue": "true"}), "FifoQueue=true on a FIFO queue is accepted")
				c.Err(c.setAttrs(q, map[string]string{"FifoQueue": "false"}), "InvalidAttributeValue", 400,
					"Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.")
			}},
		Test{ID: "SQS-ATTR-011", Title: "KmsMasterKeyId and SqsManagedSseEnabled=true together fail with InvalidAttributeName",
			Doc: guideDoc("sqs-server-side-encryption.html"), Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("sse", false)),
					Attributes: map[string]string{"KmsMasterKeyId": "testKeyId", "SqsManagedSseEnabled": "true"}})
				c.Err(err, "InvalidAttributeName", 400, "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.")
			}},
		Test{ID: "SQS-ATTR-012", Title: "A queue with KmsMasterKeyId reports it, KmsDataKeyReusePeriodSeconds and SqsManagedSseEnabled=false",
			Doc: guideDoc("sqs-server-side-encryption.html"), Run: func(c *C) {
				q := c.Queue("kms", map[string]string{"KmsMasterKeyId": "testKeyId", "KmsDataKeyReusePeriodSeconds": "6000"})
				c.AssertQueueAttributes(q, map[string]string{"KmsMasterKeyId": "testKeyId", "KmsDataKeyReusePeriodSeconds": "6000", "SqsManagedSseEnabled": "false"})
			}},
		Test{ID: "SQS-ATTR-013", Title: "The Policy attribute is stored and returned as the same JSON document",
			Doc: setAttrsDoc, Run: func(c *C) {
				q := c.Queue("policy", nil)
				arn := c.QueueARN(q)
				policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"s1","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage","Resource":"%s"}]}`, arn)
				c.SetAttributes(q, map[string]string{"Policy": policy})
				var want, got any
				require.NoError(c, json.Unmarshal([]byte(policy), &want))
				require.NoError(c, json.Unmarshal([]byte(c.Attribute(q, "Policy")), &got), "Policy is JSON")
				assert.Equal(c, want, got)
			}},
		Test{ID: "SQS-ATTR-014", Title: "A Policy that is not JSON fails with InvalidAttributeValue",
			Doc: setAttrsDoc, Run: func(c *C) {
				q := c.Queue("policy", nil)
				c.Err(c.setAttrs(q, map[string]string{"Policy": "{not json"}), "InvalidAttributeValue", 400, "")
			}},
		Test{ID: "SQS-ATTR-015", Title: "Setting attributes back to their defaults is accepted and reported",
			Doc: setAttrsDoc, Run: func(c *C) {
				q := c.Queue("back", map[string]string{"DelaySeconds": "5", "VisibilityTimeout": "60"})
				c.SetAttributes(q, map[string]string{"DelaySeconds": "0", "VisibilityTimeout": "30", "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600", "ReceiveMessageWaitTimeSeconds": "0"})
				c.AssertQueueAttributes(q, map[string]string{"DelaySeconds": "0", "VisibilityTimeout": "30", "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600", "ReceiveMessageWaitTimeSeconds": "0"})
			}},
		Test{ID: "SQS-ATTR-016", Title: "SetQueueAttributes on a missing queue fails with NonExistentQueue",
			Doc: apiDocAt("SetQueueAttributes", "API_SetQueueAttributes_Errors"), Run: func(c *C) {
				q := c.Queue("exists", nil)
				c.Err(c.setAttrs(c.MissingURL(q), map[string]string{"DelaySeconds": "1"}), "AWS.SimpleQueueService.NonExistentQueue", 400, notExist)
			}},
	)

	// Ranges: the extremes are accepted, one past them is InvalidAttributeValue (on SetQueueAttributes
	// and on CreateQueue).
	ranges := []struct {
		attr     string
		min, max int
	}{
		{"VisibilityTimeout", 0, 43200},
		{"DelaySeconds", 0, 900},
		{"MaximumMessageSize", 1024, 1048576},
		{"MessageRetentionPeriod", 60, 1209600},
		{"ReceiveMessageWaitTimeSeconds", 0, 20},
	}
	n := 20
	for _, r := range ranges {
		r := r
		tests = append(tests, Test{ID: fmt.Sprintf("SQS-ATTR-%03d", n), Title: fmt.Sprintf("%s accepts %d and %d", r.attr, r.min, r.max),
			Doc: setAttrsDoc, Run: func(c *C) {
				q := c.Queue("range", nil)
				for _, v := range []int{r.min, r.max} {
					c.SetAttributes(q, map[string]string{r.attr: strconv.Itoa(v)})
					assert.Equal(c, strconv.Itoa(v), c.Attribute(q, r.attr))
				}
			}})
		n++
		for _, bad := range []int{r.min - 1, r.max + 1} {
			tests = append(tests, Test{ID: fmt.Sprintf("SQS-ATTR-%03d", n), Title: fmt.Sprintf("SetQueueAttributes %s=%d fails with InvalidAttributeValue", r.attr, bad),
				Doc: setAttrsDoc, Run: func(c *C) {
					q := c.Queue("range", nil)
					c.Err(c.setAttrs(q, map[string]string{r.attr: strconv.Itoa(bad)}), "InvalidAttributeValue", 400, "")
					errAs[*types.InvalidAttributeValue](c, c.setAttrs(q, map[string]string{r.attr: strconv.Itoa(bad)}))
				}})
			n++
		}
	}
	tests = append(tests,
		Test{ID: "SQS-ATTR-040", Title: "CreateQueue with an out-of-range attribute (VisibilityTimeout=43201) fails with InvalidAttributeValue",
			Doc: apiDocAt("CreateQueue", "API_CreateQueue_Errors"), Run: func(c *C) {
				err := c.createErr(&sqs.CreateQueueInput{QueueName: aws.String(c.UniqueName("range", false)), Attributes: map[string]string{"VisibilityTimeout": "43201"}})
				c.Err(err, "InvalidAttributeValue", 400, "")
			}},
		Test{ID: "SQS-ATTR-041", Title: "A non-numeric DelaySeconds fails with InvalidAttributeValue",
			Doc: setAttrsDoc, Run: func(c *C) {
				q := c.Queue("nan", nil)
				c.Err(c.setAttrs(q, map[string]string{"DelaySeconds": "abc"}), "InvalidAttributeValue", 400, "")
			}},
	)
	return
}
