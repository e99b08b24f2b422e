package harness_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"

	"github.com/sqsharness/sqsharness/harness"
)

// SendBodies returns the bodies it sent, in order, as SendN does, ready for Expect.Bodies; a body
// the edit changed is returned as sent.
func TestSendBodiesReturnsTheBodiesSent(t *testing.T) {
	each(t, func(t *testing.T, h *harness.H) {
		q := h.Queue("sent", nil)
		sent := h.SendBodies(q, harness.Bodies("order", 12), func(i int, e *types.SendMessageBatchRequestEntry) {
			if i == 11 {
				e.MessageBody = aws.String("order-last")
			}
		})
		assert.Equal(t, append(harness.Bodies("order", 11), "order-last"), sent)
		h.AssertBodies(h.Receive(q, 12, 5*time.Second), sent...)
		assert.Equal(t, []string{"msg-0", "msg-1", "msg-2"}, h.SendBodies(h.Queue("n", nil), harness.Bodies("msg", 3)))
	})
}
