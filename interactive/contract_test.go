package interactive

import (
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/wadesk/wadesk/providers"
)

// contractsDir finds ../shared/contracts next to the repository root (the
// directory holding go.mod), or "" when it is not there.
func contractsDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	c := filepath.Join(dir, "..", "shared", "contracts")
	if _, err := os.Stat(c); err != nil {
		return ""
	}
	return c
}

// TestLimitsMatchMetaSpec checks the limits this package enforces against
// the maxLength/maxItems of Meta's published interactive message schemas.
func TestLimitsMatchMetaSpec(t *testing.T) {
	dir := contractsDir(t)
	if dir == "" {
		t.Skip("../shared/contracts is not present (not part of a clone); the limits are covered by TestBuild")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "meta", "business-messaging-api_v23.0.yaml"))
	if err != nil {
		t.Fatalf("read spec: %v", err)
	}
	var spec map[string]any
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("parse spec: %v", err)
	}
	schemas := dig(t, spec, "components", "schemas").(map[string]any)
	action := dig(t, schemas, "ActionObject", "oneOf").([]any)
	listAction := action[0].(map[string]any)
	buttonAction := action[1].(map[string]any)
	reply := dig(t, buttonAction, "properties", "buttons", "items", "properties", "reply", "properties")
	rows := dig(t, schemas, "SectionObject", "properties", "rows")

	tests := []struct {
		name string
		spec any
		ours int
	}{
		{"header text", dig(t, schemas, "HeaderObject", "properties", "text", "maxLength"), providers.MaxHeaderText},
		{"body text", dig(t, schemas, "BodyObject", "properties", "text", "maxLength"), providers.MaxInteractiveBody},
		{"footer text", dig(t, schemas, "FooterObject", "properties", "text", "maxLength"), providers.MaxInteractiveFooter},
		{"list button", dig(t, listAction, "properties", "button", "maxLength"), providers.MaxListButton},
		{"list sections", dig(t, listAction, "properties", "sections", "maxItems"), providers.MaxListSections},
		{"reply buttons", dig(t, buttonAction, "properties", "buttons", "maxItems"), providers.MaxReplyButtons},
		{"button id", dig(t, reply, "id", "maxLength"), providers.MaxButtonID},
		{"button title", dig(t, reply, "title", "maxLength"), providers.MaxButtonTitle},
		{"section title", dig(t, schemas, "SectionObject", "properties", "title", "maxLength"), providers.MaxSectionTitle},
		{"rows per section", dig(t, rows, "maxItems"), MaxOptions},
		{"row id", dig(t, rows, "items", "properties", "id", "maxLength"), providers.MaxRowID},
		{"row title", dig(t, rows, "items", "properties", "title", "maxLength"), providers.MaxRowTitle},
		{"row description", dig(t, rows, "items", "properties", "description", "maxLength"), providers.MaxRowDescription},
	}
	for _, tt := range tests {
		if n, ok := tt.spec.(int); !ok || n != tt.ours {
			t.Errorf("%s: Meta's spec says %v, we enforce %d", tt.name, tt.spec, tt.ours)
		}
	}
}

func dig(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("spec: %q is not under an object", p)
		}
		if v, ok = m[p]; !ok {
			t.Fatalf("spec: no %q", p)
		}
	}
	return v
}
