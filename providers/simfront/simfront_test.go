package simfront

import (
	"path/filepath"
	"testing"
)

func TestSaveAndLoadKeepStateAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "console.json")
	got := map[string][2]string{}
	if err := Load(path, &got); err != nil || len(got) != 0 {
		t.Fatalf("a missing file: %v, %v", got, err)
	}
	want := map[string][2]string{"447700900301": {"https://desk.example/webhooks/3", "https://desk.example/webhooks/3"}}
	if err := Save(path, want); err != nil {
		t.Fatal(err)
	}
	if err := Load(path, &got); err != nil || got["447700900301"] != want["447700900301"] {
		t.Fatalf("loaded %v, %v", got, err)
	}
	if err := Save("", want); err != nil {
		t.Fatal(err)
	}
	if err := Load("", &got); err != nil {
		t.Fatal(err)
	}
}
