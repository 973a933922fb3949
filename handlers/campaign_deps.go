package handlers

import (
	"github.com/wadesk/wadesk/campaign"
	"github.com/wadesk/wadesk/store"
)

// CampaignDeps are the parts the campaign pages work with.
type CampaignDeps struct {
	// Runner is woken after a campaign is launched or resumed (the
	// campaign.Runner); Outbox after failed messages are queued again (the
	// outbox Sender). Either may be nil (tests).
	Runner Notifier
	Outbox Notifier
	// Estimator prices a campaign before launch (default: the example
	// rate table, marked as examples on the page); Limits checks the
	// messaging limit (default: the channel's tier).
	Estimator campaign.Estimator
	Limits    campaign.LimitChecker
	// Holds, when set, says why a sending campaign waits (the
	// campaign.Runner).
	Holds interface {
		Held(id int64) (campaign.Hold, bool)
	}
}

func (d CampaignDeps) withDefaults(db *store.DB) CampaignDeps {
	if d.Estimator == nil {
		d.Estimator = campaign.DefaultExampleRates()
	}
	if d.Limits == nil {
		d.Limits = campaign.TierLimits{DB: db}
	}
	return d
}

func (d CampaignDeps) wakeRunner() {
	if d.Runner != nil {
		d.Runner.Notify()
	}
}

func (d CampaignDeps) wakeOutbox() {
	if d.Outbox != nil {
		d.Outbox.Notify()
	}
}
