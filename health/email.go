package health

import (
	"bytes"
	"context"
	"errors"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/wadesk/wadesk/mailer"
	"github.com/wadesk/wadesk/store"
)

// alertData fills the alert templates.
type alertData struct {
	Disconnected bool
	Title        string
	Name         string // title with the number
	When         string
	Reason       string
	Action       string
	// Warning is a remaining problem of a recovered channel.
	Warning string
	Link    string
}

const alertText = `{{if .Disconnected -}}
{{.Name}} stopped working at {{.When}}. Customers' messages to this number do not reach wadesk, and replies cannot be sent.

What happened:
{{.Reason}}
{{if .Action}}
What to do:
{{.Action}}
{{end}}
{{- else -}}
{{.Name}} works again: wadesk reached it at {{.When}}. Messages flow again.
{{if .Warning}}
Still worth a look:
{{.Warning}}
{{end}}
{{- end}}
Open the channel in wadesk:
{{.Link}}

--
You receive this because your address is on the alert list of this channel. wadesk sends one email when a channel disconnects and one when it works again. Change the list under Channels → {{.Title}} → Edit.
`

const alertHTML = `<!DOCTYPE html>
<html lang="en">
<body style="margin:0;padding:24px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2933;background:#ffffff">
{{if .Disconnected -}}
<p style="margin:0 0 16px"><strong>{{.Name}}</strong> stopped working at {{.When}}. Customers' messages to this number do not reach wadesk, and replies cannot be sent.</p>
<h2 style="margin:0 0 4px;font-size:15px">What happened</h2>
<p style="margin:0 0 16px">{{.Reason}}</p>
{{- if .Action}}
<h2 style="margin:0 0 4px;font-size:15px">What to do</h2>
<p style="margin:0 0 16px">{{.Action}}</p>
{{- end}}
{{- else -}}
<p style="margin:0 0 16px"><strong>{{.Name}}</strong> works again: wadesk reached it at {{.When}}. Messages flow again.</p>
{{- if .Warning}}
<h2 style="margin:0 0 4px;font-size:15px">Still worth a look</h2>
<p style="margin:0 0 16px">{{.Warning}}</p>
{{- end}}
{{- end}}
<p style="margin:0 0 24px"><a href="{{.Link}}" style="color:#0b6e4f">Open the channel in wadesk</a></p>
<p style="margin:0;font-size:13px;color:#6b7280">You receive this because your address is on the alert list of this channel. wadesk sends one email when a channel disconnects and one when it works again. Change the list under Channels → {{.Title}} → Edit.</p>
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
// store.AlertDisconnected) or leaving the disconnected state.
func (c *Checker) alertMessage(ch store.Channel, kind string, f finding, now time.Time) (mailer.Message, error) {
	d := alertData{
		Disconnected: kind == store.AlertDisconnected,
		Title:        ch.Title,
		Name:         channelName(ch),
		When:         now.UTC().Format("15:04 UTC on 2 Jan 2006"),
		Reason:       f.reason,
		Action:       f.action,
		Link:         c.baseURL.JoinPath("channels", strconv.FormatInt(ch.ID, 10)).String(),
	}
	subject := "wadesk: " + d.Name + " is disconnected"
	if !d.Disconnected {
		subject = "wadesk: " + d.Name + " works again"
		if f.state == store.ChannelNeedsAttention {
			d.Warning = f.reason
		}
	}
	var text, html bytes.Buffer
	if err := alertTextTmpl.Execute(&text, d); err != nil {
		return mailer.Message{}, err
	}
	if err := alertHTMLTmpl.Execute(&html, d); err != nil {
		return mailer.Message{}, err
	}
	return mailer.Message{To: ch.AlertEmails, Subject: subject, Text: text.String(), HTML: html.String()}, nil
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
	msg, err := c.alertMessage(ch, kind, f, now)
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
