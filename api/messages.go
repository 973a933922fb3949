package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wadesk/wadesk/consent"
	"github.com/wadesk/wadesk/contacts"
	"github.com/wadesk/wadesk/dailycap"
	"github.com/wadesk/wadesk/i18n"
	"github.com/wadesk/wadesk/outbox"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
	"github.com/wadesk/wadesk/window"
)

// sendRequest is the body of POST /api/v1/messages.
type sendRequest struct {
	To        string        `json:"to"`
	ChannelID int64         `json:"channel_id"`
	Template  *sendTemplate `json:"template"`
	Text      *string       `json:"text"`
}

type sendTemplate struct {
	Name     string `json:"name"`
	Language string `json:"language"`
	// Variables are by position (a list: the body's {{1}}, {{2}}…) or by
	// name (an object: "1", "first_name", or a field such as "header_1",
	// "button_0").
	Variables json.RawMessage `json:"variables"`
}

// Message is a message as the API shows it.
type Message struct {
	ID             int64     `json:"id"`
	ConversationID int64     `json:"conversation_id"`
	Direction      string    `json:"direction"`
	Type           string    `json:"type"`
	Status         string    `json:"status"`
	Text           string    `json:"text"`
	WAMID          string    `json:"wamid,omitempty"`
	Failure        *Failure  `json:"failure,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
}

// Failure says why a message failed.
type Failure struct {
	Code   int    `json:"code,omitempty"`
	Reason string `json:"reason"`
}

func messageOf(m store.Message) Message {
	out := Message{ID: m.ID, ConversationID: m.ConversationID, Direction: m.Direction, Type: m.Type, Status: m.Status, Text: m.Text,
		WAMID: m.WAMID, CreatedAt: m.Timestamp}
	if m.Direction == "in" {
		out.Status = ""
	}
	switch {
	case m.FailureReason != "":
		out.Failure = &Failure{Code: m.FailureCode, Reason: m.FailureReason}
	case m.StatusError.Code != 0:
		out.Failure = &Failure{Code: m.StatusError.Code, Reason: strings.TrimSpace(m.StatusError.Title + ". " + m.StatusError.Details)}
	}
	return out
}

const maxBody = 64 << 10

// messageSend sends a template to a number, or a free-form text inside
// the customer service window. With an Idempotency-Key header, a retry of
// the same request gets the first answer and sends nothing again.
func (a *API) messageSend(w http.ResponseWriter, r *http.Request, key store.APIKey) {
	ctx := r.Context()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeProblem(w, r, http.StatusBadRequest, codeInvalidJSON, i18n.T(r.Context(), "api.problem.body_unreadable"), nil)
		return
	}
	idem := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(idem) > 200 {
		writeProblem(w, r, http.StatusBadRequest, codeValidation, i18n.T(r.Context(), "api.problem.idem_too_long"), nil)
		return
	}
	if idem != "" {
		sum := sha256.Sum256(body)
		claimed, prior, err := a.db.ClaimIdempotencyKey(ctx, key.ID, idem, hex.EncodeToString(sum[:]))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !claimed {
			switch {
			case prior.RequestHash != hex.EncodeToString(sum[:]):
				writeProblem(w, r, http.StatusUnprocessableEntity, codeIdemReused, i18n.T(r.Context(), "api.problem.idem_reused"), nil)
			case prior.Status == 0:
				writeProblem(w, r, http.StatusConflict, codeInProgress, i18n.T(r.Context(), "api.problem.idem_in_progress"), nil)
			default:
				w.Header().Set("Idempotent-Replayed", "true")
				ct := "application/json"
				if prior.Status >= 400 {
					ct = "application/problem+json"
				}
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(prior.Status)
				io.WriteString(w, prior.Body)
			}
			return
		}
		// The answer is kept for retries; a failure of wadesk's own is not,
		// so that a retry tries again.
		rec := &bufferedWriter{header: http.Header{}}
		a.send(rec, r, body)
		keep := rec.status
		if keep >= 500 || keep == http.StatusTooManyRequests {
			keep = 0
		}
		if err := a.db.SaveIdempotentAnswer(ctx, key.ID, idem, keep, rec.buf.String()); err != nil {
			a.log.Error("api: idempotent answer not kept", "err", err)
		}
		rec.copyTo(w)
		return
	}
	a.send(w, r, body)
}

// bufferedWriter holds an answer until it is kept for retries.
type bufferedWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.buf.Write(p)
}
func (b *bufferedWriter) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	w.Write(b.buf.Bytes())
}

func (a *API) send(w http.ResponseWriter, r *http.Request, body []byte) {
	ctx := r.Context()
	var req sendRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeProblem(w, r, http.StatusBadRequest, codeInvalidJSON, i18n.T(r.Context(), "api.problem.bad_json", "Error", err.Error()), nil)
		return
	}
	var fields []FieldProblem
	phone, problem := contacts.ParseNumber(req.To)
	if problem != "" {
		writeProblem(w, r, http.StatusUnprocessableEntity, codeInvalidNumber, i18n.T(ctx, problem), []FieldProblem{{"to", i18n.T(ctx, problem)}})
		return
	}
	if (req.Template == nil) == (req.Text == nil) {
		fields = append(fields, FieldProblem{"template", i18n.T(r.Context(), "api.problem.field_template_or_text")})
	}
	if req.Text != nil && strings.TrimSpace(*req.Text) == "" {
		fields = append(fields, FieldProblem{"text", i18n.T(r.Context(), "api.problem.field_text_empty")})
	}
	if req.Template != nil && (req.Template.Name == "" || req.Template.Language == "") {
		fields = append(fields, FieldProblem{"template", i18n.T(r.Context(), "api.problem.field_template_name")})
	}
	if len(fields) > 0 {
		writeProblem(w, r, http.StatusUnprocessableEntity, codeValidation, i18n.T(r.Context(), "api.problem.fields_to_correct"), fields)
		return
	}
	channelID, ok := a.channel(w, r, req.ChannelID)
	if !ok {
		return
	}
	// A number wadesk does not know becomes a contact only when a template
	// is sent to it.
	contact, err := a.db.ContactByPhone(ctx, phone)
	known := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.fail(w, r, err)
		return
	}
	var msg providers.OutboundMessage
	var opts []outbox.Option
	var convID int64
	if req.Text != nil {
		if known {
			convID, err = a.db.ConversationWith(ctx, channelID, contact.ID)
		} else {
			err = store.ErrNotFound
		}
		if errors.Is(err, store.ErrNotFound) {
			// Never wrote: the window rule says why, in the console's words.
			_, why := window.CanSendFreeForm(window.Stored(time.Time{}, nil, nowFunc()))
			writeProblem(w, r, http.StatusUnprocessableEntity, codeWindowClosed, why, nil)
			return
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		msg = providers.OutboundMessage{Text: &providers.Text{Body: *req.Text}}
	} else {
		t, form, err := a.template(ctx, channelID, req.Template.Name, req.Template.Language)
		if errors.Is(err, store.ErrNotFound) {
			writeProblem(w, r, http.StatusUnprocessableEntity, codeTemplateMissing,
				i18n.T(ctx, "api.problem.template_missing", "Name", req.Template.Name, "Language", req.Template.Language), nil)
			return
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		values, fp := templateValues(ctx, form, req.Template.Variables)
		if len(fp) > 0 {
			writeProblem(w, r, http.StatusUnprocessableEntity, codeValidation, i18n.T(r.Context(), "api.problem.template_variables"), fp)
			return
		}
		vals, err := a.vars.Resolve(ctx, templates.SendContext{ContactName: contact.Name, ContactPhone: phone})
		if err != nil {
			a.fail(w, r, err)
			return
		}
		filled, shown, errs := form.Fill(t.Name, t.Language, t.Category, values, vals)
		if len(errs) > 0 {
			for k, v := range errs {
				fields = append(fields, FieldProblem{"template.variables." + k, v})
			}
			writeProblem(w, r, http.StatusUnprocessableEntity, codeValidation, i18n.T(r.Context(), "api.problem.template_variables"), fields)
			return
		}
		if !known {
			contact, err = a.db.CreateContact(ctx, store.NewContact{Phone: phone})
			if errors.Is(err, store.ErrConflict) {
				contact, err = a.db.ContactByPhone(ctx, phone)
			}
			if err != nil {
				a.fail(w, r, err)
				return
			}
		}
		state := consent.State{OptedInAt: contact.OptedInAt, MarketingOptedOutAt: contact.MarketingOptedOutAt, OptOutSource: contact.OptOutSource, Blocked: contact.Blocked}
		var refused *consent.RefusedError
		if err := consent.Check(ctx, state, t.Category); errors.As(err, &refused) {
			writeProblem(w, r, http.StatusUnprocessableEntity, refused.Code, refused.Reason, nil)
			return
		}
		if convID, err = a.db.OpenConversation(ctx, channelID, contact.ID); err != nil {
			a.fail(w, r, err)
			return
		}
		msg = providers.OutboundMessage{Template: &filled}
		opts = []outbox.Option{outbox.ShowText(shown.Body), outbox.ShowRendered(shown)}
	}
	m, err := a.queue.Enqueue(ctx, convID, msg, opts...)
	if err != nil {
		a.refusal(w, r, err)
		return
	}
	stored, err := a.db.MessageByID(ctx, m.MessageID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/messages/"+itoa(stored.ID))
	writeJSON(w, http.StatusAccepted, messageOf(stored))
}

// refusal answers an Enqueue error: the outbox's refusals in their own
// words and codes, anything else a failure of wadesk's.
func (a *API) refusal(w http.ResponseWriter, r *http.Request, err error) {
	var wc *outbox.WindowClosedError
	var refused *consent.RefusedError
	var ve *providers.ValidationError
	var capped *dailycap.ReachedError
	switch {
	case errors.As(err, &wc):
		writeProblem(w, r, http.StatusUnprocessableEntity, codeWindowClosed, wc.Reason, nil)
	case errors.As(err, &refused):
		writeProblem(w, r, http.StatusUnprocessableEntity, refused.Code, refused.Reason, nil)
	case errors.As(err, &ve):
		writeProblem(w, r, http.StatusUnprocessableEntity, codeValidation, providers.Plain(err), nil)
	case errors.As(err, &capped):
		writeProblem(w, r, http.StatusUnprocessableEntity, codeRefused, capped.Error(), nil)
	default:
		a.fail(w, r, err)
	}
}

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("api: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeProblem(w, r, http.StatusInternalServerError, codeInternal, i18n.T(r.Context(), "api.problem.internal"), nil)
}

// channel resolves the number to send from: the one asked for, or the
// default one.
func (a *API) channel(w http.ResponseWriter, r *http.Request, id int64) (int64, bool) {
	chans, err := a.db.SendingChannels(r.Context(), store.InboxViewer{Admin: true})
	if err != nil {
		a.fail(w, r, err)
		return 0, false
	}
	for _, c := range chans {
		if id == 0 || c.ID == id {
			return c.ID, true
		}
	}
	if id == 0 {
		writeProblem(w, r, http.StatusUnprocessableEntity, codeNoChannel, i18n.T(r.Context(), "api.problem.no_channel"), nil)
	} else {
		writeProblem(w, r, http.StatusUnprocessableEntity, codeNoChannel, i18n.T(r.Context(), "api.problem.unknown_channel"), []FieldProblem{{"channel_id", i18n.T(r.Context(), "api.problem.field_unknown_channel")}})
	}
	return 0, false
}

// template finds an approved template of the channel by name and language.
func (a *API) template(ctx context.Context, channelID int64, name, language string) (store.Template, templates.SendForm, error) {
	ts, err := a.db.ListTemplates(ctx, store.TemplateFilter{ChannelID: channelID})
	if err != nil {
		return store.Template{}, templates.SendForm{}, err
	}
	for _, t := range ts {
		if t.Name == name && strings.EqualFold(t.Language, language) && strings.EqualFold(t.Status, templates.StatusApproved) {
			comps, err := templates.DecodeComponents(t.ComponentsJSON)
			if err != nil {
				return store.Template{}, templates.SendForm{}, err
			}
			return t, templates.NewSendForm(comps), nil
		}
	}
	return store.Template{}, templates.SendForm{}, store.ErrNotFound
}

// templateValues maps the request's variables onto the template's fields:
// a list fills the body's variables in order; an object names a variable
// ("1", "first_name") or a field ("header_1", "button_0").
func templateValues(ctx context.Context, form templates.SendForm, raw json.RawMessage) (map[string]string, []FieldProblem) {
	values := map[string]string{}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return values, nil
	}
	var body []templates.SendField
	for _, f := range form.Fields {
		if f.Part == templates.PartBody {
			body = append(body, f)
		}
	}
	if raw[0] == '[' {
		var list []string
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, []FieldProblem{{"template.variables", i18n.T(ctx, "api.problem.field_variables_list")}}
		}
		if len(list) > len(body) {
			return nil, []FieldProblem{{"template.variables", i18n.T(ctx, "api.problem.field_variables_count", "Want", len(body), "Got", len(list))}}
		}
		for i, v := range list {
			values[body[i].Name] = v
		}
		return values, nil
	}
	var named map[string]string
	if err := json.Unmarshal(raw, &named); err != nil {
		return nil, []FieldProblem{{"template.variables", i18n.T(ctx, "api.problem.field_variables_shape")}}
	}
	var fp []FieldProblem
	for k, v := range named {
		found := false
		for _, f := range form.Fields {
			if f.Name == k || (f.Part == templates.PartBody && f.Var == k) || (f.Part == templates.PartHeader && "header_"+f.Var == k) {
				values[f.Name] = v
				found = true
				break
			}
		}
		if !found {
			fp = append(fp, FieldProblem{"template.variables." + k, i18n.T(ctx, "api.problem.field_no_variable", "Name", strconv.Quote(k))})
		}
	}
	return values, fp
}

// messageShow answers a message's status.
func (a *API) messageShow(w http.ResponseWriter, r *http.Request, _ store.APIKey) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeProblem(w, r, http.StatusNotFound, codeNotFound, i18n.T(r.Context(), "api.problem.no_message"), nil)
		return
	}
	m, err := a.db.MessageByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, r, http.StatusNotFound, codeNotFound, i18n.T(r.Context(), "api.problem.no_message"), nil)
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, messageOf(m))
}
