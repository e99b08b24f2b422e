package faultplan_test

import (
	"encoding/base64"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/faultplan"
)

// TestBinaryAttributePredicateInBothPlacements: a message predicate on a Binary attribute
// matches the standard base64 of its bytes, the same in the client placement (middleware) and
// in the engine, for an operation-level rule on SendMessage and a message-level rule on the
// entries of a SendMessageBatch; in the engine also for a rule on DeleteMessage, whose message
// the engine looks up by receipt handle.
func TestBinaryAttributePredicateInBothPlacements(t *testing.T) {
	sig := []byte{0x00, 0xff, 's', 'i', 'g', 0x80}
	match := map[string]string{"sig": base64.StdEncoding.EncodeToString(sig)} // "AP9zaWeA"
	binary := func(b []byte) map[string]types.MessageAttributeValue {
		return map[string]types.MessageAttributeValue{"sig": {DataType: aws.String("Binary.sig"), BinaryValue: b}}
	}
	plan := func() *faultplan.Plan {
		return faultplan.MustPlan(t, 1,
			faultplan.Rule{Name: "send", Kind: faultplan.Error, ErrorCode: "OverLimit", Operations: []string{"SendMessage"},
				Message: &faultplan.MessagePredicate{Attributes: match}, Probability: 1},
			faultplan.Rule{Name: "batch", Kind: faultplan.PartialBatchFailure, Operations: []string{"SendMessageBatch"},
				Message: &faultplan.MessagePredicate{Attributes: match}, Probability: 1})
	}
	for _, placement := range []faultplan.Placement{faultplan.Client, faultplan.Engine} {
		t.Run(string(placement), func(t *testing.T) {
			p := plan()
			var e *srvEnv
			if placement == faultplan.Client {
				e = newSrvEnv(t, p)
			} else {
				e = newSrvEnv(t, nil)
				require.NoError(t, e.srv.Mock().SetFaults(public(p)))
			}
			send := func(attrs map[string]types.MessageAttributeValue) error {
				_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.q), MessageBody: aws.String("x"), MessageAttributes: attrs})
				return err
			}
			err := send(binary(sig))
			requireServiceError(t, err, "OverLimit", 403, &types.OverLimit{})
			require.NoError(t, send(binary([]byte("other"))))
			require.NoError(t, send(map[string]types.MessageAttributeValue{"sig": {DataType: aws.String("String"), StringValue: aws.String("x")}}))

			out, err := e.c.SendMessageBatch(e.ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(e.q), Entries: []types.SendMessageBatchRequestEntry{
				{Id: aws.String("plain"), MessageBody: aws.String("x"), MessageAttributes: binary([]byte("other"))},
				{Id: aws.String("signed"), MessageBody: aws.String("x"), MessageAttributes: binary(sig)},
			}})
			require.NoError(t, err)
			require.Len(t, out.Failed, 1)
			assert.Equal(t, "signed", aws.ToString(out.Failed[0].Id))
			assert.Equal(t, "InternalError", aws.ToString(out.Failed[0].Code))
			require.Len(t, out.Successful, 1)

			rules := map[string]int{}
			for _, in := range p.Injections() {
				rules[in.Rule]++
			}
			assert.Equal(t, map[string]int{"send": 1, "batch": 1}, rules)
		})
	}
	t.Run("engine DeleteMessage", func(t *testing.T) {
		e := newSrvEnv(t, nil)
		_, err := e.c.SendMessage(e.ctx, &sqs.SendMessageInput{QueueUrl: aws.String(e.q), MessageBody: aws.String("x"), MessageAttributes: binary(sig)})
		require.NoError(t, err)
		require.NoError(t, e.srv.Mock().SetFaults(public(faultplan.MustPlan(t, 1, faultplan.Rule{Kind: faultplan.Error, ErrorCode: "OverLimit",
			Operations: []string{"DeleteMessage"}, Message: &faultplan.MessagePredicate{Attributes: match}, Probability: 1}))))
		m := e.receive(1)
		require.Len(t, m, 1)
		_, err = e.c.DeleteMessage(e.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(e.q), ReceiptHandle: m[0].ReceiptHandle})
		var overLimit *types.OverLimit
		require.ErrorAs(t, err, &overLimit)
		assert.Equal(t, []string{"x"}, e.stored(), "not deleted")
	})
}
