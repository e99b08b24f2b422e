package addr

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQueueAddress(t *testing.T) {
	tests := []struct{ in, account, region string }{
		{"q", "", ""},
		{"", "", ""},
		{"/000000000000/q", "000000000000", ""},
		{"http://127.0.0.1:9324/111111111111/q", "111111111111", ""},
		{"https://sqs.eu-west-1.amazonaws.com/111111111111/q", "111111111111", "eu-west-1"},
		{"http://sqs.us-gov-west-1.localhost.localstack.cloud:4566/222222222222/q.fifo", "222222222222", "us-gov-west-1"},
		{"https://ap-south-1.queue.amazonaws.com/333333333333/q", "333333333333", "ap-south-1"},
		{"http://localhost:4566/queue/eu-central-1/444444444444/q", "444444444444", "eu-central-1"},
		{"http://localhost:4566/queue/notaregion/444444444444/q", "444444444444", ""},
		{"http://sqs.local:9324/000000000000/q", "000000000000", ""},
		{"http://sqs.mycompany.internal/000000000000/q?x=1", "000000000000", ""},
		{"http://[::1]:9324/000000000000/q", "000000000000", ""},
		{"arn:aws:sqs:eu-north-1:555555555555:q", "555555555555", "eu-north-1"},
		{"arn:aws:sqs:local:555555555555:q", "555555555555", "local"},
		{"arn:aws:sns:eu-north-1:555555555555:q", "", ""},
		{"arn:aws", "", ""},
	}
	for _, tt := range tests {
		account, region := QueueAddress(tt.in)
		assert.Equal(t, tt.account, account, "account of %q", tt.in)
		assert.Equal(t, tt.region, region, "region of %q", tt.in)
	}
}

func TestIsRegion(t *testing.T) {
	for _, s := range []string{"us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "us-isob-east-1", "ap-southeast-5"} {
		assert.True(t, IsRegion(s), s)
	}
	for _, s := range []string{"", "local", "us-east", "us--east-1", "-us-east-1", "us-east-1-", "US-EAST-1", "u-east-1", "us-east-x", "us-ea5t-1", "localhost"} {
		assert.False(t, IsRegion(s), s)
	}
}
