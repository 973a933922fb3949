package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// How long work may wait before readiness reports it stuck.
const (
	journalStuckAfter = 2 * time.Minute
	outboxStuckAfter  = 5 * time.Minute
	// probeBytes is written to the data directory on each check: a disk
	// with less room than this fails the check before it fails a write.
	probeBytes = 64 << 10
)

// JournalHealth is the journal's side of readiness (*ingest.Journal).
type JournalHealth interface {
	Failing() (since time.Time, err error)
}

// readyz answers whether wadesk can do its work, not only whether it runs
// (that is /healthz): 200 and one "ok" line per check, or 503 with the
// failing checks first. It checks that the data directory takes a write
// (a full disk), that webhooks can be journaled, that journaled webhooks
// are being applied, and that queued messages are being sent.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var failed, passed []string
	check := func(name string, err error) {
		if err != nil {
			failed = append(failed, name+": "+err.Error())
			return
		}
		passed = append(passed, name+": ok")
	}
	check("disk", s.probeDisk())
	check("database", s.db.Ping(ctx))
	check("webhook journal", s.journalReady(ctx))
	check("webhook processing", s.processingReady())
	check("outbox", s.outboxReady(ctx))
	if len(failed) > 0 {
		s.log.Warn("not ready", "problems", strings.Join(failed, "; "))
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready")
	} else {
		fmt.Fprintln(w, "ready")
	}
	for _, line := range append(failed, passed...) {
		fmt.Fprintln(w, line)
	}
}

// probeDisk writes, syncs and removes a small file next to the database.
func (s *Server) probeDisk() error {
	dir := filepath.Dir(s.db.Path())
	f, err := os.CreateTemp(dir, ".readyz-*")
	if err != nil {
		return fmt.Errorf("cannot create a file in the data directory: %w", err)
	}
	defer os.Remove(f.Name())
	_, werr := f.Write(make([]byte, probeBytes))
	if werr == nil {
		werr = f.Sync()
	}
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return fmt.Errorf("cannot write to the data directory: %w", err)
	}
	return nil
}

func (s *Server) journalReady(ctx context.Context) error {
	if j, ok := s.journal.(JournalHealth); ok {
		if since, err := j.Failing(); err != nil {
			return fmt.Errorf("webhooks cannot be stored since %s (providers are asked to retry): %w", since.UTC().Format(time.RFC3339), err)
		}
	}
	b, err := s.db.JournalBacklog(ctx)
	if err != nil {
		return err
	}
	if b.Count > 0 && time.Since(b.Oldest) > journalStuckAfter {
		return fmt.Errorf("%d webhooks wait to be applied, the oldest since %s", b.Count, b.Oldest.UTC().Format(time.RFC3339))
	}
	return nil
}

func (s *Server) processingReady() error {
	if s.ingest == nil {
		return nil
	}
	if st := s.ingest.State(); !st.FailingSince.IsZero() {
		return fmt.Errorf("applying webhooks fails since %s (%d attempts): %s", st.FailingSince.UTC().Format(time.RFC3339), st.Attempts, st.LastError)
	}
	return nil
}

func (s *Server) outboxReady(ctx context.Context) error {
	b, err := s.db.OutboxBacklog(ctx, time.Now())
	if err != nil {
		return err
	}
	if b.Count > 0 && time.Since(b.Oldest) > outboxStuckAfter {
		return fmt.Errorf("%d messages are due to be sent, the oldest since %s", b.Count, b.Oldest.UTC().Format(time.RFC3339))
	}
	return nil
}
