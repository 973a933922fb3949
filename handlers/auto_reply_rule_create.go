package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/autoreply"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/interactive"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// autoReplyRuleCreate adds a keyword rule at the end of a channel's rules.
// A rule answers (text, or options: up to 3 as buttons, 4 to 10 as a
// list), and/or moves the conversation to a department, assigns it, labels
// it; it must do at least one of these.
func (s *Server) autoReplyRuleCreate(w http.ResponseWriter, r *http.Request) {
	ch, ok := s.loadChannel(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.badRequest(w, r, err)
		return
	}
	ctx := r.Context()
	f := views.RuleForm{Match: r.PostFormValue("match"), Phrase: strings.TrimSpace(r.PostFormValue("phrase")),
		Reply: strings.TrimSpace(r.PostFormValue("reply")), Options: strings.TrimSpace(r.PostFormValue("options")),
		Department: r.PostFormValue("department_id"), Assignee: r.PostFormValue("assignee_id"), Label: r.PostFormValue("label_id")}
	rule := store.AutoReplyRule{ChannelID: ch.ID, Enabled: true, Match: f.Match, Phrase: f.Phrase, Reply: f.Reply}
	errs := views.Errors{}
	if !autoreply.Match(f.Match).Valid() {
		rule.Match, f.Match = string(autoreply.Contains), string(autoreply.Contains)
	}
	switch {
	case autoreply.Fold(f.Phrase) == "":
		errs["phrase"] = i18n.T(ctx, "agent.rules.error_phrase")
	case utf8.RuneCountInString(f.Phrase) > 200:
		errs["phrase"] = i18n.T(ctx, "agent.auto.error_long", "Max", 200)
	}
	for _, o := range strings.Split(f.Options, "\n") {
		if o = strings.TrimSpace(o); o != "" {
			rule.Options = append(rule.Options, o)
		}
	}
	id := func(v string) int64 { n, _ := strconv.ParseInt(v, 10, 64); return max(n, 0) }
	rule.DepartmentID, rule.AssigneeID, rule.LabelID = id(f.Department), id(f.Assignee), id(f.Label)
	if len(rule.Options) > 0 {
		if rule.Reply == "" {
			errs["reply"] = i18n.T(ctx, "agent.rules.error_reply_for_options")
		} else {
			m := interactive.Message{Body: rule.Reply, ListButton: "See options"}
			for _, o := range rule.Options {
				m.Options = append(m.Options, interactive.Option{Title: o})
			}
			if _, err := interactive.Build(m); err != nil {
				if ie, ok := interactive.AsErrors(err); ok {
					errs["options"] = ie.Error()
				} else {
					errs["options"] = err.Error()
				}
			}
		}
	}
	if len(errs) == 0 && rule.Reply == "" && rule.DepartmentID == 0 && rule.AssigneeID == 0 && rule.LabelID == 0 {
		errs["reply"] = i18n.T(ctx, "agent.rules.error_nothing")
	}
	if len(errs) > 0 {
		s.renderAutoReplies(w, r, ch, http.StatusUnprocessableEntity, func(v *views.AutoRepliesView) {
			v.NewRule, v.RuleErrors = f, errs
		})
		return
	}
	created, err := s.db.CreateAutoReplyRule(ctx, rule)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("automatic reply rule created", "channel_id", ch.ID, "rule_id", created.ID, "by", currentUser(ctx).ID)
	s.flashSuccess(w, r, i18n.T(ctx, "agent.rules.created", "Phrase", rule.Phrase))
	redirect(w, r, "/channels/"+itoa(ch.ID)+"/auto-replies#rules")
}
