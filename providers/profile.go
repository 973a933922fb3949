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
	Description string // up to 256 characters
	Email       string // up to 128 characters
	Websites    []string
	Vertical    string // one of Verticals' codes
	// ProfilePictureURL is read-only: the provider's URL of the current picture.
	ProfilePictureURL string
	// ProfilePictureHandle sets a new picture; it comes from the provider's
	// resumable upload API. Write-only.
	ProfilePictureHandle string
}

// Business profile limits documented by Meta.
const (
	MaxProfileAbout       = 139
	MaxProfileAddress     = 256
	MaxProfileDescription = 256
	MaxProfileEmail       = 128
	MaxProfileWebsites    = 2
	MaxProfileWebsiteLen  = 256
)

// Vertical is a business category a profile can have.
type Vertical struct {
	Code  string
	Label string
}

// Verticals lists the business categories Meta accepts for a profile.
func Verticals() []Vertical {
	return []Vertical{
		{"OTHER", "Other"},
		{"AUTO", "Automotive"},
		{"BEAUTY", "Beauty, spa and salon"},
		{"APPAREL", "Clothing and apparel"},
		{"EDU", "Education"},
		{"ENTERTAIN", "Entertainment"},
		{"EVENT_PLAN", "Event planning and service"},
		{"FINANCE", "Finance and banking"},
		{"GROCERY", "Food and grocery"},
		{"GOVT", "Public service"},
		{"HOTEL", "Hotel and lodging"},
		{"HEALTH", "Medical and health"},
		{"NONPROFIT", "Non-profit"},
		{"PROF_SERVICES", "Professional services"},
		{"RETAIL", "Shopping and retail"},
		{"TRAVEL", "Travel and transportation"},
		{"RESTAURANT", "Restaurant"},
		{"ALCOHOL", "Alcoholic beverages"},
		{"ONLINE_GAMBLING", "Online gambling and gaming"},
		{"PHYSICAL_GAMBLING", "Non-online gambling and gaming"},
		{"OTC_DRUGS", "Over-the-counter drugs"},
	}
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
