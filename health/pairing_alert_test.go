package health_test

import (
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	"github.com/wadesk/wadesk/store"
)

// An unofficial provider's phone that logs out (Maytapi's session ends)
// disconnects the channel with one alert email that says to pair again,
// however often it is checked while logged out.
func TestLoggedOutPhoneSendsOneAlertWithPairAgain(t *testing.T) {
	e := newEnv(t, envOptions{mutateSim: func(c *simulator.Config) {
		c.Businesses[0].OwnedWABAs[0].PhoneNumbers[0].Status = providers.PhoneLoggedOut
	}})
	ch := e.addChannel("Shop phone", string(providers.MetaCloud), "ops@example.com")
	e.check(ch.ID, 3)
	got := e.channel(ch.ID)
	if got.State != store.ChannelDisconnected || !strings.Contains(got.StateReason, "session has ended") {
		t.Fatalf("state %q, reason %q", got.State, got.StateReason)
	}
	msgs := e.smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d emails after three checks of a logged-out phone, want 1", len(msgs))
	}
	if p := parse(t, msgs[0]); !strings.Contains(p.Text, "Pair again") || !strings.Contains(p.Subject, "is disconnected") {
		t.Errorf("alert %q lacks the advice:\n%s", p.Subject, p.Text)
	}
}
