package main

import (
	"errors"
	"flag"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// sigv4Settings are the flags of optional SigV4 verification.
type sigv4Settings struct {
	verify               bool
	accessKey, secretKey string
}

func (s *sigv4Settings) register(fs *flag.FlagSet, env *environment) {
	fs.BoolVar(&s.verify, "verify-sigv4", env.bool("verify-sigv4", "SQSMOCK_VERIFY_SIGV4"),
		"verify SigV4 signatures of SQS requests against -access-key/-secret-key (env SQSMOCK_VERIFY_SIGV4=true); off: any signature or none is accepted; the admin endpoints are not covered, see -admin-token")
	fs.StringVar(&s.accessKey, "access-key", env.str("SQSMOCK_ACCESS_KEY", ""), "access key accepted with -verify-sigv4 (env SQSMOCK_ACCESS_KEY)")
	fs.StringVar(&s.secretKey, "secret-key", env.str("SQSMOCK_SECRET_KEY", ""), "its secret access key (env SQSMOCK_SECRET_KEY)")
}

func (s *sigv4Settings) check() error {
	if s.verify && (s.accessKey == "" || s.secretKey == "") {
		return errors.New("-verify-sigv4 needs -access-key and -secret-key")
	}
	return nil
}

// credentials are the mock's Options.Credentials: these, when -verify-sigv4.
func (s *sigv4Settings) credentials() []aws.Credentials {
	if !s.verify {
		return nil
	}
	return []aws.Credentials{{AccessKeyID: s.accessKey, SecretAccessKey: s.secretKey}}
}
