package sqsmock

// Connections reports how many accepted connections have not sent a request yet (for tests).
func (s *Server) Connections() int {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	return len(s.fresh)
}
