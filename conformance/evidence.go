package conformance

// recorded names, for the tests whose expected answer was recorded against real AWS, the snapshot
// of LocalStack's AWS-validated test suite (tests/aws/services/sqs, snapshot files test_sqs and
// test_sqs_move_task) that holds it.
var recorded = map[string]string{
	"SQS-Q-003": "test_create_queue_with_different_attributes_raises_exception", "SQS-Q-004": "test_create_fifo_queue_with_different_attributes_raises_error",
	"SQS-Q-009": "test_non_existent_queue", "SQS-Q-020": "test_create_standard_queue_with_fifo_attribute_raises_error",
	"SQS-Q-021": "test_create_standard_queue_with_fifo_attribute_raises_error", "SQS-Q-022": "test_create_standard_queue_with_fifo_attribute_raises_error",
	"SQS-Q-023": "test_create_standard_queue_with_fifo_attribute_raises_error", "SQS-Q-014": "test_list_queues_pagination",
	"SQS-ATTR-001": "test_set_queue_attributes_default_values", "SQS-ATTR-002": "test_create_and_update_queue_attributes",
	"SQS-ATTR-004": "test_fifo_change_to_regular_throughput_after_creation", "SQS-ATTR-005": "test_create_and_update_queue_attributes",
	"SQS-ATTR-009": "test_set_unsupported_attribute_standard", "SQS-ATTR-010": "test_set_unsupported_attribute_fifo",
	"SQS-ATTR-011": "test_sse_kms_and_sqs_are_mutually_exclusive", "SQS-ATTR-012": "test_sse_queue_attributes",
	"SQS-ATTR-015": "test_set_queue_attributes_default_values",
	"SQS-SEND-002": "test_receive_message_attribute_names_filters", "SQS-SEND-003": "test_send_message_with_binary_attributes",
	"SQS-SEND-004": "test_aws_trace_header_propagation", "SQS-SEND-005": "test_receive_message_message_attribute_names_filters",
	"SQS-SEND-007": "test_aws_trace_header_propagation", "SQS-SEND-008": "test_send_empty_message",
	"SQS-SEND-013": "test_send_oversized_message", "SQS-SEND-014": "test_send_message_with_updated_maximum_message_size",
	"SQS-SEND-016": "test_send_message_with_empty_string_attribute", "SQS-SEND-022": "test_fair_queue_with_message_group_id",
	"SQS-SEND-023": "test_send_message_to_standard_queue_with_invalid_message_group_id", "SQS-SEND-024": "test_send_message_to_standard_queue_with_invalid_message_group_id",
	"SQS-SEND-025": "test_send_message_to_standard_queue_with_invalid_message_group_id",
	"SQS-RECV-001": "test_receive_empty_queue", "SQS-RECV-002": "test_send_receive_max_number_of_messages",
	"SQS-RECV-003": "test_send_receive_wait_time_seconds", "SQS-RECV-004": "test_send_receive_wait_time_seconds",
	"SQS-RECV-008": "test_receive_message_message_system_attribute_names_filters",
	"SQS-RECV-010": "test_receive_message_message_attribute_names_filters", "SQS-RECV-011": "test_receive_message_message_attribute_names_filters",
	"SQS-RECV-012": "test_receive_message_message_attribute_names_filters", "SQS-RECV-014": "test_receive_message_message_attribute_names_filters",
	"SQS-RECV-015": "test_receive_message_message_attribute_names_filters",
	"SQS-VIS-009":  "test_change_message_visibility_after_visibility_timeout_expiration", "SQS-VIS-011": "test_approximate_number_of_messages_not_visible",
	"SQS-FIFO-002": "test_posting_to_fifo_requires_deduplicationid_group_id", "SQS-FIFO-003": "test_posting_to_fifo_requires_deduplicationid_group_id",
	"SQS-FIFO-006": "test_fifo_deduplication_arrives_once_after_delete", "SQS-FIFO-007": "test_fifo_deduplication_not_on_message_group_id",
	"SQS-FIFO-008": "test_fifo_high_throughput_ordering", "SQS-FIFO-013": "test_fifo_queue_send_message_with_delay_seconds_fails",
	"SQS-FIFO-014": "test_fifo_queue_send_message_with_zero_delay_defaults_to_queue_delay", "SQS-FIFO-015": "test_fifo_set_content_based_deduplication_strategy",
	"SQS-FIFO-018": "test_fifo_delete_after_visibility_timeout", "SQS-FIFO-020": "test_fifo_approximate_number_of_messages_not_visible",
	"SQS-FIFO-021": "test_send_batch_missing_message_group_id_for_fifo_queue", "SQS-FIFO-022": "test_send_batch_missing_deduplication_id_for_fifo_queue",
	"SQS-FIFO-025": "test_message_deduplication_id_invalid", "SQS-FIFO-026": "test_message_deduplication_id_invalid", "SQS-FIFO-027": "test_message_deduplication_id_invalid",
	"SQS-DLQ-002": "test_dead_letter_queue_message_attributes", "SQS-DLQ-003": "test_dead_letter_queue_message_attributes",
	"SQS-DLQ-005": "test_invalid_dead_letter_arn_rejected_before_lookup", "SQS-DLQ-011": "test_set_empty_redrive_policy",
	"SQS-MOVE-003": "test_source_needs_redrive_policy", "SQS-MOVE-004": "test_destination_needs_to_exist",
	"SQS-MOVE-005": "test_start_multiple_move_tasks", "SQS-MOVE-007": "test_cancel_with_invalid_task_handle",
	"SQS-BATCH-002": "test_send_message_batch_with_oversized_contents", "SQS-BATCH-003": "test_send_batch_message_size",
	"SQS-BATCH-004": "test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size",
	"SQS-BATCH-020": "test_too_many_entries_in_batch_request", "SQS-BATCH-023": "test_invalid_batch_id",
	"SQS-BATCH-025": "test_delete_message_batch_with_too_large_batch", "SQS-BATCH-028": "test_delete_message_batch_invalid_msg_id",
	"SQS-BATCH-029": "test_delete_message_batch_invalid_msg_id", "SQS-BATCH-030": "test_change_message_visibility_batch_with_too_large_batch",
	"SQS-TAG-001": "test_tag_untag_queue", "SQS-TAG-002": "test_tag_untag_queue",
	"SQS-PERM-001": "test_sqs_permission_lifecycle", "SQS-PERM-002": "test_sqs_permission_lifecycle", "SQS-PERM-003": "test_sqs_permission_lifecycle",
	"SQS-PERM-004": "test_sqs_permission_lifecycle", "SQS-PERM-005": "test_sqs_permission_lifecycle", "SQS-PERM-006": "test_sqs_permission_lifecycle",
	"SQS-PURGE-002": "test_successive_purge_calls_fail",
	"SQS-WIRE-001":  "test_receive_empty_queue", "SQS-WIRE-002": "test_send_message_batch_with_oversized_contents_with_updated_maximum_message_size",
	"SQS-WIRE-004": "test_sqs_permission_lifecycle", "SQS-WIRE-005": "test_tag_untag_queue",
}

// Recorded returns the AWS-recorded snapshot a test's expectation comes from, or "" when it comes
// from the documentation alone.
func Recorded(id string) string { return recorded[id] }
