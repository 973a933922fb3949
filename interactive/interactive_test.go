package interactive

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
)

// options returns n options titled "Option 1", "Option 2", ...
func options(n int) []Option {
	os := make([]Option, n)
	for i := range os {
		os[i] = Option{Title: fmt.Sprintf("Option %d", i+1)}
	}
	return os
}

func with(os []Option, i int, f func(*Option)) []Option {
	f(&os[i])
	return os
}

func list(os []Option) Message {
	return Message{Body: "Pick one", ListButton: "Choose", Options: os}
}

func buttons(os []Option) Message { return Message{Body: "Pick one", Options: os} }

func TestBuild(t *testing.T) {
	a := strings.Repeat
	tests := []struct {
		name     string
		msg      Message
		wantType providers.InteractiveType // when no errors are expected
		wantErrs []string                  // fields, sorted
	}{
		{"1 option: buttons", buttons(options(1)), providers.InteractiveButton, nil},
		{"3 options: buttons", buttons(options(3)), providers.InteractiveButton, nil},
		{"4 options: list", list(options(4)), providers.InteractiveList, nil},
		{"5 options: list", list(options(5)), providers.InteractiveList, nil},
		{"10 options: list", list(options(10)), providers.InteractiveList, nil},
		{"0 options", buttons(nil), "", []string{"options"}},
		{"11 options: error on the 11th", list(options(11)), "", []string{"options[10].title"}},
		{"12 options: error on the 11th and 12th", list(options(12)), "", []string{"options[10].title", "options[11].title"}},
		{"4 options without list button", buttons(options(4)), "", []string{"button"}},

		{"button title 20", buttons(with(options(2), 1, func(o *Option) { o.Title = a("b", 20) })), providers.InteractiveButton, nil},
		{"button title 21", buttons(with(options(2), 1, func(o *Option) { o.Title = a("b", 21) })), "", []string{"options[1].title"}},
		{"button title 20 emoji", buttons(with(options(2), 0, func(o *Option) { o.Title = a("😀", 20) })), providers.InteractiveButton, nil},
		{"button title 21 emoji", buttons(with(options(2), 0, func(o *Option) { o.Title = a("😀", 21) })), "", []string{"options[0].title"}},
		{"button title 20 accented letters", buttons(with(options(2), 0, func(o *Option) { o.Title = a("é", 20) })), providers.InteractiveButton, nil},
		{"button id 256", buttons(with(options(2), 0, func(o *Option) { o.ID = a("i", 256) })), providers.InteractiveButton, nil},
		{"button id 257", buttons(with(options(2), 0, func(o *Option) { o.ID = a("i", 257) })), "", []string{"options[0].id"}},
		{"duplicate button titles", buttons(with(options(3), 2, func(o *Option) { o.Title = "Option 1" })), "", []string{"options[2].title"}},
		{"duplicate button titles, other case and spaces", buttons(with(options(3), 1, func(o *Option) { o.Title = "  OPTION 1 " })), "", []string{"options[1].title"}},
		{"duplicate button ids", buttons(with(with(options(2), 0, func(o *Option) { o.ID = "x" }), 1, func(o *Option) { o.ID = "x" })), "", []string{"options[1].id"}},
		{"given id equal to a generated one", buttons(with(options(2), 1, func(o *Option) { o.ID = "option-1" })), "", []string{"options[1].id"}},
		{"empty button title", buttons(with(options(3), 1, func(o *Option) { o.Title = "" })), "", []string{"options[1].title"}},
		{"blank button title", buttons(with(options(3), 0, func(o *Option) { o.Title = " \t " })), "", []string{"options[0].title"}},
		{"line break in button title", buttons(with(options(2), 0, func(o *Option) { o.Title = "Yes\nplease" })), "", []string{"options[0].title"}},

		{"row title 24", list(with(options(4), 3, func(o *Option) { o.Title = a("r", 24) })), providers.InteractiveList, nil},
		{"row title 25", list(with(options(4), 3, func(o *Option) { o.Title = a("r", 25) })), "", []string{"options[3].title"}},
		{"row title 24 emoji", list(with(options(4), 3, func(o *Option) { o.Title = a("🍕", 24) })), providers.InteractiveList, nil},
		{"row title 25 emoji", list(with(options(4), 3, func(o *Option) { o.Title = a("🍕", 25) })), "", []string{"options[3].title"}},
		{"row description 72", list(with(options(4), 0, func(o *Option) { o.Description = a("d", 72) })), providers.InteractiveList, nil},
		{"row description 73", list(with(options(4), 0, func(o *Option) { o.Description = a("d", 73) })), "", []string{"options[0].description"}},
		{"row id 200", list(with(options(4), 0, func(o *Option) { o.ID = a("i", 200) })), providers.InteractiveList, nil},
		{"row id 201", list(with(options(4), 0, func(o *Option) { o.ID = a("i", 201) })), "", []string{"options[0].id"}},
		{"empty row title", list(with(options(5), 4, func(o *Option) { o.Title = "" })), "", []string{"options[4].title"}},
		{"duplicate row titles in one section", list(with(options(5), 4, func(o *Option) { o.Title = "option 2" })), "", []string{"options[4].title"}},
		{"list button 20", Message{Body: "b", ListButton: a("l", 20), Options: options(4)}, providers.InteractiveList, nil},
		{"list button 21", Message{Body: "b", ListButton: a("l", 21), Options: options(4)}, "", []string{"button"}},
		{"list button 20 emoji", Message{Body: "b", ListButton: a("📋", 20), Options: options(4)}, providers.InteractiveList, nil},

		{"description makes 2 options a list", list(with(options(2), 0, func(o *Option) { o.Description = "more" })), providers.InteractiveList, nil},
		{"section makes 2 options a list", list(with(options(2), 0, func(o *Option) { o.Section = "Drinks" })), "", []string{"options[1].section"}},
		{"one named section", list(sectioned(4, func(int) string { return "Drinks" })), providers.InteractiveList, nil},
		{"two sections", list(sectioned(4, twoSections(a("s", 24)))), providers.InteractiveList, nil},
		{"section title 25", list(sectioned(4, twoSections(a("s", 25)))), "", []string{"options[2].section"}},
		{"section title 24 emoji", list(sectioned(4, twoSections(a("🥤", 24)))), providers.InteractiveList, nil},
		{"same row title in two sections", list(with(with(sectioned(4, twoSections("Pizza")), 0, func(o *Option) { o.Title = "Small" }), 2, func(o *Option) { o.Title = "Small" })), providers.InteractiveList, nil},
		{"several sections, some untitled", list(sectioned(5, func(i int) string {
			if i < 2 {
				return "Food"
			}
			return ""
		})), "", []string{"options[2].section", "options[3].section", "options[4].section"}},
		{"10 rows over 3 sections", list(sectioned(10, func(i int) string { return fmt.Sprintf("Section %d", i%3) })), providers.InteractiveList, nil},

		{"body 1024", Message{Body: a("x", 1024), Options: options(2)}, providers.InteractiveButton, nil},
		{"body 1025", Message{Body: a("x", 1025), Options: options(2)}, "", []string{"body"}},
		{"body 1024 emoji", Message{Body: a("👍", 1024), Options: options(2)}, providers.InteractiveButton, nil},
		{"body 1025 emoji", Message{Body: a("👍", 1025), Options: options(2)}, "", []string{"body"}},
		{"empty body", Message{Options: options(2)}, "", []string{"body"}},
		{"blank body", Message{Body: "  \n ", Options: options(2)}, "", []string{"body"}},
		{"header 60", Message{Header: a("h", 60), Body: "b", Options: options(2)}, providers.InteractiveButton, nil},
		{"header 61", Message{Header: a("h", 61), Body: "b", Options: options(2)}, "", []string{"header"}},
		{"header 61 emoji", Message{Header: a("🎉", 61), Body: "b", Options: options(2)}, "", []string{"header"}},
		{"footer 60", Message{Footer: a("f", 60), Body: "b", Options: options(2)}, providers.InteractiveButton, nil},
		{"footer 61", Message{Footer: a("f", 61), Body: "b", Options: options(2)}, "", []string{"footer"}},
		{"everything wrong at once", Message{Header: a("h", 61), Footer: a("f", 61), ListButton: a("l", 21), Options: with(options(11), 0, func(o *Option) { o.Title = "" })}, "",
			[]string{"body", "button", "footer", "header", "options[0].title", "options[10].title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Build(tt.msg)
			if tt.wantErrs != nil {
				es, ok := AsErrors(err)
				if !ok {
					t.Fatalf("Build error = %v (%T); want field errors on %v", err, err, tt.wantErrs)
				}
				if fields := fieldsOf(es); !reflect.DeepEqual(fields, tt.wantErrs) {
					t.Fatalf("error fields = %v; want %v (%v)", fields, tt.wantErrs, es)
				}
				for _, e := range es {
					if e.Message == "" || !strings.HasSuffix(e.Message, ".") {
						t.Errorf("%s: message %q is not a plain sentence", e.Field, e.Message)
					}
				}
				if !reflect.DeepEqual(got, providers.Interactive{}) {
					t.Errorf("Build returned a message along with errors: %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if got.Type != tt.wantType {
				t.Fatalf("Type = %q; want %q", got.Type, tt.wantType)
			}
			// The providers package must accept everything Build makes.
			out := providers.OutboundMessage{To: "15550001234", Interactive: &got}
			if err := out.Validate(); err != nil {
				t.Errorf("providers refuses the built message: %v\n%+v", err, got)
			}
			if n := countChoices(got); n != len(tt.msg.Options) {
				t.Errorf("built %d choices from %d options", n, len(tt.msg.Options))
			}
		})
	}
}

func sectioned(n int, section func(i int) string) []Option {
	os := options(n)
	for i := range os {
		os[i].Section = section(i)
	}
	return os
}

// twoSections puts the first two options under "Food" and the rest under second.
func twoSections(second string) func(int) string {
	return func(i int) string {
		if i < 2 {
			return "Food"
		}
		return second
	}
}

func fieldsOf(es Errors) []string {
	seen := map[string]bool{}
	var fs []string
	for _, e := range es {
		if !seen[e.Field] {
			seen[e.Field] = true
			fs = append(fs, e.Field)
		}
	}
	sort.Strings(fs)
	return fs
}

func countChoices(in providers.Interactive) int {
	n := len(in.Buttons)
	for _, s := range in.Sections {
		n += len(s.Rows)
	}
	return n
}

func TestBuildButtonsOutput(t *testing.T) {
	got, err := Build(Message{
		Header: " Order 1042 ",
		Body:   " Is your address still correct? ",
		Footer: "Reply any time",
		// ListButton is ignored for buttons.
		ListButton: "unused",
		Options:    []Option{{Title: " Yes "}, {ID: "addr-change", Title: "Change it"}},
	})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	want := providers.Interactive{
		Type:   providers.InteractiveButton,
		Header: &providers.InteractiveHeader{Type: "text", Text: "Order 1042"},
		Body:   "Is your address still correct?",
		Footer: "Reply any time",
		Buttons: []providers.ReplyButton{
			{ID: "option-1", Title: "Yes"},
			{ID: "addr-change", Title: "Change it"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Build =\n%+v\nwant\n%+v", got, want)
	}
}

func TestBuildListOutput(t *testing.T) {
	got, err := Build(Message{
		Body:       "What would you like?",
		ListButton: "Menu",
		Options: []Option{
			{Title: "Margherita", Section: "Pizza", Description: "Tomato, mozzarella"},
			{Title: "Cola", Section: "Drinks"},
			{Title: "Funghi", Section: "Pizza", ID: "funghi"},
			{Title: "Water", Section: "Drinks"},
		},
	})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	want := providers.Interactive{
		Type:       providers.InteractiveList,
		Body:       "What would you like?",
		ListButton: "Menu",
		Sections: []providers.Section{
			{Title: "Pizza", Rows: []providers.ListRow{
				{ID: "option-1", Title: "Margherita", Description: "Tomato, mozzarella"},
				{ID: "funghi", Title: "Funghi"},
			}},
			{Title: "Drinks", Rows: []providers.ListRow{
				{ID: "option-2", Title: "Cola"},
				{ID: "option-4", Title: "Water"},
			}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Build =\n%+v\nwant\n%+v", got, want)
	}
}

func TestErrors(t *testing.T) {
	_, err := Build(Message{Header: strings.Repeat("h", 61), Options: options(11)})
	var es Errors
	if !errors.As(fmt.Errorf("inbox: send: %w", err), &es) {
		t.Fatalf("errors.As through wrapping failed for %v", err)
	}
	if got := es.For(FieldBody); got != "Write the message text." {
		t.Errorf("For(body) = %q", got)
	}
	if got := es.For(OptionField(10, OptionTitle)); !strings.Contains(got, "at most 10 options") {
		t.Errorf("For(options[10].title) = %q", got)
	}
	if got := es.For(FieldHeader); got != "The header is 61 characters long; WhatsApp allows at most 60." {
		t.Errorf("For(header) = %q", got)
	}
	if es.For(FieldFooter) != "" {
		t.Errorf("For(footer) = %q; want none", es.For(FieldFooter))
	}
	m := es.Map()
	if len(m) != 4 || m[FieldButton] == "" || m[FieldBody] == "" || m[FieldHeader] == "" || m["options[10].title"] == "" {
		t.Errorf("Map = %v", m)
	}
	if !strings.HasPrefix(err.Error(), "interactive: ") || !strings.Contains(err.Error(), "body: Write the message text.") {
		t.Errorf("Error() = %q", err.Error())
	}
	if OptionField(3, OptionTitle) != "options[3].title" {
		t.Errorf("OptionField(3, title) = %q", OptionField(3, OptionTitle))
	}
}
