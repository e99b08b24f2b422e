package sqsmock_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func (e *env) tags(url string) map[string]string {
	e.t.Helper()
	out, err := e.c.ListQueueTags(e.ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(url)})
	require.NoError(e.t, err)
	return out.Tags
}

func TestTagUntagQueue(t *testing.T) {
	t.Parallel()
	// Recorded: test_tag_untag_queue.
	e := newEnvQueue(t, "q", nil)
	assert.Nil(t, e.tags(e.queue))
	_, err := e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(e.queue), Tags: map[string]string{"tag1": "value1", "tag2": "value2", "tag3": ""}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"tag1": "value1", "tag2": "value2", "tag3": ""}, e.tags(e.queue))

	_, err = e.c.UntagQueue(e.ctx, &sqs.UntagQueueInput{QueueUrl: aws.String(e.queue), TagKeys: []string{"tag1", "tag3", "never-set"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"tag2": "value2"}, e.tags(e.queue))

	_, err = e.c.UntagQueue(e.ctx, &sqs.UntagQueueInput{QueueUrl: aws.String(e.queue), TagKeys: []string{"tag2"}})
	require.NoError(t, err)
	assert.Nil(t, e.tags(e.queue), "no tags: no Tags member")

	// Tagging again replaces a value.
	_, err = e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(e.queue), Tags: map[string]string{"k": "1"}})
	require.NoError(t, err)
	_, err = e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(e.queue), Tags: map[string]string{"k": "2"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"k": "2"}, e.tags(e.queue))
	info, ok := e.mock.Queue("q")
	require.True(t, ok)
	assert.Equal(t, map[string]string{"k": "2"}, info.Tags)
}

func TestTagsAtCreation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	out, err := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("q"), Tags: map[string]string{"team": "a", "env": "test"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "a", "env": "test"}, e.tags(aws.ToString(out.QueueUrl)))
}

func TestTagLimits(t *testing.T) {
	t.Parallel()
	e := newEnvQueue(t, "q", nil)
	fifty := map[string]string{}
	for i := 0; i < 50; i++ {
		fifty["k"+strconv.Itoa(i)] = "v"
	}
	_, err := e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(e.queue), Tags: fifty})
	require.NoError(t, err, "50 tags is the limit")

	bad := []map[string]string{
		{"one-more": "v"},                // 51 in all
		{strings.Repeat("k", 129): "v"},  // key too long
		{"k0": strings.Repeat("v", 257)}, // value too long
		{"aws:reserved": "v"},            // reserved prefix
	}
	for _, tags := range bad {
		_, err := e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(e.queue), Tags: tags})
		requireAPIError(t, err, "InvalidParameterValue", "")
	}
	assert.Equal(t, fifty, e.tags(e.queue), "failed tagging changes nothing")

	_, err = e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(e.queue), Tags: map[string]string{"k0": strings.Repeat("v", 256)}})
	require.NoError(t, err, "replacing a key does not add a tag; 256 characters is allowed")
}

func TestTagsMissingQueue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	url := aws.String(e.mock.QueueURL("missing"))
	_, err := e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: url, Tags: map[string]string{"k": "v"}})
	requireAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
	_, err = e.c.UntagQueue(e.ctx, &sqs.UntagQueueInput{QueueUrl: url, TagKeys: []string{"k"}})
	requireAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
	_, err = e.c.ListQueueTags(e.ctx, &sqs.ListQueueTagsInput{QueueUrl: url})
	requireAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
}

func TestTagsCaseSensitive(t *testing.T) {
	t.Parallel()
	// test_tags_case_sensitive.
	e := newEnvQueue(t, "q", nil)
	tags := map[string]string{"MyTag": "value1", "mytag": "value2"}
	_, err := e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(e.queue), Tags: tags})
	require.NoError(t, err)
	assert.Equal(t, tags, e.tags(e.queue))
}

func TestTagLengthsInCharacters(t *testing.T) {
	t.Parallel()
	// Developer Guide, "Quotas related to queues": "The maximum tag Key length is 128 Unicode
	// characters in UTF-8"; "The maximum tag Value length is 256 Unicode characters in UTF-8".
	// Characters, not bytes: "é" is two bytes.
	cases := []struct {
		name string
		tags map[string]string
		ok   bool
	}{
		{"128-character multibyte key", map[string]string{strings.Repeat("é", 128): "v"}, true},
		{"129-character multibyte key", map[string]string{strings.Repeat("é", 129): "v"}, false},
		{"256-character multibyte value", map[string]string{"k": strings.Repeat("ü", 256)}, true},
		{"257-character multibyte value", map[string]string{"k": strings.Repeat("ü", 257)}, false},
		{"128 four-byte characters", map[string]string{strings.Repeat("𝄞", 128): strings.Repeat("𝄞", 256)}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvQueue(t, "q", nil)
			_, err := e.c.TagQueue(e.ctx, &sqs.TagQueueInput{QueueUrl: aws.String(e.queue), Tags: tc.tags})
			_, cerr := e.c.CreateQueue(e.ctx, &sqs.CreateQueueInput{QueueName: aws.String("created"), Tags: tc.tags})
			if tc.ok {
				require.NoError(t, err)
				require.NoError(t, cerr, "CreateQueue applies the same limits")
				assert.Equal(t, tc.tags, e.tags(e.queue))
				return
			}
			requireAPIError(t, err, "InvalidParameterValue", "")
			requireAPIError(t, cerr, "InvalidParameterValue", "")
			assert.Nil(t, e.tags(e.queue))
		})
	}
}
