package harness

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/sqsharness/sqsharness/internal/faultplan"
	"go.yaml.in/yaml/v3"
)

// The corpus: the minimal failing plans Explore found, one YAML file each (the form
// faults.Load reads, with comments saying where it came from), under testdata/explore/<test
// name>/ in the package's directory. Every later Explore of that test replays them first, so a
// found bug stays a regression test; commit them.

// defaultCorpus is the corpus directory of the test named name.
func defaultCorpus(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = strings.Map(func(r rune) rune {
			if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '.') {
				return r
			}
			return '_'
		}, p)
		if strings.Trim(parts[i], ".") == "" {
			parts[i] = "_"
		}
	}
	return filepath.Join(append([]string{"testdata", "explore"}, parts...)...)
}

// corpusFiles lists the plan files of a corpus directory (none if it does not exist), sorted.
func corpusFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml")) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	slices.Sort(files)
	return files, nil
}

// loadSpec reads a plan file.
func loadSpec(file string) (planSpec, error) {
	p, err := faultplan.Load(file)
	if err != nil {
		return planSpec{}, fmt.Errorf("%s: %w", file, err)
	}
	return planSpec{Seed: p.Seed(), Rules: p.Rules()}, nil
}

// planYAML is the plan as the faults package reads it.
func planYAML(spec planSpec) string {
	if spec.Rules == nil {
		spec.Rules = []faultplan.Rule{}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(spec); err != nil {
		panic(err) // a Rule always marshals
	}
	return b.String()
}

// corpusName is the file name of a plan: a hash of its content, so the same plan is saved once.
func corpusName(spec planSpec) string {
	sum := sha256.Sum256(spec.json())
	return hex.EncodeToString(sum[:8]) + ".yaml"
}

// save writes a found plan to the corpus, with a comment saying what it is.
func (e *explorer) save(f *found) {
	path := filepath.Join(e.cfg.corpus, corpusName(f.spec))
	var b strings.Builder
	fmt.Fprintf(&b, "# Found by harness.Explore in %s: %s.\n", e.t.Name(), f.origin)
	fmt.Fprintf(&b, "# It failed %d of %d runs. Every Explore of the test replays it first; keep it in version control.\n", f.failures, f.tries)
	if msgs := testMessages(f.res.Output); len(msgs) > 0 {
		b.WriteString("# The test said:\n")
		for _, m := range msgs[:min(len(msgs), 12)] {
			fmt.Fprintf(&b, "#   %s\n", strings.TrimSpace(m))
		}
	}
	b.WriteString(planYAML(f.spec))
	if err := os.MkdirAll(e.cfg.corpus, 0o755); err != nil {
		e.t.Logf("harness: Explore: could not save the plan: %v", err)
		return
	}
	if _, err := os.Stat(path); err == nil {
		f.corpusPath = path
		return
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		e.t.Logf("harness: Explore: could not save the plan: %v", err)
		return
	}
	f.corpusPath = path
}
