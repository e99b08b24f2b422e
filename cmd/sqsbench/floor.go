package main

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// floorRequest holds the fields of the AWS JSON 1.0 requests the floor server reads.
type floorRequest struct {
	QueueName   string `json:"QueueName"`
	QueueURL    string `json:"QueueUrl"`
	MessageBody string `json:"MessageBody"`
}

// floorHandler is the least an SQS server must do to answer SendMessage so that the SDK accepts
// it: decode the JSON 1.0 request, take the MD5 of the body, and reply with a MessageId and
// MD5OfMessageBody. It keeps no queues and checks no signatures; CreateQueue, GetQueueUrl and
// DeleteQueue are answered only so that sqsbench can run its send test against it.
func floorHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req floorRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil && !errors.Is(err, io.EOF) {
			floorError(w, "InvalidParameterValue", err.Error())
			return
		}
		var reply any
		switch r.Header.Get("X-Amz-Target") {
		case "AmazonSQS.SendMessage":
			sum := md5.Sum([]byte(req.MessageBody))
			reply = map[string]string{"MessageId": newMessageID(), "MD5OfMessageBody": hex.EncodeToString(sum[:])}
		case "AmazonSQS.CreateQueue", "AmazonSQS.GetQueueUrl":
			reply = map[string]string{"QueueUrl": "http://" + r.Host + "/000000000000/" + req.QueueName}
		case "AmazonSQS.DeleteQueue":
			reply = struct{}{}
		default:
			floorError(w, "UnsupportedOperation", "the floor server answers only SendMessage")
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_ = json.NewEncoder(w).Encode(reply)
	})
}

// floorError writes an AWS JSON 1.0 error.
func floorError(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.sqs#" + code, "message": msg})
}

// newMessageID is a random (version 4) UUID, as SQS message IDs are.
func newMessageID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// serveFloor runs the floor server on addr until ctx ends, after printing its URL on stdout.
func serveFloor(ctx context.Context, addr string, stdout io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: floorHandler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "sqsbench floor server listening url=http://%s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
