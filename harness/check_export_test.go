package harness

// Problems is what Explore reads of a handle: the sentences its checks reported.
func Problems(h *H) []string { return h.problems() }
