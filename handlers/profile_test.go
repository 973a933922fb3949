package handlers_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/store"
)

const simAppID = "908070605040302" // simulator.DefaultConfig().AppID

// profileForm is a complete, valid profile form.
func profileForm() url.Values {
	return url.Values{
		"about": {"Open 7–19, Monday to Saturday"}, "vertical": {"GROCERY"},
		"description": {"Family bakery.\r\nOrder ahead on WhatsApp."}, "address": {"12 Baker Street, Springfield"},
		"email": {"orders@flordelis.example"}, "website_1": {"https://flordelis.example"}, "website_2": {"https://instagram.com/flordelis"},
	}
}

// page text as the browser shows it (entities decoded).
func (p tplPage) text() string { return html.UnescapeString(p.body) }

func (s *tplSite) setAppID(appID string) {
	s.t.Helper()
	if err := s.db.UpdateChannel(context.Background(), s.channel.ID, store.ChannelUpdate{Title: s.channel.Title, AppID: appID}); err != nil {
		s.t.Fatal(err)
	}
}

func (s *tplSite) postFile(c *http.Client, path, field, filename string, data []byte) tplPage {
	s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if data != nil {
		fw, err := mw.CreateFormFile(field, filename)
		if err != nil {
			s.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, s.url+path, &body)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(c, req)
}

func picture(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 90, A: 255})
		}
	}
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, img)
	case "jpeg":
		err = jpeg.Encode(&buf, img, nil)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestProfilePagesAreForAdmins(t *testing.T) {
	site := startTemplateSite(t)
	agent := site.signIn("agent@example.com")
	for _, tc := range []struct {
		method, path string
	}{
		{"GET", "/profile"}, {"POST", "/profile"}, {"POST", "/profile/preview"}, {"GET", "/profile/picture"}, {"POST", "/profile/picture"},
	} {
		var p tplPage
		if tc.method == "GET" {
			p = site.get(agent, site.path(tc.path))
		} else {
			p = site.post(agent, site.path(tc.path), profileForm())
		}
		if p.status != http.StatusForbidden {
			t.Errorf("agent %s %s: status %d, want 403", tc.method, tc.path, p.status)
		}
	}
	if info, _ := site.sim.Profile(tplPhone); info.About != "Fresh bread every morning 🥐" {
		t.Errorf("an agent's post changed the profile: %+v", info)
	}
}

func TestProfileShowsWhatTheProviderHas(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")
	p := site.get(admin, site.path("/profile"))
	if p.status != 200 {
		t.Fatalf("GET profile: %d\n%s", p.status, p.body)
	}
	text := p.text()
	for _, want := range []string{
		`value="Fresh bread every morning 🥐"`, `value="12 Baker Street, Springfield"`, `value="hello@flordelis.example"`,
		`value="https://flordelis.example"`, `<option value="RESTAURANT" selected>Restaurant</option>`,
		`<option value="BEAUTY">Beauty, Spa and Salon</option>`, `data-testid="profile-picture-needs-app-id"`,
		`data-testid="preview-about"`, `data-testid="preview-category">Restaurant<`, "Family bakery. Order ahead on WhatsApp.",
		`/profile/picture?v=`, `27 / 139`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("profile page lacks %s", want)
		}
	}
	if strings.Contains(text, `data-testid="profile-picture-form"`) {
		t.Error("the upload form is offered without an App ID")
	}
	// The channel page links to it.
	if ch := site.get(admin, site.path("")); !strings.Contains(ch.body, `href="`+site.path("/profile")+`"`) {
		t.Error("the channel page does not link to the business profile")
	}
}

func TestProfileUpdateSavesAndShowsWhatMetaAccepted(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")
	form := profileForm()
	form.Set("about", strings.Repeat("a", 139)) // exactly the limit
	p := site.post(admin, site.path("/profile"), form)
	if p.status != http.StatusSeeOther || p.location != site.path("/profile") {
		t.Fatalf("save: %d %s\n%s", p.status, p.location, p.body)
	}
	info, _ := site.sim.Profile(tplPhone)
	if info.About != strings.Repeat("a", 139) || info.Vertical != "GROCERY" || info.Email != "orders@flordelis.example" ||
		info.Description != "Family bakery.\nOrder ahead on WhatsApp." || len(info.Websites) != 2 {
		t.Fatalf("simulator profile after save = %+v", info)
	}
	p = site.get(admin, site.path("/profile"))
	text := p.text()
	for _, want := range []string{`data-testid="flash-success"`, "now has About “" + strings.Repeat("a", 139) + "”", "category Food and Grocery",
		`<option value="GROCERY" selected>`, `value="orders@flordelis.example"`} {
		if !strings.Contains(text, want) {
			t.Errorf("page after saving lacks %s", want)
		}
	}

	// Emptied fields are removed at the provider.
	form = profileForm()
	form.Set("address", "")
	form.Set("website_2", "")
	if p := site.post(admin, site.path("/profile"), form); p.status != http.StatusSeeOther {
		t.Fatalf("save with fewer fields: %d\n%s", p.status, p.body)
	}
	if info, _ := site.sim.Profile(tplPhone); info.Address != "" || len(info.Websites) != 1 {
		t.Errorf("emptied fields stayed: %+v", info)
	}
}

func TestProfileFieldErrorsKeepTheInput(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")
	before, _ := site.sim.Profile(tplPhone)
	tests := []struct {
		field, value, want string
	}{
		{"about", strings.Repeat("é", 140), "About can have at most 139 characters; this has 140."},
		{"about", "", "WhatsApp requires one"},
		{"description", strings.Repeat("d", 513), "at most 512 characters; this has 513"},
		{"address", strings.Repeat("a", 257), "at most 256 characters"},
		{"email", "orders at flordelis", "Enter an email address like hello@example.com"},
		{"email", strings.Repeat("e", 120) + "@example.com", "at most 128 characters"},
		{"website_1", "flordelis.example", "starting with https://"},
		{"website_2", "ftp://files.flordelis.example", "starting with https://"},
		{"website_2", "https://flordelis.example", "same address as the first"},
		{"vertical", "SPACESHIPS", "Choose one of the categories"},
	}
	for _, tt := range tests {
		t.Run(tt.field+"="+tt.value[:min(len(tt.value), 12)], func(t *testing.T) {
			form := profileForm()
			form.Set(tt.field, tt.value)
			p := site.post(admin, site.path("/profile"), form)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", p.status)
			}
			text := p.text()
			if !strings.Contains(text, `data-testid="error-`+tt.field+`">`+tt.want) && !strings.Contains(text, tt.want) {
				t.Errorf("no field error %q for %s", tt.want, tt.field)
			}
			if !strings.Contains(text, `data-testid="error-`+tt.field+`"`) {
				t.Errorf("the error is not under the %s field", tt.field)
			}
			// Everything typed is still there, the wrong value included.
			for name, vs := range form {
				v := strings.ReplaceAll(vs[0], "\r\n", "\n")
				if name == "vertical" || v == "" {
					continue
				}
				if !strings.Contains(text, v) {
					t.Errorf("the form lost %s = %.30q", name, v)
				}
			}
		})
	}
	if after, _ := site.sim.Profile(tplPhone); after.About != before.About || after.Vertical != before.Vertical {
		t.Errorf("a refused form reached the provider: %+v", after)
	}
}

func TestProfileProviderErrorKeepsTheInput(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")
	site.sim.RevokeToken()
	form := profileForm()
	p := site.post(admin, site.path("/profile"), form)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422\n%s", p.status, p.body)
	}
	text := p.text()
	if !strings.Contains(text, `data-testid="profile-problem"`) || !strings.Contains(text, "rejected the access token") || !strings.Contains(text, "error code 190") {
		t.Errorf("the provider's refusal is not explained in plain words:\n%s", text)
	}
	for _, want := range []string{form.Get("about"), form.Get("email"), form.Get("website_2"), `<option value="GROCERY" selected>`} {
		if !strings.Contains(text, want) {
			t.Errorf("the form lost %q", want)
		}
	}
	// Reading fails the same way: the page says so and offers no form.
	p = site.get(admin, site.path("/profile"))
	if p.status != http.StatusBadGateway || !strings.Contains(p.text(), "Could not read the business profile") || strings.Contains(p.body, `id="profile-form"`) {
		t.Errorf("GET with a revoked token: %d", p.status)
	}
}

func TestProfilePreviewFollowsTheForm(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")
	form := profileForm()
	form.Set("picture_url", site.path("/profile/picture?v=abc123"))
	p := site.post(admin, site.path("/profile/preview"), form)
	text := p.text()
	if p.status != 200 || !strings.Contains(text, `data-testid="preview-about">Open 7–19, Monday to Saturday<`) ||
		!strings.Contains(text, "Food and Grocery") || !strings.Contains(text, "https://instagram.com/flordelis") ||
		!strings.Contains(text, `src="`+site.path("/profile/picture?v=abc123")+`"`) {
		t.Fatalf("preview: %d\n%s", p.status, text)
	}
	if strings.Contains(text, "<html") {
		t.Error("the preview answers a whole page instead of the phone")
	}
	// A picture address that is not this channel's is not used.
	form.Set("picture_url", "https://evil.example/x.png")
	if p := site.post(admin, site.path("/profile/preview"), form); strings.Contains(p.body, "evil.example") {
		t.Error("the preview shows a foreign picture address")
	}
	// Over the limit, the preview still shows what was typed.
	form.Set("about", strings.Repeat("x", 150))
	if p := site.post(admin, site.path("/profile/preview"), form); !strings.Contains(p.body, strings.Repeat("x", 150)) {
		t.Error("the preview hides text over the limit")
	}
}

func TestProfilePictureUpload(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")

	// Without the App ID the picture cannot be uploaded.
	p := site.postFile(admin, site.path("/profile/picture"), "picture", "logo.png", picture(t, "png", 300, 300))
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(), "Meta App ID") {
		t.Fatalf("upload without an App ID: %d\n%s", p.status, p.text())
	}
	site.setAppID(simAppID)
	if p := site.get(admin, site.path("/profile")); !strings.Contains(p.body, `data-testid="profile-picture-form"`) {
		t.Fatal("the upload form is missing once the App ID is set")
	}

	refused := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"gif", "logo.gif", picture(t, "gif", 300, 300), "not a JPEG or PNG picture (it looks like a GIF)"},
		{"gif named png", "logo.png", picture(t, "gif", 300, 300), "not a JPEG or PNG picture"},
		{"too small", "logo.png", picture(t, "png", 191, 300), "191×300 pixels; WhatsApp needs at least 192×192"},
		{"text", "logo.jpg", []byte("not a picture"), "not a JPEG or PNG picture"},
		{"no file", "", nil, "Choose a JPEG or PNG picture"},
		{"over 5 MB", "big.png", append(picture(t, "png", 200, 200), make([]byte, 5<<20)...), "at most 5 MB"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			p := site.postFile(admin, site.path("/profile/picture"), "picture", tt.file, tt.data)
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(), tt.want) || !strings.Contains(p.body, `data-testid="error-picture"`) {
				t.Fatalf("status %d, want 422 with %q", p.status, tt.want)
			}
			// The details form still shows the provider's profile.
			if !strings.Contains(p.text(), `value="Fresh bread every morning 🥐"`) {
				t.Error("the details form is empty after a picture problem")
			}
		})
	}
	if info, _ := site.sim.Profile(tplPhone); info.Picture != nil {
		t.Fatalf("a refused picture reached the provider: %+v", info.Picture)
	}

	// A wide JPEG named .png: the type comes from the bytes, the centre
	// square is uploaded.
	p = site.postFile(admin, site.path("/profile/picture"), "picture", "photo.png", picture(t, "jpeg", 400, 250))
	if p.status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", p.status, p.text())
	}
	info, _ := site.sim.Profile(tplPhone)
	if info.Picture == nil || info.Picture.MIMEType != "image/jpeg" || info.Picture.Width != 250 || info.Picture.Height != 250 {
		t.Fatalf("simulator picture = %+v", info.Picture)
	}
	if info.About != "Fresh bread every morning 🥐" {
		t.Errorf("uploading a picture changed the About text: %q", info.About)
	}
	page := site.get(admin, site.path("/profile")).text()
	if !strings.Contains(page, "accepted the new profile picture (the centre 250×250 square of your 400×250 picture)") {
		t.Error("no flash about the accepted picture")
	}

	// wadesk serves the provider's picture itself (the CSP allows no other host).
	res := site.get(admin, site.path("/profile/picture?v=1"))
	sum := sha256.Sum256([]byte(res.body))
	if res.status != 200 || hex.EncodeToString(sum[:]) != info.Picture.SHA256 {
		t.Errorf("picture proxy: %d, %d bytes", res.status, len(res.body))
	}

	// A large PNG is cropped and scaled down to what WhatsApp shows, and
	// stays a PNG.
	p = site.postFile(admin, site.path("/profile/picture"), "picture", "banner.png", picture(t, "png", 1200, 900))
	if p.status != http.StatusSeeOther {
		t.Fatalf("upload of a large picture: %d\n%s", p.status, p.text())
	}
	info, _ = site.sim.Profile(tplPhone)
	if info.Picture == nil || info.Picture.MIMEType != "image/png" || info.Picture.Width != 640 || info.Picture.Height != 640 {
		t.Fatalf("simulator picture after a large upload = %+v", info.Picture)
	}
	page = site.get(admin, site.path("/profile")).text()
	if !strings.Contains(page, "(the centre 900×900 square of your 1200×900 picture, scaled down to 640×640, the size WhatsApp shows)") {
		t.Error("no flash about the scaled picture")
	}
}

func TestProfilePictureProviderRefusal(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")
	site.setAppID("123456789012345") // not the simulator's app
	p := site.postFile(admin, site.path("/profile/picture"), "picture", "logo.png", picture(t, "png", 200, 200))
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", p.status)
	}
	if text := p.text(); !strings.Contains(text, "does not know this App ID") || !strings.Contains(text, `data-testid="error-picture"`) {
		t.Errorf("the refusal is not explained under the picture:\n%s", text)
	}
}

func TestChannelEditAppID(t *testing.T) {
	site := startTemplateSite(t)
	admin := site.signIn("admin@example.com")
	form := url.Values{"title": {"Bakery"}, "app_id": {"90807a"}}
	p := site.post(admin, site.path(""), form)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `data-testid="error-app_id"`) || !strings.Contains(p.body, `value="90807a"`) {
		t.Fatalf("bad App ID: %d", p.status)
	}
	form.Set("app_id", simAppID)
	if p := site.post(admin, site.path(""), form); p.status != http.StatusSeeOther {
		t.Fatalf("save App ID: %d\n%s", p.status, p.body)
	}
	ch, err := site.db.ChannelByID(context.Background(), site.channel.ID)
	if err != nil || ch.AppID != simAppID {
		t.Fatalf("stored App ID = %q, %v", ch.AppID, err)
	}
	if p := site.get(admin, site.path("")); !strings.Contains(p.body, simAppID) {
		t.Error("the channel page does not show the App ID")
	}
}
