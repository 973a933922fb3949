package messagebird

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/wadesk/wadesk/providers"
)

// sendRequest is POST /v1/send: a message to one WhatsApp user from the
// channel, opening or continuing the conversation. The response is
// {id, status} (contracts: messageSendResponse.json); the request fields
// are MessageBird's documentation as known here (not confirmed).
type sendRequest struct {
	To      string      `json:"to"`
	From    string      `json:"from"`
	Type    string      `json:"type"`
	Content sendContent `json:"content"`
}

// sendContent is the content of a sent message; Type says which is set.
type sendContent struct {
	Text     string        `json:"text,omitempty"`
	Image    *wireMedia    `json:"image,omitempty"`
	Video    *wireMedia    `json:"video,omitempty"`
	Audio    *wireMedia    `json:"audio,omitempty"`
	File     *wireMedia    `json:"file,omitempty"`
	Location *wireLocation `json:"location,omitempty"`
	HSM      *wireHSM      `json:"hsm,omitempty"`
}

// wireHSM is a WhatsApp template ("highly structured message"), as in the
// contracts' conversationStartHsmRequest.json.
type wireHSM struct {
	Namespace    string         `json:"namespace"`
	TemplateName string         `json:"templateName"`
	Language     wireLanguage   `json:"language"`
	Params       []wireHSMParam `json:"params,omitempty"`
}

type wireLanguage struct {
	Policy string `json:"policy"`
	Code   string `json:"code"`
}

// wireHSMParam is one template variable: default is what WhatsApp shows
// when it cannot localise currency or dateTime.
type wireHSMParam struct {
	Default  string        `json:"default"`
	Currency *wireCurrency `json:"currency,omitempty"`
	DateTime string        `json:"dateTime,omitempty"`
}

type wireCurrency struct {
	Code   string `json:"currencyCode"`
	Amount int64  `json:"amount"`
}

type sendResponse struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// SendMessage sends msg from the channel with POST /v1/send. Text, linked
// media (image, video, audio, document), locations and templates with body
// parameters are supported; what the Conversations API cannot carry is
// refused before anything is sent.
func (c *Client) SendMessage(ctx context.Context, _ string, msg providers.OutboundMessage) (providers.SendResult, error) {
	const op = providers.OpSendMessage
	if err := msg.Validate(); err != nil {
		return providers.SendResult{}, fmt.Errorf("messagebird: %s: %w", op, &providers.ValidationError{Err: err})
	}
	req, err := c.sendBody(msg)
	if err != nil {
		return providers.SendResult{}, fmt.Errorf("messagebird: %s: %w", op, err)
	}
	var resp sendResponse
	if err := c.do(ctx, op, http.MethodPost, "send", nil, req, &resp); err != nil {
		return providers.SendResult{}, err
	}
	if resp.ID == "" {
		return providers.SendResult{}, fmt.Errorf("messagebird: %s: %w", op, &providers.Error{Provider: providers.MessageBird, Op: op,
			Kind: providers.ErrorKindUnknown, Message: "the answer has no message ID"})
	}
	return providers.SendResult{MessageID: resp.ID, WaID: digits(msg.To), Input: msg.To}, nil
}

// sendBody builds the /v1/send body for msg.
func (c *Client) sendBody(msg providers.OutboundMessage) (sendRequest, error) {
	req := sendRequest{To: "+" + digits(msg.To), From: c.channel}
	unsupported := func(what string) error {
		return providers.Unsupported(providers.MessageBird, providers.OpSendMessage, what+" cannot be sent through MessageBird's Conversations API in wadesk")
	}
	if msg.ReplyTo != "" {
		// Quoting a message is not part of the send call; the reply is sent
		// without the quote rather than refused.
		c.log.Debug("messagebird: reply sent without quoting", "reply_to", msg.ReplyTo)
	}
	switch {
	case msg.Text != nil:
		req.Type, req.Content.Text = "text", msg.Text.Body
	case msg.Media != nil:
		md := msg.Media
		if md.Link == "" {
			return req, unsupported("An uploaded file")
		}
		wm := &wireMedia{URL: md.Link, Caption: md.Caption}
		switch md.Kind {
		case providers.KindImage:
			req.Type, req.Content.Image = "image", wm
		case providers.KindVideo:
			req.Type, req.Content.Video = "video", wm
		case providers.KindAudio:
			req.Type, req.Content.Audio = "audio", wm
		case providers.KindDocument:
			req.Type, req.Content.File = "file", wm
		default:
			return req, unsupported("A " + string(md.Kind))
		}
	case msg.Location != nil:
		req.Type = "location"
		req.Content.Location = &wireLocation{Latitude: msg.Location.Latitude, Longitude: msg.Location.Longitude}
	case msg.Template != nil:
		h, err := c.hsm(msg.Template)
		if err != nil {
			return req, err
		}
		req.Type, req.Content.HSM = "hsm", h
	case msg.Interactive != nil:
		return req, unsupported("Buttons and lists")
	case msg.Reaction != nil:
		return req, unsupported("A reaction")
	default:
		return req, unsupported("Contact cards")
	}
	return req, nil
}

// hsm converts a template send. The Conversations API's HSM carries body
// parameters only; header media and button parameters are refused.
func (c *Client) hsm(t *providers.TemplateMessage) (*wireHSM, error) {
	if c.namespace == "" {
		return nil, &providers.ValidationError{Err: errors.New("the channel has no WhatsApp template namespace; add it in the channel's MessageBird settings")}
	}
	policy := t.LanguagePolicy
	if policy == "" {
		policy = "deterministic"
	}
	h := &wireHSM{Namespace: c.namespace, TemplateName: t.Name, Language: wireLanguage{Policy: policy, Code: t.Language}}
	for _, comp := range t.Components {
		if comp.Type != "body" {
			if len(comp.Parameters) > 0 {
				return nil, providers.Unsupported(providers.MessageBird, providers.OpSendMessage,
					"template "+comp.Type+" parameters cannot be sent through MessageBird's Conversations API in wadesk")
			}
			continue
		}
		for _, p := range comp.Parameters {
			switch strings.ToLower(p.Type) {
			case "text":
				h.Params = append(h.Params, wireHSMParam{Default: p.Text})
			case "currency":
				if p.Currency == nil {
					return nil, &providers.ValidationError{Err: errors.New("a currency parameter has no amount")}
				}
				h.Params = append(h.Params, wireHSMParam{Default: p.Currency.FallbackValue,
					Currency: &wireCurrency{Code: p.Currency.Code, Amount: p.Currency.Amount1000}})
			case "date_time":
				if p.DateTime == nil {
					return nil, &providers.ValidationError{Err: errors.New("a date parameter has no value")}
				}
				h.Params = append(h.Params, wireHSMParam{Default: p.DateTime.FallbackValue})
			default:
				return nil, providers.Unsupported(providers.MessageBird, providers.OpSendMessage,
					"a "+p.Type+" template parameter cannot be sent through MessageBird's Conversations API in wadesk")
			}
		}
	}
	return h, nil
}
