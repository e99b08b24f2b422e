// Package clients holds the tests that run real SQS clients of other languages against the
// sqsmock server and report through go test:
//
//   - python/test_boto3.py: a unittest program for boto3, run twice: with botocore's own model
//     (AWS JSON 1.0) and with the last Query-era SQS model (botocore 1.31.0, cached by install.sh);
//     once more against a server that verifies SigV4.
//   - node/sqsmock.test.mjs: a node --test program for @aws-sdk/client-sqs.
//   - the AWS CLI v1, driven command by command from clients_test.go.
//
// Each test starts its own server with sqsmock.NewServer. A client that is not installed makes
// its test skip with the command that installs it (.ci/peers/install.sh,
// e2e/clients/install.sh), except under CI=true, where it fails. Under go test -short every test
// skips: the processes take over a minute, and go test without -short (or scripts/test.sh) runs
// them.
package clients
