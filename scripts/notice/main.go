// Command notice writes wadesk's NOTICE file: the licenses of the
// third-party code compiled or embedded into the wadesk binary.
//
// It asks the go command which modules the binary's packages come from (for
// every release target, with the build tags in GOFLAGS), reads each module's
// license files from the module cache, and adds the front-end files vendored
// under static/vendor. A license it cannot name makes it fail, so that a new
// dependency is looked at by a person.
//
//	go run ./scripts/notice -o NOTICE       write the file
//	go run ./scripts/notice -check NOTICE   fail when the file is stale
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
)

// targets are the platforms `make release` builds for.
var targets = []string{"linux/amd64", "linux/arm64"}

// embedded names code that a module carries under another license than its
// own, which a reader of the module's license file would not learn.
var embedded = map[string]string{
	"github.com/mattn/go-sqlite3": "It compiles in the SQLite library (sqlite3-binding.c), whose authors dedicated it to the public domain.",
}

func main() {
	out := flag.String("o", "", "write the notice to this file (default: standard output)")
	check := flag.String("check", "", "compare this file with a fresh notice and fail when it differs")
	vendor := flag.String("vendor", "static/vendor", "folder of vendored front-end packages")
	flag.Parse()
	if err := run(*out, *check, *vendor); err != nil {
		fmt.Fprintln(os.Stderr, "notice:", err)
		os.Exit(1)
	}
}

func run(out, check, vendor string) error {
	mods, err := listModules(".")
	if err != nil {
		return err
	}
	assets, err := vendoredAssets(vendor)
	if err != nil {
		return err
	}
	text, err := render(mods, assets)
	if err != nil {
		return err
	}
	switch {
	case check != "":
		old, err := os.ReadFile(check)
		if err != nil {
			return err
		}
		if !bytes.Equal(old, text) {
			return fmt.Errorf("%s is stale (the dependencies or their licenses changed): run `make notice` and commit it", check)
		}
		return nil
	case out != "":
		return os.WriteFile(out, text, 0o644)
	default:
		_, err := os.Stdout.Write(text)
		return err
	}
}

// module is one Go module whose packages are compiled into the binary.
type module struct {
	Path, Version, Dir string
}

// listModules returns the modules (other than the main one) that provide
// the packages of pkg and its dependencies, on every release target.
func listModules(pkg string) ([]module, error) {
	seen := map[string]module{}
	for _, t := range targets {
		goos, goarch, _ := strings.Cut(t, "/")
		cmd := exec.Command("go", "list", "-deps", "-json=Module", pkg)
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=1")
		cmd.Stderr = os.Stderr
		raw, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list for %s: %w", t, err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		for {
			var p struct {
				Module *struct {
					Path, Version, Dir string
					Main               bool
					Replace            *struct{ Path, Version, Dir string }
				}
			}
			if err := dec.Decode(&p); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, fmt.Errorf("go list for %s: %w", t, err)
			}
			m := p.Module
			if m == nil || m.Main {
				continue
			}
			mod := module{Path: m.Path, Version: m.Version, Dir: m.Dir}
			if r := m.Replace; r != nil {
				mod = module{Path: m.Path, Version: r.Path + " " + r.Version, Dir: r.Dir}
			}
			if mod.Dir == "" {
				return nil, fmt.Errorf("module %s %s is not in the module cache (run go mod download)", mod.Path, mod.Version)
			}
			seen[mod.Path] = mod
		}
	}
	mods := make([]module, 0, len(seen))
	for _, m := range seen {
		mods = append(mods, m)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Path < mods[j].Path })
	return mods, nil
}

// licenseFile is one file of license text.
type licenseFile struct {
	Name string // file name, relative to its module or folder
	Text string
}

// licenseFileRE matches the names of license files at the top of a module.
var licenseFileRE = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|patents|unlicense)([.-].*)?$`)

// licenseFiles reads the license files at the top of dir.
func licenseFiles(dir string) ([]licenseFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []licenseFile
	for _, e := range entries {
		if !e.Type().IsRegular() || !licenseFileRE.MatchString(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files = append(files, licenseFile{Name: e.Name(), Text: strings.ReplaceAll(string(b), "\r\n", "\n")})
	}
	return files, nil
}

// asset is one vendored front-end package.
type asset struct {
	Name  string
	Files []licenseFile
}

// vendoredAssets reads the license file of every package under dir.
func vendoredAssets(dir string) ([]asset, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var assets []asset
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		files, err := licenseFiles(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s has no license file", filepath.Join(dir, e.Name()))
		}
		assets = append(assets, asset{Name: e.Name(), Files: files})
	}
	return assets, nil
}

// identify names the license in text with its SPDX identifier, or returns
// "" when it is none of those wadesk's dependencies are known to use.
func identify(text string) string {
	t := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	has := func(s string) bool { return strings.Contains(t, s) }
	switch {
	case has("apache license") && has("version 2.0"):
		return "Apache-2.0"
	case has("mozilla public license version 2.0"):
		return "MPL-2.0"
	case has("permission is hereby granted, free of charge"):
		return "MIT"
	case has("redistribution and use in source and binary forms"):
		if has("neither the name") || has("names of its contributors") {
			return "BSD-3-Clause"
		}
		return "BSD-2-Clause"
	case has("permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted"):
		if has("provided that the above copyright notice and this permission notice appear in all copies") {
			return "ISC"
		}
		return "0BSD"
	case has("additional ip rights grant (patents)"):
		return "patent grant"
	}
	return ""
}

// licenseOf names the license of a set of files: the main license first,
// then any other grant (such as the Go project's PATENTS file).
func licenseOf(what string, files []licenseFile) (string, error) {
	if len(files) == 0 {
		return "", fmt.Errorf("%s has no license file", what)
	}
	var names []string
	for _, f := range files {
		// An Apache-2.0 NOTICE file is attribution that must travel with the
		// code (it is reproduced below), not a license of its own.
		if strings.HasPrefix(strings.ToUpper(f.Name), "NOTICE") {
			continue
		}
		id := identify(f.Text)
		if id == "" {
			return "", fmt.Errorf("%s: cannot tell the license in %s; add it to identify() after reading it", what, f.Name)
		}
		if id == "patent grant" {
			continue
		}
		names = append(names, id)
	}
	if len(names) == 0 {
		return "", fmt.Errorf("%s has only a patent grant, no license", what)
	}
	return strings.Join(names, " AND "), nil
}

const rule = "================================================================================\n"

func render(mods []module, assets []asset) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`wadesk
Copyright the wadesk authors.

wadesk's own code is licensed under the Apache License, Version 2.0; see the
file LICENSE.

The wadesk binary also contains the third-party code listed below, each part
under its own license, whose full text follows the lists.

This file is generated by "make notice" (scripts/notice) from the Go module
cache and static/vendor; do not edit it by hand. "make test" fails when it is
stale.

`)
	type section struct {
		title, license, note string
		files                []licenseFile
	}
	var parts []section

	b.WriteString("Go modules compiled into the binary (" + strings.Join(targets, ", ") + ")\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, m := range mods {
		files, err := licenseFiles(m.Dir)
		if err != nil {
			return nil, err
		}
		lic, err := licenseOf(m.Path, files)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", m.Path, m.Version, lic)
		parts = append(parts, section{title: m.Path + " " + m.Version, license: lic, note: embedded[m.Path], files: files})
	}
	fmt.Fprintf(tw, "  %s\t%s\t%s\n", "the Go standard library and runtime", "", "BSD-3-Clause")
	if err := tw.Flush(); err != nil {
		return nil, err
	}
	root, err := goroot()
	if err != nil {
		return nil, err
	}
	goLicense, err := licenseFiles(root)
	if err != nil {
		return nil, err
	}
	var goFiles []licenseFile
	for _, f := range goLicense {
		if f.Name == "LICENSE" || f.Name == "PATENTS" {
			goFiles = append(goFiles, f)
		}
	}
	if lic, err := licenseOf("the Go distribution", goFiles); err != nil {
		return nil, err
	} else if lic != "BSD-3-Clause" {
		return nil, fmt.Errorf("the Go distribution's license is %s, not BSD-3-Clause", lic)
	}
	parts = append(parts, section{title: "The Go standard library and runtime", license: "BSD-3-Clause", files: goFiles})

	b.WriteString("\nFront-end files embedded in the binary (static/vendor, see its README.md)\n\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, a := range assets {
		lic, err := licenseOf("static/vendor/"+a.Name, a.Files)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(tw, "  %s\t%s\n", a.Name, lic)
		parts = append(parts, section{title: "static/vendor/" + a.Name, license: lic, files: a.Files})
	}
	if err := tw.Flush(); err != nil {
		return nil, err
	}

	for _, p := range parts {
		b.WriteString("\n" + rule)
		fmt.Fprintf(&b, "%s (%s)\n", p.title, p.license)
		if p.note != "" {
			b.WriteString(p.note + "\n")
		}
		for _, f := range p.files {
			b.WriteString(rule)
			b.WriteString(f.Name + ":\n\n")
			b.WriteString(strings.TrimRight(f.Text, "\n") + "\n")
		}
	}
	return b.Bytes(), nil
}

// goroot is the Go distribution the go command on PATH builds with.
func goroot() (string, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	return string(bytes.TrimSpace(out)), nil
}
