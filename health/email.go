package health

import (
	"bytes"
	"context"
	"errors"
	"html"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/store"
)

// alertData fills the alert templates: every sentence already in the
// language of the console (its default language), customer-independent.
type alertData struct {
	Disconnected bool
	Lang         string
	Reason       string
	Action       string
	// Warning is a remaining problem of a recovered channel.
	Warning string
	Link    string
	// The sentences, from the catalog.
	Lead, WhatHappened, WhatToDo, StillWorth, Open, Why string
	// LeadHTML is Lead with the channel's name in bold.
	LeadHTML htmltemplate.HTML
}

const alertText = `{{.Lead}}
{{if .Disconnected}}
{{.WhatHappened}}:
{{.Reason}}
{{if .Action}}
{{.WhatToDo}}:
{{.Action}}
{{end}}
{{- else if .Warning}}
{{.StillWorth}}:
{{.Warning}}
{{end}}
{{.Open}}:
{{.Link}}

--
{{.Why}}
`

const alertHTML = `<!DOCTYPE html>
<html lang="{{.Lang}}">
<body style="margin:0;padding:24px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2933;background:#ffffff">
<p style="margin:0 0 16px">{{.LeadHTML}}</p>
{{- if .Disconnected}}
<h2 style="margin:0 0 4px;font-size:15px">{{.WhatHappened}}</h2>
<p style="margin:0 0 16px">{{.Reason}}</p>
{{- if .Action}}
<h2 style="margin:0 0 4px;font-size:15px">{{.WhatToDo}}</h2>
<p style="margin:0 0 16px">{{.Action}}</p>
{{- end}}
{{- else if .Warning}}
<h2 style="margin:0 0 4px;font-size:15px">{{.StillWorth}}</h2>
<p style="margin:0 0 16px">{{.Warning}}</p>
{{- end}}
<p style="margin:0 0 24px"><a href="{{.Link}}" style="color:#0b6e4f">{{.Open}}</a></p>
<p style="margin:0;font-size:13px;color:#6b7280">{{.Why}}</p>
</body>
</html>
`

var (
	alertTextTmpl = texttemplate.Must(texttemplate.New("alert.txt").Parse(alertText))
	alertHTMLTmpl = htmltemplate.Must(htmltemplate.New("alert.html").Parse(alertHTML))
)

// channelName is "Sales WhatsApp (+1 555 0100)".
func channelName(ch store.Channel) string {
	if ch.DisplayPhoneNumber == "" {
		return ch.Title
	}
	return ch.Title + " (" + ch.DisplayPhoneNumber + ")"
}

// alertMessage composes the email about ch entering (kind
// store.AlertDisconnected) or leaving the disconnected state, in the
// console's default language (the addresses are not users with their
// own).
func (c *Checker) alertMessage(ctx context.Context, lang string, ch store.Channel, kind string, f finding, now time.Time) (mailer.Message, error) {
	ctx = i18n.WithLocale(ctx, i18n.Default().Match("", lang))
	name := channelName(ch)
	at := now.UTC()
	day := i18n.T(ctx, "datetime.day_month_year", "Day", i18n.Int(ctx, int64(at.Day())),
		"Month", i18n.T(ctx, "format.month."+strconv.Itoa(int(at.Month()))), "Year", i18n.Year(ctx, at.Year()))
	when := i18n.T(ctx, "mail.alert.when", "Time", i18n.TwoDigits(ctx, at.Hour())+":"+i18n.TwoDigits(ctx, at.Minute()), "Date", day)
	d := alertData{
		Disconnected: kind == store.AlertDisconnected,
		Lang:         i18n.Lang(ctx),
		Reason:       f.reason,
		Action:       f.action,
		Link:         c.baseURL.JoinPath("channels", strconv.FormatInt(ch.ID, 10)).String(),
		WhatHappened: i18n.T(ctx, "mail.alert.what_happened"),
		WhatToDo:     i18n.T(ctx, "mail.alert.what_to_do"),
		StillWorth:   i18n.T(ctx, "mail.alert.still_worth_a_look"),
		Open:         i18n.T(ctx, "mail.alert.open_channel"),
		Why:          i18n.T(ctx, "mail.alert.why_you_get_this", "Title", ch.Title),
	}
	lead := "mail.alert.stopped"
	subject := i18n.T(ctx, "mail.alert.subject_disconnected", "Name", name)
	if !d.Disconnected {
		lead = "mail.alert.works_again"
		subject = i18n.T(ctx, "mail.alert.subject_recovered", "Name", name)
		if f.state == store.ChannelNeedsAttention {
			d.Warning = f.reason
		}
	}
	d.Lead = i18n.T(ctx, lead, "Name", name, "When", when)
	// The name goes in bold: the sentence is escaped around a stand-in.
	const mark = "\x00name\x00"
	d.LeadHTML = htmltemplate.HTML(strings.ReplaceAll(html.EscapeString(i18n.T(ctx, lead, "Name", mark, "When", when)),
		mark, "<strong>"+html.EscapeString(name)+"</strong>"))
	var text, htmlBody bytes.Buffer
	if err := alertTextTmpl.Execute(&text, d); err != nil {
		return mailer.Message{}, err
	}
	if err := alertHTMLTmpl.Execute(&htmlBody, d); err != nil {
		return mailer.Message{}, err
	}
	return mailer.Message{To: ch.AlertEmails, Subject: subject, Text: text.String(), HTML: htmlBody.String()}, nil
}

// alert emails ch's alert addresses and records the attempt. Failures are
// logged and recorded, never returned: the check itself succeeded.
func (c *Checker) alert(ctx context.Context, ch store.Channel, kind string, f finding, now time.Time) {
	log := c.log.With("channel_id", ch.ID, "alert", kind)
	if len(ch.AlertEmails) == 0 {
		log.InfoContext(ctx, "channel alert not sent: the channel has no alert addresses")
		return
	}
	// The state change is already recorded, so the email must not be lost
	// because the caller (a page, a shutdown) stopped waiting; it has its own
	// time limit instead.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.mailTimeout)
	defer cancel()
	rec := store.ChannelAlert{ChannelID: ch.ID, Kind: kind, Recipients: ch.AlertEmails, Reason: f.reason, SentAt: now}
	lang, err := c.db.ConsoleLanguage(ctx)
	if err != nil {
		log.WarnContext(ctx, "channel alert: read the console language; writing in English", "err", err)
	}
	msg, err := c.alertMessage(ctx, lang, ch, kind, f, now)
	switch {
	case err != nil:
		log.ErrorContext(ctx, "channel alert not sent: compose", "err", err)
		rec.Error = "The email could not be composed."
	case c.mail == nil:
		log.WarnContext(ctx, "channel alert not sent: no mailer configured in this wadesk")
		rec.Error = mailer.Plain(mailer.ErrNotConfigured)
	default:
		err = c.mail.Send(ctx, msg)
		switch {
		case errors.Is(err, mailer.ErrNotConfigured):
			log.WarnContext(ctx, "channel alert not sent: outgoing email is not set up (Settings → Email)")
			rec.Error = mailer.Plain(err)
		case err != nil:
			log.ErrorContext(ctx, "channel alert not sent", "to", strings.Join(ch.AlertEmails, ","), "err", err)
			rec.Error = mailer.Plain(err)
		default:
			log.InfoContext(ctx, "channel alert sent", "to", strings.Join(ch.AlertEmails, ","))
		}
	}
	if _, err := c.db.RecordChannelAlert(ctx, rec); err != nil {
		log.ErrorContext(ctx, "channel alert: record", "err", err)
	}
}
