package limits

import "time"

// Account restrictions and bans, from Meta's account_update webhook
// (restriction_info[].restriction_type, ban_info.waba_ban_state) and from
// send errors. Sources: Meta's account_update webhook reference and error
// codes page (131042 business eligibility payment issue, 131031 business
// account locked, 368 temporarily blocked for policy violations, 130497
// business account restricted from messaging users in this country); see
// providers.ClassifyMeta.
const (
	RestrictBusinessInitiated = "RESTRICTED_BIZ_INITIATED_MESSAGING"
	RestrictCustomerInitiated = "RESTRICTED_CUSTOMER_INITIATED_MESSAGING"
	RestrictAddPhoneNumber    = "RESTRICTED_ADD_PHONE_NUMBER_ACTION"
	BanDisabled               = "DISABLE"
	BanScheduled              = "SCHEDULE_FOR_DISABLE"
	BanReinstated             = "REINSTATE"
)

// Restriction is one limit Meta placed on the account, until Until (zero:
// no end given).
type Restriction struct {
	Type  string
	Until time.Time
}

// AccountState is what wadesk knows of whether an account may send.
type AccountState struct {
	BanState     string
	Restrictions []Restriction
	// SendProblem is the kind of the last send refusal that concerns the
	// whole account ("payment" or "account_restricted", as
	// providers.ErrorKind), when no message went out after it.
	SendProblem   string
	SendProblemAt time.Time
}

// Why an account cannot send.
const (
	BlockNone               = ""
	BlockDisabled           = "disabled"
	BlockScheduledToDisable = "scheduled_disable"
	BlockBusinessInitiated  = "restricted_business_initiated"
	BlockCustomerInitiated  = "restricted_customer_initiated"
	BlockPayment            = "payment"
	BlockRestricted         = "restricted"
)

// Block says whether (and why) a message cannot be sent now. Refuse is
// true when wadesk knows the provider would refuse it (a disabled account,
// a restriction in force for this kind of message): the composer then says
// so instead of sending. A payment problem or a restriction learnt from a
// send error is only a warning: wadesk cannot see when it is fixed, and
// the next send tells.
type Block struct {
	Reason string
	Until  time.Time
	Refuse bool
}

// AccountBlock applies the account's state to a message sent now.
func AccountBlock(st AccountState, businessInitiated bool, now time.Time) Block {
	if st.BanState == BanDisabled {
		return Block{Reason: BlockDisabled, Refuse: true}
	}
	for _, r := range st.Restrictions {
		if !r.Until.IsZero() && !now.Before(r.Until) {
			continue
		}
		switch {
		case r.Type == RestrictBusinessInitiated && businessInitiated:
			return Block{Reason: BlockBusinessInitiated, Until: r.Until, Refuse: true}
		case r.Type == RestrictCustomerInitiated && !businessInitiated:
			return Block{Reason: BlockCustomerInitiated, Until: r.Until, Refuse: true}
		}
	}
	switch st.SendProblem {
	case "payment":
		return Block{Reason: BlockPayment}
	case "account_restricted":
		return Block{Reason: BlockRestricted}
	}
	if st.BanState == BanScheduled {
		return Block{Reason: BlockScheduledToDisable}
	}
	return Block{}
}

// BlockedError refuses a message the provider would refuse for the
// account's state.
type BlockedError struct{ Block Block }

func (e *BlockedError) Error() string { return "limits: the account cannot send: " + e.Block.Reason }

// Template pausing (Meta's template pausing page): a template whose quality
// falls is paused for 3 hours the first time and 6 hours the second; the
// third time it is disabled. The status webhook's other_info.title says
// FIRST_PAUSE or SECOND_PAUSE. Unconfirmed here: the durations are taken
// from Meta's page as summarised by BSPs; wadesk shows them as "about".
var pauseLengths = map[string]time.Duration{"FIRST_PAUSE": 3 * time.Hour, "SECOND_PAUSE": 6 * time.Hour}

// PausedUntil is when a template paused at at resumes, from the status
// webhook's title; ok is false when the title names no known pause.
func PausedUntil(title string, at time.Time) (time.Time, bool) {
	d, ok := pauseLengths[title]
	if !ok || at.IsZero() {
		return time.Time{}, false
	}
	return at.Add(d), true
}
