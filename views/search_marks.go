package views

import (
	"strings"
	"unicode"
)

// SearchWords are the words of an inbox search as the search matches
// them: runs of letters and digits; punctuation separates words.
func SearchWords(search string) []string {
	return strings.FieldsFunc(search, func(r rune) bool { return !isSearchRune(r) })
}

func isSearchRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// MarkSearch cuts text into parts, marking every place where a word of
// text begins with one of words, ignoring case (the search finds a word by
// its beginning). found reports, per word, whether it was marked.
func MarkSearch(text string, words []string) (parts []TextPart, found []bool) {
	found = make([]bool, len(words))
	if text == "" || len(words) == 0 {
		if text != "" {
			parts = []TextPart{{Text: text}}
		}
		return parts, found
	}
	lowered := make([][]rune, len(words))
	for i, w := range words {
		lowered[i] = []rune(strings.ToLower(w))
	}
	runes := []rune(text)
	lower := make([]rune, len(runes))
	for i, r := range runes {
		lower[i] = unicode.ToLower(r)
	}
	start := 0 // of the plain text not yet in parts
	for i := 0; i < len(runes); {
		n := 0
		if isSearchRune(runes[i]) && (i == 0 || !isSearchRune(runes[i-1])) {
			for wi, w := range lowered {
				if hasRunePrefix(lower[i:], w) {
					found[wi] = true
					n = max(n, len(w))
				}
			}
		}
		if n == 0 {
			i++
			continue
		}
		if start < i {
			parts = append(parts, TextPart{Text: string(runes[start:i])})
		}
		parts = append(parts, TextPart{Text: string(runes[i : i+n]), Mark: true})
		i += n
		start = i
	}
	if start < len(runes) {
		parts = append(parts, TextPart{Text: string(runes[start:])})
	}
	return parts, found
}

func hasRunePrefix(s, prefix []rune) bool {
	if len(prefix) == 0 || len(prefix) > len(s) {
		return false
	}
	for i, r := range prefix {
		if s[i] != r {
			return false
		}
	}
	return true
}

// MarkMessages marks the words of a search in the messages' text and
// flags the messages that hold every word (Match), so that the page can
// show the newest of them.
func MarkMessages(rows []MessageRow, search string) {
	words := SearchWords(search)
	if len(words) == 0 {
		return
	}
	for i := range rows {
		all := make([]bool, len(words))
		var body []TextPart
		for _, p := range rows[i].Body {
			if p.URL != "" {
				body = append(body, p)
				continue
			}
			parts, found := MarkSearch(p.Text, words)
			body = append(body, parts...)
			for w, f := range found {
				all[w] = all[w] || f
			}
		}
		rows[i].Body = body
		rows[i].Match = len(body) > 0 && allTrue(all)
	}
}

func allTrue(bs []bool) bool {
	for _, b := range bs {
		if !b {
			return false
		}
	}
	return true
}

// snippetLead is how much text a search snippet keeps before its first
// mark, so that the mark is in view in a one-line snippet.
const snippetLead = 24

// SearchSnippet is text with the words of a search marked, starting a
// little before the first mark ("…" shows that text was left out).
func SearchSnippet(text, search string) []TextPart {
	parts, _ := MarkSearch(text, SearchWords(search))
	for i, p := range parts {
		if !p.Mark {
			continue
		}
		if i > 0 {
			lead := []rune(parts[i-1].Text)
			if len(lead) > snippetLead {
				// Start at a word: drop the piece of one the cut left.
				kept := string(lead[len(lead)-snippetLead:])
				if !unicode.IsSpace(lead[len(lead)-snippetLead-1]) {
					if sp := strings.IndexByte(kept, ' '); sp >= 0 {
						kept = kept[sp:]
					}
				}
				parts[i-1].Text = "…" + strings.TrimLeft(kept, " ")
			}
		}
		parts = parts[max(i-1, 0):]
		break
	}
	return parts
}
