package suite

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEvidenceTable checks that every test has exactly one evidence entry and that each entry
// carries what its level requires.
func TestEvidenceTable(t *testing.T) {
	ids := map[string]bool{}
	for _, x := range Tests() {
		ids[x.ID] = true
		if _, ok := evidence[x.ID]; !ok {
			t.Errorf("%s has no evidence entry in evidence.go", x.ID)
		}
	}
	for id := range evidence {
		if !ids[id] {
			t.Errorf("evidence.go has an entry for %s, which is no test", id)
		}
	}
	key := regexp.MustCompile(`^test_[a-z0-9_]+#[A-Za-z0-9_-]+$`)
	link := regexp.MustCompile(`^https://(docs\.aws\.amazon\.com|repost\.aws)/\S+$`)
	for id, e := range evidence {
		switch e.Level {
		case Recorded:
			if !key.MatchString(e.Source) {
				t.Errorf("%s: recorded evidence needs a source \"<snapshot test>#<recorded key>\", got %q", id, e.Source)
			}
			if e.Quote == "" {
				t.Errorf("%s: recorded evidence needs the recorded fragments the test asserts", id)
			}
		case Documented:
			if !link.MatchString(e.Source) {
				t.Errorf("%s: documented evidence needs an AWS documentation link, got %q", id, e.Source)
			}
			if len(e.Quote) < 20 {
				t.Errorf("%s: documented evidence needs the quoted sentence, got %q", id, e.Quote)
			}
		case Inferred:
			if len(e.Note) < 20 {
				t.Errorf("%s: inferred evidence must say what is inferred and from what, got %q", id, e.Note)
			}
			if e.Source != "" && !key.MatchString(e.Source) && !link.MatchString(e.Source) {
				t.Errorf("%s: an inferred entry's source is a recorded key or an AWS link, got %q", id, e.Source)
			}
		default:
			t.Errorf("%s: unknown evidence level %q", id, e.Level)
		}
	}
}

// TestEvidenceRecordings checks every recorded key and quoted fragment against the snapshot files
// of LocalStack's AWS-validated suite when SQSHARNESS_AWS_RECORDED names their directory: the
// recording must exist, be non-empty, and contain each " | "-separated fragment of the quote as (part
// of) one of its values or keys.
func TestEvidenceRecordings(t *testing.T) {
	dir := os.Getenv("SQSHARNESS_AWS_RECORDED")
	if dir == "" {
		t.Skip("SQSHARNESS_AWS_RECORDED is not set (the directory of LocalStack's *.snapshot.json files)")
	}
	rec := loadRecordings(t, dir)
	for _, x := range Tests() {
		e := x.Evidence()
		if !strings.HasPrefix(e.Source, "test_") {
			continue
		}
		name, content, _ := strings.Cut(e.Source, "#")
		leaves, ok := rec[name+"#"+content]
		if !ok {
			t.Errorf("%s: %s: no such recording (or it is empty)", x.ID, e.Source)
			continue
		}
		if e.Level != Recorded && e.Quote == "" {
			continue
		}
		for _, frag := range strings.Split(e.Quote, " | ") {
			if !containsFragment(leaves, frag) {
				t.Errorf("%s: %s does not contain %q", x.ID, e.Source, frag)
			}
		}
	}
}

// loadRecordings maps "<test name>#<recorded key>" (the test name without its parameters) to the
// keys and values of that recording, over every parameter variant.
func loadRecordings(t *testing.T, dir string) map[string][]string {
	files, err := filepath.Glob(filepath.Join(dir, "*.snapshot.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no *.snapshot.json in %s (%v)", dir, err)
	}
	out := map[string][]string{}
	for _, f := range files {
		var snap map[string]struct {
			Recorded map[string]any `json:"recorded-content"`
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &snap); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for full, s := range snap {
			name := full[strings.LastIndex(full, "::")+2:]
			if i := strings.IndexByte(name, '['); i >= 0 {
				name = name[:i]
			}
			for k, v := range s.Recorded {
				out[name+"#"+k] = appendLeaves(out[name+"#"+k], v)
			}
		}
	}
	return out
}

// appendLeaves appends the map keys and the scalar values of v, as text.
func appendLeaves(out []string, v any) []string {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			out = appendLeaves(append(out, k), x)
		}
	case []any:
		for _, x := range v {
			out = appendLeaves(out, x)
		}
	case nil:
	default:
		out = append(out, fmt.Sprint(v))
	}
	return out
}

func containsFragment(leaves []string, frag string) bool {
	for _, l := range leaves {
		if strings.Contains(l, frag) {
			return true
		}
	}
	return false
}

// TestEvidenceQuotesInAPIModel checks the quotes taken from the API reference against the
// documentation strings of the SQS service model, which the API reference renders, when
// SQSHARNESS_SQS_MODEL names botocore's sqs service-2.json (or .json.gz).
func TestEvidenceQuotesInAPIModel(t *testing.T) {
	path := os.Getenv("SQSHARNESS_SQS_MODEL")
	if path == "" {
		msg := "SQSHARNESS_SQS_MODEL is not set (botocore/data/sqs/2012-11-05/service-2.json.gz; scripts/test.sh sets it to LocalStack's botocore)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	text := normalize(modelDocs(t, path))
	for _, x := range Tests() {
		e := x.Evidence()
		if !strings.HasPrefix(e.Source, apiRef) || e.Quote == "" {
			continue
		}
		if !strings.Contains(text, normalize(e.Quote)) {
			t.Errorf("%s: the API model does not say %q", x.ID, e.Quote)
		}
	}
}

// modelDocs returns every documentation string of the service model, tags removed.
func modelDocs(t *testing.T, path string) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		if r, err = gzip.NewReader(f); err != nil {
			t.Fatal(err)
		}
	}
	var m struct {
		Operations map[string]struct{ Documentation string }
		Shapes     map[string]struct {
			Documentation string
			Members       map[string]struct{ Documentation string }
		}
	}
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, o := range m.Operations {
		b.WriteString(o.Documentation + "\n")
	}
	for _, s := range m.Shapes {
		b.WriteString(s.Documentation + "\n")
		for _, x := range s.Members {
			b.WriteString(x.Documentation + "\n")
		}
	}
	return regexp.MustCompile(`<[^>]+>`).ReplaceAllString(b.String(), " ")
}

var (
	spaces       = regexp.MustCompile(`\s+`)
	spaceInParen = regexp.MustCompile(`\( | \)| ([.,:;])`)
)

// normalize collapses white space and unescapes entities, so that "( <i>x</i> )" matches "(x)".
func normalize(s string) string {
	s = strings.NewReplacer("&gt;", ">", "&lt;", "<", "&amp;", "&", "&quot;", `"`, "&#39;", "'").Replace(s)
	s = spaces.ReplaceAllString(s, " ")
	return spaceInParen.ReplaceAllStringFunc(s, func(m string) string { return strings.TrimSpace(m) })
}
