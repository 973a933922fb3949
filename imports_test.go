package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestOnlyProvidersAndMainImportProviderPackages keeps the provider seam:
// every package other than providers/… and the main package reaches a
// provider only through package providers' neutral types and the registry
// main fills. It lists each package's dependencies (without tests, whose
// fixtures may use a provider's client) and fails on any package outside
// providers/… that depends on a provider sub-package.
func TestOnlyProvidersAndMainImportProviderPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("lists every package's dependencies")
	}
	out, err := exec.Command("go", "list", "-deps=false", "-json=ImportPath,Deps,Name", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/wadesk/wadesk/"
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Name       string
			Deps       []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Name == "main" || strings.HasPrefix(p.ImportPath, mod+"providers") {
			continue
		}
		checked++
		for _, d := range p.Deps {
			if strings.HasPrefix(d, mod+"providers/") {
				t.Errorf("%s depends on the provider package %s: use package providers' neutral types and the registry instead", strings.TrimPrefix(p.ImportPath, mod), strings.TrimPrefix(d, mod))
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d packages checked; is the module listed?", checked)
	}
}
