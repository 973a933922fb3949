// Package s3test starts a real S3-compatible server for tests: Versity's
// S3 gateway (versitygw) on loopback, serving a temporary folder, with
// SigV4 signatures checked. Tests skip, saying how to install it, when
// the binary is not found.
package s3test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Version is the gateway version .ci/run installs.
const Version = "v1.8.0"

// Server is a running gateway.
type Server struct {
	Endpoint  string // http://127.0.0.1:PORT
	AccessKey string
	SecretKey string
	Root      string // the folder it serves; each subfolder is a bucket
}

// Binary finds versitygw: $VERSITYGW, then PATH, then GOPATH/bin.
func Binary() string {
	if p := os.Getenv("VERSITYGW"); p != "" {
		return p
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	var dirs []string
	if gp := os.Getenv("GOPATH"); gp != "" {
		dirs = append(dirs, filepath.SplitList(gp)...)
	} else if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		dirs = append(dirs, filepath.SplitList(strings.TrimSpace(string(out)))...)
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// Start runs the gateway until the test ends, with one bucket made as a
// folder of its root.
func Start(t testing.TB, bucket string) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		t.Skip("versitygw (an S3-compatible server) is not installed; install it with " +
			"`go install github.com/versity/versitygw/cmd/versitygw@" + Version + "` (or set VERSITYGW) to run the S3 tests")
	}
	root := t.TempDir()
	if bucket != "" {
		if err := os.Mkdir(filepath.Join(root, bucket), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &Server{Endpoint: "http://" + addr, AccessKey: "wadesk-test-access", SecretKey: "wadesk-test-secret-0123456789", Root: root}
	ctx, cancel := context.WithCancel(context.Background())
	// --sidecar keeps object metadata in files, so that the temporary
	// folder's file system need not support extended attributes.
	side := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, "--access", s.AccessKey, "--secret", s.SecretKey, "--port", addr,
		"posix", "--sidecar", side, root)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start versitygw: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if t.Failed() {
			t.Logf("versitygw output:\n%s", out.String())
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(s.Endpoint + "/")
		if err == nil {
			res.Body.Close()
			return s
		}
		select {
		case <-done:
			t.Fatalf("versitygw stopped: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not answer on %s: %v\n%s", addr, err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Args are the wadesk flags that put the media store in bucket.
func (s *Server) Args(bucket string) []string {
	return []string{"--media-store", "s3", "--media-s3-endpoint", s.Endpoint, "--media-s3-bucket", bucket,
		"--media-s3-access-key", s.AccessKey, "--media-s3-secret-key", s.SecretKey}
}

// String is the endpoint.
func (s *Server) String() string { return fmt.Sprint(s.Endpoint) }
