package views

import (
	"fmt"
	"testing"
)

func partsString(ps []TextPart) string {
	s := ""
	for _, p := range ps {
		if p.Mark {
			s += "[" + p.Text + "]"
		} else {
			s += p.Text
		}
	}
	return s
}

func TestMarkSearch(t *testing.T) {
	for _, tt := range []struct {
		text, search, want string
		found              string
	}{
		{"Do you have Gluten-free bread?", "gluten", "Do you have [Gluten]-free bread?", "[true]"},
		{"Do you have gluten-free bread?", "free bread", "Do you have gluten-[free] [bread]?", "[true true]"},
		{"Pão de queijo", "PÃO", "[Pão] de queijo", "[true]"},
		{"breadstick and bread", "bread", "[bread]stick and [bread]", "[true]"},
		{"sourbread", "bread", "sourbread", "[false]"},
		{"café crème", "café cake", "[café] crème", "[true false]"},
		{"", "x", "", "[false]"},
	} {
		parts, found := MarkSearch(tt.text, SearchWords(tt.search))
		if got := partsString(parts); got != tt.want || fmt.Sprint(found) != tt.found {
			t.Errorf("MarkSearch(%q, %q) = %q %v, want %q %s", tt.text, tt.search, got, found, tt.want, tt.found)
		}
	}
}

func TestMarkMessagesFlagsMessagesWithEveryWord(t *testing.T) {
	rows := []MessageRow{
		{ID: 1, Body: []TextPart{{Text: "Gluten-free bread on Sunday?"}}},
		{ID: 2, Body: []TextPart{{Text: "Just bread"}}},
		{ID: 3, Body: []TextPart{{Text: "gluten "}, {Text: "https://example.com/bread", URL: "https://example.com/bread"}}},
	}
	MarkMessages(rows, "gluten bread")
	if !rows[0].Match || rows[1].Match || rows[2].Match {
		t.Errorf("matches = %v %v %v, want only the first (links are not searched)", rows[0].Match, rows[1].Match, rows[2].Match)
	}
	if got := partsString(rows[0].Body); got != "[Gluten]-free [bread] on Sunday?" {
		t.Errorf("first message = %q", got)
	}
	if link := rows[2].Body[len(rows[2].Body)-1]; link.URL == "" || link.Mark {
		t.Errorf("the link changed: %+v", link)
	}
}

func TestSearchSnippetStartsNearTheMark(t *testing.T) {
	text := "Good morning! I was wondering, before I come over this afternoon, whether you have gluten-free bread"
	got := partsString(SearchSnippet(text, "gluten"))
	if want := "…whether you have [gluten]-free bread"; got != want {
		t.Errorf("snippet = %q, want %q", got, want)
	}
	if got := partsString(SearchSnippet("Short gluten note", "gluten")); got != "Short [gluten] note" {
		t.Errorf("short snippet = %q", got)
	}
}
