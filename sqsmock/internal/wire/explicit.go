package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/sqsharness/sqsharness/sqsmock/internal/reqctx"
)

// zeroable are the integer members whose explicit 0 means something different from absence:
// WaitTimeSeconds=0 is a short poll on a long-poll queue, VisibilityTimeout=0 leaves a received
// message visible, DelaySeconds=0 overrides a queue's delay. The SDK's Go input types cannot tell
// 0 from absent, so the wire layer records which ones were sent (reqctx.WithExplicit).
var zeroable = []string{"WaitTimeSeconds", "VisibilityTimeout", "DelaySeconds", "MaxNumberOfMessages"}

// entryPrefixes are SendMessageBatch's entries: by Query name and by member name.
var entryPrefixes = []string{"SendMessageBatchRequestEntry.", "Entries."}

// withExplicitJSON marks the zeroable members present in a JSON request body.
func withExplicitJSON(ctx context.Context, body []byte) context.Context {
	if !mentionsZeroable(body) {
		return ctx
	}
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		return ctx
	}
	var names []string
	for _, n := range zeroable {
		if v, ok := obj[n]; ok && v != nil {
			names = append(names, n)
		}
	}
	if entries, ok := obj["Entries"].([]any); ok {
		for _, e := range entries {
			entry, _ := e.(map[string]any)
			id, _ := entry["Id"].(string)
			if v, ok := entry["DelaySeconds"]; ok && v != nil && id != "" {
				names = append(names, "Entries."+id+".DelaySeconds")
			}
		}
	}
	return reqctx.WithExplicit(ctx, names...)
}

// withExplicitQuery marks the zeroable members present in Query parameters.
func withExplicitQuery(ctx context.Context, params map[string]string) context.Context {
	var names []string
	for _, n := range zeroable {
		if _, ok := params[n]; ok {
			names = append(names, n)
		}
	}
	for k := range params {
		for _, prefix := range entryPrefixes {
			rest, ok := strings.CutPrefix(k, prefix)
			if !ok {
				continue
			}
			if idx, ok := strings.CutSuffix(rest, ".DelaySeconds"); ok {
				if id := params[prefix+idx+".Id"]; id != "" {
					names = append(names, "Entries."+id+".DelaySeconds")
				}
			}
		}
	}
	return reqctx.WithExplicit(ctx, names...)
}

func mentionsZeroable(body []byte) bool {
	for _, n := range zeroable {
		if bytes.Contains(body, []byte(n)) {
			return true
		}
	}
	return false
}
