package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/views"
)

// langCookie holds a language picked before signing in (the sign-in
// page's menu); a signed-in user's saved choice takes its place.
const langCookie = "wadesk_lang"

// requestLocale is the language a request is answered in: the signed-in
// user's saved choice, else the language picked in this browser (the
// sign-in page's menu), else the console's default (Settings), else the
// best match for Accept-Language, else English. A failed read is logged
// and answers in the browser's language: a page is not refused over it.
func (s *Server) requestLocale(r *http.Request) i18n.Locale {
	var user, console string
	if id := s.sessions.GetInt64(r.Context(), sessUserID); id != 0 {
		if l, err := s.db.LanguagesOf(r.Context(), id); err == nil {
			user, console = l.User, l.Console
		} else {
			s.log.Warn("read languages", "user_id", id, "err", err)
		}
	} else if c, err := s.db.ConsoleLanguage(r.Context()); err == nil {
		console = c
	}
	prefs := []string{user}
	if c, err := r.Cookie(langCookie); err == nil {
		prefs = append(prefs, c.Value)
	}
	prefs = append(prefs, console)
	return i18n.Default().Match(r.Header.Get("Accept-Language"), prefs...)
}

// languageChoices lists the catalog's languages for a menu, selected
// marked; withDefault adds a first "" choice labelled defaultLabel.
func languageChoices(selected string, defaultLabel string) []views.LanguageChoice {
	var out []views.LanguageChoice
	if defaultLabel != "" {
		out = append(out, views.LanguageChoice{Value: "", Label: defaultLabel, Selected: selected == ""})
	}
	for _, l := range i18n.Default().Offered() {
		out = append(out, views.LanguageChoice{Value: l.String(), Label: l.Name(), Selected: l.String() == selected})
	}
	return out
}

// validLanguage reports whether v is "" or a language of the catalog.
func validLanguage(v string) bool {
	if v == "" {
		return true
	}
	_, ok := i18n.Default().Supported(v)
	return ok
}

// setLangCookie remembers a language in this browser for a year.
func setLangCookie(w http.ResponseWriter, r *http.Request, v string) {
	c := &http.Cookie{Name: langCookie, Value: v, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil}
	if v == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// languagePick is the sign-in page's language menu: it remembers the
// choice in this browser and goes back to the page it came from.
func (s *Server) languagePick(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	lang := strings.TrimSpace(r.PostFormValue("language"))
	if !validLanguage(lang) {
		lang = ""
	}
	setLangCookie(w, r, lang)
	back := "/login"
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/") && !strings.HasPrefix(ref.Path, "//") {
		back = ref.RequestURI()
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// accountLanguageSave stores the signed-in user's own language; none
// follows the console's default.
func (s *Server) accountLanguageSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	u := currentUser(r.Context())
	lang := strings.TrimSpace(r.PostFormValue("language"))
	if !validLanguage(lang) {
		s.flashError(w, r, i18n.T(r.Context(), "language.choose_from_list"))
		redirect(w, r, "/account")
		return
	}
	if err := s.db.SetUserLanguage(r.Context(), u.ID, lang); err != nil {
		s.serverError(w, r, err)
		return
	}
	setLangCookie(w, r, lang)
	// The flash is written in the language just chosen.
	l := i18n.Default().Match(r.Header.Get("Accept-Language"), lang)
	s.flashSuccess(w, r, i18n.Default().Localize(l, "language.saved"))
	redirect(w, r, "/account")
}

// signInLanguages is the sign-in page's menu, the language this page is
// shown in selected.
func (s *Server) signInLanguages(r *http.Request) []views.LanguageChoice {
	return languageChoices(i18n.FromContext(r.Context()).String(), "")
}

// accountLanguages is the Account page's menu with the user's saved
// language selected ("" follows the console).
func (s *Server) accountLanguages(ctx context.Context, userID int64) []views.LanguageChoice {
	l, err := s.db.LanguagesOf(ctx, userID)
	if err != nil {
		s.log.Warn("read languages", "user_id", userID, "err", err)
	}
	def := i18n.T(ctx, "language.browser")
	if c, ok := i18n.Default().Supported(l.Console); ok {
		def = c.Name()
	}
	return languageChoices(l.User, i18n.T(ctx, "language.same_as_console", "Language", def))
}

// consoleLanguages is the Settings menu of the console's default
// language ("" lets each browser decide).
func (s *Server) consoleLanguages(ctx context.Context) []views.LanguageChoice {
	c, err := s.db.ConsoleLanguage(ctx)
	if err != nil {
		s.log.Warn("read console language", "err", err)
	}
	return languageChoices(c, i18n.T(ctx, "language.browser"))
}

// settingsLanguageSave stores the console's default language.
func (s *Server) settingsLanguageSave(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	lang := strings.TrimSpace(r.PostFormValue("language"))
	if !validLanguage(lang) {
		s.flashError(w, r, i18n.T(r.Context(), "language.choose_from_list"))
		redirect(w, r, "/settings/general")
		return
	}
	if err := s.db.SetConsoleLanguage(r.Context(), lang); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("console language set", "language", lang, "by", currentUser(r.Context()).ID)
	s.flashSuccess(w, r, i18n.T(r.Context(), "language.console_saved"))
	redirect(w, r, "/settings/general")
}
