package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/i18n"
)

// TestEveryMessageIsUsedAndEveryCallKnown scans the Go and templ sources
// of the module for message ids written as literals. It fails on an
// English message that no source names (left over after a page changed:
// translators would keep translating it) and on a T/In call whose id is
// not in the English catalog (it would show the raw id). Ids built at run
// time are written as a literal prefix ending in a dot or an underscore
// ("format.month.", "contacts.flash.consent_"): every message under that
// prefix counts as used.
func TestEveryMessageIsUsedAndEveryCallKnown(t *testing.T) {
	root := ".."
	literal := regexp.MustCompile(`"([a-z][a-z0-9_]*(?:\.[a-zA-Z0-9_]+)*\.?)"`)
	call := regexp.MustCompile(`\bi18n\.(?:T|In)\([^,()]*(?:\([^()]*\))?, "([^"]+)"`)
	used := map[string]bool{}
	var prefixes []string
	type callSite struct{ file, id string }
	var calls []callSite
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata", "vendor":
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if !strings.HasSuffix(name, ".templ") && !(strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_templ.go")) {
			return nil
		}
		if strings.HasSuffix(name, "_test.go") && filepath.Base(filepath.Dir(path)) == "i18n" {
			return nil // the catalog's own tests use made-up ids
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			if strings.HasSuffix(m[1], ".") || (strings.HasSuffix(m[1], "_") && strings.Contains(m[1], ".")) {
				prefixes = append(prefixes, m[1])
			} else {
				used[m[1]] = true
			}
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			calls = append(calls, callSite{path, m[1]})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 100 {
		t.Fatalf("found only %d i18n calls: is the scan looking in the right place?", len(calls))
	}
	for _, c := range calls {
		if strings.HasSuffix(c.id, ".") || strings.HasSuffix(c.id, "_") {
			continue
		}
		if !i18n.Has(c.id) {
			t.Errorf("%s: i18n call with id %q, which the English catalog does not have", c.file, c.id)
		}
	}
	var unused []string
	for _, id := range i18n.Default().IDs(i18n.Source) {
		if used[id] {
			continue
		}
		prefixed := false
		for _, p := range prefixes {
			if strings.HasPrefix(id, p) {
				prefixed = true
				break
			}
		}
		if !prefixed {
			unused = append(unused, id)
		}
	}
	sort.Strings(unused)
	for _, id := range unused {
		t.Errorf("message %q is used nowhere in the code: remove it from the catalog (every language)", id)
	}
}

// TestPluralFormsAreComplete fails when a translation of a message with
// plural forms lacks a form its language needs, or words its "other" form
// with other placeholders than English's (the number included). Which
// forms a language needs is CLDR's business, so the test asks the library
// itself: it renders every plural message with counts that reach every
// CLDR category (Portuguese's "one" takes 0 and 1, Spanish's and
// Portuguese's "many" takes 1,000,000, Arabic's six forms take 0, 1, 2,
// 3–10, 11–99 and 100…) and fails on a count that finds no form.
func TestPluralFormsAreComplete(t *testing.T) {
	c := i18n.Default()
	counts := []int{0, 1, 2, 3, 5, 6, 11, 21, 22, 100, 101, 102, 111, 1000, 1000000, 2000000}
	for _, lang := range c.Languages() {
		if lang == i18n.Source {
			continue
		}
		for _, id := range c.IDs(i18n.Source) {
			en := c.Message(i18n.Source, id)
			tr := c.Message(lang, id)
			if en == nil || tr == nil {
				continue // a missing message is TestCatalogIsConsistent's to report
			}
			enPlural := en.Zero != "" || en.One != "" || en.Two != "" || en.Few != "" || en.Many != ""
			trPlural := tr.Zero != "" || tr.One != "" || tr.Two != "" || tr.Few != "" || tr.Many != ""
			if !enPlural {
				if trPlural {
					t.Errorf("%s: message %q has plural forms, but English has none (the code passes no count)", lang, id)
				}
				continue
			}
			if tr.Other == "" {
				t.Errorf("%s: message %q has no \"other\" form", lang, id)
				continue
			}
			if got, want := formPlaceholders(tr.Other), formPlaceholders(en.Other); got != want {
				t.Errorf("%s: message %q: the \"other\" form has placeholders %s, English's has %s", lang, id, got, want)
			}
			// Every placeholder English names gets a value, so a form
			// naming one English lacks shows "<no value>".
			var kv []any
			for _, name := range strings.Fields(strings.Trim(formPlaceholders(en.Other+en.One), "[]")) {
				if name != "Count" {
					kv = append(kv, name, "X")
				}
			}
			for _, n := range counts {
				got, err := c.Check(i18n.Locale{Tag: lang}, id, append([]any{"Count", n}, kv...)...)
				if err != nil || got == id || got == "" {
					t.Errorf("%s: message %q has no plural form for %d (CLDR's rules for %s need it): %v", lang, id, n, lang, err)
					break
				}
				if strings.Contains(got, "<no value>") {
					t.Errorf("%s: message %q, count %d: a form names a placeholder English does not have: %q", lang, id, n, got)
					break
				}
			}
		}
	}
}

var formPlaceholderRE = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// formPlaceholders lists the distinct placeholders of one form, Count
// included.
func formPlaceholders(form string) string {
	set := map[string]bool{}
	for _, m := range formPlaceholderRE.FindAllStringSubmatch(form, -1) {
		set[m[1]] = true
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return "[" + strings.Join(names, " ") + "]"
}

// TestWhatsAppVariablesShowLiterally fails on a message that writes a
// WhatsApp template variable ({{1}}) bare: messages are Go templates, so
// a bare {{1}} shows as "1". It must be written {{`{{1}}`}}. It also fails
// when a translation shows other such variables than English does.
func TestWhatsAppVariablesShowLiterally(t *testing.T) {
	c := i18n.Default()
	bare := regexp.MustCompile(`\{\{\s*\d+\s*\}\}`)
	literal := regexp.MustCompile(`\{\{\d+\}\}`)
	for _, lang := range c.Languages() {
		for _, id := range c.IDs(i18n.Source) {
			m := c.Message(lang, id)
			if m == nil {
				continue
			}
			for _, form := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
				if b := bare.FindString(strings.ReplaceAll(form, "`{{", "`")); b != "" {
					t.Errorf("%s: message %q writes %s bare, which shows as a number: write {{`%s`}}", lang, id, b, b)
					break
				}
			}
			if lang == i18n.Source {
				continue
			}
			var kv []any
			if en := c.Message(i18n.Source, id); en != nil {
				for _, name := range strings.Fields(strings.Trim(formPlaceholders(en.Other+en.One), "[]")) {
					if name != "Count" {
						kv = append(kv, name, "X")
					}
				}
			}
			kv = append(kv, "Count", 2)
			want := strings.Join(literal.FindAllString(c.Localize(i18n.English, id, kv...), -1), " ")
			got := strings.Join(literal.FindAllString(c.Localize(i18n.Locale{Tag: lang}, id, kv...), -1), " ")
			if got != want {
				t.Errorf("%s: message %q shows the WhatsApp variables [%s], English shows [%s]", lang, id, got, want)
			}
		}
	}
}
