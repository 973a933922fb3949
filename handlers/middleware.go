package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

type ctxKey int

const userKey ctxKey = iota

// currentUser returns the signed-in user put in the context by signedIn.
func currentUser(ctx context.Context) *store.User {
	u, _ := ctx.Value(userKey).(*store.User)
	return u
}

func withUser(ctx context.Context, u *store.User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// Session keys.
const (
	sessUserID = "user_id"
	sessEpoch  = "epoch"
)

// browser wraps a handler that browsers use: it loads and saves the session
// and sends everyone to the setup page until the first admin exists.
func (s *Server) browser(h http.HandlerFunc) http.Handler {
	return s.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(i18n.WithLocale(r.Context(), s.requestLocale(r)))
		setup, err := s.needsSetup(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if setup && r.URL.Path != "/setup" {
			http.Redirect(w, r, "/setup", http.StatusSeeOther)
			return
		}
		h(w, r)
	}))
}

// signedIn requires a signed-in, enabled user whose session is current.
// Private pages are marked no-store so the back button after signing out
// shows nothing private.
func (s *Server) signedIn(h http.HandlerFunc) http.Handler {
	return s.browser(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		u, err := s.sessionUser(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if u == nil {
			next := r.URL.RequestURI()
			target := "/login"
			if r.Method == http.MethodGet && next != "/" {
				target += "?next=" + url.QueryEscape(next)
			}
			if r.Header.Get("HX-Request") == "true" {
				w.Header().Set("HX-Redirect", target)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		if s.sessions.GetBool(r.Context(), sessMustEnrol) && !allowedWhileEnrolling(r.URL.Path) {
			if r.Header.Get("HX-Request") == "true" {
				// A background request from a page that is already part of
				// the enrolment (the alerts watcher in the layout) is
				// refused without sending that page away again.
				if !enrollingPage(r.Header.Get("HX-Current-URL")) {
					w.Header().Set("HX-Redirect", "/account/two-factor")
				}
				w.WriteHeader(http.StatusForbidden)
				return
			}
			http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
			return
		}
		h(w, r.WithContext(s.withZone(withUser(r.Context(), u), u)))
	})
}

// adminOnly additionally requires the admin role, answering 403 otherwise.
func (s *Server) adminOnly(h http.HandlerFunc) http.Handler {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if currentUser(r.Context()).Role != store.RoleAdmin {
			s.log.Warn("admin route refused", "user_id", currentUser(r.Context()).ID, "path", r.URL.Path)
			s.forbidden(w, r)
			return
		}
		h(w, r)
	})
}

// sessionUser returns the session's user, or nil (and a cleared session)
// when there is none, the account is disabled or gone, the session
// predates a password reset, or it was signed out from another device.
func (s *Server) sessionUser(ctx context.Context) (*store.User, error) {
	id := s.sessions.GetInt64(ctx, sessUserID)
	if id == 0 {
		return nil, nil
	}
	u, err := s.db.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, s.sessions.Destroy(ctx)
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled() || u.SessionEpoch != s.sessions.GetInt64(ctx, sessEpoch) {
		return nil, s.sessions.Destroy(ctx)
	}
	if listed, err := s.checkSessionRow(ctx, &u); err != nil {
		return nil, err
	} else if !listed {
		return nil, s.sessions.Destroy(ctx)
	}
	return &u, nil
}

// crossOriginProtection refuses state-changing requests that a browser
// marks as cross-site (Sec-Fetch-Site) or whose Origin is another host.
// Provider webhooks never pass through it (see Handler).
func (s *Server) crossOriginProtection(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path,
			"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		s.renderError(w, r, views.ErrorInfo{
			Status:  http.StatusForbidden,
			Title:   i18n.T(r.Context(), "errors.cross_origin.title"),
			Message: i18n.T(r.Context(), "errors.cross_origin.message"),
			Back:    "/", BackLabel: i18n.T(r.Context(), "errors.open_wadesk"),
		})
	}))
	return cop.Handler(next)
}

// securityHeaders sets the headers every response carries. The policy
// allows no inline script or style: everything comes from /static/.
func securityHeaders(next http.Handler) http.Handler {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
		"media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; " +
		"form-action 'self'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status and size of a response for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (rec *statusRecorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *statusRecorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (rec *statusRecorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// logRequests writes one log line per request.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		level := slog.LevelInfo
		switch {
		case rec.status >= 500:
			level = slog.LevelError
		case strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz",
			strings.HasPrefix(r.URL.Path, "/webhooks/") && rec.status == http.StatusOK:
			// Accepted webhooks come by the thousand; the journal is their record.
			level = slog.LevelDebug
		}
		s.log.Log(r.Context(), level, "request",
			"method", r.Method, "path", r.URL.Path, "status", rec.status, "bytes", rec.bytes,
			"duration", time.Since(start).Round(time.Microsecond), "remote", clientIP(r))
	})
}

// recoverPanics turns a panic in a handler into a logged 500 page.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				w.Header().Set("Connection", "close")
				s.renderError(w, r, errInternal(r.Context()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// clientIP is the address the request came from. X-Forwarded-For counts
// only from the proxies given with --trusted-proxy (see trustForwarded);
// otherwise every client behind a proxy shares its address, which makes
// the per-address throttle stricter, never weaker.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
