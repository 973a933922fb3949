package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/media/s3test"
)

// TestMediaStoreFlags: an incomplete S3 configuration is refused before
// anything starts, in words that name what is missing.
func TestMediaStoreFlags(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, tc := range []struct {
		args []string
		env  func(string) string
		want string
	}{
		{[]string{"--media-store", "disk"}, env(), `--media-store "disk": use local or s3`},
		{[]string{"--media-store", "s3"}, env(), "needs --media-s3-endpoint and --media-s3-bucket"},
		{[]string{"--media-store", "s3", "--media-s3-endpoint", "http://127.0.0.1:7070", "--media-s3-bucket", "b"}, env(), "access key and secret key"},
		{nil, env("WADESK_MEDIA_STORE", "s3", "WADESK_MEDIA_S3_ENDPOINT", "http://127.0.0.1:7070", "WADESK_MEDIA_S3_BUCKET", "b",
			"WADESK_MEDIA_S3_ACCESS_KEY", "k"), "access key and secret key"},
	} {
		_, err := parseServe("serve", tc.args, tc.env, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
	c, err := parseServe("serve", nil, env("WADESK_MEDIA_STORE", "s3", "WADESK_MEDIA_S3_ENDPOINT", "http://127.0.0.1:7070",
		"WADESK_MEDIA_S3_BUCKET", "b", "WADESK_MEDIA_S3_ACCESS_KEY", "k", "WADESK_MEDIA_S3_SECRET_KEY", "s"), io.Discard)
	if err != nil || c.media.kind != "s3" || c.media.s3.SecretKey != "s" || c.media.s3.Region != "us-east-1" {
		t.Errorf("from the environment: %+v, %v", c.media, err)
	}
}

// TestServeWithS3MediaStore: the console starts with its files in a
// bucket of a real S3-compatible server, and refuses to start, saying why,
// when the bucket is missing.
func TestServeWithS3MediaStore(t *testing.T) {
	srv := s3test.Start(t, "wadesk-media")
	store := &mediaStoreConfig{kind: "s3"}
	store.s3.Endpoint, store.s3.Bucket, store.s3.AccessKey, store.s3.SecretKey = srv.Endpoint, "wadesk-media", srv.AccessKey, srv.SecretKey
	st, err := store.open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if st.Kind() != "s3" {
		t.Errorf("kind %q", st.Kind())
	}
	sha, _, err := st.Put(context.Background(), bytes.NewReader([]byte("%PDF-1.4 kept")), 0)
	if err != nil || !st.Has(context.Background(), sha) {
		t.Fatalf("put: %v", err)
	}
	store.s3.Bucket = "missing"
	if _, err := store.open(context.Background(), t.TempDir()); err == nil || !strings.Contains(err.Error(), `bucket "missing" does not exist`) {
		t.Errorf("a missing bucket: %v", err)
	}
}

// TestDoctorChecksS3MediaStore: `wadesk doctor` with the S3 media store
// says whether the bucket is reachable.
func TestDoctorChecksS3MediaStore(t *testing.T) {
	srv := s3test.Start(t, "wadesk-media")
	dir := t.TempDir()
	args := append([]string{"--data", dir}, srv.Args("wadesk-media")...)
	var out bytes.Buffer
	doctorCmd(context.Background(), args, func(string) string { return "" }, &out)
	if !strings.Contains(out.String(), `S3 bucket "wadesk-media" at `+srv.Endpoint+` is reachable`) {
		t.Errorf("doctor with a reachable bucket:\n%s", out.String())
	}
	out.Reset()
	args = append([]string{"--data", dir}, srv.Args("no-such-bucket")...)
	if err := doctorCmd(context.Background(), args, func(string) string { return "" }, &out); err == nil ||
		!strings.Contains(out.String(), `bucket "no-such-bucket" does not exist`) {
		t.Errorf("doctor with a missing bucket: %v\n%s", err, out.String())
	}
}
