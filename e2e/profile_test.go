package e2e

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

const simAppID = "908070605040302" // the simulator's Meta App ID

// simProfile is the simulator's /_sim/profile answer.
type simProfile struct {
	About    string   `json:"about"`
	Vertical string   `json:"vertical"`
	Email    string   `json:"email"`
	Websites []string `json:"websites"`
	Picture  *struct {
		MIMEType string `json:"mime_type"`
		Width    int    `json:"width"`
		Height   int    `json:"height"`
	} `json:"picture"`
}

// writePicture saves a w×h PNG for the file chooser.
func writePicture(t *testing.T, w, h int) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{R: uint8(x / 2), G: 128, B: uint8(y / 2), A: 255})
		}
	}
	name := filepath.Join(t.TempDir(), "shop-front.png")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestAdminEditsTheBusinessProfile: the admin refuses nothing the page
// would not: a 140-character About is refused under its field with the
// input kept; the category and the text are saved; the picture is
// uploaded through Meta's resumable upload once the App ID is set; the
// simulator holds all of it.
func TestAdminEditsTheBusinessProfile(t *testing.T) {
	s := startDemo(t)
	ctx := newBrowser(t)
	signIn(t, ctx, s, demoAdmin, demoPassword)
	run(t, ctx, "signed in", chromedp.WaitVisible(byTestID("nav-channels"), chromedp.ByQuery))
	fillCredentials(t, ctx, s, simToken)
	run(t, ctx, "connect the number",
		chromedp.WaitVisible(byTestID("wizard-step-numbers"), chromedp.ByQuery),
		chromedp.Click(`input[value="`+simUsable+`"]`, chromedp.ByQuery),
		chromedp.Click(byTestID("wizard-finish"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-profile"), chromedp.ByQuery),
	)
	run(t, ctx, "open the business profile",
		chromedp.Click(byTestID("channel-profile"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("profile-form"), chromedp.ByQuery),
	)
	var about string
	run(t, ctx, "read the current About", chromedp.Value(`input[name="about"]`, &about, chromedp.ByQuery))
	if about != "Fresh bread every morning 🥐" {
		t.Fatalf("the form shows About %q, not the provider's", about)
	}

	// 140 characters: the counter warns, the server refuses, nothing is lost.
	long := strings.Repeat("b", 140)
	run(t, ctx, "clear About", chromedp.Clear(`input[name="about"]`, chromedp.ByQuery))
	run(t, ctx, "type a 140-character About", chromedp.SendKeys(`input[name="about"]`, long, chromedp.ByQuery))
	run(t, ctx, "choose a category", chromedp.SetValue(`select[name="vertical"]`, "PROF_SERVICES", chromedp.ByQuery))
	if got := textOf(t, ctx, byTestID("count-about")); got != "140 / 139" {
		t.Errorf("counter = %q, want 140 / 139", got)
	}
	run(t, ctx, "save",
		chromedp.Click(byTestID("profile-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("error-about"), chromedp.ByQuery),
	)
	if msg := textOf(t, ctx, byTestID("error-about")); !strings.Contains(msg, "at most 139 characters; this has 140") {
		t.Errorf("About error = %q", msg)
	}
	var kept, vertical string
	run(t, ctx, "read the form back",
		chromedp.Value(`input[name="about"]`, &kept, chromedp.ByQuery),
		chromedp.Value(`select[name="vertical"]`, &vertical, chromedp.ByQuery),
	)
	if kept != long || vertical != "PROF_SERVICES" {
		t.Errorf("after the refusal the form holds About %d chars, category %q", len(kept), vertical)
	}
	var sp simProfile
	getJSON(t, s.SimURL+"/_sim/profile?phone_number_id="+simUsable, &sp)
	if sp.About != "Fresh bread every morning 🥐" {
		t.Fatalf("the refused About reached the provider: %q", sp.About)
	}

	// A valid About: the phone preview follows the typing, Save Changes
	// reports what Meta now has.
	const newAbout = "Bread, cakes and coffee since 1998"
	run(t, ctx, "type a valid About",
		chromedp.Clear(`input[name="about"]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name="about"]`, newAbout, chromedp.ByQuery),
		chromedp.Poll(`(document.querySelector('[data-testid="preview-about"]') || {}).textContent === "`+newAbout+`"`, nil),
	)
	if cat := textOf(t, ctx, byTestID("preview-category")); cat != "Professional Services" {
		t.Errorf("preview category = %q", cat)
	}
	run(t, ctx, "save again",
		chromedp.Click(byTestID("profile-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	if flash := textOf(t, ctx, byTestID("flash-success")); !strings.Contains(flash, "About “"+newAbout+"”") || !strings.Contains(flash, "category Professional Services") {
		t.Errorf("after saving the page says %q", flash)
	}

	// The picture needs the App ID: the page says so and links to the setting.
	run(t, ctx, "add the App ID",
		chromedp.WaitVisible(byTestID("profile-picture-needs-app-id"), chromedp.ByQuery),
		chromedp.Click(byTestID("profile-add-app-id"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-edit-form"), chromedp.ByQuery),
		chromedp.SendKeys(`input[name="app_id"]`, simAppID, chromedp.ByQuery),
		chromedp.Click(byTestID("channel-save"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("channel-app-id"), chromedp.ByQuery),
		chromedp.Click(byTestID("channel-profile"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("profile-picture-input"), chromedp.ByQuery),
	)
	file := writePicture(t, 400, 300)
	run(t, ctx, "choose a picture",
		chromedp.SetUploadFiles(byTestID("profile-picture-input"), []string{file}, chromedp.ByQuery),
		chromedp.Poll(`(document.querySelector('[data-picture-status]') || {}).textContent.indexOf("centre 300×300") >= 0`, nil),
	)
	var previewSrc string
	run(t, ctx, "read the cropped preview",
		chromedp.Evaluate(`document.querySelector('.picture-crop.is-circle img').src`, &previewSrc))
	if !strings.HasPrefix(previewSrc, "blob:") {
		t.Errorf("the circle preview shows %q, not the chosen file", previewSrc)
	}
	run(t, ctx, "upload it",
		chromedp.Click(byTestID("profile-picture-upload"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("flash-success"), chromedp.ByQuery),
	)
	if flash := textOf(t, ctx, byTestID("flash-success")); !strings.Contains(flash, "accepted the new profile picture") {
		t.Errorf("after uploading the page says %q", flash)
	}
	var shown bool
	run(t, ctx, "the page shows the new picture",
		chromedp.Poll(`(function(){var i=document.querySelector('[data-testid="profile-picture-current"]');return !!i && i.complete && i.naturalWidth === 300;})()`, &shown))

	// The simulator reflects every change.
	getJSON(t, s.SimURL+"/_sim/profile?phone_number_id="+simUsable, &sp)
	if sp.About != newAbout || sp.Vertical != "PROF_SERVICES" {
		t.Errorf("simulator profile: About %q, vertical %q", sp.About, sp.Vertical)
	}
	if sp.Picture == nil || sp.Picture.MIMEType != "image/png" || sp.Picture.Width != 300 || sp.Picture.Height != 300 {
		t.Fatalf("simulator picture = %+v; want the 300×300 centre of the chosen 400×300 PNG", sp.Picture)
	}
	// And the customer sees it on their phone.
	run(t, ctx, "the customer phone shows the profile",
		chromedp.Navigate(s.SimURL+"/?n="+simUsable),
		chromedp.WaitReady(byTestID("business-info"), chromedp.ByQuery),
	)
	var about2 string
	var hasPicture bool
	run(t, ctx, "read the customer's view",
		chromedp.Evaluate(`document.querySelector('[data-testid="business-about"]').textContent`, &about2),
		chromedp.Evaluate(`!!document.querySelector('[data-testid="chat-picture"]')`, &hasPicture),
	)
	if about2 != newAbout || !hasPicture {
		t.Errorf("customer phone: About %q, picture shown %v", about2, hasPicture)
	}
}
