package handlers

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// maxAutoText is the longest greeting or away message.
const maxAutoText = 4096

// autoRepliesSave switches a channel's greeting, away message and keyword
// rules on or off and sets the texts.
func (s *Server) autoRepliesSave(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	a := store.AutoReplySettings{ChannelID: ch.ID, GreetingOn: r.PostFormValue("greeting_on") == "1",
		GreetingText: strings.TrimSpace(r.PostFormValue("greeting_text")), AwayOn: r.PostFormValue("away_on") == "1",
		AwayText: strings.TrimSpace(r.PostFormValue("away_text")), RulesOn: r.PostFormValue("rules_on") == "1"}
	errs := views.Errors{}
	if a.GreetingOn && a.GreetingText == "" {
		errs["greeting_text"] = i18n.T(ctx, "agent.auto.error_greeting")
	}
	if a.AwayOn && a.AwayText == "" {
		errs["away_text"] = i18n.T(ctx, "agent.auto.error_away")
	}
	if utf8.RuneCountInString(a.GreetingText) > maxAutoText {
		errs["greeting_text"] = i18n.T(ctx, "agent.auto.error_long", "Max", maxAutoText)
	}
	if utf8.RuneCountInString(a.AwayText) > maxAutoText {
		errs["away_text"] = i18n.T(ctx, "agent.auto.error_long", "Max", maxAutoText)
	}
	if len(errs) == 0 && a.AwayOn {
		set, err := s.db.AutoReplySettingsOf(ctx, ch.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if set.Timezone == "" {
			errs["away_text"] = i18n.T(ctx, "agent.auto.error_away_hours")
		}
	}
	if len(errs) > 0 {
		s.renderAutoReplies(w, r, ch, http.StatusUnprocessableEntity, func(v *views.AutoRepliesView) {
			v.GreetingOn, v.GreetingText, v.AwayOn, v.AwayText, v.RulesOn = a.GreetingOn, a.GreetingText, a.AwayOn, a.AwayText, a.RulesOn
			v.RepliesError = errs
		})
		return
	}
	if err := s.db.SaveAutoReplies(ctx, a); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("automatic replies saved", "channel_id", ch.ID, "greeting", a.GreetingOn, "away", a.AwayOn, "rules", a.RulesOn,
		"by", currentUser(ctx).ID)
	s.flashSuccess(w, r, i18n.T(ctx, "agent.auto.saved"))
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/auto-replies#replies")
}
