package providers

import "context"

// PhonePairer is a client whose numbers are ordinary WhatsApp accounts on
// phones, linked by scanning a QR code (unofficial providers such as
// Maytapi). The wizard shows the pairing step for such a client before
// Finish, and the channel page offers to pair again when the session ends.
type PhonePairer interface {
	// Pairing reads the phone's session.
	Pairing(ctx context.Context, phoneID string) (PairingStatus, error)
	// PairingQR returns the phone's current QR code as a PNG image.
	PairingQR(ctx context.Context, phoneID string) ([]byte, error)
}

// PairingStatus is a phone's WhatsApp session.
type PairingStatus struct {
	// LoggedIn: the phone is paired and online.
	LoggedIn bool
	// WaitingForScan: a QR code is shown and waits to be scanned.
	WaitingForScan bool
	// Words says the session in plain words.
	Words string
	// Number is the phone's number once logged in.
	Number string
}
