package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIdentify(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"MIT License\n\nCopyright (c) 2021 A\n\nPermission is hereby granted, free of charge, to any person", "MIT"},
		{"Copyright 2009 The Go Authors.\n\nRedistribution and use in source and binary forms, with or without\nmodification, are permitted...\n   * Neither the name of Google LLC nor the names of its\ncontributors may be used", "BSD-3-Clause"},
		{"Redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met:", "BSD-2-Clause"},
		{"                                 Apache License\n                           Version 2.0, January 2004", "Apache-2.0"},
		{"Permission to use, copy, modify, and/or distribute this software for any\npurpose with or without fee is hereby granted.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\"", "0BSD"},
		{"Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted, provided that the above copyright notice and this permission notice appear in all copies.", "ISC"},
		{"Additional IP Rights Grant (Patents)\n\n\"This implementation\" means", "patent grant"},
		{"All rights reserved. You may not use this.", ""},
	} {
		if got := identify(tc.text); got != tc.want {
			t.Errorf("identify(%.40q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestLicenseOfRefusesWhatItCannotName(t *testing.T) {
	if _, err := licenseOf("m", nil); err == nil {
		t.Error("no license files: no error")
	}
	if _, err := licenseOf("m", []licenseFile{{Name: "LICENSE", Text: "Some custom terms."}}); err == nil || !strings.Contains(err.Error(), "LICENSE") {
		t.Errorf("unknown license: error %v", err)
	}
	if _, err := licenseOf("m", []licenseFile{{Name: "PATENTS", Text: "Additional IP Rights Grant (Patents)"}}); err == nil {
		t.Error("a patent grant alone passed as a license")
	}
	got, err := licenseOf("m", []licenseFile{
		{Name: "LICENSE", Text: "Permission is hereby granted, free of charge"},
		{Name: "PATENTS", Text: "Additional IP Rights Grant (Patents)"},
	})
	if err != nil || got != "MIT" {
		t.Errorf("license and patent grant: %q, %v", got, err)
	}
}

func TestVendoredAssetsNeedALicense(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lib", "lib.min.js"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := vendoredAssets(dir); err == nil {
		t.Fatal("a vendored folder without a license file passed")
	}
	if err := os.WriteFile(filepath.Join(dir, "lib", "LICENSE.md"), []byte("Permission is hereby granted, free of charge"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := vendoredAssets(dir)
	if err != nil || len(a) != 1 || a[0].Name != "lib" || len(a[0].Files) != 1 || a[0].Files[0].Name != "LICENSE.md" {
		t.Fatalf("vendoredAssets = %+v, %v", a, err)
	}
}
