package suite

import (
	_ "embed"
	"fmt"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed deviations.yaml
var deviationsYAML []byte

// Deviation is one reviewed entry of deviations.yaml: a third-party backend that does something
// other than Amazon SQS in one behaviour test.
type Deviation struct {
	Backend  string `yaml:"backend"`
	Test     string `yaml:"test"`
	Instead  string `yaml:"instead"`  // what the backend does instead of what AWS does
	Evidence string `yaml:"evidence"` // how we know what AWS does, and what was observed
	// Intermittent: the backend deviates only in some runs (a race of its own, seen under
	// concurrency), so a run in which the test passes is not a stale entry.
	Intermittent bool `yaml:"intermittent,omitempty"`
}

// Deviations are the known deviations, by backend and test ID.
type Deviations struct {
	List []Deviation
	by   map[string]Deviation
}

// ours are the backends that may not have deviations: the mock, in process and over HTTP.
var ours = map[string]bool{"mock": true, "server": true}

var idPattern = regexp.MustCompile(`^SQS-[A-Z]+-[0-9]{3}$`)

// ParseDeviations parses and checks deviations files, one after the other: every entry names a
// backend other than the mock, a test ID that exists, what it does instead and the evidence; no
// entry is repeated.
func ParseDeviations(files ...[]byte) (*Deviations, error) {
	var list []Deviation
	for _, data := range files {
		var more []Deviation
		if err := yaml.Unmarshal(data, &more); err != nil {
			return nil, fmt.Errorf("deviations: %w", err)
		}
		list = append(list, more...)
	}
	known := map[string]bool{}
	for _, t := range Tests() {
		known[t.ID] = true
	}
	d := &Deviations{List: list, by: map[string]Deviation{}}
	for i, e := range list {
		where := fmt.Sprintf("deviations entry %d (%s %s)", i+1, e.Backend, e.Test)
		switch {
		case e.Backend == "" || ours[e.Backend]:
			return nil, fmt.Errorf("%s: backend must be a third-party backend (the mock has no deviations)", where)
		case !idPattern.MatchString(e.Test) || !known[e.Test]:
			return nil, fmt.Errorf("%s: no such test", where)
		case strings.TrimSpace(e.Instead) == "" || strings.TrimSpace(e.Evidence) == "":
			return nil, fmt.Errorf("%s: instead and evidence are required", where)
		}
		k := e.Backend + " " + e.Test
		if _, dup := d.by[k]; dup {
			return nil, fmt.Errorf("%s: listed twice", where)
		}
		d.by[k] = e
	}
	return d, nil
}

// LoadDeviations returns the embedded deviations.yaml and then the files at paths.
func LoadDeviations(paths ...string) (*Deviations, error) {
	files := [][]byte{deviationsYAML}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("deviations: %w", err)
		}
		files = append(files, data)
	}
	return ParseDeviations(files...)
}

// Lookup returns the entry for backend and test, if any.
func (d *Deviations) Lookup(backend, id string) (Deviation, bool) {
	if d == nil {
		return Deviation{}, false
	}
	e, ok := d.by[backend+" "+id]
	return e, ok
}
