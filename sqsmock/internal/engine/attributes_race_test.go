package engine

import (
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
)

// Concurrent SetQueueAttributes and AddPermission calls on one queue each keep their change: none
// is overwritten by another call's stale copy of the attributes.
func TestConcurrentAttributeChangesAreNotLost(t *testing.T) {
	f := newFixture(t, 5)
	const n = 200
	get := func(name string) string {
		out, err := f.e.GetQueueAttributes(f.ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(fxDLQ),
			AttributeNames: []types.QueueAttributeName{types.QueueAttributeName(name)}})
		if err != nil {
			return err.Error()
		}
		return out.Attributes[name]
	}
	var wg sync.WaitGroup
	for _, attr := range []struct {
		name string
		base int
	}{{"VisibilityTimeout", 0}, {"MessageRetentionPeriod", 60}, {"DelaySeconds", 0}} {
		wg.Go(func() {
			for i := range n {
				want := strconv.Itoa(attr.base + i)
				_, err := f.e.SetQueueAttributes(f.ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(fxDLQ),
					Attributes: map[string]string{attr.name: want}})
				if !assert.NoError(t, err) || !assert.Equal(t, want, get(attr.name), "a concurrent change overwrote %s", attr.name) {
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i := range n {
			_, err := f.e.AddPermission(f.ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(fxDLQ), Label: aws.String("p" + strconv.Itoa(i)),
				AWSAccountIds: []string{"111111111111"}, Actions: []string{"SendMessage"}})
			if !assert.NoError(t, err) || !assert.Contains(t, get("Policy"), `"p`+strconv.Itoa(i)+`"`, "a concurrent change dropped permission %d", i) {
				return
			}
			if i > 0 { // a policy has at most 20 statements: keep two
				_, err := f.e.RemovePermission(f.ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(fxDLQ), Label: aws.String("p" + strconv.Itoa(i-1))})
				if !assert.NoError(t, err) || !assert.Contains(t, get("Policy"), `"p`+strconv.Itoa(i)+`"`, "a concurrent change dropped permission %d", i) {
					return
				}
			}
		}
	})
	wg.Wait()
}
