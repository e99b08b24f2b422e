// Package sns is the mock's Amazon SNS: topics, subscriptions of the sqs protocol and the
// publishing that delivers into the mock's queues. It knows nothing of queues itself: a Sink
// delivers each message as SNS would (the sqsmock package checks the queue's policy and sends).
// Operations take and return aws-sdk-go-v2's sns types and answer with SNS's error codes and
// messages, recorded against AWS where a recording exists (shared aws-recorded/sns).
package sns

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
)

// Caller is who makes a request: the account and region it signs for.
type Caller struct{ Account, Region string }

// Delivery is one message SNS hands to an SQS queue.
type Delivery struct {
	TopicARN, SubscriptionARN, QueueARN string
	Body                                string
	Attributes                          map[string]Attribute // raw delivery only
	GroupID, DedupID                    string               // "" when none
	TraceHeader                         string               // AWSTraceHeader, "" when none
	DLQ                                 string               // the subscription's dead-letter queue's ARN, "" when none

	// What a fault plan matches a delivery by: the publish it comes from, and the message as
	// published (not the envelope).
	Operation, EntryID, MessageID string // Publish or PublishBatch; the batch entry's id
	FIFO                          bool   // a FIFO topic's delivery: exactly once
	Message                       string
	MessageAttributes             map[string]types.MessageAttributeValue
}

// Entry is one entry of a PublishBatch, as a fault plan sees it before it is published.
type Entry struct {
	ID, Message string
	Attributes  map[string]types.MessageAttributeValue
}

// Attribute is a message attribute as SNS passes it on: its data type and its string or binary
// value.
type Attribute struct {
	DataType string
	String   string
	Binary   []byte
}

// Outcome is what became of one delivery, for the trace: the queue's ARN, whether the message
// arrived, and if not why; Redriven is set when it went to the subscription's dead-letter queue.
type Outcome struct {
	Delivery Delivery
	Err      error  // nil: delivered
	Filtered bool   // the subscription's filter policy did not match: nothing was sent
	DLQ      string // the dead-letter queue the message went to after Err, "" when none
	DLQErr   error  // why it could not go there either
}

// Sink delivers messages into queues, and is where a fault plan has its say on publishes.
type Sink interface {
	// Deliver sends d to its queue as SNS does: as the service principal sns.amazonaws.com for
	// the topic (aws:SourceArn), refused unless the queue's policy allows it.
	Deliver(ctx context.Context, d Delivery) error
	// FailEntry decides, before it is published, whether an entry of a PublishBatch to the
	// topic fails: nil lets it through; an *Error is reported in the batch's Failed.
	FailEntry(ctx context.Context, topicARN string, e Entry) *Error
}

// Service holds every topic and subscription of the mock, in every account and region.
type Service struct {
	sink    Sink
	now     func() time.Time
	observe func(Outcome) // may be nil

	mu     sync.Mutex
	topics map[string]*topic // by ARN
	subs   map[string]*subscription
	seq    uint64 // FIFO sequence numbers, across topics (each topic's only increase)
	ids    uint64
}

// New returns an empty service delivering through sink on the clock now; observe, when not nil,
// hears of every delivery and filtered message.
func New(sink Sink, now func() time.Time, observe func(Outcome)) *Service {
	return &Service{sink: sink, now: now, observe: observe, topics: map[string]*topic{}, subs: map[string]*subscription{}}
}

// Reset removes every topic and subscription.
func (s *Service) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.topics, s.subs = map[string]*topic{}, map[string]*subscription{}
}

// Error is an SNS error with its HTTP status.
type Error struct {
	Status int
	API    smithy.APIError
}

func (e *Error) Error() string { return e.API.Error() }
func (e *Error) Unwrap() error { return e.API }

// Status and code of each error this package answers with.
func invalidParameter(format string, args ...any) error {
	return &Error{400, &types.InvalidParameterException{Message: aws.String(fmt.Sprintf(format, args...))}}
}

func parameterValueInvalid(format string, args ...any) error {
	return &Error{400, &types.InvalidParameterValueException{Message: aws.String(fmt.Sprintf(format, args...))}}
}

func notFound(msg string) error {
	return &Error{404, &types.NotFoundException{Message: aws.String(msg)}}
}

func resourceNotFound() error {
	return &Error{404, &types.ResourceNotFoundException{Message: aws.String("Resource does not exist")}}
}

func authorizationError(who Caller, action, resource string, denied bool) error {
	why := "because no resource-based policy allows the SNS:" + action + " action"
	if denied {
		why = "with an explicit deny in a resource-based policy"
	}
	return &Error{403, &types.AuthorizationErrorException{Message: aws.String(fmt.Sprintf(
		"User: arn:aws:iam::%s:root is not authorized to perform: SNS:%s on resource: %s %s", who.Account, action, resource, why))}}
}

func validationError(msg string) error {
	return &Error{400, &smithy.GenericAPIError{Code: "ValidationError", Message: msg, Fault: smithy.FaultClient}}
}

// arn is a parsed SNS ARN: arn:aws:sns:REGION:ACCOUNT:TOPIC[:SUBSCRIPTION-ID].
type arn struct {
	region, account, topic, sub string
}

// parseARN reads the ARN named by parameter (TopicArn, SubscriptionArn, ...), answering as SNS
// does for one that is malformed.
func parseARN(parameter, s string) (arn, error) {
	if s == "" && parameter == "SubscriptionArn" {
		return arn{}, invalidParameter("Invalid parameter: SubscriptionArn Reason: no value for required parameter")
	}
	parts := strings.Split(s, ":")
	if len(parts) < 6 {
		return arn{}, invalidParameter("Invalid parameter: %s Reason: An ARN must have at least 6 elements, not %d", parameter, len(parts))
	}
	if parts[0] != "arn" || parts[2] != "sns" {
		return arn{}, invalidParameter("Invalid parameter: %s", parameter)
	}
	a := arn{region: parts[3], account: parts[4], topic: parts[5]}
	if len(parts) > 6 {
		a.sub = strings.Join(parts[6:], ":")
	}
	return a, nil
}

func (a arn) topicARN() string { return "arn:aws:sns:" + a.region + ":" + a.account + ":" + a.topic }

// newID returns a fresh UUID-shaped identifier.
func (s *Service) newID() string {
	s.ids++
	n := s.ids
	t := uint64(s.now().UnixNano())
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(t>>16), uint16(t)^uint16(n>>32), n>>20&0xfff, n>>8&0xfff, n&0xffffffffffff)
}

// nextSequence returns the next FIFO sequence number: 20 digits, increasing.
func (s *Service) nextSequence() string {
	s.seq++
	return fmt.Sprintf("1%019d", s.seq)
}
