package differential

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
)

func TestNormalise(t *testing.T) {
	s := &Side{names: map[string]string{"q": "sqshd-1-q", "q-dlq": "sqshd-1-q-dlq"}}
	out := &sqs.ReceiveMessageOutput{Messages: []types.Message{{
		MessageId:     aws.String("0b9e3c4e-8d2e-4a51-9a7c-3b1f2f8d9a10"),
		ReceiptHandle: aws.String("AQEB..."),
		Body:          aws.String("see http://localhost:4566/000000000000/sqshd-1-q-dlq"),
		Attributes: map[string]string{
			"SentTimestamp":            "1795605025033",
			"DeadLetterQueueSourceArn": "arn:aws:sqs:us-east-1:123456789012:sqshd-1-q",
			"SequenceNumber":           "not-a-number",
		},
	}}}
	got := normalise(out, s.normaliser(), map[string]bool{})
	want := map[string]any{"Messages": []any{map[string]any{
		"MessageId":     "<MessageId>",
		"ReceiptHandle": "<ReceiptHandle>",
		"Body":          "see <url:q-dlq>",
		"Attributes": map[string]any{
			"SentTimestamp":            "<epoch-ms>",
			"DeadLetterQueueSourceArn": "<arn:q>",
			"SequenceNumber":           "not-a-number", // wrong shape: kept, so it differs
		},
	}}}
	assert.Equal(t, want, got)
}

func TestDiffModes(t *testing.T) {
	a := map[string]any{"QueueUrls": []any{"<url:a>", "<url:b>"}, "N": map[string]any{"ApproximateNumberOfMessages": "3"}}
	b := map[string]any{"QueueUrls": []any{"<url:b>", "<url:a>"}, "N": map[string]any{"ApproximateNumberOfMessages": "4"}}
	assert.NotEmpty(t, diffTrees("", a, b, exact, 0))
	assert.Len(t, diffTrees("", a, b, unordered, 0), 1, "order ignored, counter still differs")
	assert.Empty(t, diffTrees("", a, b, loose, 0))
	assert.Len(t, diffTrees("", a, b, approx, 1), 2, "counter within 1, order still matters")
	c := map[string]any{"QueueUrls": []any{"<url:a>"}}
	assert.NotEmpty(t, diffTrees("", a, c, loose, 0), "list length and missing fields are structure")
}
