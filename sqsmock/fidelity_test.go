package sqsmock_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBooleanAttributesIgnoreCase(t *testing.T) {
	t.Parallel()
	// LocalStack's AWS-validated tests create FIFO queues with "FifoQueue": "True" and
	// "ContentBasedDeduplication": "True"/"False" (test_fifo_change_to_high_throughput_after_creation
	// and others); AWS accepts them and reports the values back as "true" and "false".
	e := newEnv(t)
	url := e.create("q.fifo", map[string]string{"FifoQueue": "True", "ContentBasedDeduplication": "False", "SqsManagedSseEnabled": "TRUE"})
	got := e.attrs(url)
	assert.Equal(t, "true", got["FifoQueue"])
	assert.Equal(t, "false", got["ContentBasedDeduplication"])
	assert.Equal(t, "true", got["SqsManagedSseEnabled"])

	// The same attributes spelled otherwise are the same: CreateQueue is idempotent.
	again := e.create("q.fifo", map[string]string{"FifoQueue": "tRUE", "ContentBasedDeduplication": "false", "SqsManagedSseEnabled": "True"})
	assert.Equal(t, url, again)

	require.NoError(t, e.setAttrs(url, map[string]string{"FifoQueue": "True", "ContentBasedDeduplication": "TRUE", "SqsManagedSseEnabled": "False"}))
	got = e.attrs(url)
	assert.Equal(t, "true", got["ContentBasedDeduplication"])
	assert.Equal(t, "false", got["SqsManagedSseEnabled"])
	requireAPIError(t, e.setAttrs(url, map[string]string{"FifoQueue": "FALSE"}), "InvalidAttributeValue",
		"Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.")

	std := e.create("std", map[string]string{"SqsManagedSseEnabled": "False"})
	assert.Equal(t, "false", e.attr(std, "SqsManagedSseEnabled"))
	// A standard queue still rejects FifoQueue in any spelling (test_set_unsupported_attribute_standard).
	requireAPIError(t, e.setAttrs(std, map[string]string{"FifoQueue": "False"}), "InvalidAttributeName", "Unknown Attribute FifoQueue.")

	// Only true and false are booleans (API Reference, CreateQueue: "Valid values: true, false").
	for _, bad := range []string{"yes", "1", "t", ""} {
		requireAPIError(t, e.setAttrs(url, map[string]string{"ContentBasedDeduplication": bad}), "InvalidAttributeValue",
			"Invalid value for the parameter ContentBasedDeduplication.")
		requireAPIError(t, e.setAttrs(std, map[string]string{"SqsManagedSseEnabled": bad}), "InvalidAttributeValue",
			"Invalid value for the parameter SqsManagedSseEnabled.")
		if bad != "" {
			_, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("bad.fifo"), Attributes: map[string]string{"FifoQueue": bad}})
			requireAPIError(t, err, "InvalidAttributeValue", "Invalid value for the parameter FifoQueue.")
		}
	}
}
