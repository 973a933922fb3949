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
