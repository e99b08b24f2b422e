package peerenv

import "testing"

func TestEndpointVar(t *testing.T) {
	t.Parallel()
	if got := EndpointVar("elasticmq"); got != "SQSHARNESS_ELASTICMQ_ENDPOINT" {
		t.Errorf("EndpointVar(elasticmq) = %q", got)
	}
}

func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{"true": true, "TRUE": true, "": false, "1": false, "false": false} {
		t.Setenv("CI", v)
		if got := InCI(); got != want {
			t.Errorf("CI=%q: InCI() = %v, want %v", v, got, want)
		}
	}
}
