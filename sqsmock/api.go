package sqsmock

import (
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sqsharness/sqsharness/sqsmock/internal/sqsapi"
)

// API is every operation of aws-sdk-go-v2's *sqs.Client with the SDK's exact signatures:
// AddPermission, CancelMessageMoveTask, ChangeMessageVisibility, ChangeMessageVisibilityBatch,
// CreateQueue, DeleteMessage, DeleteMessageBatch, DeleteQueue, GetQueueAttributes, GetQueueUrl,
// ListDeadLetterSourceQueues, ListMessageMoveTasks, ListQueueTags, ListQueues, PurgeQueue,
// ReceiveMessage, RemovePermission, SendMessage, SendMessageBatch, SetQueueAttributes,
// StartMessageMoveTask, TagQueue and UntagQueue.
//
// Code under test should depend on API (or a subset of it); tests then pass either a real
// *sqs.Client or the in-process client returned by (*Mock).Client.
type API = sqsapi.API

// The real client must keep satisfying API as the SDK grows.
var _ API = (*sqs.Client)(nil)
