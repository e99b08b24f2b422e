package zoo

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"

	"github.com/sqsharness/sqsharness/harness"
	"github.com/sqsharness/sqsharness/sqsmock"
)

// TranscoderAPI is the part of SQS a Transcoder uses; *sqs.Client satisfies it.
type TranscoderAPI interface {
	Receiver
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

// RenderJob is the body of a message on the render queue.
type RenderJob struct {
	Video   string `json:"video"`
	Seconds int    `json:"seconds"` // how long the render takes
}

// Transcoder renders videos, jobs that take from seconds to minutes. Each worker receives one job
// at a time and leases the video in the Studio for as long as SQS hides the message (the queue's
// visibility timeout): the lease keeps the workers of every instance of the service off a video
// being rendered. While it renders, a heartbeat renews the lease and extends the message's
// visibility every ten seconds; a heartbeat that fails is logged and tried again at the next tick.
type Transcoder struct {
	Client   TranscoderAPI
	QueueURL string
	Studio   *Studio
	Name     string // the instance, for lease owners (default "transcoder")
	Workers  int    // default 3
	Logger   *slog.Logger
	// Bug: the heartbeat stops at its first failed ChangeMessageVisibility. One failure that the
	// SDK's retries do not absorb lets the lease and the message expire mid-render, and another
	// worker renders the video again.
	Bug bool
}

// Run renders until ctx ends.
func (c *Transcoder) Run(ctx context.Context) error {
	name := c.Name
	if name == "" {
		name = "transcoder"
	}
	var wg sync.WaitGroup
	for i := range workers(c.Workers) {
		wg.Go(func() { c.work(ctx, fmt.Sprintf("%s/%d", name, i)) })
	}
	wg.Wait()
	return nil
}

func (c *Transcoder) work(ctx context.Context, owner string) {
	log := logger(c.Logger).With("worker", owner)
	for failures := 0; ctx.Err() == nil; {
		out, err := c.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(c.QueueURL), MaxNumberOfMessages: 1, WaitTimeSeconds: waitTime})
		if err != nil {
			if ctx.Err() == nil {
				failures++
				log.Warn("receive failed; retrying", "err", err)
				sleep(ctx, backoff(failures))
			}
			continue
		}
		failures = 0
		for _, m := range out.Messages {
			c.render(ctx, log, owner, m)
		}
	}
}

func (c *Transcoder) render(ctx context.Context, log *slog.Logger, owner string, m types.Message) {
	var job RenderJob
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &job); err != nil || job.Video == "" {
		log.Error("not a render job; leaving it to the dead-letter queue", "messageId", aws.ToString(m.MessageId))
		return
	}
	const lease = visibility * time.Second
	ok, done := c.Studio.Acquire(job.Video, owner, lease)
	if !ok && !done {
		log.Info("another worker is rendering it", "video", job.Video)
		return
	}
	if ok {
		stop := c.heartbeat(ctx, log, owner, job.Video, m.ReceiptHandle)
		rendered := sleep(ctx, time.Duration(job.Seconds)*time.Second) // rendering
		stop()
		if !rendered {
			log.Info("shutting down; the job will come back", "video", job.Video)
			return
		}
		if !c.Studio.Publish(job.Video, owner) {
			log.Warn("lost the lease; the render is discarded", "video", job.Video)
			return
		}
	}
	dctx, cancel := ackContext(ctx)
	defer cancel()
	if _, err := c.Client.DeleteMessage(dctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(c.QueueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
		log.Warn("delete failed; the job will come back and be skipped", "video", job.Video, "err", err)
	}
}

// heartbeat renews the lease and the message's visibility every 10 s until stop is called.
func (c *Transcoder) heartbeat(ctx context.Context, log *slog.Logger, owner, video string, handle *string) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(visibility * time.Second / 3)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			c.Studio.Renew(video, owner, visibility*time.Second)
			hctx, done := context.WithTimeout(ctx, 5*time.Second)
			_, err := c.Client.ChangeMessageVisibility(hctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(c.QueueURL),
				ReceiptHandle: handle, VisibilityTimeout: visibility})
			done()
			if err != nil && ctx.Err() == nil {
				log.Warn("heartbeat failed", "video", video, "err", err)
				if c.Bug {
					return // BUG: no more heartbeats for this job
				}
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}

// TranscoderScenario sends 8 render jobs, two of them 90-second films and six 20-second clips,
// and runs the Transcoder with three workers. Every video must be rendered, and rendered once.
func TranscoderScenario(buggy bool) func(t *testing.T, h *harness.H) {
	return func(t *testing.T, h *harness.H) {
		url := h.Queue("renders", map[string]string{"VisibilityTimeout": strconv.Itoa(visibility)})
		videos := keys("v", 8)
		var bodies []string
		for i, v := range videos {
			secs := 20
			if i%4 == 0 {
				secs = 90
			}
			bodies = append(bodies, mustJSON(RenderJob{Video: v, Seconds: secs}))
		}
		h.SendBodies(url, bodies)
		studio := NewStudio()
		h.CheckConsumer(url, harness.Expect{Bodies: bodies}, func(ctx context.Context, api sqsmock.API) error {
			return (&Transcoder{Client: api, QueueURL: url, Studio: studio, Bug: buggy}).Run(ctx)
		})
		for _, v := range videos {
			assert.True(t, studio.Rendered(v), "video %s rendered", v)
		}
		onceEach(t, videos, studio.Renders, "video %s rendered %d times")
	}
}
