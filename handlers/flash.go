package handlers

import (
	"log/slog"
	"net/http"

	"github.com/gorilla/sessions"

	"github.com/wadesk/wadesk/views"
)

// Flash messages are one-shot notices shown on the page after a redirect
// ("User created"). They live in their own signed and encrypted cookie via
// gorilla/sessions; the signed-in session itself is scs's.
type flashStore struct {
	store *sessions.CookieStore
}

const flashCookie = "wadesk_flash"

func newFlashStore(hashKey, blockKey []byte, secure bool) *flashStore {
	cs := sessions.NewCookieStore(hashKey, blockKey)
	cs.Options = &sessions.Options{Path: "/", MaxAge: 300, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	return &flashStore{store: cs}
}

// add queues a message for the next page this browser sees.
func (f *flashStore) add(w http.ResponseWriter, r *http.Request, log *slog.Logger, kind, msg string) {
	sess, _ := f.store.Get(r, flashCookie) // a bad cookie yields a fresh session
	sess.AddFlash(kind + "\x00" + msg)
	if err := sess.Save(r, w); err != nil {
		log.Error("flash: save", "err", err)
	}
}

// pop returns and clears the queued messages.
func (f *flashStore) pop(w http.ResponseWriter, r *http.Request, log *slog.Logger) []views.Flash {
	if _, err := r.Cookie(flashCookie); err != nil {
		return nil
	}
	sess, _ := f.store.Get(r, flashCookie)
	raw := sess.Flashes()
	sess.Options.MaxAge = -1
	if err := sess.Save(r, w); err != nil {
		log.Error("flash: clear", "err", err)
	}
	var out []views.Flash
	for _, v := range raw {
		s, ok := v.(string)
		if !ok {
			continue
		}
		for i := 0; i < len(s); i++ {
			if s[i] == 0 {
				out = append(out, views.Flash{Kind: s[:i], Message: s[i+1:]})
				break
			}
		}
	}
	return out
}

func (s *Server) flashSuccess(w http.ResponseWriter, r *http.Request, msg string) {
	s.flash.add(w, r, s.log, "success", msg)
}

func (s *Server) flashError(w http.ResponseWriter, r *http.Request, msg string) {
	s.flash.add(w, r, s.log, "error", msg)
}
