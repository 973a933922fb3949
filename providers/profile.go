// The errors of BusinessProfile.Validate are sentences shown to an admin
// beside the form, each naming its field with a capital letter.
//lint:file-ignore ST1005 Validate's errors are user-facing sentences, not wrapped error strings

package providers

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"unicode/utf8"
)

// BusinessProfile is the WhatsApp business profile customers see.
type BusinessProfile struct {
	About       string // up to 139 characters
	Address     string // up to 256 characters
	Description string // up to 512 characters
	Email       string // up to 128 characters
	Websites    []string
	Vertical    string // one of Verticals' codes
	// ProfilePictureURL is read-only: the provider's URL of the current picture.
	ProfilePictureURL string
	// ProfilePictureHandle sets a new picture; it comes from the provider's
	// resumable upload API (ProfilePictureManager). Write-only.
	ProfilePictureHandle string
	// ClearEmpty makes an update send the empty address, description, email
	// and website list too, so the provider removes them. Without it empty
	// fields are left out and keep their current value. About cannot be
	// removed (WhatsApp requires one), and an empty Vertical is never sent.
	ClearEmpty bool
}

// Business profile limits documented by Meta.
const (
	MaxProfileAbout       = 139
	MaxProfileAddress     = 256
	MaxProfileDescription = 512
	MaxProfileEmail       = 128
	MaxProfileWebsites    = 2
	MaxProfileWebsiteLen  = 256
)

// Vertical is a business category a profile can have.
type Vertical struct {
	Code  string
	Label string
}

// Verticals lists the business categories Meta accepts for a profile, with
// the labels WhatsApp shows, in the order a picker offers them ("Other"
// last).
func Verticals() []Vertical {
	return []Vertical{
		{"AUTO", "Automotive"},
		{"BEAUTY", "Beauty, Spa and Salon"},
		{"APPAREL", "Clothing and Apparel"},
		{"EDU", "Education"},
		{"ENTERTAIN", "Entertainment"},
		{"EVENT_PLAN", "Event Planning and Service"},
		{"FINANCE", "Finance and Banking"},
		{"GROCERY", "Food and Grocery"},
		{"GOVT", "Public Service"},
		{"HOTEL", "Hotel and Lodging"},
		{"HEALTH", "Medical and Health"},
		{"NONPROFIT", "Non-profit"},
		{"PROF_SERVICES", "Professional Services"},
		{"RETAIL", "Shopping and Retail"},
		{"TRAVEL", "Travel and Transportation"},
		{"RESTAURANT", "Restaurant"},
		{"ALCOHOL", "Alcoholic Beverages"},
		{"ONLINE_GAMBLING", "Online Gambling and Gaming"},
		{"PHYSICAL_GAMBLING", "Non-Online Gambling and Gaming"},
		{"OTC_DRUGS", "Over-the-Counter Drugs"},
		{"OTHER", "Other"},
	}
}

// VerticalLabel returns the label of a category code, "" for an unknown or
// unset one (Meta reports an unset category as UNDEFINED).
func VerticalLabel(code string) string {
	for _, v := range Verticals() {
		if v.Code == code {
			return v.Label
		}
	}
	return ""
}

// ValidVertical reports whether code is one of Verticals (or empty).
func ValidVertical(code string) bool {
	if code == "" {
		return true
	}
	for _, v := range Verticals() {
		if v.Code == code {
			return true
		}
	}
	return false
}

// Validate checks the profile against Meta's documented limits. The errors
// are plain words suitable for a form.
func (p BusinessProfile) Validate() error {
	var errs []error
	if n := utf8.RuneCountInString(p.About); n > MaxProfileAbout {
		errs = append(errs, fmt.Errorf("About can have at most %d characters (it has %d)", MaxProfileAbout, n))
	}
	if n := utf8.RuneCountInString(p.Address); n > MaxProfileAddress {
		errs = append(errs, fmt.Errorf("Address can have at most %d characters (it has %d)", MaxProfileAddress, n))
	}
	if n := utf8.RuneCountInString(p.Description); n > MaxProfileDescription {
		errs = append(errs, fmt.Errorf("Description can have at most %d characters (it has %d)", MaxProfileDescription, n))
	}
	if p.Email != "" {
		if n := utf8.RuneCountInString(p.Email); n > MaxProfileEmail {
			errs = append(errs, fmt.Errorf("Email can have at most %d characters", MaxProfileEmail))
		} else if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email {
			errs = append(errs, errors.New("Email is not a valid email address"))
		}
	}
	if len(p.Websites) > MaxProfileWebsites {
		errs = append(errs, fmt.Errorf("At most %d websites are allowed", MaxProfileWebsites))
	}
	for _, w := range p.Websites {
		u, err := url.Parse(w)
		switch {
		case utf8.RuneCountInString(w) > MaxProfileWebsiteLen:
			errs = append(errs, fmt.Errorf("Website %q is longer than %d characters", w, MaxProfileWebsiteLen))
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			errs = append(errs, fmt.Errorf("Website %q must start with http:// or https://", w))
		}
	}
	if !ValidVertical(p.Vertical) {
		errs = append(errs, fmt.Errorf("Category %q is not one WhatsApp accepts", p.Vertical))
	}
	return errors.Join(errs...)
}

// Profile picture rules. WhatsApp shows the picture cropped to a circle
// from a square; Meta takes JPEG or PNG up to 5 MB, and pictures smaller
// than 192 pixels on a side come out blurred or are refused.
const (
	MaxProfilePictureBytes = 5 << 20
	MinProfilePictureSide  = 192
)

// ProfilePicture is an image to upload as a number's profile picture.
type ProfilePicture struct {
	FileName string
	MIMEType string // image/jpeg or image/png
	Data     []byte
}
