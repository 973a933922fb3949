package health

import (
	"strings"
	"testing"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// A phone whose WhatsApp session ended (Maytapi) is a disconnection, with
// the Pair again action, not Meta's WhatsApp Manager advice.
func TestLoggedOutPhoneIsDisconnectedWithPairAgain(t *testing.T) {
	f := assessNumber(providers.PhoneNumber{ID: "40001", Status: providers.PhoneLoggedOut})
	if f.state != store.ChannelDisconnected || !strings.Contains(f.action, "Pair again") || !strings.Contains(f.reason, "session has ended") {
		t.Errorf("finding = %+v", f)
	}
}
