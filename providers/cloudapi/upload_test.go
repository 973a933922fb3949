package cloudapi

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
)

// The simulator's demo world (simulator.DefaultConfig).
const (
	simAppID = "908070605040302"
	simPhone = "110200000000101"
)

// simGraph is the Graph API simulator on 127.0.0.1, recording the
// Authorization header of every request by path.
type simGraph struct {
	sim  *simulator.Sim
	srv  *httptest.Server
	mu   sync.Mutex
	auth map[string][]string // path → Authorization headers
}

func startSimGraph(t *testing.T) *simGraph {
	t.Helper()
	cfg := simulator.DefaultConfig()
	cfg.Seed = 7
	sim, err := simulator.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	g := &simGraph{sim: sim, auth: map[string][]string{}}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.auth[r.URL.Path] = append(g.auth[r.URL.Path], r.Header.Get("Authorization"))
		g.mu.Unlock()
		sim.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		g.srv.Close()
		sim.Close()
	})
	return g
}

func (g *simGraph) client(t *testing.T, token string) *Client {
	t.Helper()
	if token == "" {
		token = simulator.DefaultConfig().AccessToken
	}
	c, err := New(Config{BaseURL: g.srv.URL, Token: token, HTTPClient: &http.Client{Timeout: 20 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (g *simGraph) authHeaders(prefix string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for p, hs := range g.auth {
		if strings.HasPrefix(p, prefix) {
			out = append(out, hs...)
		}
	}
	return out
}

func squarePNG(t *testing.T, side int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			img.Set(x, y, color.NRGBA{R: uint8(x * 7), G: uint8(y * 3), B: uint8(x ^ y), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploadProfilePictureThroughSimulator(t *testing.T) {
	g := startSimGraph(t)
	c := g.client(t, "")
	ctx := context.Background()
	pic := squarePNG(t, 256)

	h, err := c.UploadProfilePicture(ctx, simAppID, providers.ProfilePicture{FileName: "logo.png", MIMEType: "image/png", Data: pic})
	if err != nil {
		t.Fatalf("UploadProfilePicture: %v", err)
	}
	if !strings.HasPrefix(h, "4:") {
		t.Errorf("handle = %q", h)
	}
	for _, a := range g.authHeaders("/v23.0/upload:") {
		if !strings.HasPrefix(a, "OAuth ") {
			t.Errorf("upload data sent with Authorization %q; Meta documents the OAuth scheme", a)
		}
	}
	if len(g.authHeaders("/v23.0/upload:")) == 0 {
		t.Fatal("no request reached the upload session")
	}

	err = c.UpdateBusinessProfile(ctx, simPhone, providers.BusinessProfile{About: "Fresh bread daily", Vertical: "GROCERY", ProfilePictureHandle: h})
	if err != nil {
		t.Fatalf("UpdateBusinessProfile: %v", err)
	}
	p, err := c.GetBusinessProfile(ctx, simPhone)
	if err != nil {
		t.Fatal(err)
	}
	if p.About != "Fresh bread daily" || p.Vertical != "GROCERY" || !strings.HasPrefix(p.ProfilePictureURL, g.srv.URL+"/") {
		t.Fatalf("profile after update = %+v", p)
	}
	var buf bytes.Buffer
	ctype, err := c.DownloadProfilePicture(ctx, p.ProfilePictureURL, &buf)
	if err != nil {
		t.Fatalf("DownloadProfilePicture: %v", err)
	}
	if ctype != "image/png" || !bytes.Equal(buf.Bytes(), pic) {
		t.Errorf("downloaded %s, %d bytes; want the uploaded %d bytes", ctype, buf.Len(), len(pic))
	}
	for _, a := range g.authHeaders("/phone/profile-picture/") {
		if a != "" {
			t.Errorf("the access token was sent to the picture address: %q", a)
		}
	}
	if info, _ := g.sim.Profile(simPhone); info.Picture == nil || info.Picture.Width != 256 {
		t.Errorf("simulator profile = %+v", info)
	}
}

func TestUploadResumesAfterInterruption(t *testing.T) {
	g := startSimGraph(t)
	c := g.client(t, "")
	ctx := context.Background()
	pic := squarePNG(t, 300)

	// The high-level upload resumes on its own from the session's offset.
	g.sim.InterruptNextUpload(4096)
	h, err := c.UploadProfilePicture(ctx, simAppID, providers.ProfilePicture{FileName: "a.png", MIMEType: "image/png", Data: pic})
	if err != nil {
		t.Fatalf("UploadProfilePicture after an interruption: %v", err)
	}
	if err := c.UpdateBusinessProfile(ctx, simPhone, providers.BusinessProfile{ProfilePictureHandle: h}); err != nil {
		t.Fatalf("the resumed upload's handle was refused: %v", err)
	}
	if info, _ := g.sim.Profile(simPhone); info.Picture == nil || info.Picture.Bytes != len(pic) {
		t.Fatalf("picture after a resumed upload = %+v", info.Picture)
	}

	// Step by step: a broken transfer, the offset, the rest.
	id, err := c.CreateUploadSession(ctx, simAppID, UploadSession{FileName: "b.png", FileType: "image/png", Length: int64(len(pic))})
	if err != nil {
		t.Fatal(err)
	}
	g.sim.InterruptNextUpload(1500)
	_, err = c.SendUploadData(ctx, id, 0, pic)
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindNetwork {
		t.Fatalf("interrupted SendUploadData error = %v, want a network error", err)
	}
	off, err := c.UploadSessionOffset(ctx, id)
	if err != nil || off != 1500 {
		t.Fatalf("UploadSessionOffset = %d, %v; want 1500", off, err)
	}
	_, err = c.SendUploadData(ctx, id, 0, pic)
	if pe, ok := providers.AsError(err); !ok || pe.Code != 100 || !strings.Contains(pe.Details, "file_offset 0") {
		t.Fatalf("restarting from 0 = %v, want error 100 about the offset", err)
	}
	h2, err := c.SendUploadData(ctx, id, off, pic[off:])
	if err != nil || h2 == "" {
		t.Fatalf("resume from %d: %q, %v", off, h2, err)
	}
}

func TestUploadErrors(t *testing.T) {
	g := startSimGraph(t)
	ctx := context.Background()
	pic := squarePNG(t, 200)
	good := g.client(t, "")

	// A wrong token: 190, classified as an auth problem.
	_, err := g.client(t, "EAAWrongToken").UploadProfilePicture(ctx, simAppID, providers.ProfilePicture{MIMEType: "image/png", Data: pic})
	if pe, ok := providers.AsError(err); !ok || pe.Code != 190 || pe.Kind != providers.ErrorKindAuth || pe.Op != providers.OpCreateUploadSession {
		t.Fatalf("wrong token: %v", err)
	}
	id, err := good.CreateUploadSession(ctx, simAppID, UploadSession{FileName: "a.png", FileType: "image/png", Length: int64(len(pic))})
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.client(t, "EAAWrongToken").SendUploadData(ctx, id, 0, pic)
	if pe, ok := providers.AsError(err); !ok || pe.Code != 190 || pe.Op != providers.OpUpload {
		t.Fatalf("upload data with a wrong token: %v", err)
	}

	// Wrong types are refused before anything is sent.
	before := len(g.authHeaders("/"))
	for _, tt := range []struct {
		name string
		call func() error
	}{
		{"gif picture", func() error {
			_, err := good.UploadProfilePicture(ctx, simAppID, providers.ProfilePicture{MIMEType: "image/gif", Data: pic})
			return err
		}},
		{"gif session", func() error {
			_, err := good.CreateUploadSession(ctx, simAppID, UploadSession{FileType: "image/gif", Length: 10})
			return err
		}},
		{"too large", func() error {
			_, err := good.UploadProfilePicture(ctx, simAppID, providers.ProfilePicture{MIMEType: "image/png", Data: make([]byte, providers.MaxProfilePictureBytes+1)})
			return err
		}},
		{"app ID with letters", func() error {
			_, err := good.UploadProfilePicture(ctx, "my-app", providers.ProfilePicture{MIMEType: "image/png", Data: pic})
			return err
		}},
		{"no app ID", func() error {
			_, err := good.UploadProfilePicture(ctx, "", providers.ProfilePicture{MIMEType: "image/png", Data: pic})
			return err
		}},
		{"not a session", func() error {
			_, err := good.SendUploadData(ctx, "12345", 0, pic)
			return err
		}},
	} {
		var ve *providers.ValidationError
		if err := tt.call(); !errors.As(err, &ve) {
			t.Errorf("%s: error = %v, want a validation error", tt.name, err)
		}
	}
	if after := len(g.authHeaders("/")); after != before {
		t.Errorf("%d requests were sent for invalid uploads", after-before)
	}

	// A file type Meta uploads but not as a profile picture: the profile
	// update refuses the handle, with Meta's details.
	pdf := []byte("%PDF-1.4 menu")
	sid, err := good.CreateUploadSession(ctx, simAppID, UploadSession{FileName: "menu.pdf", FileType: "application/pdf", Length: int64(len(pdf))})
	if err != nil {
		t.Fatal(err)
	}
	h, err := good.ResumeUpload(ctx, sid, pdf)
	if err != nil {
		t.Fatal(err)
	}
	err = good.UpdateBusinessProfile(ctx, simPhone, providers.BusinessProfile{ProfilePictureHandle: h})
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindInvalidParameter || !strings.Contains(pe.Plain(), "JPEG or PNG") {
		t.Fatalf("pdf as a profile picture: %v", err)
	}

	// An App ID Meta does not know.
	_, err = good.UploadProfilePicture(ctx, "123456789012345", providers.ProfilePicture{MIMEType: "image/png", Data: pic})
	if pe, ok := providers.AsError(err); !ok || pe.Kind != providers.ErrorKindNotFound || !strings.Contains(pe.Plain(), "App ID") {
		t.Fatalf("unknown app: %v", err)
	}
}

func TestUpdateBusinessProfileClearEmpty(t *testing.T) {
	g := startSimGraph(t)
	c := g.client(t, "")
	ctx := context.Background()
	// Without ClearEmpty, empty fields keep their value.
	if err := c.UpdateBusinessProfile(ctx, simPhone, providers.BusinessProfile{About: "Kept"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := c.GetBusinessProfile(ctx, simPhone); p.Address == "" || p.Email == "" || len(p.Websites) == 0 {
		t.Fatalf("an update without ClearEmpty removed fields: %+v", p)
	}
	// With it, they are removed.
	if err := c.UpdateBusinessProfile(ctx, simPhone, providers.BusinessProfile{About: "Cleared", ClearEmpty: true}); err != nil {
		t.Fatal(err)
	}
	p, err := c.GetBusinessProfile(ctx, simPhone)
	if err != nil {
		t.Fatal(err)
	}
	if p.About != "Cleared" || p.Address != "" || p.Email != "" || p.Description != "" || len(p.Websites) != 0 || p.Vertical != "RESTAURANT" {
		t.Fatalf("after ClearEmpty: %+v", p)
	}
}
