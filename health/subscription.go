package health

import (
	"context"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/wizard"
)

// SubscriptionLister lists the apps subscribed to an account's webhooks;
// adapters that can (Meta's Cloud API) implement it next to NumberGetter.
type SubscriptionLister interface {
	ListSubscribedApps(ctx context.Context, wabaID string) ([]providers.SubscribedApp, error)
}

// checkSubscription turns a connected finding into "needs attention" when
// the provider no longer sends the account's webhooks to this channel: no
// app is subscribed, or every subscription overrides the callback with
// another address. Meta can drop a subscription (an app removed from the
// account, a reset), and so does a simulator that forgot its state; the
// number still answers, so without this the channel would read Connected
// while customers' messages go nowhere. A subscription without an override
// uses the app's own callback, which cannot be read here, so it counts as
// fine. When the list cannot be read, the finding is left as it was.
func (c *Checker) checkSubscription(ctx context.Context, client NumberGetter, ch store.Channel, f finding) finding {
	if f.transient || f.state != store.ChannelConnected || ch.WABAID == "" {
		return f
	}
	lister, ok := client.(SubscriptionLister)
	if !ok {
		return f
	}
	cctx, cancel := context.WithTimeout(ctx, c.checkTimeout)
	apps, err := lister.ListSubscribedApps(cctx, ch.WABAID)
	cancel()
	if err != nil {
		c.log.WarnContext(ctx, "channel check: could not list webhook subscriptions", "channel_id", ch.ID, "err", err)
		return f
	}
	want := wizard.WebhookURL(c.baseURL, ch.ID)
	for _, a := range apps {
		if a.OverrideCallbackURL == "" || a.OverrideCallbackURL == want {
			return f
		}
	}
	reason := "WhatsApp no longer sends this number's webhooks to wadesk: the account's webhook subscription is gone, so customers' messages do not arrive."
	if len(apps) > 0 {
		reason = "WhatsApp sends this number's webhooks to another address, not to wadesk, so customers' messages do not arrive here."
	}
	return finding{state: store.ChannelNeedsAttention, reason: reason,
		action: "Open the channel and choose \"Make a new verify token\": wadesk subscribes to the webhooks again."}
}
