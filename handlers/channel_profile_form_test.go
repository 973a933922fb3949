package handlers

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/profile"
	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
)

// TestProfileFormLimits keeps the form's validate tags equal to the
// provider limits the counters show and the client enforces.
func TestProfileFormLimits(t *testing.T) {
	want := map[string]int{
		"about": providers.MaxProfileAbout, "address": providers.MaxProfileAddress,
		"description": providers.MaxProfileDescription, "email": providers.MaxProfileEmail,
		"website_1": providers.MaxProfileWebsiteLen, "website_2": providers.MaxProfileWebsiteLen,
	}
	typ := reflect.TypeFor[profileFields]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		name := f.Tag.Get("form")
		limit, ok := want[name]
		if !ok {
			continue
		}
		delete(want, name)
		found := false
		for _, rule := range strings.Split(f.Tag.Get("validate"), ",") {
			if n, ok := strings.CutPrefix(rule, "max="); ok {
				found = true
				if n != strconv.Itoa(limit) {
					t.Errorf("%s: max=%s, the provider's limit is %d", name, n, limit)
				}
			}
		}
		if !found {
			t.Errorf("%s has no max rule", name)
		}
	}
	for name := range want {
		t.Errorf("the form has no field %s", name)
	}
}

func TestProfileProblemFindsTheField(t *testing.T) {
	meta := func(code int, kind providers.ErrorKind, details string) error {
		return &providers.Error{Provider: providers.MetaCloud, Code: code, Kind: kind, Message: "(#100) Invalid parameter", Details: details}
	}
	tests := []struct {
		name     string
		err      error
		fallback string
		field    string // "" means above the form
	}{
		{"about", meta(100, providers.ErrorKindInvalidParameter, "about must be at most 139 characters; it has 140."), "", "about"},
		{"email says address", meta(100, providers.ErrorKindInvalidParameter, "email 'x' is not a valid email address."), "", "email"},
		{"address", meta(100, providers.ErrorKindInvalidParameter, "address must be at most 256 characters; it has 300."), "", "address"},
		{"websites", meta(100, providers.ErrorKindInvalidParameter, "websites accepts at most 2 URLs; got 3."), "", "website_1"},
		{"handle", meta(100, providers.ErrorKindInvalidParameter, "profile_picture_handle has expired. Upload the picture again."), "", "picture"},
		{"unnamed field", meta(100, providers.ErrorKindInvalidParameter, ""), "", ""},
		{"unnamed, picture form", meta(100, providers.ErrorKindInvalidParameter, ""), "picture", "picture"},
		{"token", meta(190, providers.ErrorKindAuth, ""), "picture", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := profileView(store.Channel{ID: 1}, profileAPI{pictures: fakePictures{}}, profileFields{}, "")
			profileProblem(context.Background(), &v, tt.err, tt.fallback)
			if tt.field == "" {
				if v.Problem == "" || len(v.Errors) != 0 {
					t.Fatalf("problem %q, errors %v; want the problem above the form", v.Problem, v.Errors)
				}
				return
			}
			if v.Errors[tt.field] == "" || v.Problem != "" {
				t.Fatalf("errors %v, problem %q; want the problem under %s", v.Errors, v.Problem, tt.field)
			}
			if !strings.Contains(v.Errors[tt.field], "error code") {
				t.Errorf("the message %q does not give the code", v.Errors[tt.field])
			}
		})
	}
}

// fakePictures stands for a provider that can upload pictures.
type fakePictures struct {
	providers.ProfilePictureManager
}

func TestProfilePictureChangesInWords(t *testing.T) {
	tests := []struct {
		pic  profile.Picture
		want string
	}{
		{profile.Picture{Width: 300, Height: 300, Side: 300}, ""},
		{profile.Picture{Width: 400, Height: 250, Side: 250, Cropped: true}, " (the centre 250×250 square of your 400×250 picture)"},
		{profile.Picture{Width: 1000, Height: 1000, Side: 640, Scaled: true}, " (scaled down to 640×640, the size WhatsApp shows)"},
		{profile.Picture{Width: 3024, Height: 4032, Side: 640, Turned: true, Cropped: true, Scaled: true},
			" (turned upright as the camera recorded, the centre 3024×3024 square of your 3024×4032 picture, scaled down to 640×640, the size WhatsApp shows)"},
		{profile.Picture{Width: 300, Height: 300, Side: 300, Turned: true}, " (turned upright as the camera recorded)"},
	}
	for _, tt := range tests {
		if got := pictureChanges(tt.pic); got != tt.want {
			t.Errorf("pictureChanges(%+v) = %q, want %q", tt.pic, got, tt.want)
		}
	}
}
