package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// savedState is what the simulator keeps across restarts when
// Config.StateFile is set: what Meta itself would remember — the webhook
// subscriptions of each account, the customers who wrote, the clock and
// whether the token was revoked. Conversations, media and templates made
// during a run start afresh.
type savedState struct {
	Version       int                          `json:"version"`
	ClockOffset   time.Duration                `json:"clock_offset_ns"`
	Revoked       bool                         `json:"revoked"`
	Subscriptions map[string]savedSubscription `json:"subscriptions"`
	Customers     []Customer                   `json:"customers"`
}

type savedSubscription struct {
	CallbackURL string    `json:"callback_url,omitempty"`
	VerifyToken string    `json:"verify_token,omitempty"`
	Verified    bool      `json:"verified"`
	VerifiedAt  time.Time `json:"verified_at"`
}

const stateVersion = 1

// loadStateLocked restores the saved state, if there is one.
func (s *Sim) loadStateLocked() error {
	if s.cfg.StateFile == "" {
		return nil
	}
	b, err := os.ReadFile(s.cfg.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("simulator: read state: %w", err)
	}
	var st savedState
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("simulator: read state %s: %w", s.cfg.StateFile, err)
	}
	if st.Version != stateVersion {
		s.log.Warn("simulator state of another version ignored", "file", s.cfg.StateFile, "version", st.Version)
		return nil
	}
	s.offset, s.revoked = st.ClockOffset, st.Revoked
	for id, sub := range st.Subscriptions {
		if _, ok := s.wabas[id]; !ok {
			continue
		}
		s.subs[id] = &subscription{callbackURL: sub.CallbackURL, verifyToken: sub.VerifyToken, verified: sub.Verified, verifiedAt: sub.VerifiedAt}
	}
	for _, c := range st.Customers {
		s.addCustomerLocked(c)
	}
	s.log.Info("simulator state restored", "file", s.cfg.StateFile, "subscriptions", len(s.subs), "customers", len(st.Customers))
	return nil
}

// saveStateLocked writes the state to Config.StateFile (atomically: a
// crash leaves the old file or the new one).
func (s *Sim) saveStateLocked() {
	if s.cfg.StateFile == "" {
		return
	}
	st := savedState{Version: stateVersion, ClockOffset: s.offset, Revoked: s.revoked, Subscriptions: map[string]savedSubscription{}}
	for id, sub := range s.subs {
		st.Subscriptions[id] = savedSubscription{CallbackURL: sub.callbackURL, VerifyToken: sub.verifyToken, Verified: sub.verified, VerifiedAt: sub.verifiedAt}
	}
	for _, c := range s.customers {
		st.Customers = append(st.Customers, *c)
	}
	sort.Slice(st.Customers, func(i, j int) bool { return st.Customers[i].WaID < st.Customers[j].WaID })
	b, err := json.MarshalIndent(st, "", "  ")
	if err == nil {
		err = writeFileAtomic(s.cfg.StateFile, b)
	}
	if err != nil {
		s.log.Error("simulator state not saved", "file", s.cfg.StateFile, "err", err)
	}
}

func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sim-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
