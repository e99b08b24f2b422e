package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqsharness/sqsharness/internal/shorttest"
	"github.com/sqsharness/sqsharness/internal/sqserr"
)

// TestBotocoreClients drives every operation through botocore, the library under boto3 and the
// AWS CLI, in both protocols: the backend must see exactly the input, and botocore must parse
// exactly the output. Skipped when python3 with botocore is not installed. Current botocore only
// speaks JSON to SQS; the Query run needs SQS's last Query model (botocore 1.31.x's
// data/sqs/2012-11-05/service-2.json) named by SQSHARNESS_SQS_QUERY_MODEL, else it is skipped.
func TestBotocoreClients(t *testing.T) {
	shorttest.Skip(t, "drives botocore in python3 processes")
	if err := exec.Command("python3", "-c", "import botocore").Run(); err != nil {
		t.Skip("python3 with botocore not available")
	}
	for _, protocol := range []string{"query", "json"} {
		t.Run(protocol, func(t *testing.T) {
			var modelArg []string
			if protocol == "query" {
				model := os.Getenv("SQSHARNESS_SQS_QUERY_MODEL")
				if model == "" {
					t.Skip("SQSHARNESS_SQS_QUERY_MODEL not set")
				}
				modelArg = []string{model}
			}
			rec := newRecorder()
			type pyCase struct {
				Op     string          `json:"op"`
				Params json.RawMessage `json:"params"`
			}
			var cases []pyCase
			for _, c := range allCases() {
				rec.outputs[c.op] = c.out
				s := &jsonSerializer{}
				c.in.(smithy.Serializable).Serialize(s)
				cases = append(cases, pyCase{c.op, append([]byte(nil), s.Bytes()...)})
			}
			// One error: the typed error and its legacy code.
			failing := &failOn{recorder: rec, op: "GetQueueUrl", err: sqserr.QueueDoesNotExist()}
			cases = append(cases, pyCase{"GetQueueUrl", json.RawMessage(`{"QueueName":"missing"}`)})

			srv := httptest.NewServer(NewHandler(failing, Options{}))
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			in, out := filepath.Join(dir, "cases.json"), filepath.Join(dir, "out.json")
			b, err := json.Marshal(cases)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(in, b, 0o644))

			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "python3", append([]string{filepath.Join("testdata", "botocore_check.py"), protocol, srv.URL, in, out}, modelArg...)...)
			cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
			msg, err := cmd.CombinedOutput()
			require.NoError(t, err, string(msg))

			var results []struct {
				Op     string          `json:"op"`
				Output json.RawMessage `json:"output"`
				Error  map[string]any  `json:"error"`
			}
			b, err = os.ReadFile(out)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(b, &results))
			require.Len(t, results, len(cases))

			calls := rec.Calls()
			for i, c := range allCases() {
				r := results[i]
				require.Equal(t, c.op, r.Op)
				require.Nil(t, r.Error, "%s failed in botocore: %v", c.op, r.Error)
				assert.Equal(t, c.in, calls[i].input, "%s input", c.op)
				assert.Equal(t, c.out, decodeOutput(t, c.out, r.Output), "%s output", c.op)
			}
			e := results[len(results)-1].Error
			require.NotNil(t, e)
			assert.Equal(t, "QueueDoesNotExist", e["Class"])
			assert.Equal(t, "AWS.SimpleQueueService.NonExistentQueue", e["Code"])
			assert.EqualValues(t, 400, e["HTTPStatusCode"])
			assert.Equal(t, "Sender", e["Type"])
			if protocol == "query" {
				assert.Equal(t, "The specified queue does not exist for this wsdl version.", e["Message"])
			} else {
				assert.Equal(t, "The specified queue does not exist.", e["Message"])
				assert.Equal(t, "QueueDoesNotExist", e["QueryErrorCode"])
			}
		})
	}
}

// decodeOutput decodes botocore's parsed output (AWS JSON form) into a value of like's type.
func decodeOutput(t *testing.T, like any, raw json.RawMessage) any {
	t.Helper()
	v := reflect.New(reflect.TypeOf(like).Elem())
	var obj map[string]any
	dec := json.NewDecoder(bytesReader(raw))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&obj))
	require.NoError(t, assignJSON(v.Elem(), rootSchema(v.Interface().(smithy.Serializable)), obj))
	return v.Interface()
}

// failOn fails one call of op with err, then behaves like the recorder.
type failOn struct {
	*recorder
	op  string
	err error
}

func (f *failOn) GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, o ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error) {
	if in.QueueName != nil && *in.QueueName == "missing" {
		return nil, f.err
	}
	return f.recorder.GetQueueUrl(ctx, in, o...)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
