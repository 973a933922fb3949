package simulator

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

const appID = "908070605040302" // DefaultConfig's AppID

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: 120, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// createSession starts an upload and returns the session ID ("upload:…?sig=…").
func (ts *testSim) createSession(t *testing.T, name, fileType string, length int) string {
	t.Helper()
	q := url.Values{"file_name": {name}, "file_length": {strconv.Itoa(length)}, "file_type": {fileType}}
	res := ts.call(t, "POST", "/v23.0/"+appID+"/uploads?"+q.Encode(), nil)
	id, _ := res.body["id"].(string)
	if res.status != 200 || !strings.HasPrefix(id, "upload:") || !strings.Contains(id, "?sig=") {
		t.Fatalf("create upload session: %d %s", res.status, res.raw)
	}
	return id
}

// sendData POSTs bytes to a session the way Meta documents it: OAuth
// header, file_offset header, raw body.
func (ts *testSim) sendData(t *testing.T, token, sessionID string, offset int, data []byte) apiResult {
	t.Helper()
	req, err := http.NewRequest("POST", ts.srv.URL+"/v23.0/"+sessionID, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "OAuth "+token)
	req.Header.Set("file_offset", strconv.Itoa(offset))
	return doRequest(t, req)
}

func (ts *testSim) sessionOffset(t *testing.T, sessionID string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.srv.URL+"/v23.0/"+sessionID, nil)
	req.Header.Set("Authorization", "OAuth "+ts.token)
	res := doRequest(t, req)
	off, ok := res.body["file_offset"].(float64)
	if res.status != 200 || !ok || res.body["id"] != sessionID {
		t.Fatalf("GET session: %d %s", res.status, res.raw)
	}
	return int(off)
}

func (ts *testSim) upload(t *testing.T, name, fileType string, data []byte) string {
	t.Helper()
	id := ts.createSession(t, name, fileType, len(data))
	res := ts.sendData(t, ts.token, id, 0, data)
	h, _ := res.body["h"].(string)
	if res.status != 200 || h == "" {
		t.Fatalf("upload data: %d %s", res.status, res.raw)
	}
	return h
}

func errDetails(r apiResult) string {
	d, _ := r.errField("error_data").(map[string]any)
	s, _ := d["details"].(string)
	return s
}

func TestResumableUploadSetsProfilePicture(t *testing.T) {
	ts := startSim(t, nil)
	pic := testPNG(t, 320, 200)
	id := ts.createSession(t, "logo.png", "image/png", len(pic))
	if off := ts.sessionOffset(t, id); off != 0 {
		t.Fatalf("new session offset = %d", off)
	}
	res := ts.sendData(t, ts.token, id, 0, pic)
	h, _ := res.body["h"].(string)
	if res.status != 200 {
		t.Fatalf("upload: %d %s", res.status, res.raw)
	}
	parts := strings.Split(h, ":")
	if len(parts) != 9 || parts[0] != "4" || parts[4] != "e" || parts[6] != appID ||
		parts[1] != base64.StdEncoding.EncodeToString([]byte("logo.png")) || parts[2] != base64.StdEncoding.EncodeToString([]byte("image/png")) {
		t.Errorf("handle %q does not look like Meta's 4:<name>:<type>:…:e:<expiry>:<app>:…", h)
	}
	if off := ts.sessionOffset(t, id); off != len(pic) {
		t.Errorf("offset after upload = %d, want %d", off, len(pic))
	}

	update := map[string]any{"messaging_product": "whatsapp", "profile_picture_handle": h, "about": "New picture"}
	if res := ts.call(t, "POST", "/v23.0/"+phoneID+"/whatsapp_business_profile", update); res.status != 200 || res.body["success"] != true {
		t.Fatalf("set picture: %d %s", res.status, res.raw)
	}
	res = ts.call(t, "GET", "/v23.0/"+phoneID+"/whatsapp_business_profile?fields=profile_picture_url,about", nil)
	prof := res.body["data"].([]any)[0].(map[string]any)
	picURL, _ := prof["profile_picture_url"].(string)
	if !strings.HasPrefix(picURL, ts.srv.URL+"/") || prof["about"] != "New picture" {
		t.Fatalf("profile after update: %s", res.raw)
	}
	got, err := http.Get(picURL) // public, like Meta's CDN
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if got.StatusCode != 200 || got.Header.Get("Content-Type") != "image/png" || !bytes.Equal(body, pic) {
		t.Errorf("picture URL served %d %s, %d bytes", got.StatusCode, got.Header.Get("Content-Type"), len(body))
	}

	info, ok := ts.Profile(phoneID)
	if !ok || info.Picture == nil || info.Picture.Width != 320 || info.Picture.Height != 200 || info.Picture.Bytes != len(pic) || info.About != "New picture" {
		t.Fatalf("Profile() = %+v (picture %+v)", info, info.Picture)
	}
	if !strings.HasSuffix(picURL, info.Picture.Path) {
		t.Errorf("picture path %q, URL %q", info.Picture.Path, picURL)
	}

	// The control endpoint reports the same, and the phone page shows it.
	res = ts.call(t, "GET", "/_sim/profile?phone_number_id="+phoneID, nil)
	if res.status != 200 || res.body["about"] != "New picture" || res.body["picture"].(map[string]any)["width"] != float64(320) {
		t.Errorf("/_sim/profile: %d %s", res.status, res.raw)
	}
	if res := ts.call(t, "GET", "/_sim/profile?phone_number_id=999", nil); res.status != 404 {
		t.Errorf("/_sim/profile of an unknown number: %d", res.status)
	}
	page := string(ts.call(t, "GET", "/?n="+phoneID, nil).raw)
	for _, want := range []string{`data-testid="business-picture"`, `data-testid="chat-picture"`, "New picture", "Restaurant"} {
		if !strings.Contains(page, want) {
			t.Errorf("phone page lacks %s", want)
		}
	}

	// A second picture gets a new address.
	h2 := ts.upload(t, "logo2.png", "image/png", testPNG(t, 200, 200))
	ts.call(t, "POST", "/v23.0/"+phoneID+"/whatsapp_business_profile", map[string]any{"messaging_product": "whatsapp", "profile_picture_handle": h2})
	if info2, _ := ts.Profile(phoneID); info2.Picture.Path == info.Picture.Path || info2.Picture.Width != 200 {
		t.Errorf("second picture: %+v", info2.Picture)
	}
}

func TestUploadSessionErrors(t *testing.T) {
	ts := startSim(t, nil)
	pic := testPNG(t, 200, 200)
	create := func(token string, q url.Values) apiResult {
		return ts.callToken(t, token, "POST", "/v23.0/"+appID+"/uploads?"+q.Encode(), nil)
	}
	good := url.Values{"file_name": {"a.png"}, "file_length": {strconv.Itoa(len(pic))}, "file_type": {"image/png"}}

	tests := []struct {
		name   string
		token  string
		q      url.Values
		status int
		code   int
		detail string
	}{
		{"wrong token", "EAAwrong", good, 401, 190, ""},
		{"no token", "", good, 401, 104, ""},
		{"gif", ts.token, url.Values{"file_length": {"10"}, "file_type": {"image/gif"}}, 400, 100, "file_type"},
		{"no type", ts.token, url.Values{"file_length": {"10"}}, 400, 100, "file_type"},
		{"zero length", ts.token, url.Values{"file_length": {"0"}, "file_type": {"image/png"}}, 400, 100, "file_length"},
		{"bad length", ts.token, url.Values{"file_length": {"ten"}, "file_type": {"image/png"}}, 400, 100, "file_length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := create(tt.token, tt.q)
			if res.status != tt.status || res.errCode() != tt.code || !strings.Contains(errDetails(res), tt.detail) {
				t.Errorf("got %d code %d: %s", res.status, res.errCode(), res.raw)
			}
		})
	}
	for _, ok := range []string{"application/pdf", "image/jpeg", "image/jpg", "video/mp4"} {
		if res := create(ts.token, url.Values{"file_length": {"10"}, "file_type": {ok}}); res.status != 200 {
			t.Errorf("file_type %s refused: %s", ok, res.raw)
		}
	}
	if res := ts.call(t, "POST", "/v23.0/123456789/uploads?file_length=1&file_type=image/png", nil); res.status != 400 || res.errCode() != 100 {
		t.Errorf("unknown app: %d %s", res.status, res.raw)
	}

	id := ts.createSession(t, "a.png", "image/png", len(pic))
	if res := ts.sendData(t, "EAAwrong", id, 0, pic); res.status != 401 || res.errCode() != 190 {
		t.Errorf("upload with a wrong token: %d %s", res.status, res.raw)
	}
	if res := ts.sendData(t, ts.token, id, 5, pic[5:]); res.status != 400 || res.errCode() != 100 || !strings.Contains(errDetails(res), "file_offset 5") {
		t.Errorf("offset ahead of the session: %d %s", res.status, res.raw)
	}
	unsigned, _, _ := strings.Cut(id, "?")
	if res := ts.sendData(t, ts.token, unsigned, 0, pic); res.status != 400 || res.errCode() != 104 {
		t.Errorf("session without its signature: %d %s", res.status, res.raw)
	}
	if res := ts.sendData(t, ts.token, id, 0, append(append([]byte{}, pic...), 0)); res.status != 400 || !strings.Contains(errDetails(res), "longer than file_length") {
		t.Errorf("too much data: %d %s", res.status, res.raw)
	}
	// Part of the file, then the rest from the offset the session reports.
	half := len(pic) / 2
	if res := ts.sendData(t, ts.token, id, 0, pic[:half]); res.status != 400 || !strings.Contains(errDetails(res), fmt.Sprintf("file_offset %d", half)) {
		t.Errorf("partial upload: %d %s", res.status, res.raw)
	}
	if off := ts.sessionOffset(t, id); off != half {
		t.Fatalf("offset after half = %d, want %d", off, half)
	}
	if res := ts.sendData(t, ts.token, id, 0, pic); res.status != 400 || res.errCode() != 100 {
		t.Errorf("restart from 0 after data arrived: %d %s", res.status, res.raw)
	}
	res := ts.sendData(t, ts.token, id, half, pic[half:])
	if h, _ := res.body["h"].(string); res.status != 200 || h == "" {
		t.Fatalf("resume: %d %s", res.status, res.raw)
	}
}

func TestInterruptedUploadKeepsWhatArrived(t *testing.T) {
	ts := startSim(t, nil)
	pic := testPNG(t, 400, 400)
	id := ts.createSession(t, "big.png", "image/png", len(pic))
	res := ts.call(t, "POST", "/_sim/uploads/interrupt", map[string]any{"after_bytes": 1000})
	if res.status != 200 {
		t.Fatalf("arm interruption: %d %s", res.status, res.raw)
	}
	req, _ := http.NewRequest("POST", ts.srv.URL+"/v23.0/"+id, bytes.NewReader(pic))
	req.Header.Set("Authorization", "OAuth "+ts.token)
	req.Header.Set("file_offset", "0")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the interrupted upload answered %s", resp.Status)
	}
	if off := ts.sessionOffset(t, id); off != 1000 {
		t.Fatalf("offset after the interruption = %d, want 1000", off)
	}
	res = ts.sendData(t, ts.token, id, 1000, pic[1000:])
	if h, _ := res.body["h"].(string); res.status != 200 || h == "" {
		t.Fatalf("resume: %d %s", res.status, res.raw)
	}
	if res := ts.call(t, "POST", "/_sim/uploads/interrupt", map[string]any{}); res.status != 400 {
		t.Errorf("interrupt without after_bytes: %d", res.status)
	}
}

func TestProfilePictureHandleChecks(t *testing.T) {
	ts := startSim(t, nil)
	post := func(h string) apiResult {
		return ts.call(t, "POST", "/v23.0/"+phoneID+"/whatsapp_business_profile", map[string]any{"messaging_product": "whatsapp", "profile_picture_handle": h, "about": "changed"})
	}
	pdf := ts.upload(t, "menu.pdf", "application/pdf", []byte("%PDF-1.4 a menu"))
	notPNG := ts.upload(t, "fake.png", "image/png", []byte("this is not a picture at all"))
	good := ts.upload(t, "ok.png", "image/png", testPNG(t, 200, 200))
	tests := []struct {
		name, handle, detail string
	}{
		{"unknown handle", "4:bm9uZQ==:aW1hZ2UvcG5n:ARbnope:e:1:2:3:AR", "not a handle"},
		{"pdf", pdf, "JPEG or PNG"},
		{"not an image", notPNG, "could not be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := post(tt.handle)
			if res.status != 400 || res.errCode() != 100 || !strings.Contains(errDetails(res), tt.detail) {
				t.Errorf("got %d: %s", res.status, res.raw)
			}
		})
	}
	if info, _ := ts.Profile(phoneID); info.About == "changed" || info.Picture != nil {
		t.Errorf("a refused update changed the profile: %+v", info)
	}
	ts.AdvanceClock(8 * 24 * time.Hour)
	if res := post(good); res.status != 400 || !strings.Contains(errDetails(res), "expired") {
		t.Errorf("expired handle: %d %s", res.status, res.raw)
	}
}

func TestBusinessProfileLimits(t *testing.T) {
	ts := startSim(t, nil)
	long := func(n int) string { return strings.Repeat("é", n) }
	tests := []struct {
		name   string
		field  string
		value  any
		ok     bool
		detail string
	}{
		{"about 139", "about", long(139), true, ""},
		{"about 140", "about", long(140), false, "about must be at most 139"},
		{"about empty", "about", "", false, "about cannot be empty"},
		{"address 256", "address", long(256), true, ""},
		{"address 257", "address", long(257), false, "address"},
		{"description 512", "description", long(512), true, ""},
		{"description 513", "description", long(513), false, "description must be at most 512"},
		{"email ok", "email", "hello@bakery.example", true, ""},
		{"email 129", "email", strings.Repeat("a", 117) + "@example.com", false, "email must be at most 128"},
		{"email invalid", "email", "not-an-email", false, "not a valid email"},
		{"email with a name", "email", "Bakery <hello@bakery.example>", false, "not a valid email"},
		{"two websites", "websites", []string{"https://a.example", "http://b.example/x"}, true, ""},
		{"three websites", "websites", []string{"https://a.example", "https://b.example", "https://c.example"}, false, "at most 2"},
		{"website without scheme", "websites", []string{"bakery.example"}, false, "http://"},
		{"vertical", "vertical", "PROF_SERVICES", true, ""},
		{"vertical undefined", "vertical", "UNDEFINED", false, "vertical"},
		{"vertical lower case", "vertical", "retail", false, "vertical"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := ts.Profile(phoneID)
			res := ts.call(t, "POST", "/v23.0/"+phoneID+"/whatsapp_business_profile", map[string]any{"messaging_product": "whatsapp", tt.field: tt.value})
			if tt.ok {
				if res.status != 200 {
					t.Fatalf("refused: %d %s", res.status, res.raw)
				}
				return
			}
			if res.status != 400 || res.errCode() != 100 || !strings.Contains(errDetails(res), tt.detail) {
				t.Fatalf("got %d: %s", res.status, res.raw)
			}
			if after, _ := ts.Profile(phoneID); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("a refused update changed the profile: %+v", after)
			}
		})
	}

	// Empty values remove what they name.
	res := ts.call(t, "POST", "/v23.0/"+phoneID+"/whatsapp_business_profile",
		map[string]any{"messaging_product": "whatsapp", "address": "", "email": "", "description": "", "websites": []string{}})
	if res.status != 200 {
		t.Fatalf("clear: %d %s", res.status, res.raw)
	}
	if info, _ := ts.Profile(phoneID); info.Address != "" || info.Email != "" || info.Description != "" || len(info.Websites) != 0 || info.About == "" {
		t.Errorf("after clearing: %+v", info)
	}
}
