package templates

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// A variable is written {{1}} (positional templates) or {{name}} (named
// templates). wadesk creates positional templates; it reads both.
var varRe = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// varNames returns the names of text's variables in order of first use,
// each once ("1", "2" or "first_name").
func varNames(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range varRe.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// positional reports whether every variable of text is a number.
func positional(text string) bool {
	for _, n := range varNames(text) {
		if _, err := strconv.Atoi(n); err != nil {
			return false
		}
	}
	return true
}

// paramCount is how many values text's variables take: the highest number
// for positional variables, the number of distinct names otherwise.
func paramCount(text string) int {
	names := varNames(text)
	if !positional(text) {
		return len(names)
	}
	most := 0
	for _, n := range names {
		if v, _ := strconv.Atoi(n); v > most {
			most = v
		}
	}
	return most
}

// varProblem checks that text's variables are written {{1}}, {{2}}, …
// numbered from 1 without gaps, and returns what is wrong in plain words.
func varProblem(text string) string {
	if stray := varRe.ReplaceAllString(text, ""); strings.Contains(stray, "{{") || strings.Contains(stray, "}}") {
		return "Write variables with two curly braces on each side, like {{1}}."
	}
	var nums []int
	for _, name := range varNames(text) {
		n, err := strconv.Atoi(name)
		if err != nil || n < 1 || name != strconv.Itoa(n) {
			return "{{" + name + "}} is not a valid variable. Use numbers: {{1}}, {{2}}, {{3}}…"
		}
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for i, n := range nums {
		if n != i+1 {
			return "Variables must be numbered {{1}}, {{2}}, {{3}}… without gaps: {{" + strconv.Itoa(i+1) + "}} is missing."
		}
	}
	return ""
}

// Segment is a piece of a previewed text: plain text, or a variable shown
// with its example value (or as {{n}} while it has none).
type Segment struct {
	Text string
	Var  bool
	// Missing: a variable without an example value.
	Missing bool
}

// segments splits text into plain parts and variables, filling variables
// from examples: by number for positional variables, in order of first use
// for named ones.
func segments(text string, examples []string) []Segment {
	names := varNames(text)
	index := map[string]int{}
	for i, n := range names {
		index[n] = i
	}
	pos := positional(text)
	var out []Segment
	last := 0
	for _, m := range varRe.FindAllStringSubmatchIndex(text, -1) {
		if m[0] > last {
			out = append(out, Segment{Text: text[last:m[0]]})
		}
		name := text[m[2]:m[3]]
		i := index[name]
		if pos {
			n, _ := strconv.Atoi(name)
			i = n - 1
		}
		if i >= 0 && i < len(examples) && strings.TrimSpace(examples[i]) != "" {
			out = append(out, Segment{Text: examples[i], Var: true})
		} else {
			out = append(out, Segment{Text: "{{" + name + "}}", Var: true, Missing: true})
		}
		last = m[1]
	}
	if last < len(text) {
		out = append(out, Segment{Text: text[last:]})
	}
	return out
}
