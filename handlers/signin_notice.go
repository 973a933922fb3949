package handlers

import (
	"net/http"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/store"
)

// browserCookie holds a random id for this browser, so that wadesk can
// tell a sign-in from a browser the account never used.
const browserCookie = "wadesk_browser"

// noticeNewBrowser runs once a sign-in is complete: it remembers the
// browser and, when Settings → Security asks for it, emails the user about
// a sign-in from a browser their account never used before (not about
// their very first sign-in).
func (s *Server) noticeNewBrowser(w http.ResponseWriter, r *http.Request, u *store.User) {
	id := ""
	if c, err := r.Cookie(browserCookie); err == nil && len(c.Value) >= 22 && len(c.Value) <= 64 {
		id = c.Value
	} else {
		var err error
		if id, err = randomToken(18); err != nil {
			s.log.Error("browser id", "err", err)
			return
		}
		http.SetCookie(w, &http.Cookie{
			Name: browserCookie, Value: id, Path: "/", MaxAge: 400 * 24 * 3600,
			HttpOnly: true, Secure: s.baseURL.Scheme == "https", SameSite: http.SameSiteLaxMode,
		})
	}
	isNew, err := s.db.RememberBrowser(r.Context(), u.ID, hashToken(id))
	if err != nil {
		s.log.Error("remember browser", "user_id", u.ID, "err", err)
		return
	}
	if !isNew || u.LastLoginAt == nil {
		return
	}
	on, err := s.db.NewBrowserNotice(r.Context())
	if err != nil || !on {
		return
	}
	ready, err := s.mailReady(r)
	if err != nil || !ready {
		return
	}
	browser, os := auth.DescribeUserAgent(r.UserAgent())
	s.log.Info("sign-in from a new browser", "user_id", u.ID, "remote", clientIP(r))
	s.sendInBackground(u.ID, "new browser notice", mailer.Message{
		To:      []string{u.Email},
		Subject: "New sign-in to your wadesk account",
		Text: "Hello " + u.Name + ",\n\n" +
			"Your wadesk account at " + s.baseURL.Host + " was just signed in from a browser it had not used before:\n\n" +
			"  " + browser + " on " + os + ", address " + clientIP(r) + ", " + time.Now().UTC().Format("2 Jan 2006 15:04 UTC") + "\n\n" +
			"If this was you, there is nothing to do. If it was not, open wadesk, change your password, " +
			"and sign that browser out under Your account → Where you are signed in.\n",
	})
}
