package suite

import "fmt"

// EvidenceLevel says how strongly AWS's behaviour behind a test is known.
type EvidenceLevel string

// The evidence levels, strongest first.
const (
	// Recorded: an answer of real AWS is on record (a snapshot of LocalStack's AWS-validated test
	// suite) and contains what the test asserts.
	Recorded EvidenceLevel = "recorded"
	// Documented: the AWS SQS API reference, developer guide or knowledge center states it.
	Documented EvidenceLevel = "documented"
	// Inferred: part of the assertion (usually the exact error code, HTTP status or message text)
	// is neither recorded nor documented; Note says which part and from what.
	Inferred EvidenceLevel = "inferred"
)

// Evidence is what supports one behaviour test.
//
// For Recorded, Source is "<snapshot test>#<recorded key>" (the test name in LocalStack's
// tests/aws/services/sqs/*.snapshot.json, without its parameters, and the key of its
// recorded-content) and Quote holds fragments of the recorded answer, separated by " | ", that
// the test asserts. For Documented, Source is the https link and Quote the sentence, exactly as
// AWS wrote it. For Inferred, Note says what is inferred and from what; Source and Quote, when
// set, cite the recording or sentence the inference starts from.
type Evidence struct {
	Level  EvidenceLevel
	Source string
	Quote  string
	Note   string // caveats: where the test asserts more than the source shows
}

// Evidence returns the evidence for the test's behaviour (the zero Evidence for an unknown ID).
func (t Test) Evidence() Evidence { return evidence[t.ID] }

func rec(key, quote, note string) Evidence {
	return Evidence{Level: Recorded, Source: key, Quote: quote, Note: note}
}

func doc(url, quote, note string) Evidence {
	return Evidence{Level: Documented, Source: url, Quote: quote, Note: note}
}

func inf(note, source, quote string) Evidence {
	return Evidence{Level: Inferred, Source: source, Quote: quote, Note: note}
}

// Sources shared by several entries.
var (
	evSetAttrs  = apiDocAt("SetQueueAttributes", "API_SetQueueAttributes_RequestParameters")
	evMsgQuotas = guideDoc("quotas-messages.html")
	evKC        = "https://repost.aws/knowledge-center/sqs-receipt-handle-error"
	// evKCFifo is the knowledge center's "Why doesn't my FIFO queue return all messages".
	evKCFifo = "https://repost.aws/knowledge-center/sqs-fifo-messages-not-returned"

	qNotExist   = "AWS.SimpleQueueService.NonExistentQueue | The specified queue does not exist."
	nNotExist   = "the legacy code AWS.SimpleQueueService.NonExistentQueue, HTTP 400 and the message are recorded for GetQueueUrl and for a call by queue URL (test_non_existent_queue); that %s answers the same is inferred from the shared QueueDoesNotExist error its API reference lists"
	nOutOfRange = "the range is documented; the error code InvalidAttributeValue (HTTP 400) for a value out of range is inferred from the InvalidAttributeValue error SetQueueAttributes lists (\"A queue attribute value is invalid.\"): no recording, and AWS answers RedrivePolicy errors with InvalidParameterValue instead"
	nBatchShape = "the batch rule is documented; the legacy code (AWS.SimpleQueueService.<name>) and HTTP 400 are inferred from the API model's awsQueryError trait: no recording for this operation"
)

func evNotExist(op string) string { return fmt.Sprintf(nNotExist, op) }

// evidence is the evidence of every behaviour test, by ID.
var evidence = map[string]Evidence{

	// SNS → SQS (sns.go).
	"SQS-SNS-001": rec("test_publish_sqs_from_sns#message-raw-false", "Notification | Test msg | SignatureVersion | SigningCertURL | UnsubscribeURL | 100.12",
		"the recording publishes with attr1=100.12 to a subscription without raw delivery; the test asserts the envelope's keys and values"),
	"SQS-SNS-002": rec("test_publish_sqs_from_sns#message-raw-true", "Test msg | 99.12 | Number", "the Binary attribute's pass-through is recorded in test_message_attributes_not_missing#raw-delivery-msg-attrs"),
	"SQS-SNS-003": rec("test_filter_policy#messages-1", "This is a test message | 99", "that a message without the attribute, or with 101, is kept out follows from the recorded policy's numeric range; only the delivery of 99 is recorded here"),
	"SQS-SNS-004": inf("that SNS needs the queue's policy to grant sqs:SendMessage to sns.amazonaws.com (also in the queue's own account) is documented in the SNS developer guide (subscribing a queue to a topic); that Publish still succeeds and the queue gets nothing is inferred: delivery is asynchronous, no recording", snsSQSDoc, ""),
	"SQS-SNS-005": rec("test_message_to_fifo_sqs#messages", "message-group-id-1 | message-deduplication-id-1 | SequenceNumber | Notification",
		"the recorded FIFO envelope has SequenceNumber and no Signature or SigningCertURL; that the duplicate is not delivered is recorded as dedup-messages (no messages)"),
	"SQS-SNS-006": rec("test_unknown_topic_publish#error", "NotFound | Topic does not exist | 404", ""),
	"SQS-SNS-007": rec("test_redrive_policy_sqs_queue_subscription#messages", "test_dlq_after_sqs_endpoint_deleted | Notification", ""),
	"SQS-SNS-008": rec("test_subscribe_invalid_filter_policy#subscribe-invalid-filter-policy", "InvalidParameter | Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON.", ""),
	// Queues.
	"SQS-Q-001": inf("that the URL ends in /<account>/<name> is inferred from the queue URL format (the recorded URLs are rewritten to LocalStack's host); that GetQueueUrl returns the queue's URL is documented",
		apiDoc("GetQueueUrl"), "The GetQueueUrl API returns the URL of an existing Amazon SQS queue."),
	"SQS-Q-002": doc(apiDoc("CreateQueue"), "If you specify the name of an existing queue and provide the exact same names and values for all its attributes, the CreateQueue action will return the URL of the existing queue instead of creating a new one.", ""),
	"SQS-Q-003": rec("test_create_queue_with_different_attributes_raises_exception#create_queue_01",
		"QueueAlreadyExists | A queue already exists with the same name and a different value for attribute DelaySeconds | 400", ""),
	"SQS-Q-004": rec("test_create_fifo_queue_with_different_attributes_raises_error#queue-already-exists",
		"QueueAlreadyExists | A queue already exists with the same name and a different value for attribute ContentBasedDeduplication", ""),
	"SQS-Q-005": inf("the naming rule is documented; the error code InvalidParameterValue (HTTP 400) is inferred: CreateQueue's documented errors do not cover a bad name and there is no recording",
		apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), "Valid values: alphanumeric characters, hyphens (-), and underscores (_)."),
	"SQS-Q-006": inf("the length limit is documented; the error code InvalidParameterValue (HTTP 400) is inferred: no recording",
		apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), "A queue name can have up to 80 characters."),
	"SQS-Q-007": inf("the suffix rule is documented; the error code InvalidParameterValue (HTTP 400) is inferred: no recording",
		apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), "A FIFO queue name must end with the .fifo suffix."),
	"SQS-Q-008": inf("that a .fifo name needs FifoQueue=true, and the error code InvalidParameterValue, are inferred: the docs state only the converse and there is no recording",
		apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), "If you don't specify the FifoQueue attribute, Amazon SQS creates a standard queue."),
	"SQS-Q-009": rec("test_non_existent_queue#queue-does-not-exist", qNotExist+" | 400", ""),
	"SQS-Q-010": rec("test_non_existent_queue#queue-does-not-exist", qNotExist,
		"the recording is GetQueueUrl of a queue that never existed; that a deleted queue answers the same within 60 seconds is documented only as \"the deletion process takes up to 60 seconds\" (DeleteQueue)"),
	"SQS-Q-011": inf(evNotExist("SendMessage"), "test_non_existent_queue#queue-does-not-exist-url", qNotExist),
	"SQS-Q-012": inf(evNotExist("DeleteQueue"), "test_non_existent_queue#queue-does-not-exist-url", qNotExist),
	"SQS-Q-013": doc(apiDoc("ListQueues"), "If you specify a value for the optional QueueNamePrefix parameter, only queues with a name that begins with the specified value are returned.", ""),
	"SQS-Q-014": rec("test_list_queues_pagination#list_two_max", "NextToken",
		"the recording pages 10 queues by 2 and lists the rest (list_remaining) without NextToken; the test pages 3 queues by 2"),
	"SQS-Q-015": inf("the range 1 to 1000 is documented; the error code InvalidParameterValue (HTTP 400) is inferred: no recording",
		apiDocAt("ListQueues", "API_ListQueues_RequestParameters"), "Value range is 1 to 1000."),
	"SQS-Q-016": doc(apiDoc("ListQueues"), "If you specify a value for the optional QueueNamePrefix parameter, only queues with a name that begins with the specified value are returned.",
		"that the answer then has no URLs follows; the JSON shape of that answer is SQS-WIRE-006"),
	"SQS-Q-017": doc(apiDoc("GetQueueUrl"), "(Optional) The Amazon Web Services account ID of the account that created the queue.",
		"that naming the owner's own account finds the queue is a reading of the parameter"),
	"SQS-Q-018": inf("the ARN format arn:aws:sqs:<region>:<account>:<name> is inferred: the recordings mask partition, region and name (arn:<partition>:sqs:<region>:111111111111:<resource:1>), which agrees in shape",
		"test_set_queue_attributes_default_values#get-queue-attributes-initial-values", "arn:<partition>:sqs:<region>:111111111111:<resource:1>"),
	"SQS-Q-019": inf("the code, status and message template are recorded for FifoQueue on CreateQueue of a standard queue; the message for an unknown name (Unknown Attribute Bogus.) is inferred from that template",
		"test_create_standard_queue_with_fifo_attribute_raises_error#invalid-attribute-fifo-queue", "InvalidAttributeName | Unknown Attribute FifoQueue."),
	"SQS-Q-020": rec("test_create_standard_queue_with_fifo_attribute_raises_error#invalid-attribute-fifo-queue", "InvalidAttributeName | Unknown Attribute FifoQueue. | 400",
		"the recording does not show whether LocalStack's test sent FifoQueue=false or true; the test sends false"),
	"SQS-Q-021": rec("test_create_standard_queue_with_fifo_attribute_raises_error#invalid-attribute-content-based-deduplication", "InvalidAttributeName | Unknown Attribute ContentBasedDeduplication.", ""),
	"SQS-Q-022": rec("test_create_standard_queue_with_fifo_attribute_raises_error#invalid-attribute-deduplication-scope", "InvalidAttributeName | You can specify the DeduplicationScope only when FifoQueue is set to true.", ""),
	"SQS-Q-023": rec("test_create_standard_queue_with_fifo_attribute_raises_error#invalid-attribute-throughput-limit", "InvalidAttributeName | You can specify the FifoThroughputLimit only when FifoQueue is set to true.", ""),
	"SQS-Q-024": inf(evNotExist("GetQueueAttributes"), "test_non_existent_queue#queue-does-not-exist-url", qNotExist),
	"SQS-Q-025": inf(evNotExist("ReceiveMessage"), "test_non_existent_queue#queue-does-not-exist-url", qNotExist),
	"SQS-Q-026": inf("the 60-second rule is documented; that AWS answers it with the error AWS.SimpleQueueService.QueueDeletedRecently (rather than recreating the queue) is inferred from the QueueDeletedRecently error CreateQueue lists: no recording",
		apiDocAt("CreateQueue", "API_CreateQueue_Errors"), "You must wait 60 seconds after deleting a queue before you can create another queue with the same name."),

	// Queue attributes.
	"SQS-ATTR-001": rec("test_set_queue_attributes_default_values#get-queue-attributes-initial-values", "30 | 1048576 | 345600", ""),
	"SQS-ATTR-002": rec("test_set_queue_attributes_default_values#get-queue-attributes-initial-values", "true", "SqsManagedSseEnabled of a new standard queue"),
	"SQS-ATTR-003": inf("that the timestamps are epoch seconds is documented; the recordings mask them, and \"of the creation\" (within 120 s) is inferred",
		apiDocAt("GetQueueAttributes", "API_GetQueueAttributes_RequestParameters"), "CreatedTimestamp – Returns the time when the queue was created in seconds (epoch time)."),
	"SQS-ATTR-004": rec("test_create_fifo_queue_with_required_properties#attributes", "perQueue | queue | false",
		"recorded through CloudFormation (LocalStack's test_aws_sqs_queue): AWS's GetQueueAttributes of a new FIFO queue"),
	"SQS-ATTR-005": rec("test_create_and_update_queue_attributes#get_updated_queue_attributes", "69 | 420 | 2048 | 604800", ""),
	"SQS-ATTR-006": rec("test_sse_queue_attributes#sse_kms_attributes", "testKeyId | 6000",
		"the recording asks for three named attributes and gets just those; the test asks for VisibilityTimeout and DelaySeconds"),
	"SQS-ATTR-007": inf("the error InvalidAttributeName is documented for GetQueueAttributes; that an unknown name in AttributeNames raises it (rather than being ignored) is inferred: no recording",
		apiDocAt("GetQueueAttributes", "API_GetQueueAttributes_Errors"), "The specified attribute doesn't exist."),
	"SQS-ATTR-008": inf("the code, status and message template are recorded for SetQueueAttributes with FifoQueue on a standard queue; the message for an unknown name (Unknown Attribute Bogus.) is inferred from that template",
		"test_set_unsupported_attribute_standard#invalid-attr-name-1", "InvalidAttributeName | Unknown Attribute FifoQueue."),
	"SQS-ATTR-009": rec("test_set_unsupported_attribute_standard#invalid-attr-name-1", "InvalidAttributeName | Unknown Attribute FifoQueue. | 400", ""),
	"SQS-ATTR-010": rec("test_set_unsupported_attribute_fifo#invalid-attr-name-2", "InvalidAttributeValue | Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
		"that FifoQueue=true is accepted on a FIFO queue is what LocalStack's test does before this recorded call (no error recorded)"),
	"SQS-ATTR-011": inf("the code and message are recorded for SetQueueAttributes; the test asserts them on CreateQueue, where they are inferred. The recording is a rendered error string, without HTTP status",
		"test_sse_kms_and_sqs_are_mutually_exclusive#error", "InvalidAttributeName | You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE."),
	"SQS-ATTR-012": rec("test_set_queue_attributes_default_values#get-queue-attributes-after-update", "testKeyId | 6000 | false",
		"the recording sets the KMS attributes with SetQueueAttributes, the test on CreateQueue; GetQueueAttributes reports the same three values"),
	"SQS-ATTR-013": doc(evSetAttrs, "Policy – The queue's policy. A valid Amazon Web Services policy.",
		"that GetQueueAttributes returns a JSON-equal document (\"Policy – Returns the policy of the queue.\") is a reading of the docs; the permission recordings show AWS's own policies returned as JSON"),
	"SQS-ATTR-014": inf("the error code InvalidAttributeValue (HTTP 400) for a Policy that is not JSON is inferred from the InvalidAttributeValue error SetQueueAttributes lists: no recording",
		evSetAttrs, "Policy – The queue's policy. A valid Amazon Web Services policy."),
	"SQS-ATTR-015": rec("test_set_queue_attributes_default_values#get-queue-attributes-after-set-to-defaults", "30 | 1048576 | 345600", ""),
	"SQS-ATTR-016": inf(evNotExist("SetQueueAttributes"), "test_non_existent_queue#queue-does-not-exist-url", qNotExist),
	"SQS-ATTR-020": doc(evSetAttrs, "VisibilityTimeout – The visibility timeout for the queue, in seconds. Valid values: An integer from 0 to 43,200 (12 hours).", ""),
	"SQS-ATTR-021": inf(nOutOfRange, evSetAttrs, "Valid values: An integer from 0 to 43,200 (12 hours)."),
	"SQS-ATTR-022": inf(nOutOfRange, evSetAttrs, "Valid values: An integer from 0 to 43,200 (12 hours)."),
	"SQS-ATTR-023": doc(evSetAttrs, "DelaySeconds – The length of time, in seconds, for which the delivery of all messages in the queue is delayed. Valid values: An integer from 0 to 900 (15 minutes).", ""),
	"SQS-ATTR-024": inf(nOutOfRange, evSetAttrs, "Valid values: An integer from 0 to 900 (15 minutes)."),
	"SQS-ATTR-025": inf(nOutOfRange, evSetAttrs, "Valid values: An integer from 0 to 900 (15 minutes)."),
	"SQS-ATTR-026": doc(evSetAttrs, "Valid values: An integer from 1,024 bytes (1 KiB) up to 1,048,576 bytes (1 MiB).", ""),
	"SQS-ATTR-027": inf(nOutOfRange, evSetAttrs, "Valid values: An integer from 1,024 bytes (1 KiB) up to 1,048,576 bytes (1 MiB)."),
	"SQS-ATTR-028": inf(nOutOfRange, evSetAttrs, "Valid values: An integer from 1,024 bytes (1 KiB) up to 1,048,576 bytes (1 MiB)."),
	"SQS-ATTR-029": doc(evSetAttrs, "Valid values: An integer representing seconds, from 60 (1 minute) to 1,209,600 (14 days).", ""),
	"SQS-ATTR-030": inf(nOutOfRange, evSetAttrs, "Valid values: An integer representing seconds, from 60 (1 minute) to 1,209,600 (14 days)."),
	"SQS-ATTR-031": inf(nOutOfRange, evSetAttrs, "Valid values: An integer representing seconds, from 60 (1 minute) to 1,209,600 (14 days)."),
	"SQS-ATTR-032": doc(evSetAttrs, "ReceiveMessageWaitTimeSeconds – The length of time, in seconds, for which a ReceiveMessage action waits for a message to arrive. Valid values: An integer from 0 to 20 (seconds).", ""),
	"SQS-ATTR-033": inf(nOutOfRange, evSetAttrs, "Valid values: An integer from 0 to 20 (seconds)."),
	"SQS-ATTR-034": inf(nOutOfRange, evSetAttrs, "Valid values: An integer from 0 to 20 (seconds)."),
	"SQS-ATTR-040": inf(nOutOfRange+" (here on CreateQueue, which lists InvalidAttributeValue too)", apiDocAt("CreateQueue", "API_CreateQueue_RequestParameters"), "Valid values: An integer from 0 to 43,200 (12 hours)."),
	"SQS-ATTR-041": inf("that DelaySeconds takes an integer is documented; the error code InvalidAttributeValue (HTTP 400) for a non-numeric value is inferred: no recording",
		evSetAttrs, "Valid values: An integer from 0 to 900 (15 minutes)."),
	"SQS-ATTR-050": inf("recorded: a FIFO queue that LocalStack's test creates with FifoQueue=True and ContentBasedDeduplication=False (its test code, not the recording, shows the spelling) reports true and false; SqsManagedSseEnabled=TRUE and SetQueueAttributes with True are inferred",
		"test_fifo_change_to_high_throughput_after_creation#set-to-high-throughput", "true | false"),

	// Sending and message attributes.
	"SQS-SEND-001": rec("test_fair_queue_with_message_group_id#send_message", "MD5OfMessageBody | MessageId",
		"a recorded SendMessage to a standard queue answers MessageId and MD5OfMessageBody only (no MD5OfMessageAttributes, no SequenceNumber); the MD5 of the test's body \"test\" (098f6bcd…) is recorded in test_send_message_with_binary_attributes"),
	"SQS-SEND-002": rec("test_receive_message_attribute_names_filters#all_system_and_message_attributes", "ae7155c6026991b6d54b11589678bf9c",
		"recorded on receive; the send answer carries the same digest by definition"),
	"SQS-SEND-003": rec("test_send_message_with_binary_attributes#binary-attrs-msg", "8cbe4db156db8a94db8b801b7addb984", "recorded on receive"),
	"SQS-SEND-004": rec("test_aws_trace_header_propagation#xray-msg", "235c5c510d26fb653d073faed50ae77c",
		"recorded on receive; the recording masks the Number attribute's value (\"timestamp\"), so the value the test sends is LocalStack's test input, not seen in the recording"),
	"SQS-SEND-005": rec("test_receive_message_message_attribute_names_filters#send_message_response", "4c360f3fdafd970e05fae2f149d997f5", "also on receive (all_name)"),
	"SQS-SEND-006": doc(apiDoc("MessageAttributeValue"), "Amazon SQS supports the following logical data types: String, Number, and Binary. For the Number data type, you must use StringValue. You can also append custom labels.",
		"that the custom type is returned unchanged is a reading of the docs"),
	"SQS-SEND-007": inf("that the message is received with the AWSTraceHeader attribute is recorded; the MD5OfMessageSystemAttributes value the test computes (the message-attribute digest applied to the system attribute) is inferred",
		"test_aws_trace_header_propagation#xray-msg", "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1"),
	"SQS-SEND-008": rec("test_send_empty_message#send_empty_message", "MissingParameter | The request must contain the parameter MessageBody. | 400", ""),
	"SQS-SEND-009": doc(apiDoc("SendMessage"), "If a message contains characters outside the allowed set, Amazon SQS rejects the message and returns an InvalidMessageContents error.",
		"HTTP 400 is the API reference's status for InvalidMessageContents"),
	"SQS-SEND-010": doc(apiDoc("SendMessage"), "If a message contains characters outside the allowed set, Amazon SQS rejects the message and returns an InvalidMessageContents error.",
		"U+FFFE lies outside #xE000 to #xFFFD"),
	"SQS-SEND-011": doc(apiDoc("SendMessage"), "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF", ""),
	"SQS-SEND-012": doc(apiDoc("SendMessage"), "The maximum size is 1 MiB or 1,048,576 bytes", "the default MaximumMessageSize 1048576 is recorded (SQS-ATTR-001)"),
	"SQS-SEND-013": rec("test_send_oversized_message#send_oversized_message", "InvalidParameterValue | One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes. | 400", ""),
	"SQS-SEND-014": inf("the code and message for a message over MaximumMessageSize=1024 are recorded; the exact byte accounting (attribute name + data type + value count, so 1016 body bytes plus attribute k=x fit) is inferred",
		"test_send_message_with_updated_maximum_message_size#send_oversized_message", "InvalidParameterValue | One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."),
	"SQS-SEND-015": inf("the quota of 10 attributes is documented; the error code InvalidParameterValue (HTTP 400) is inferred: no recording",
		evMsgQuotas, "A message can contain up to 10 metadata attributes."),
	"SQS-SEND-016": rec("test_send_message_with_empty_string_attribute#empty-string-attr", "InvalidParameterValue | Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.", ""),
	"SQS-SEND-017": inf("the allowed characters of attribute names are documented; the error code InvalidParameterValue (HTTP 400) is inferred: no recording",
		apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-MessageAttributeNames"), "The name can contain alphanumeric characters and the underscore (_), hyphen (-), and period (.)."),
	"SQS-SEND-018": inf("the data types are documented; the error code InvalidParameterValue (HTTP 400) for another type is inferred: no recording",
		apiDoc("MessageAttributeValue"), "Amazon SQS supports the following logical data types: String, Number, and Binary."),
	"SQS-SEND-019": inf("the error code InvalidParameterValue (HTTP 400) for a Number attribute that is no number is inferred: no recording, and the docs name no error", "", ""),
	"SQS-SEND-020": inf("the range 0 to 900 is documented; the error code InvalidParameterValue (HTTP 400) is inferred from the recorded FIFO DelaySeconds error (test_fifo_queue_send_message_with_delay_seconds_fails), which is another case",
		apiDocAt("SendMessage", "SQS-SendMessage-request-DelaySeconds"), "Valid values: 0 to 900. Maximum: 15 minutes."),
	"SQS-SEND-021": rec("test_receive_message_attribute_names_filters#all_attributes", "ApproximateFirstReceiveTimestamp | ApproximateReceiveCount | SenderId | SentTimestamp",
		"the recording masks the timestamps; that SentTimestamp is epoch milliseconds is documented (\"SentTimestamp – Returns the time the message was sent to the queue (epoch time in milliseconds).\")"),
	"SQS-SEND-022": rec("test_fair_queue_with_message_group_id#get-message-with-deduplication-id", "test | 78e731027d8fd50ed642340b7c9a63b3", ""),
	"SQS-SEND-023": rec("test_send_message_to_standard_queue_with_invalid_message_group_id#error-response", "InvalidParameterValue | Value  for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.", "variant [empty]"),
	"SQS-SEND-024": rec("test_send_message_to_standard_queue_with_invalid_message_group_id#error-response", "for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.", "variant [too_long]"),
	"SQS-SEND-025": rec("test_send_message_to_standard_queue_with_invalid_message_group_id#error-response", "Value group 123 for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.", "variant [spaces]"),
	"SQS-SEND-101": inf("which Number syntaxes AWS refuses, and the code InvalidParameterValue, are inferred from the documented number format (no recording)",
		guideDoc("sqs-message-metadata.html#sqs-message-attributes"), ""),
	"SQS-SEND-102": inf("the limit of 38 significant digits and the error code are inferred from the documented number range; no recording", guideDoc("sqs-message-metadata.html#sqs-message-attributes"), ""),
	"SQS-SEND-103": inf("the magnitude limits 10^-128..10^+126 and the error code are inferred from the documented number range; no recording", guideDoc("sqs-message-metadata.html#sqs-message-attributes"), ""),
	"SQS-SEND-104": inf("the accepted decimal forms, and that the value is returned unchanged, are inferred; no recording", guideDoc("sqs-message-metadata.html#sqs-message-attributes"), ""),
	"SQS-SEND-105": inf("that String attribute values share the body's character set is documented; the error code InvalidParameterValue (rather than InvalidMessageContents) is inferred: no recording",
		apiDoc("MessageAttributeValue"), "For string data types, the Value attribute has the same restrictions on the content as the message body."),

	// Receiving.
	"SQS-RECV-001": rec("test_receive_empty_queue#empty_short_poll_resp", "200", "the recorded answer has no Messages"),
	"SQS-RECV-002": rec("test_send_receive_max_number_of_messages#send_max_number_of_messages", "InvalidParameterValue | Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided. | 400", ""),
	"SQS-RECV-003": rec("test_send_receive_wait_time_seconds#recieve_message_error_too_large", "InvalidParameterValue | Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", ""),
	"SQS-RECV-004": rec("test_send_receive_wait_time_seconds#recieve_message_error_too_small", "InvalidParameterValue | Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", ""),
	"SQS-RECV-005": doc(apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-MaxNumberOfMessages"), "Amazon SQS never returns more messages than this value (however, fewer messages might be returned).", ""),
	"SQS-RECV-006": doc(apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-MaxNumberOfMessages"), "Valid values: 1 to 10. Default: 1.", ""),
	"SQS-RECV-007": doc(apiDoc("DeleteMessage"), "If you receive the same message more than once, you will get a different ReceiptHandle each time.",
		"the receive count 2 on the second receive and the kept first-receive timestamp are recorded in test_fifo_message_attributes#receive_message_1 (a FIFO queue)"),
	"SQS-RECV-008": rec("test_receive_message_message_system_attribute_names_filters#single_attribute", "SenderId",
		"the recording asks for SenderId, the test for SentTimestamp"),
	"SQS-RECV-009": rec("test_receive_message_attribute_names_filters#all_attributes", "ApproximateFirstReceiveTimestamp | ApproximateReceiveCount | SenderId | SentTimestamp", ""),
	"SQS-RECV-010": rec("test_receive_message_message_attribute_names_filters#empty_filter", "msg", "the recorded message has neither MessageAttributes nor MD5OfMessageAttributes"),
	"SQS-RECV-011": rec("test_receive_message_message_attribute_names_filters#all_name", "Kenobi | There | Me | 4c360f3fdafd970e05fae2f149d997f5", ""),
	"SQS-RECV-012": rec("test_receive_message_message_attribute_names_filters#all_wildcard", "Kenobi | There | Me", ""),
	"SQS-RECV-013": doc(apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-MessageAttributeNames"), "You can also use all message attributes starting with a prefix, for example bar.*.",
		"the recorded prefix_filter answer (Hello and Help.Me, test_receive_message_message_attribute_names_filters) comes from a filter the recording does not show (it cannot be Help.*), so it is not cited"),
	"SQS-RECV-014": rec("test_receive_message_message_attribute_names_filters#only_non_existing_names", "msg", "the recorded message has no MessageAttributes"),
	"SQS-RECV-015": rec("test_receive_message_message_attribute_names_filters#only_existing", "Kenobi | There | fca026605781cb4126a1e9044df24232", ""),
	"SQS-RECV-016": rec("test_receive_message_message_attribute_names_filters#empty_filter", "6e2baaf3b97dbeef01c0043275f9a0e7", "the recorded message has no Attributes"),
	"SQS-RECV-017": doc(guideDoc("sqs-short-and-long-polling.html"), "However, if you have fewer than 1,000 messages in your queue, a subsequent request will return your messages.",
		"quoted from the page's mirror on docs.amazonaws.cn (the same developer guide)"),

	// Visibility timeout.
	"SQS-VIS-001": doc(apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-VisibilityTimeout"), "When a message is received from a queue, it becomes temporarily invisible to other consumers for the duration of the visibility timeout.", ""),
	"SQS-VIS-002": doc(apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-VisibilityTimeout"), "If the message is not deleted or its visibility timeout is not extended before the timeout expires, it becomes visible again and can be retrieved by other consumers.", ""),
	"SQS-VIS-003": doc(apiDoc("DeleteMessage"), "Deletes the specified message from the specified queue.",
		"that a deleted message is not delivered again is the meaning of deletion; the docs warn a standard queue may rarely deliver it again"),
	"SQS-VIS-004": doc(apiDoc("ChangeMessageVisibility"), "Changes the visibility timeout of a specified message in a queue to a new value.", "0 is within the documented range 0 to 43200"),
	"SQS-VIS-005": doc(apiDoc("ChangeMessageVisibility"), "the 10 seconds begin to count from the time that you make the ChangeMessageVisibility call.", ""),
	"SQS-VIS-006": inf("the maximum is documented; the error code InvalidParameterValue (HTTP 400) is inferred: no recording",
		apiDocAt("ChangeMessageVisibility", "API_ChangeMessageVisibility_RequestParameters"), "Values range: 0 to 43200. Maximum: 12 hours."),
	"SQS-VIS-007": inf("the error ReceiptHandleIsInvalid is documented (knowledge center, for DeleteMessage); its HTTP 404 under the JSON protocol comes from the API model only: no recording",
		apiDocAt("ChangeMessageVisibility", "API_ChangeMessageVisibility_Errors"), "The specified receipt handle isn't valid."),
	"SQS-VIS-008": inf("the code is documented; the HTTP status 404 under JSON comes from the API model only, and the message's quoting (\"INVALID\" in double quotes) is inferred: the knowledge center shows it 'similar to' with single quotes; no recording",
		evKC, "An error occurred (ReceiptHandleIsInvalid) when calling the DeleteMessage operation: The input receipt handle 'YOUR RECEIPT HANDLE' is not a valid receipt handle."),
	"SQS-VIS-009": rec("test_change_message_visibility_after_visibility_timeout_expiration#visibility_timeout_expired", "200", ""),
	"SQS-VIS-010": doc(apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-VisibilityTimeout"), "The duration (in seconds) that the received messages are hidden from subsequent retrieve requests after being retrieved by a ReceiveMessage request.", ""),
	"SQS-VIS-011": doc(apiDocAt("GetQueueAttributes", "API_GetQueueAttributes_RequestParameters"), "ApproximateNumberOfMessagesNotVisible – Returns the approximate number of messages that are in flight.",
		"the recording cited before (test_approximate_number_of_messages_not_visible) is empty ({}): nothing of it is on record"),
	"SQS-VIS-012": doc(apiDoc("ChangeMessageVisibilityBatch"), "The result of the action on each message is reported individually in the response.", ""),
	"SQS-VIS-013": inf("per-entry reporting is documented; the entry's code ReceiptHandleIsInvalid and SenderFault=true for a malformed handle are inferred: no recording",
		apiDoc("ChangeMessageVisibilityBatch"), "The result of the action on each message is reported individually in the response."),
	"SQS-VIS-014": inf("that ChangeMessageVisibility of a deleted message fails is documented only as 'might result in an error'; the code InvalidParameterValue (HTTP 400) is inferred: no recording",
		apiDoc("ChangeMessageVisibility"), "Thus, any attempt to change the visibility timeout or to delete that message 10 seconds after you initially change the visibility timeout (a total of 25 seconds) might result in an error."),
	"SQS-VIS-015": inf("that deleting an already deleted message succeeds is inferred from the documented success of DeleteMessage with an old receipt handle; no recording",
		apiDoc("DeleteMessage"), "If you use an old ReceiptHandle, the request will succeed, but the message might not be deleted."),

	// Delay.
	"SQS-DELAY-001": doc(guideDoc("sqs-message-timers.html"), "Message timers let you specify an initial invisibility period for a message added to a queue.", ""),
	"SQS-DELAY-002": doc(guideDoc("sqs-delay-queues.html"), "If you create a delay queue, any messages that you send to the queue remain invisible to consumers for the duration of the delay period.", ""),
	"SQS-DELAY-003": doc(apiDocAt("GetQueueAttributes", "API_GetQueueAttributes_RequestParameters"), "ApproximateNumberOfMessagesDelayed – Returns the approximate number of messages in the queue that are delayed and not available for reading immediately.", ""),
	"SQS-DELAY-004": doc(guideDoc("sqs-message-timers.html"), "A message timer setting for an individual message overrides any DelaySeconds value on an Amazon SQS delay queue.", ""),
	"SQS-DELAY-005": doc(apiDoc("SendMessageBatch"), "If you don't specify the DelaySeconds parameter for an entry, Amazon SQS uses the default value for the queue.", ""),
	"SQS-DELAY-006": doc(guideDoc("sqs-delay-queues.html"), "For FIFO queues, the per-queue delay setting is retroactive—changing the setting affects the delay of messages already in the queue.", ""),
	"SQS-DELAY-007": doc(guideDoc("sqs-delay-queues.html"), "For standard queues, the per-queue delay setting is not retroactive—changing the setting doesn't affect the delay of messages already in the queue.", ""),

	// Long polling.
	"SQS-POLL-001": doc(apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-WaitTimeSeconds"), "If a message is available, the call returns sooner than WaitTimeSeconds.", ""),
	"SQS-POLL-002": doc(apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-WaitTimeSeconds"), "If no messages are available and the wait time expires, the call does not return a message list.", ""),
	"SQS-POLL-003": doc(evSetAttrs, "ReceiveMessageWaitTimeSeconds – The length of time, in seconds, for which a ReceiveMessage action waits for a message to arrive.", ""),
	"SQS-POLL-004": doc(guideDoc("sqs-short-and-long-polling.html"), "Amazon SQS sends a response after it collects at least one available message, up to the maximum number of messages specified in the request.",
		"quoted from the page's mirror on docs.amazonaws.cn (the same developer guide)"),
	"SQS-POLL-005": doc(apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-WaitTimeSeconds"), "If a message is available, the call returns sooner than WaitTimeSeconds.",
		"that a message whose delay ends during the wait counts as arriving is a reading of the docs"),

	// FIFO queues.
	"SQS-FIFO-001": doc(guideDoc("FIFO-queues-understanding-logic.html"), "For each message group ID, all messages are sent and received in strict order.", ""),
	"SQS-FIFO-002": rec("test_posting_to_fifo_requires_deduplicationid_group_id#missing-parameter", "MissingParameter | The request must contain the parameter MessageGroupId. | 400", ""),
	"SQS-FIFO-003": rec("test_posting_to_fifo_requires_deduplicationid_group_id#invalid-parameter-value", "InvalidParameterValue | The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly", ""),
	"SQS-FIFO-004": doc(apiDocAt("SendMessage", "SQS-SendMessage-request-MessageDeduplicationId"), "If a message with a particular MessageDeduplicationId is sent successfully, any messages sent with the same MessageDeduplicationId are accepted successfully but aren't delivered during the 5-minute deduplication interval.",
		"that the duplicate's answer carries the original MessageId is inferred: no recording"),
	"SQS-FIFO-005": doc(evSetAttrs, "Amazon SQS uses a SHA-256 hash to generate the MessageDeduplicationId using the body of the message (but not the attributes of the message).", ""),
	"SQS-FIFO-006": rec("test_fifo_deduplication_arrives_once_after_delete#get-messages-duplicate", "200", "the recorded receive after the deleted original's duplicate has no Messages"),
	"SQS-FIFO-007": rec("test_sqs_fifo_same_dedup_id_different_message_groups#same-dedup-different-grp-2", "200", "the recorded receive of the same id in another group has no Messages"),
	"SQS-FIFO-008": rec("test_sqs_fifo_message_group_scope_no_throughput_setting#same-dedup-different-grp-2", "Test", "the same id in another group is delivered under DeduplicationScope=messageGroup"),
	"SQS-FIFO-009": doc(apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-ReceiveRequestAttemptId"), "While messages with a particular MessageGroupId are invisible, no more messages belonging to the same MessageGroupId are returned until the visibility timeout expires. You can still receive messages with another MessageGroupId from your FIFO queue as long as they are visible.", ""),
	"SQS-FIFO-010": inf("that SequenceNumber grows is documented; that it is written as 20 decimal digits is inferred (the recordings mask it): the docs give its length as 128 bits",
		apiDocAt("SendMessage", "API_SendMessage_ResponseElements"), "SequenceNumber continues to increase for a particular MessageGroupId."),
	"SQS-FIFO-011": rec("test_fifo_message_attributes#receive_message_0", "group-1 | dedup-1 | <sequence-number:1>", ""),
	"SQS-FIFO-012": doc(apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-ReceiveRequestAttemptId"), "During a visibility timeout, subsequent calls with the same ReceiveRequestAttemptId return the same messages and receipt handles.", ""),
	"SQS-FIFO-013": rec("test_fifo_queue_send_message_with_delay_seconds_fails#send_message", "InvalidParameterValue | Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.", ""),
	"SQS-FIFO-014": rec("test_fifo_queue_send_message_with_zero_delay_defaults_to_queue_delay#receive_message_after_delay_result", "message-1", "the receive right after sending (receive_message_initial_result) is empty"),
	"SQS-FIFO-015": rec("test_fifo_set_content_based_deduplication_strategy#after-update", "false",
		"the recording changes ContentBasedDeduplication of an existing FIFO queue from true to false; the test changes it from false to true"),
	"SQS-FIFO-016": doc(guideDoc("FIFO-queues-understanding-logic.html"), "It is possible to receive up to 10 messages in a single call using the MaxNumberOfMessages request parameter of the ReceiveMessage action.", ""),
	"SQS-FIFO-017": inf("that the message is received again with ApproximateReceiveCount 2 is recorded (test_fifo_message_attributes#receive_message_1); that it comes before the later messages of its group follows from the documented strict order, not from a recording",
		guideDoc("FIFO-queues-understanding-logic.html"), "For each message group ID, all messages are sent and received in strict order."),
	"SQS-FIFO-018": doc(evKC, "If you try to delete the message outside of the visibility timeout period, then you see an error similar to the following:",
		"the knowledge center covers the test's case (received again, then the old handle deleted) with \"Value 'YOUR RECEIPT HANDLE' for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.\"; the exact text (handle unquoted, HTTP 400) is recorded in test_fifo_delete_after_visibility_timeout#delete_after_timeout_fifo, which deletes without a second receive"),
	"SQS-FIFO-019": doc(apiDoc("SendMessageBatch"), "For a FIFO queue, multiple messages within a single batch are enqueued in the order they are sent.", ""),
	"SQS-FIFO-020": doc(apiDocAt("GetQueueAttributes", "API_GetQueueAttributes_RequestParameters"), "ApproximateNumberOfMessagesNotVisible – Returns the approximate number of messages that are in flight.",
		"the recording cited before (test_fifo_approximate_number_of_messages_not_visible) is empty ({})"),
	"SQS-FIFO-021": rec("test_send_batch_missing_message_group_id_for_fifo_queue#test_missing_message_group_id_for_fifo_queue", "InvalidParameterValue | The request must contain the parameter MessageGroupId. | 400", ""),
	"SQS-FIFO-022": rec("test_send_batch_missing_deduplication_id_for_fifo_queue#test_missing_deduplication_id_for_fifo_queue", "InvalidParameterValue | The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly", ""),
	"SQS-FIFO-023": inf("the docs disagree with themselves: the API reference allows perMessageGroupId only with DeduplicationScope=messageGroup, the high-throughput guide describes other combinations as normal throughput; the rejection and its code InvalidAttributeValue are inferred: no recording",
		evSetAttrs, "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup."),
	"SQS-FIFO-024": doc(guideDoc("FIFO-queues-understanding-logic.html"), "However, messages with different message group ID values might be sent and received out of order.", ""),
	"SQS-FIFO-025": rec("test_message_deduplication_id_invalid#error-response", "InvalidParameterValue | Value  for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.", "variant [empty]"),
	"SQS-FIFO-026": rec("test_message_deduplication_id_invalid#error-response", "for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.", "variant [too_long]"),
	"SQS-FIFO-027": rec("test_message_deduplication_id_invalid#error-response", "Value group 123 for parameter MessageDeduplicationId is invalid.", "variant [spaces]"),
	"SQS-FIFO-028": inf("the code and message are recorded for a MessageGroupId of 129 characters on a standard queue; that a FIFO queue answers the same is inferred",
		"test_send_message_to_standard_queue_with_invalid_message_group_id#error-response", "for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length."),
	"SQS-FIFO-029": inf("the code and message are recorded for a MessageGroupId with spaces on a standard queue; that a FIFO queue answers the same is inferred",
		"test_send_message_to_standard_queue_with_invalid_message_group_id#error-response", "Value group 123 for parameter MessageGroupId is invalid."),
	"SQS-FIFO-030": inf("the docs allow the retry only if none of the messages were modified; that after ChangeMessageVisibility the retry returns no receipt handle of the first receive is inferred: no recording",
		apiDocAt("ReceiveMessage", "SQS-ReceiveMessage-request-ReceiveRequestAttemptId"), "It is possible to retry the ReceiveMessage action with the same ReceiveRequestAttemptId if none of the messages have been modified (deleted or had their visibility changes)."),
	"SQS-FIFO-031": rec("test_fifo_delete_after_visibility_timeout#delete_after_timeout_fifo",
		"InvalidParameterValue | Value <receipt-handle:1> for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired. | 400",
		"the recording waits out a 1-second VisibilityTimeout and deletes with the handle of the only receive, as the test does"),
	"SQS-FIFO-032": doc(evKC, "For FIFO queues, a receipt handle expires after a visibility timeout period.",
		"the sentence makes expiry a property of the handle, so it holds also after another receiver received the message again and deleted it; the exact text and HTTP 400 are recorded for the handle of a message still in the queue (test_fifo_delete_after_visibility_timeout#delete_after_timeout_fifo, SQS-FIFO-031)"),
	"SQS-FIFO-033": doc(attemptID, "While messages with a particular MessageGroupId are invisible, no more messages belonging to the same MessageGroupId are returned until the visibility timeout expires. You can still receive messages with another MessageGroupId from your FIFO queue as long as they are visible.",
		"the sentence does not depend on who receives: eight receivers short-poll at once, one message each"),
	"SQS-FIFO-034": doc(guideDoc("using-messagegroupid-property.html"), "Messages within the same message group are always processed one at a time, in strict order, ensuring that no two messages from the same group are processed simultaneously.",
		"six consumers receive one message at a time and delete it; a message counts as received while its predecessor was in flight when its receive returned before the predecessor's delete was sent"),
	"SQS-FIFO-035": doc(evKCFifo, "The ChangeMessageVisibility API can extend or shorten the visibility timeout period for inflight messages.",
		"that a timeout shortened to 0 releases the group and that the message then comes back before the later ones of its group follow from this and from the strict order within a group (\"For each message group ID, all messages are sent and received in strict order.\", FIFO delivery logic); no recording"),
	"SQS-FIFO-036": doc(evKCFifo, "Inflight messages block delivery of available messages within the same message group.",
		"the message's timeout is extended with ChangeMessageVisibility (\"The ChangeMessageVisibility API can extend or shorten the visibility timeout period for inflight messages.\"), so it is still in flight after the queue's VisibilityTimeout"),
	"SQS-FIFO-037": doc(evKCFifo, "Inflight messages block delivery of available messages within the same message group.",
		"g-1 stays in flight while g-0 is made visible again with ChangeMessageVisibility 0, so g-2 and g-3 are blocked; whether g-0 itself may be received again meanwhile is not asserted (the backends differ, no recording). That one receive returns g-0 and g-1 together follows from \"SQS returns as many messages with the same message group ID as possible\" (same page)"),
	"SQS-FIFO-038": doc(evKCFifo, "Inflight messages block delivery of available messages within the same message group.",
		"as SQS-FIFO-037, with g-0 visible again because its visibility timeout ended while g-1's was extended"),
	"SQS-FIFO-050": rec("test_fifo_change_to_high_throughput_after_creation#new-dedup2-high-throughput", "Test4",
		"with same-dedup-different-grp-high-throughput and same-dedup2-high-throughput (both without Messages): duplicates right after the change"),
	"SQS-FIFO-051": rec("test_fifo_change_to_regular_throughput_after_creation#same-dedup-different-grp-regular-throughput", "Test3", ""),

	// Dead-letter queues.
	"SQS-DLQ-001": rec("test_dead_letter_queue_message_attributes#dlq-messages", "message-1 | 2",
		"the message is in the dead-letter queue after a receive past maxReceiveCount (rec-pre-dlq); \"on the next receive\" is the documented moment (\"When the ReceiveCount for a message exceeds the maxReceiveCount for a queue, Amazon SQS moves the message to the dead-letter-queue.\")"),
	"SQS-DLQ-002": rec("test_dead_letter_queue_message_attributes#dlq-messages", "adb59cd4678ea5a855436b949cd07ab6 | 2", ""),
	"SQS-DLQ-003": rec("test_dead_letter_queue_message_attributes#dlq-messages", "DeadLetterQueueSourceArn", ""),
	"SQS-DLQ-004": doc(apiDoc("ListDeadLetterSourceQueues"), "Returns a list of your queues that have the RedrivePolicy queue attribute configured with a dead-letter queue.", ""),
	"SQS-DLQ-005": inf("that a deadLetterTargetArn which is no ARN is refused, and the code InvalidParameterValue (HTTP 400), are inferred: the recording cited before (test_invalid_dead_letter_arn_rejected_before_lookup) is empty ({}) and skipped upstream", "", ""),
	"SQS-DLQ-006": inf("maxReceiveCount 0 refused with InvalidParameterValue is inferred: the docs give only the default (10); no recording",
		evSetAttrs, "maxReceiveCount – The number of times a message is delivered to the source queue before being moved to the dead-letter queue."),
	"SQS-DLQ-007": inf("the upper bound 1000 and the code InvalidParameterValue are inferred: the API reference gives no range; no recording",
		evSetAttrs, "maxReceiveCount – The number of times a message is delivered to the source queue before being moved to the dead-letter queue."),
	"SQS-DLQ-008": inf("denyAll is documented; the code InvalidParameterValue (HTTP 400) for the refused RedrivePolicy is inferred: no recording",
		evSetAttrs, "denyAll – No source queues can specify this queue as the dead-letter queue."),
	"SQS-DLQ-009": inf("byQueue is documented; the code InvalidParameterValue (HTTP 400) for a queue not listed is inferred: no recording",
		evSetAttrs, "byQueue – Only queues specified by the sourceQueueArns parameter can specify this queue as the dead-letter queue."),
	"SQS-DLQ-010": inf("the rule is documented; the code InvalidParameterValue (HTTP 400) is inferred: no recording",
		evSetAttrs, "Similarly, the dead-letter queue of a standard queue must also be a standard queue."),
	"SQS-DLQ-011": inf("that RedrivePolicy=\"\" removes the policy is inferred: the recording cited before (test_set_empty_redrive_policy) is empty ({}) and the docs do not say", "", ""),
	"SQS-DLQ-012": rec("test_create_standard_queue_with_all_properties#attributes", "7",
		"recorded through CloudFormation: RedrivePolicy reported as a JSON map with a numeric maxReceiveCount (7)"),
	"SQS-DLQ-013": inf("that the message keeps its MessageGroupId in the FIFO dead-letter queue is inferred: the FIFO dead-letter recording (test_dead_letter_queue_with_fifo_and_content_based_deduplication) is empty ({})",
		evSetAttrs, "The dead-letter queue of a FIFO queue must also be a FIFO queue."),
	"SQS-DLQ-014": doc(evSetAttrs, "When the ReceiveCount for a message exceeds the maxReceiveCount for a queue, Amazon SQS moves the message to the dead-letter-queue.", "a consumer scenario built on SQS-DLQ-001"),
	"SQS-DLQ-015": inf("that a FIFO dead-letter queue's MessageDeduplicationId is the original MessageId is inferred from AWS's behaviour seen through clients; no recording and no documentation", "", ""),

	// Message move tasks.
	"SQS-MOVE-001": rec("test_move_task_workflow_with_default_destination#list-message-move-task-response", "COMPLETED | 2",
		"the recording shows the task completed for 2 messages; that they are back in their source queue is documented (\"If this field is left blank, the messages will be redriven back to their respective original source queues.\")"),
	"SQS-MOVE-002": rec("test_basic_move_task_workflow#list-message-move-task-response", "COMPLETED | 2", ""),
	"SQS-MOVE-003": rec("test_source_needs_redrive_policy#error", "InvalidParameterValue | Source queue must be configured as a Dead Letter Queue. | 400", ""),
	"SQS-MOVE-004": rec("test_destination_needs_to_exist#error", "ResourceNotFoundException | The resource that you specified for the DestinationArn parameter doesn't exist. | 404", ""),
	"SQS-MOVE-005": rec("test_start_multiple_move_tasks#error", "InvalidParameterValue | There is already a task running. Only one active task is allowed for a source queue arn at a given time.", ""),
	"SQS-MOVE-006": rec("test_move_task_cancel#list-while", "RUNNING | 10",
		"the recording has 10 messages to move, the test 5; SourceArn and TaskHandle are listed as the test asserts"),
	"SQS-MOVE-007": rec("test_cancel_with_invalid_task_handle#error", "InvalidParameterValue | Value for parameter TaskHandle is invalid. | 400", ""),
	"SQS-MOVE-008": rec("test_move_task_cancel#list-after", "CANCELLED", ""),
	"SQS-MOVE-009": inf("the code ResourceNotFoundException and HTTP 404 are recorded for a missing destination (test_destination_needs_to_exist) and for a task handle naming a missing source (test_cancel_with_invalid_source_arn_in_task_handle); for StartMessageMoveTask from a missing source they are inferred",
		"test_cancel_with_invalid_source_arn_in_task_handle#error", "ResourceNotFoundException | The resource that you specified for the SourceArn parameter doesn't exist. | 404"),
	"SQS-MOVE-010": inf("the new MessageId and new SentTimestamp are inferred from AWS's redrive being a new send; the receive count starting at 1 and the missing DeadLetterQueueSourceArn are inferred too: no recording of a moved message's attributes and no documentation", "", ""),

	// Batches.
	"SQS-BATCH-001": doc(apiDoc("SendMessageBatch"), "You can use SendMessageBatch to send up to 10 messages to the specified queue", ""),
	"SQS-BATCH-002": rec("test_send_message_batch_with_oversized_contents#send_oversized_message_batch", "AWS.SimpleQueueService.BatchRequestTooLong | Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes. | 400", ""),
	"SQS-BATCH-003": rec("test_send_batch_message_size#send-message-batch-result", "InvalidParameterValue | One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes. | true", ""),
	"SQS-BATCH-004": rec("test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size#send_oversized_message_batch", "a45daa70926828a2f0a1db3418e6feb4",
		"the recording accepts both entries; that the first is exactly MaximumMessageSize with its attribute counted is LocalStack's test input, not visible in the recording"),
	"SQS-BATCH-005": doc(apiDoc("DeleteMessageBatch"), "The result of the action on each message is reported individually in the response.", ""),
	"SQS-BATCH-006": inf("per-entry reporting is documented; the entry's code ReceiptHandleIsInvalid and SenderFault=true for a malformed handle are inferred: no recording",
		apiDoc("DeleteMessageBatch"), "The result of the action on each message is reported individually in the response."),
	"SQS-BATCH-007": inf("that the entry fails alone with InvalidMessageContents is documented for SendMessageBatch; SenderFault=true is inferred: no recording",
		apiDoc("SendMessageBatch"), "If a message contains characters outside the allowed set, Amazon SQS rejects the message and returns an InvalidMessageContents error."),
	"SQS-BATCH-008": inf(evNotExist("SendMessageBatch"), "test_non_existent_queue#queue-does-not-exist-url", qNotExist),
	"SQS-BATCH-009": doc(apiDoc("SendMessageBatchRequestEntry"), "This identifier can have up to 80 characters. The following characters are accepted: alphanumeric characters, hyphens(-), and underscores (_).", ""),
	"SQS-BATCH-020": rec("test_too_many_entries_in_batch_request#test_too_many_entries_in_batch_request", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest | Maximum number of entries per request are 10. You have sent 20. | 400", ""),
	"SQS-BATCH-021": inf(nBatchShape, apiDocAt("SendMessageBatch", "API_SendMessageBatch_Errors"), "The batch request doesn't contain any entries."),
	"SQS-BATCH-022": inf(nBatchShape, apiDocAt("SendMessageBatch", "API_SendMessageBatch_Errors"), "Two or more batch entries in the request have the same Id."),
	"SQS-BATCH-023": rec("test_invalid_batch_id#test_invalid_batch_id", "AWS.SimpleQueueService.InvalidBatchEntryId | A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long. | 400",
		"the recording does not show which invalid id LocalStack's test sent; the DeleteMessageBatch recordings show ':' gets this answer"),
	"SQS-BATCH-024": inf("the code and message are recorded for an id of 81 characters on DeleteMessageBatch (test_delete_message_batch_invalid_msg_id); for SendMessageBatch they are inferred",
		"test_delete_message_batch_invalid_msg_id#error_response", "AWS.SimpleQueueService.InvalidBatchEntryId | A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."),
	"SQS-BATCH-025": rec("test_delete_message_batch_with_too_large_batch#error_response", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest | Maximum number of entries per request are 10. You have sent 20.", ""),
	"SQS-BATCH-026": inf(nBatchShape, apiDocAt("DeleteMessageBatch", "API_DeleteMessageBatch_Errors"), "The batch request doesn't contain any entries."),
	"SQS-BATCH-027": inf(nBatchShape, apiDocAt("DeleteMessageBatch", "API_DeleteMessageBatch_Errors"), "Two or more batch entries in the request have the same Id."),
	"SQS-BATCH-028": rec("test_delete_message_batch_invalid_msg_id#error_response", "AWS.SimpleQueueService.InvalidBatchEntryId | A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long. | 400", "variant [invalid:id]"),
	"SQS-BATCH-029": rec("test_delete_message_batch_invalid_msg_id#error_response", "AWS.SimpleQueueService.InvalidBatchEntryId | A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.", "variant [testLongId…]"),
	"SQS-BATCH-030": rec("test_change_message_visibility_batch_with_too_large_batch#error_response", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest | Maximum number of entries per request are 10. You have sent 20.", ""),
	"SQS-BATCH-031": inf(nBatchShape, apiDocAt("ChangeMessageVisibilityBatch", "API_ChangeMessageVisibilityBatch_Errors"), "The batch request doesn't contain any entries."),
	"SQS-BATCH-032": inf(nBatchShape, apiDocAt("ChangeMessageVisibilityBatch", "API_ChangeMessageVisibilityBatch_Errors"), "Two or more batch entries in the request have the same Id."),
	"SQS-BATCH-033": inf("the code and message are recorded for ':' in an id on DeleteMessageBatch; for ChangeMessageVisibilityBatch they are inferred",
		"test_delete_message_batch_invalid_msg_id#error_response", "AWS.SimpleQueueService.InvalidBatchEntryId | A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."),
	"SQS-BATCH-034": inf("the code and message are recorded for an id of 81 characters on DeleteMessageBatch; for ChangeMessageVisibilityBatch they are inferred",
		"test_delete_message_batch_invalid_msg_id#error_response", "AWS.SimpleQueueService.InvalidBatchEntryId | A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."),
	"SQS-BATCH-050": inf("the entry code ReceiptHandleIsInvalid, its message \"Message does not exist or is not available for visibility timeout change\" and SenderFault for a deleted message, and that a second DeleteMessageBatch succeeds, are inferred: no recording",
		apiDoc("ChangeMessageVisibilityBatch"), "The result of the action on each message is reported individually in the response."),

	// Tags.
	"SQS-TAG-001": rec("test_tag_untag_queue#get-tag-1", "value1 | value2", ""),
	"SQS-TAG-002": rec("test_tag_untag_queue#get-tag-2", "value2", ""),
	"SQS-TAG-003": rec("test_create_standard_queue_with_all_properties#tags", "Finance | Production", "recorded through CloudFormation, which tags on creation"),
	"SQS-TAG-004": doc(apiDoc("TagQueue"), "A new tag with a key identical to that of an existing tag overwrites the existing tag.", ""),
	"SQS-TAG-005": rec("test_tag_untag_queue#get-tag-after-untag", "200", "the recorded ListQueueTags of a queue without tags has no Tags"),
	"SQS-TAG-006": inf(evNotExist("TagQueue"), "test_non_existent_queue#queue-does-not-exist-url", qNotExist),
	"SQS-TAG-007": inf(evNotExist("ListQueueTags"), "test_non_existent_queue#queue-does-not-exist-url", qNotExist),
	"SQS-TAG-008": doc(guideDoc("quotas-queues.html"), "The maximum tag Key length is 128 Unicode characters in UTF-8.",
		"also \"The maximum tag Value length is 256 Unicode characters in UTF-8.\""),

	// Permissions.
	"SQS-PERM-001": rec("test_sqs_permission_lifecycle#get-queue-policy-attribute-first-account-same-label", "2008-10-17 | crossaccountpermission | Allow | SQS:ReceiveMessage",
		"the recording masks the policy Id's suffix (<resource:1>), so the test's /SQSDefaultPolicy is not on record, and the root principal is masked (arn:<partition>:iam::111111111111:<resource:3>)"),
	"SQS-PERM-002": rec("test_sqs_permission_lifecycle#get-queue-policy-attribute-second-account-same-label", "InvalidParameterValue | Value crossaccountpermission for parameter Label is invalid. Reason: Already exists.", ""),
	"SQS-PERM-003": rec("test_sqs_permission_lifecycle#get-queue-policy-attribute-delete-second-permission", "200", "the recorded GetQueueAttributes after removing the last statement has no Policy"),
	"SQS-PERM-004": rec("test_sqs_permission_lifecycle#get-queue-policy-attribute-delete-non-existent-label", "InvalidParameterValue | Value crossaccountpermission2 for parameter Label is invalid. Reason: can't find label.", ""),
	"SQS-PERM-005": rec("test_sqs_permission_lifecycle#get-queue-policy-attribute-delete-first-permission", "crossaccountpermission2", "the recording's labels are crossaccountpermission and crossaccountpermission2"),
	"SQS-PERM-006": rec("test_sqs_permission_lifecycle#get-queue-policy-attribute", "arn:<partition>:iam::668614515564:<resource:3>", "the root suffix of the principals is masked"),
	"SQS-PERM-007": inf("the limit of seven actions is documented and AddPermission lists OverLimit; that more actions are refused with OverLimit and HTTP 403 (the API model's status) is inferred: no recording",
		apiDoc("AddPermission"), "An Amazon SQS policy can have a maximum of seven actions per statement."),
	"SQS-PERM-008": inf("the limit of 8,192 bytes is documented (the quota table's row \"Bytes 8,192\"); the answer OverLimit, HTTP 403, \"Submitted policy is over max allowed size.\" is inferred from AWS's answers to SetQueueAttributes quoted in public error reports (github.com/BishopFox/cloudfoxable/issues/29 through Terraform, github.com/justeattakeaway/JustSaying/issues/211 through the .NET SDK): no recording",
		policyQuotaDoc, "The following table lists quotas related to policies."),
	"SQS-PERM-009": inf("the limit of 20 statements is documented (row \"Statements 20\"); OverLimit and HTTP 403 are inferred from AWS's answers to the byte and action quotas, and the message from the action quota's (\"10 actions were found in a statement from the submitted policy, max allowed is 7\", quoted in github.com/ministryofjustice/cloud-platform-environments/pull/9082): no recording or report of this one",
		policyQuotaDoc, "The following table lists quotas related to policies."),
	"SQS-PERM-010": inf("the limit of 50 principals is documented (row \"Principals 50\"); that principals are counted over all statements, OverLimit, HTTP 403 and the message are inferred as for SQS-PERM-009; 50 principals are not tried, as AWS may refuse made-up accounts",
		policyQuotaDoc, "The following table lists quotas related to policies."),
	"SQS-PERM-011": inf("the limit of 10 conditions is documented (row \"Conditions 10\"); that each key of each condition operator is one condition, counted over all statements, OverLimit, HTTP 403 and the message are inferred as for SQS-PERM-009",
		policyQuotaDoc, "The following table lists quotas related to policies."),
	"SQS-PERM-012": inf("the limit of 7 actions per statement is documented (row \"Actions per statement 7\"; AddPermission: \"An Amazon SQS policy can have a maximum of seven actions per statement.\"); OverLimit, HTTP 403 and the message are AWS's answer to SetQueueAttributes as quoted in a public error report (github.com/ministryofjustice/cloud-platform-environments/pull/9082): no recording",
		policyQuotaDoc, "The following table lists quotas related to policies."),

	// Purge.
	"SQS-PURGE-001": doc(apiDoc("PurgeQueue"), "When you use the PurgeQueue action, you can't retrieve any messages deleted from a queue.", ""),
	"SQS-PURGE-002": rec("test_successive_purge_calls_fail#purge_queue_error", "AWS.SimpleQueueService.PurgeQueueInProgress | is allowed every 60 seconds. | 403", "the queue name is masked (<queue-name>)"),
	"SQS-PURGE-003": inf(evNotExist("PurgeQueue"), "test_non_existent_queue#queue-does-not-exist-url", qNotExist),
	"SQS-PURGE-004": doc(apiDoc("PurgeQueue"), "Deletes available messages in a queue (including in-flight messages) specified by the QueueURL parameter.", ""),
	"SQS-PURGE-005": doc(apiDocAt("PurgeQueue", "API_PurgeQueue_Errors"), "Indicates that the specified queue previously received a PurgeQueue request within the last 60 seconds (the time it can take to delete the messages in the queue).", ""),

	// Regions and accounts.
	"SQS-NS-001": inf("that a queue of another Region is not found is inferred from Regions being separate endpoints; the answer's code is recorded for GetQueueUrl of a missing queue (test_non_existent_queue)",
		apiDoc("ListQueues"), "Returns a list of your queues in the current region."),
	"SQS-NS-002": inf("that another Region's client answers NonExistentQueue for the same URL is inferred (the AWS SDKs send to the client's Region, not the URL's host); the knowledge center names wrong-Region requests as a cause of QueueDoesNotExist",
		"https://repost.aws/knowledge-center/sqs-queuedoesnotexist-errors", "You get the QueueDoesNotExist error when a request is made to the incorrect AWS Region."),
	"SQS-NS-003": inf("the ARN format naming the Region is inferred from the ARN format (see SQS-Q-018); no recording shows two Regions", "", ""),
	"SQS-NS-004": inf("that a dead-letter queue must be in the source's Region, and the code InvalidParameterValue, are inferred: the docs say so only of allowAll's sources and there is no recording",
		evSetAttrs, "allowAll – (Default) Any source queues in this Amazon Web Services account in the same Region can specify this queue as the dead-letter queue."),
	"SQS-NS-005": inf("accounts being separate namespaces for queue names is inferred from the URL and ARN formats; no recording shows two accounts", "", ""),
	"SQS-NS-006": inf("the code AccessDenied, HTTP 403 and the message shape 'Access to the resource <URL> is denied.' are inferred from the developer guide's troubleshooting page (not quoted: not in the search index); no recording",
		guideDoc("troubleshooting-access-denied.html"), ""),
	"SQS-NS-007": doc(apiDoc("AddPermission"), "Adds a permission to a queue for a specific principal. This allows sharing access to the queue.", ""),
	"SQS-NS-008": inf("that a dead-letter queue must be in the source's account, and the code InvalidParameterValue, are inferred: no recording",
		evSetAttrs, "allowAll – (Default) Any source queues in this Amazon Web Services account in the same Region can specify this queue as the dead-letter queue."),
	"SQS-NS-009": inf("that a SendMessage permission opens no other action is documented by the Actions parameter; the answer AccessDenied (HTTP 403) is inferred as for SQS-NS-006",
		apiDoc("AddPermission"), "The action the client wants to allow for the specified principal."),
	"SQS-NS-010": inf("that a Deny applies when its Condition holds and not otherwise is documented; that a client's own request has no aws:SourceArn (services acting for a resource add it), so ArnEquals on it fails and Null on it holds, follows IAM's rule for keys absent from the request; the answer AccessDenied (HTTP 403) is inferred as for SQS-NS-006",
		policyDenials, "If all conditions in a statement are met, the request results in either an Allow or an Explicit-deny based on the value of the Effect element of the policy."),
	"SQS-NS-011": inf("NotPrincipal with Deny is documented; the answer AccessDenied (HTTP 403) is inferred as for SQS-NS-006. The mock knows the other account's caller only by its account (as that account's root), which a NotPrincipal listing the queue's account does not leave out",
		notPrincipalDoc, "The NotPrincipal element uses \"Effect\":\"Deny\" to deny access to all principals except the principal specified in the NotPrincipal element."),
	"SQS-NS-012": inf("NotAction with Deny is documented; the answer AccessDenied (HTTP 403) is inferred as for SQS-NS-006",
		notActionDoc, "In addition, such unlisted actions or services are denied if you use the Deny effect."),
	"SQS-NS-013": inf("that an explicit Deny wins over an Allow is documented; the answer AccessDenied (HTTP 403) is inferred as for SQS-NS-006",
		policyEval, "An Explicit-deny overrides any allow."),
	"SQS-NS-014": inf("that a resource-based policy can name one IAM user of an account is documented, and such a statement covers no other principal; on AWS the caller is one of the other account's IAM identities. The mock cannot know a caller's IAM identity unless its session token names one (an IAM or STS ARN): it takes a caller known only by its account for that account's root, which a Deny or an Allow naming one user or role does not cover",
		crossEvalDoc, "You can specify the entire account or its IAM users, AWS STS federated user principals, IAM roles, or assumed-role sessions."),

	// Retention, errors, consumers.
	"SQS-RET-001": doc(apiDoc("DeleteMessage"), "Amazon SQS automatically deletes messages left in a queue longer than the retention period configured for the queue.", ""),
	"SQS-ERR-001": inf("an AWS SDK for Go v2 contract (smithy.OperationError naming SQS and the operation), not an SQS behaviour: it holds for any answer the SDK can parse", "", ""),
	"SQS-ERR-002": inf("the client fault comes from the error's Type Sender, recorded for every error in the snapshots; the SDK maps it to smithy.FaultClient",
		"test_non_existent_queue#queue-does-not-exist", "Sender"),
	"SQS-ERR-003": rec("test_non_existent_queue#queue-does-not-exist", "AWS.SimpleQueueService.NonExistentQueue | QueueDoesNotExist",
		"ErrorCode() gives the legacy code, which AWS sends besides the JSON error type (the recorded QueryErrorCode)"),
	"SQS-ERR-004": inf("that every error carries a request id is inferred (the recordings drop response headers)", "", ""),
	"SQS-CONS-001": doc(guideDoc("standard-queues-at-least-once-delivery.html"), "Design your applications to be idempotent (they should not be affected adversely when processing the same message more than once).",
		"a consumer scenario built on the behaviours above (every message handled, duplicates tolerated)"),
	"SQS-CONS-002": doc(guideDoc("FIFO-queues-understanding-logic.html"), "For each message group ID, all messages are sent and received in strict order.", "a consumer scenario built on the behaviours above"),
	"SQS-CONS-003": inf("a consumer scenario on a FIFO queue with a dead-letter queue; what the FIFO dead-letter queue receives is inferred as for SQS-DLQ-013", "", ""),

	// Wire format.
	"SQS-WIRE-001": rec("test_receive_empty_queue#empty_short_poll_resp", "200", "the recorded answer has no Messages key (the snapshot keeps only the parsed answer, so {} is the closest evidence)"),
	"SQS-WIRE-002": rec("test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size#send_oversized_message_batch", "Successful", "the recorded answer has no Failed key"),
	"SQS-WIRE-003": inf("that all-successful DeleteMessageBatch and ChangeMessageVisibilityBatch answers omit Failed is inferred from the recorded SendMessageBatch answer (SQS-WIRE-002)", "", ""),
	"SQS-WIRE-004": rec("test_sqs_permission_lifecycle#get-queue-policy-attribute-after-removal", "200", "the recorded GetQueueAttributes for Policy of a queue without one has no Attributes key"),
	"SQS-WIRE-005": rec("test_tag_untag_queue#get-tag-after-untag", "200", "the recorded ListQueueTags of an untagged queue has no Tags key"),
	"SQS-WIRE-006": inf("that a ListQueues answer with no queue is {} is inferred from the other empty answers (SQS-WIRE-001, -004, -005): no recording", "", ""),
	"SQS-WIRE-010": inf("the JSON rendering of Query answers (Accept: application/json) is inferred from what AWS SDKs that send it expect; neither recorded nor documented", "", ""),
	"SQS-WIRE-011": inf("the JSON rendering of a Query ReceiveMessage answer (ReceiveMessageResult.messages) is inferred as for SQS-WIRE-010", "", ""),
	"SQS-WIRE-012": inf("the JSON rendering of a Query SendMessage answer, absent members as null, is inferred as for SQS-WIRE-010", "", ""),
	"SQS-WIRE-013": inf("as SQS-WIRE-010; the code AWS.SimpleQueueService.NonExistentQueue and Type Sender are recorded for the Query protocol (test_non_existent_queue#queue-does-not-exist-query), the JSON rendering is inferred",
		"test_non_existent_queue#queue-does-not-exist-query", "AWS.SimpleQueueService.NonExistentQueue | Sender"),
	"SQS-WIRE-020": inf("that Query TagQueue also takes Tags.N.Key/Value is inferred from the AWS SDK for Java's requests; not documented, not recorded", "", ""),
	"SQS-WIRE-021": inf("that Query SendMessage also takes MessageAttributes.N.* is inferred from SDK requests; not documented, not recorded", "", ""),
}
