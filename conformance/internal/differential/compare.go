package differential

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// inherent are the fields whose values differ between any two SQS endpoints by nature: each is
// replaced by a placeholder after its shape is checked (a value of the wrong shape is kept, so
// that it shows as a difference).
var inherent = map[string]struct {
	placeholder string
	shape       *regexp.Regexp
}{
	"MessageId":                        {"<MessageId>", regexp.MustCompile(`^[0-9A-Za-z-]{1,100}$`)},
	"ReceiptHandle":                    {"<ReceiptHandle>", regexp.MustCompile(`^\S+$`)},
	"SequenceNumber":                   {"<SequenceNumber>", regexp.MustCompile(`^[0-9]{1,128}$`)},
	"SenderId":                         {"<SenderId>", regexp.MustCompile(`^[0-9A-Za-z:._-]{1,128}$`)},
	"SentTimestamp":                    {"<epoch-ms>", regexp.MustCompile(`^[0-9]{13}$`)},
	"ApproximateFirstReceiveTimestamp": {"<epoch-ms>", regexp.MustCompile(`^[0-9]{13}$`)},
	"CreatedTimestamp":                 {"<epoch-s>", regexp.MustCompile(`^[0-9]{10}$`)},
	"LastModifiedTimestamp":            {"<epoch-s>", regexp.MustCompile(`^[0-9]{10}$`)},
	"TaskHandle":                       {"<TaskHandle>", regexp.MustCompile(`^\S+$`)},
	"StartedTimestamp":                 {"<epoch-ms>", regexp.MustCompile(`^[0-9]{13}$`)},
}

// normalise turns an SDK output into a JSON tree (maps, lists, strings, numbers, booleans), drops
// ResultMetadata and empty values (nil, empty lists and maps: the SDK gives either for an absent
// list), replaces queue names, URLs and ARNs through norm, inherent values by placeholders and
// ignored paths by "<ignored>".
func normalise(out any, norm func(string) string, ignore map[string]bool) any {
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Sprintf("<unmarshalable %T: %v>", out, err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Sprintf("<unmarshalable %T: %v>", out, err)
	}
	if m, ok := v.(map[string]any); ok {
		delete(m, "ResultMetadata")
	}
	return walk(v, "", "", norm, ignore)
}

func walk(v any, key, path string, norm func(string) string, ignore map[string]bool) any {
	if ignore[path] && v != nil {
		return "<ignored>"
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			n := walk(e, k, p, norm, ignore)
			if empty(n) {
				delete(x, k)
				continue
			}
			x[k] = n
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = walk(e, key, path, norm, ignore)
		}
		return x
	case string:
		if in, ok := inherent[key]; ok && in.shape.MatchString(x) {
			return in.placeholder
		}
		return norm(x)
	default:
		return v
	}
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// canonicalJSON encodes v with map keys sorted (encoding/json does) and, for the multiset
// comparison, lists as they are.
func canonicalJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sortLists returns v with every list sorted by its elements' canonical encoding, recursively.
func sortLists(v any) any {
	switch x := v.(type) {
	case map[string]any:
		y := make(map[string]any, len(x))
		for k, e := range x {
			y[k] = sortLists(e)
		}
		return y
	case []any:
		y := make([]any, len(x))
		for i, e := range x {
			y[i] = sortLists(e)
		}
		sort.SliceStable(y, func(i, j int) bool { return canonicalJSON(y[i]) < canonicalJSON(y[j]) })
		return y
	}
	return v
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "absent"
	case map[string]any:
		return "object"
	case []any:
		return "list"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}

// diffTrees lists the differences between a (reference) and b (candidate) under mode m.
func diffTrees(path string, a, b any, m mode, tol int) []string {
	if m == unordered {
		a, b = sortLists(a), sortLists(b)
		if canonicalJSON(a) == canonicalJSON(b) {
			return nil
		}
		m = exact
	}
	return diffAt(path, a, b, m, tol)
}

func diffAt(path string, a, b any, m mode, tol int) []string {
	show := path
	if show == "" {
		show = "(output)"
	}
	if kind(a) != kind(b) {
		return []string{fmt.Sprintf("%s: reference %s %s, candidate %s %s", show, kind(a), short(a), kind(b), short(b))}
	}
	switch x := a.(type) {
	case map[string]any:
		y := b.(map[string]any)
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		var out []string
		for _, k := range sorted {
			p := k
			if path != "" {
				p = path + "." + k
			}
			out = append(out, diffAt(p, x[k], y[k], m, tol)...)
		}
		return out
	case []any:
		y := b.([]any)
		if len(x) != len(y) {
			return []string{fmt.Sprintf("%s: reference has %d elements, candidate %d: reference %s, candidate %s", show, len(x), len(y), short(x), short(y))}
		}
		var out []string
		for i := range x {
			out = append(out, diffAt(fmt.Sprintf("%s[%d]", path, i), x[i], y[i], m, tol)...)
		}
		return out
	}
	if m == loose || a == b {
		return nil
	}
	if m == approx && strings.HasPrefix(lastKey(path), "Approximate") {
		if na, ok := number(a); ok {
			if nb, ok := number(b); ok && math.Abs(na-nb) <= float64(tol) {
				return nil
			}
		}
	}
	return []string{fmt.Sprintf("%s: reference %s, candidate %s", show, short(a), short(b))}
}

func lastKey(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		if path[i] == '[' {
			return lastKey(path[:i])
		}
		return path[i+1:]
	}
	return path
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

func short(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(truncate(s, 300))
	}
	return truncate(canonicalJSON(v), 300)
}
