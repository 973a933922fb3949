package ingest

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/wadesk/wadesk/store"
)

// Filing webhooks by number. Meta subscribes an app to a WhatsApp Business
// Account, not to a number, so one callback URL receives the webhooks of
// every number of that account the app serves; each change names its
// number in value.metadata.phone_number_id (Meta's webhooks reference,
// "messages" field). wadesk files each message under the channel of that
// number, among the channels of the same account whose app secret signed
// the body (a body signed with one app's secret says nothing about another
// app's numbers). A message for a number wadesk does not have is kept as a
// dead letter of the channel it came in on, to be reprocessed once the
// number is connected, rather than filed under the wrong channel.

// numberRouter finds the channel of a phone number id for webhooks
// delivered to one channel's URL. It caches per processing batch.
type numberRouter struct {
	db    *store.DB
	byURL map[int64]map[string]int64 // delivered-to channel -> phone number id -> channel
}

func newNumberRouter(db *store.DB) *numberRouter {
	return &numberRouter{db: db, byURL: map[int64]map[string]int64{}}
}

// numbers returns the phone numbers the channel's webhooks may speak for.
func (r *numberRouter) numbers(ctx context.Context, channelID int64) (map[string]int64, error) {
	if m, ok := r.byURL[channelID]; ok {
		return m, nil
	}
	m := map[string]int64{}
	own, err := r.db.ChannelWebhookCredentials(ctx, channelID)
	if errors.Is(err, store.ErrNotFound) {
		r.byURL[channelID] = m // deleted since: it speaks for no number
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	secret := own.AppSecret
	if secret == "" {
		// Authenticated by the channel's own secret (360dialog, a partner
		// without Meta's signature): the request speaks for that channel's
		// number alone, so its messages stay there.
		r.byURL[channelID] = nil
		return nil, nil
	}
	siblings, err := r.db.ChannelsSharingAccount(ctx, channelID)
	if err != nil {
		return nil, err
	}
	for _, c := range siblings {
		if c.ID != channelID {
			cr, err := r.db.ChannelWebhookCredentials(ctx, c.ID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if subtle.ConstantTimeCompare([]byte(cr.AppSecret), []byte(secret)) != 1 {
				continue
			}
		}
		if _, taken := m[c.PhoneNumberID]; !taken {
			m[c.PhoneNumberID] = c.ID
		}
	}
	r.byURL[channelID] = m
	return m, nil
}

// route sets each message's channel from its number. Messages for a number
// none of those channels has are taken out, and the event is kept as a
// dead letter saying which number it was for.
func (r *numberRouter) route(ctx context.Context, pe *store.ProcessedEvent) error {
	if pe.Dead != "" || len(pe.Messages) == 0 {
		return nil
	}
	nums, err := r.numbers(ctx, pe.ChannelID)
	if err != nil {
		return fmt.Errorf("ingest: file webhook event %d by number: %w", pe.EventID, err)
	}
	if nums == nil {
		return nil // the channel's own secret: its messages are its own
	}
	kept := pe.Messages[:0]
	var unknown []string
	for _, m := range pe.Messages {
		if m.PhoneNumberID == "" {
			kept = append(kept, m) // no metadata: the channel it came in on
			continue
		}
		ch, ok := nums[m.PhoneNumberID]
		if !ok {
			if !contains(unknown, m.PhoneNumberID) {
				unknown = append(unknown, m.PhoneNumberID)
			}
			continue
		}
		m.ChannelID = ch
		kept = append(kept, m)
	}
	pe.Messages = kept
	if len(unknown) > 0 {
		pe.Dead = "Messages for phone number ID " + strings.Join(unknown, ", ") +
			", which is not connected to wadesk with this app, were kept here rather than filed under another number. Connect the number, then reprocess this webhook."
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
