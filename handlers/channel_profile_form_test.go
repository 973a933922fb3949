package handlers

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
)

// TestProfileFormLimits keeps the form's validate tags equal to the
// provider limits the counters show and the client enforces.
func TestProfileFormLimits(t *testing.T) {
	want := map[string]int{
		"about": providers.MaxProfileAbout, "address": providers.MaxProfileAddress,
		"description": providers.MaxProfileDescription, "email": providers.MaxProfileEmail,
		"website_1": providers.MaxProfileWebsiteLen, "website_2": providers.MaxProfileWebsiteLen,
	}
	typ := reflect.TypeFor[profileFields]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		name := f.Tag.Get("form")
		limit, ok := want[name]
		if !ok {
			continue
		}
		delete(want, name)
		found := false
		for _, rule := range strings.Split(f.Tag.Get("validate"), ",") {
			if n, ok := strings.CutPrefix(rule, "max="); ok {
				found = true
				if n != strconv.Itoa(limit) {
					t.Errorf("%s: max=%s, the provider's limit is %d", name, n, limit)
				}
			}
		}
		if !found {
			t.Errorf("%s has no max rule", name)
		}
	}
	for name := range want {
		t.Errorf("the form has no field %s", name)
	}
}
