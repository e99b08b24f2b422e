// Command notifier runs a welcome-email notifier (notifier.go) against an in-process sqsmock: it
// queues a few sign-ups, lets three workers send their emails and prints them. Its tests are the
// point (notifier_test.go): harness.Explore runs the notifier under a search of SQS's faults,
// finds the bug of the StopOnError variant that no hand-written test had a fault for, shrinks the
// plan that shows it to one rule, and saves it as a regression test.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/sqsmock"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "notifier:", err)
		os.Exit(1)
	}
}

// printMailer prints the emails it sends.
type printMailer struct {
	mu   sync.Mutex
	sent int
}

func (p *printMailer) Send(_ context.Context, to, subject string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent++
	fmt.Printf("to %s: %s\n", to, subject)
	return nil
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m := sqsmock.New(func(o *sqsmock.Options) { o.Queues = []sqsmock.Queue{{Name: "signups"}} })
	c := m.Client()
	url := m.QueueURL("signups")
	for i := range 5 {
		body, _ := json.Marshal(Job{ID: fmt.Sprintf("signup-%d", i), To: fmt.Sprintf("user%d@example.com", i)})
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(string(body))}); err != nil {
			return err
		}
	}
	mail := &printMailer{}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- (&Notifier{SQS: c, QueueURL: url, Mailer: mail}).Run(runCtx) }()
	for ctx.Err() == nil {
		if q, _ := m.Queue("signups"); q.Ready+q.InFlight == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		return err
	}
	fmt.Printf("%d emails sent\n", mail.sent)
	return nil
}
