package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"github.com/wadesk/wadesk/profile"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/views"
)

// The Manage profile pages (channel_profile_*.go) share the form, its
// rules and the provider access defined here.

// profileCallTimeout bounds one read or update of the profile; a picture
// upload gets profileUploadTimeout.
const (
	profileCallTimeout   = 30 * time.Second
	profileUploadTimeout = 2 * time.Minute
)

// profileFields is the profile form. The limits are Meta's (see
// providers.MaxProfileAbout and friends; TestProfileFormLimits keeps them
// equal).
type profileFields struct {
	About       string `form:"about" validate:"required,max=139"`
	Address     string `form:"address" validate:"max=256"`
	Description string `form:"description" validate:"max=512"`
	Email       string `form:"email" validate:"omitempty,max=128,email"`
	Website1    string `form:"website_1" validate:"omitempty,max=256,http_url"`
	Website2    string `form:"website_2" validate:"omitempty,max=256,http_url"`
	Vertical    string `form:"vertical"`
}

// profileFieldsFrom reads the posted form. Browsers send a textarea's line
// breaks as CRLF; they count as one character, as the counter shows.
func profileFieldsFrom(r *http.Request) profileFields {
	text := func(name string) string {
		return strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(name), "\r\n", "\n"))
	}
	return profileFields{
		About:       text("about"),
		Address:     text("address"),
		Description: text("description"),
		Email:       text("email"),
		Website1:    text("website_1"),
		Website2:    text("website_2"),
		Vertical:    text("vertical"),
	}
}

// profileFieldsOf fills the form from the provider's profile.
func profileFieldsOf(p providers.BusinessProfile) profileFields {
	f := profileFields{About: p.About, Address: p.Address, Description: p.Description, Email: p.Email}
	if providers.VerticalLabel(p.Vertical) != "" {
		f.Vertical = p.Vertical // UNDEFINED and retired codes show "Choose a category"
	}
	if len(p.Websites) > 0 {
		f.Website1 = p.Websites[0]
	}
	if len(p.Websites) > 1 {
		f.Website2 = p.Websites[1]
	}
	return f
}

func (f profileFields) websites() []string {
	var out []string
	for _, w := range []string{f.Website1, f.Website2} {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// businessProfile is the update the form asks for: emptied fields are
// removed, an unchosen category is left as it is.
func (f profileFields) businessProfile() providers.BusinessProfile {
	return providers.BusinessProfile{About: f.About, Address: f.Address, Description: f.Description, Email: f.Email,
		Websites: f.websites(), Vertical: f.Vertical, ClearEmpty: true}
}

// checkProfile validates the form, in words an admin can act on.
func (s *Server) checkProfile(f profileFields) views.Errors {
	errs := views.Errors{}
	var verrs validator.ValidationErrors
	if errors.As(s.validate.Struct(f), &verrs) {
		for _, fe := range verrs {
			if !errs.Has(fe.Field()) {
				errs[fe.Field()] = profileFieldMessage(fe)
			}
		}
	}
	if f.Vertical != "" && !providers.ValidVertical(f.Vertical) {
		errs["vertical"] = "Choose one of the categories in the list."
	}
	if !errs.Has("website_2") && f.Website2 != "" && strings.EqualFold(f.Website1, f.Website2) {
		errs["website_2"] = "This is the same address as the first website."
	}
	return errs
}

func profileFieldMessage(fe validator.FieldError) string {
	label := map[string]string{"about": "About", "address": "The address", "description": "The description",
		"email": "The email address", "website_1": "A website address", "website_2": "A website address"}[fe.Field()]
	switch fe.Tag() {
	case "required":
		return "Enter an About text; WhatsApp requires one (for example \"Open 8–18, Monday to Saturday\")."
	case "max":
		n := utf8.RuneCountInString(fmt.Sprint(fe.Value()))
		return fmt.Sprintf("%s can have at most %s characters; this has %d.", label, fe.Param(), n)
	case "email":
		return "Enter an email address like hello@example.com, or leave it empty."
	case "http_url":
		return "Enter a full web address starting with https:// (or http://), such as https://www.example.com."
	}
	return "This value is not valid."
}

// profileAPI is what the profile pages use of a channel's provider.
type profileAPI struct {
	providers.ProfileManager
	// pictures is nil when the provider cannot upload profile pictures.
	pictures providers.ProfilePictureManager
}

// errNoProfile: the channel's provider has no business profile support.
var errNoProfile = errors.New("the provider cannot manage the business profile")

func (s *Server) profileClient(ctx context.Context, ch store.Channel) (profileAPI, error) {
	c, err := s.channelClient(ctx, ch)
	if err != nil {
		return profileAPI{}, err
	}
	var caps providers.Capabilities
	if cr, ok := c.(providers.CapabilityReporter); ok {
		caps = cr.Capabilities()
	}
	pm, ok := c.(providers.ProfileManager)
	if !ok || !caps.Has(providers.CapBusinessProfile) {
		return profileAPI{}, errNoProfile
	}
	api := profileAPI{ProfileManager: pm}
	if pp, ok := c.(providers.ProfilePictureManager); ok && caps.Has(providers.CapProfilePicture) {
		api.pictures = pp
	}
	return api, nil
}

// pictureProxyURL is where the page shows the provider's picture: through
// wadesk, since the page's Content-Security-Policy allows no other image
// host. The version changes with the provider's address.
func pictureProxyURL(channelID int64, providerURL string) string {
	if providerURL == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(providerURL))
	return "/channels/" + itoa(channelID) + "/profile/picture?v=" + hex.EncodeToString(sum[:6])
}

// postedPictureURL returns the form's picture_url when it is this
// channel's picture address, else "".
func postedPictureURL(r *http.Request, channelID int64) string {
	u := r.PostFormValue("picture_url")
	prefix := "/channels/" + itoa(channelID) + "/profile/picture?v="
	if !strings.HasPrefix(u, prefix) || strings.ContainsAny(u[len(prefix):], "&#/\"'<> ") {
		return ""
	}
	return u
}

// profileView builds the page from the form's values.
func profileView(ch store.Channel, api profileAPI, f profileFields, pictureURL string) views.ProfileForm {
	v := views.ProfileForm{
		ChannelID: ch.ID, ChannelTitle: ch.Title, Number: ch.DisplayPhoneNumber,
		About: f.About, Address: f.Address, Description: f.Description, Email: f.Email,
		Website1: f.Website1, Website2: f.Website2, Vertical: f.Vertical,
		Limits: views.ProfileLimits{About: providers.MaxProfileAbout, Address: providers.MaxProfileAddress,
			Description: providers.MaxProfileDescription, Email: providers.MaxProfileEmail, Website: providers.MaxProfileWebsiteLen},
		Picture: views.ProfilePictureView{CurrentURL: pictureURL, Supported: api.pictures != nil, HasAppID: ch.AppID != "",
			MinSide: providers.MinProfilePictureSide, MaxMB: providers.MaxProfilePictureBytes >> 20,
			MaxSide: profile.MaxPictureSide},
		Preview: profilePreview(ch, f, pictureURL),
		Errors:  views.Errors{},
	}
	for _, vt := range providers.Verticals() {
		v.Verticals = append(v.Verticals, views.VerticalOption{Code: vt.Code, Label: vt.Label, Selected: vt.Code == f.Vertical})
	}
	return v
}

// profilePreview is the phone preview of what the form holds.
func profilePreview(ch store.Channel, f profileFields, pictureURL string) views.ProfilePreview {
	name := ch.VerifiedName
	if name == "" {
		name = ch.Title
	}
	return views.ProfilePreview{Name: name, PictureURL: pictureURL, About: f.About, Category: providers.VerticalLabel(f.Vertical),
		Description: f.Description, Address: f.Address, Email: f.Email, Websites: f.websites()}
}

// profileProblem shows a provider refusal: under the field Meta named, or
// above the form.
func profileProblem(ctx context.Context, v *views.ProfileForm, err error, fallbackField string) {
	msg := plainError(ctx, err)
	field := fallbackField
	if pe, ok := providers.AsError(err); ok {
		if pe.Code != 0 {
			msg += fmt.Sprintf(" (error code %d)", pe.Code)
		}
		if pe.Kind == providers.ErrorKindInvalidParameter {
			about := strings.ToLower(pe.Details + " " + pe.UserMessage + " " + pe.Message)
			// Most specific first: an email problem says "email address".
			for _, c := range []struct{ key, field string }{
				{"picture", "picture"}, {"file_type", "picture"}, {"email", "email"}, {"website", "website_1"},
				{"vertical", "vertical"}, {"description", "description"}, {"address", "address"}, {"about", "about"},
			} {
				if strings.Contains(about, c.key) {
					field = c.field
					break
				}
			}
		}
		if pe.Kind == providers.ErrorKindAuth {
			field = ""
		}
	}
	if field == "" || (field == "picture" && !v.Picture.Supported) {
		v.Problem = msg
		return
	}
	v.Errors[field] = msg
}

// profileSummary lists what the provider now holds, for the flash after
// saving.
func profileSummary(p providers.BusinessProfile) string {
	var parts []string
	if p.About != "" {
		parts = append(parts, "About “"+p.About+"”")
	}
	if l := providers.VerticalLabel(p.Vertical); l != "" {
		parts = append(parts, "category "+l)
	}
	if p.Description != "" {
		parts = append(parts, "a description")
	}
	if p.Address != "" {
		parts = append(parts, "address "+p.Address)
	}
	if p.Email != "" {
		parts = append(parts, "email "+p.Email)
	}
	switch len(p.Websites) {
	case 0:
	case 1:
		parts = append(parts, "1 website")
	default:
		parts = append(parts, fmt.Sprintf("%d websites", len(p.Websites)))
	}
	if len(parts) == 0 {
		return "an empty profile"
	}
	return strings.Join(parts, ", ")
}

// profileDifferences names the fields the provider holds differently from
// what was sent.
func profileDifferences(sent, got providers.BusinessProfile) []string {
	var out []string
	add := func(name string, same bool) {
		if !same {
			out = append(out, name)
		}
	}
	add("About", sent.About == got.About)
	add("address", sent.Address == got.Address)
	add("description", sent.Description == got.Description)
	add("email", sent.Email == got.Email)
	add("websites", strings.Join(sent.Websites, " ") == strings.Join(got.Websites, " "))
	add("category", sent.Vertical == "" || sent.Vertical == got.Vertical)
	return out
}
