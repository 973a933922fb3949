package handlers

import (
	"github.com/wadesk/wadesk/i18n"
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
	mctx := s.recipientContext(r.Context(), u.ID)
	if browser == auth.UnknownBrowser {
		browser = i18n.T(mctx, "mail.unknown_browser")
	}
	if os == auth.UnknownSystem {
		os = i18n.T(mctx, "mail.unknown_system")
	}
	s.sendInBackground(u.ID, "new browser notice", mailer.Message{
		To:      []string{u.Email},
		Subject: i18n.T(mctx, "mail.new_browser.subject"),
		Text: i18n.T(mctx, "mail.hello", "Name", u.Name) + "\n\n" +
			i18n.T(mctx, "mail.new_browser.body", "Host", s.baseURL.Host) + "\n\n" +
			"  " + i18n.T(mctx, "mail.new_browser.where", "Browser", browser, "System", os, "Address", clientIP(r),
			"Time", i18n.DateTime(mctx, time.Now().UTC())+" UTC") + "\n\n" +
			i18n.T(mctx, "mail.new_browser.advice") + "\n",
	})
}
