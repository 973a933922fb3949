package handlers_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/wadesk/wadesk/handlers"
	mediastore "github.com/wadesk/wadesk/media"
	"github.com/wadesk/wadesk/providers"
)

// postForm posts fields (and, with a filename, a file) as
// multipart/form-data, as a browser sends a form with a file input.
func (s *composeSite) postForm(c *http.Client, path string, fields url.Values, filename string, content []byte) page {
	s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if filename != "" {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			s.t.Fatal(err)
		}
		fw.Write(content)
	}
	if err := mw.Close(); err != nil {
		s.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, s.url+path, io.NopCloser(&body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(c, req)
}

func startQuickReplySite(t *testing.T) (*composeSite, mediastore.Store) {
	t.Helper()
	b, err := mediastore.OpenBlobs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	blobs := mediastore.Local(b)
	return startComposeSite(t, func(c *handlers.Config) { c.Blobs = blobs }), blobs
}

var quickIDAttr = regexp.MustCompile(`data-shortcut="([^"]+)"[^>]*data-quick-id="(\d+)"`)

// quickIDs are the quick replies the reply box offers with their file or
// options, by shortcut.
func quickIDs(t *testing.T, p page) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range quickIDAttr.FindAllStringSubmatch(p.body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestQuickRepliesCarryFilesAndOptions: an admin saves quick replies
// with a file and with options (checked as the reply box will send them),
// and an agent's text with one inserted goes out with its file and its
// options, inside the window only.
func TestQuickRepliesCarryFilesAndOptions(t *testing.T) {
	s, blobs := startQuickReplySite(t)
	admin := s.signIn("admin@example.com")
	agent := s.signIn("agent@example.com")
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	four := "Breads\nCakes\nCoffee\nCatering"

	// Refused forms: every field kept, nothing saved.
	for _, tc := range []struct {
		name     string
		fields   url.Values
		filename string
		content  []byte
		want     []string
	}{
		{"a list without its button", url.Values{"shortcut": {"menu"}, "body": {"Our menu"}, "options": {four}}, "", nil,
			[]string{`data-testid="error-list_button"`, "Write the label of the button that opens the list.", "Catering"}},
		{"eleven options", url.Values{"shortcut": {"menu"}, "body": {"Our menu"}, "options": {strings.Repeat("x\n", 10) + "y"}, "list_button": {"See"}}, "", nil,
			[]string{`data-testid="error-options"`, "at most 10 options"}},
		{"two options alike", url.Values{"shortcut": {"yn"}, "body": {"Shall we?"}, "options": {"Yes\nyes"}}, "", nil,
			[]string{`data-testid="error-options"`, "already has the title"}},
		{"a button label without options", url.Values{"shortcut": {"menu"}, "body": {"Our menu"}, "list_button": {"See"}}, "", nil,
			[]string{`data-testid="error-list_button"`, "A list button needs options."}},
		{"a file WhatsApp refuses", url.Values{"shortcut": {"menu"}, "body": {"Our menu"}, "options": {four}, "list_button": {"See the menu"}},
			"setup.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04"), []string{`data-testid="error-file"`, "WhatsApp does not accept this kind of file.", "See the menu"}},
		{"a good file with another error", url.Values{"shortcut": {""}, "body": {"Our menu"}}, "menu.pdf", pdf,
			[]string{`data-testid="error-shortcut"`, `data-testid="quick-reply-file-note"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := s.postForm(admin, "/quick-replies", tc.fields, tc.filename, tc.content)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d\n%s", p.status, p.body)
			}
			for _, w := range tc.want {
				if !strings.Contains(html.UnescapeString(p.body), w) {
					t.Errorf("the refused form lacks %q", w)
				}
			}
		})
	}
	if n, _, _ := blobs.Usage(context.Background()); n != 0 {
		t.Errorf("%d files kept by refused forms", n)
	}

	// Saved: a shared list with a PDF, an agent's own photo, and buttons.
	for _, tc := range []struct {
		who      *http.Client
		fields   url.Values
		filename string
		content  []byte
	}{
		{admin, url.Values{"shortcut": {"menu"}, "body": {"Here is our menu, {contact_name}."}, "options": {four}, "list_button": {"See the menu"}, "shared": {"1"}}, "menu.pdf", pdf},
		{agent, url.Values{"shortcut": {"bread"}, "body": {"Fresh from the oven!"}}, "bread.png", png},
		{admin, url.Values{"shortcut": {"pickup"}, "body": {"Will you pick it up today?"}, "options": {"Yes\nTomorrow"}, "shared": {"1"}}, "", nil},
	} {
		if p := s.postForm(tc.who, "/quick-replies", tc.fields, tc.filename, tc.content); p.status != http.StatusSeeOther {
			t.Fatalf("save /%s: status %d\n%s", tc.fields.Get("shortcut"), p.status, p.body)
		}
	}
	// A shortcut taken: the file chosen is asked for again, not shown as saved.
	taken := s.postForm(admin, "/quick-replies", url.Values{"shortcut": {"menu"}, "body": {"Again"}, "shared": {"1"}}, "bread.png", png)
	if taken.status != http.StatusUnprocessableEntity {
		t.Fatalf("a taken shortcut: status %d", taken.status)
	}
	mustContain(t, taken, `data-testid="error-shortcut"`, `data-testid="quick-reply-file-note"`)
	mustLack(t, taken, `data-testid="quick-reply-current-file"`)
	list := s.get(admin, "/quick-replies")
	mustContain(t, list, "File: menu.pdf", "List: Breads · Cakes · Coffee · Catering", "Buttons: Yes · Tomorrow")

	// The reply box offers them with what goes along.
	box := s.get(agent, s.path(s.open, ""))
	ids := quickIDs(t, box)
	if ids["menu"] == "" || ids["bread"] == "" || ids["pickup"] == "" {
		t.Fatalf("the picker offers extras for %v", ids)
	}
	mustContain(t, box, `id="composer-quick-extras" hidden`, "Here is our menu, Sheena Nelson.")

	// The window's refresh of the reply box keeps the chosen reply.
	frag := s.composerHX(agent, s.open, "?"+url.Values{"text": {"Here is our menu"}, "quick_reply": {ids["menu"]}}.Encode())
	mustContain(t, frag, `id="composer-quick-reply" value="`+ids["menu"]+`"`, "List: Breads · Cakes · Coffee · Catering")
	mustLack(t, frag, `id="composer-quick-extras" hidden`)

	send := func(conv int64, text, quick string) page {
		return s.post(agent, s.path(conv, "/messages"), url.Values{"text": {text}, "quick_reply": {quick}})
	}
	// The list: the file first, then the text with its four options.
	if p := send(s.open, "Here is our menu, Sheena!", ids["menu"]); p.status != http.StatusSeeOther {
		t.Fatalf("send /menu: status %d\n%s", p.status, p.body)
	}
	out := s.outbound(s.open)
	if len(out) != 2 {
		t.Fatalf("/menu sent %d messages, want the file and the list", len(out))
	}
	doc, _, _ := s.payload(out[0].ID)
	list4, _, _ := s.payload(out[1].ID)
	if doc.Media == nil || doc.Media.Kind != providers.KindDocument || doc.Media.Filename != "menu.pdf" || doc.Media.ID == "" || doc.Media.Caption != "" {
		t.Errorf("file = %+v", doc.Media)
	}
	if it := list4.Interactive; it == nil || it.Type != providers.InteractiveList || it.Body != "Here is our menu, Sheena!" ||
		it.ListButton != "See the menu" || len(it.Sections) != 1 || len(it.Sections[0].Rows) != 4 || it.Sections[0].Rows[3].Title != "Catering" {
		t.Errorf("list = %+v", list4.Interactive)
	}
	// The photo: one message, the text as its caption.
	if p := send(s.open, "Fresh from the oven!", ids["bread"]); p.status != http.StatusSeeOther {
		t.Fatalf("send /bread: status %d\n%s", p.status, p.body)
	}
	// Buttons: one message.
	if p := send(s.open, "Will you pick it up today?", ids["pickup"]); p.status != http.StatusSeeOther {
		t.Fatalf("send /pickup: status %d\n%s", p.status, p.body)
	}
	out = s.outbound(s.open)
	if len(out) != 4 {
		t.Fatalf("%d messages after /bread and /pickup, want 4", len(out))
	}
	img, _, _ := s.payload(out[2].ID)
	buttons, _, _ := s.payload(out[3].ID)
	if img.Media == nil || img.Media.Kind != providers.KindImage || img.Media.Caption != "Fresh from the oven!" {
		t.Errorf("photo = %+v", img.Media)
	}
	if it := buttons.Interactive; it == nil || it.Type != providers.InteractiveButton || len(it.Buttons) != 2 || it.Buttons[1].Title != "Tomorrow" {
		t.Errorf("buttons = %+v", buttons.Interactive)
	}

	// Refusals: the window is closed; the text and the chosen reply stay.
	p := send(s.expired, "Here is our menu", ids["menu"])
	if p.status != http.StatusUnprocessableEntity || len(s.outbound(s.expired)) != 0 {
		t.Errorf("outside the window: status %d, %d sent", p.status, len(s.outbound(s.expired)))
	}
	// Options that do not fit the edited text: refused in words, kept.
	p = send(s.open, strings.Repeat("long ", 300), ids["pickup"])
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("a text too long for buttons: status %d", p.status)
	}
	mustContain(t, p, "The options of /pickup cannot go with this text", `id="composer-quick-reply" value="`+ids["pickup"]+`"`)
	// Someone else's own reply is not sent with its file.
	p = s.post(admin, s.path(s.open, "/messages"), url.Values{"text": {"Fresh"}, "quick_reply": {ids["bread"]}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("another agent's quick reply: status %d", p.status)
	}
	mustContain(t, p, "only its text can be sent")
	if n := len(s.outbound(s.open)); n != 4 {
		t.Errorf("%d messages after the refusals, want 4", n)
	}

	// Editing: the file removed, the options kept.
	menuID, _ := strconv.ParseInt(ids["menu"], 10, 64)
	if p := s.postForm(admin, "/quick-replies/"+ids["menu"], url.Values{"shortcut": {"menu"}, "body": {"Our menu"}, "options": {four},
		"list_button": {"See the menu"}, "remove_file": {"1"}}, "", nil); p.status != http.StatusSeeOther {
		t.Fatalf("edit /menu: status %d\n%s", p.status, p.body)
	}
	q, err := s.db.QuickReplyByID(context.Background(), menuID)
	if err != nil || q.HasFile() || len(q.Options) != 4 {
		t.Errorf("after removing the file: %+v, %v", q, err)
	}
}
