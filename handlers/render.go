package handlers

import (
	"bytes"
	"context"
	"errors"
	"github.com/wadesk/wadesk/i18n"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/wadesk/wadesk/views"
)

// page builds the view model every full page needs. It takes the flashes
// out of their cookie, so call it once per response, before writing.
func (s *Server) page(w http.ResponseWriter, r *http.Request, title, nav string) views.Page {
	p := views.Page{Title: title, Nav: nav, Flashes: s.flash.pop(w, r, s.log), Address: formAddress(r)}
	if u := currentUser(r.Context()); u != nil {
		p.User = &views.CurrentUser{ID: u.ID, Name: u.Name, Email: u.Email, IsAdmin: u.Role == "admin"}
		if p.User.IsAdmin {
			p.Alerts = s.adminAlerts(r.Context())
		}
	}
	return p
}

// formAddress is where a page rendered in answer to a form post can be
// loaded again: the page the form was on, read from the Referer (the
// policy is same-origin, so the browser sends it for our own pages). A
// reload then shows that page with GET instead of posting again or
// hitting the POST-only action's 404. "" for GET requests and for anything that is
// not a page of this site.
func formAddress(r *http.Request) string {
	if r.Method != http.MethodPost {
		return ""
	}
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || !strings.HasPrefix(ref.Path, "/") || strings.HasPrefix(ref.Path, "//") {
		return ""
	}
	return ref.RequestURI()
}

// render writes a component with a status. It renders into a buffer first
// so that a template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.log.Error("render failed", "path", r.URL.Path, "err", err)
		http.Error(w, "Something went wrong on our side. Please try again.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func errInternal(ctx context.Context) views.ErrorInfo {
	return views.ErrorInfo{
		Status:  http.StatusInternalServerError,
		Title:   i18n.T(ctx, "errors.internal.title"),
		Message: i18n.T(ctx, "errors.internal.message"),
		Back:    "/", BackLabel: i18n.T(ctx, "errors.back_to_wadesk"),
	}
}

// renderError shows an error page with the layout.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, e views.ErrorInfo) {
	s.render(w, r, e.Status, views.ErrorPage(s.page(w, r, e.Title, ""), e))
}

// serverError logs the detail and shows the user plain words.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, http.ErrAbortHandler) {
		panic(err)
	}
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	s.renderError(w, r, errInternal(r.Context()))
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, views.ErrorInfo{
		Status:  http.StatusForbidden,
		Title:   i18n.T(r.Context(), "errors.forbidden.title"),
		Message: i18n.T(r.Context(), "errors.forbidden.message"),
		Back:    "/inbox", BackLabel: i18n.T(r.Context(), "errors.back_to_inbox"),
	})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if u, err := s.sessionUser(r.Context()); err == nil && u != nil {
		r = r.WithContext(withUser(r.Context(), u))
	}
	s.renderError(w, r, views.ErrorInfo{
		Status:  http.StatusNotFound,
		Title:   i18n.T(r.Context(), "errors.not_found.title"),
		Message: i18n.T(r.Context(), "errors.not_found.message"),
		Back:    "/", BackLabel: i18n.T(r.Context(), "errors.back_to_wadesk"),
	})
}

// redirect answers a successful form post (303, so a reload does not post
// again).
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}
