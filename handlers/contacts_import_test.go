package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func (s *inboxSite) upload(c *http.Client, path, filename, body string) page {
	s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		s.t.Fatal(err)
	}
	fw.Write([]byte(body))
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, s.url+path, &buf)
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(c, req)
}

// The dry run lists the invalid and the repeated rows and writes nothing;
// the import then writes what it showed, once; the export reads it back.
func TestImportDryRunThenImportThenExport(t *testing.T) {
	s := startInboxSite(t)
	ctx := context.Background()
	admin := s.signIn(s.adminMail)
	agent := s.signIn(s.agentEmail)
	file := "Name,Phone,City,Opt-in\n" +
		"Nuno Costa,+351 912 345 678,Porto,yes\n" +
		"Bad Row,12345,Faro,no\n" +
		"Nuno again,00351912345678,Braga,\n" +
		"Olga,+1 555 0001,Lisbon,\n" + // not a valid number
		"Vera,+44 7911 123456,=HYPERLINK(\"x\"),\n"
	if p := s.upload(agent, "/contacts/import", "list.csv", file); p.status != http.StatusForbidden {
		t.Fatalf("an agent imports: %d", p.status)
	}
	if p := s.upload(admin, "/contacts/import", "empty.csv", "phone\n"); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "has no contacts") {
		t.Fatalf("empty file: %d\n%s", p.status, p.body)
	}
	p := s.upload(admin, "/contacts/import", "list.csv", file)
	if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "/map") {
		t.Fatalf("upload: %d %q\n%s", p.status, p.location, p.body)
	}
	mapPath := p.location
	base := strings.TrimSuffix(mapPath, "/map")
	p = s.get(admin, mapPath)
	if p.status != http.StatusOK || !strings.Contains(p.body, `<option value="phone" selected`) || !strings.Contains(p.body, `value="attr:city" selected`) {
		t.Fatalf("map page: %d\n%s", p.status, p.body)
	}
	mapping := url.Values{"col_0": {"name"}, "col_1": {"phone"}, "col_2": {"attr:city"}, "col_3": {"opted_in"}}
	bad := url.Values{"col_0": {"phone"}, "col_1": {"phone"}, "col_2": {""}, "col_3": {""}}
	if p := s.post(admin, base+"/check", bad); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "one field per column") {
		t.Fatalf("a field twice: %d\n%s", p.status, p.body)
	}
	p = s.post(admin, base+"/check", mapping)
	if p.status != http.StatusOK || !strings.Contains(p.body, `data-testid="import-report"`) {
		t.Fatalf("check: %d\n%s", p.status, p.body)
	}
	for _, want := range []string{"Line 3", "12345", "Line 4", "Same number as line 2", "Line 5", "2 new contacts", `data-testid="import-run"`, "Import 2 contacts"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("dry run lacks %q", want)
		}
	}
	if _, err := s.db.ContactByPhone(ctx, "+351912345678"); err == nil {
		t.Fatal("the dry run wrote a contact")
	}
	if p := s.post(admin, base+"/run", mapping); p.status != http.StatusSeeOther {
		t.Fatalf("run: %d\n%s", p.status, p.body)
	}
	if p := s.post(admin, base+"/run", mapping); p.status != http.StatusSeeOther || p.location != "/contacts/import" {
		t.Fatalf("second run of the same upload: %d %q", p.status, p.location)
	}
	n, err := s.db.ContactByPhone(ctx, "+351912345678")
	if err != nil || n.Name != "Nuno Costa" || n.OptInSource != "import" {
		t.Fatalf("imported = %+v %v", n, err)
	}
	attrs, _ := s.db.ContactAttributes(ctx, n.ID)
	if len(attrs) != 1 || attrs[0].Value != "Porto" {
		t.Fatalf("attributes %+v", attrs)
	}

	p = s.get(admin, "/contacts/export.csv?q=Nuno")
	if p.status != http.StatusOK {
		t.Fatalf("export: %d", p.status)
	}
	recs, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil || len(recs) != 2 || recs[0][0] != "phone" || recs[1][0] != "+351912345678" || recs[1][len(recs[1])-1] != "Porto" {
		t.Fatalf("export = %q %v", recs, err)
	}
	p = s.get(admin, "/contacts/export.csv?q=Vera")
	if !strings.Contains(p.body, `'=HYPERLINK`) {
		t.Errorf("a formula is exported as is:\n%s", p.body)
	}
	if p := s.get(agent, "/contacts/export.csv"); p.status != http.StatusForbidden {
		t.Errorf("an agent exports: %d", p.status)
	}
}

func TestOptOutSettings(t *testing.T) {
	s := startInboxSite(t)
	ctx := context.Background()
	admin := s.signIn(s.adminMail)
	p := s.get(admin, "/settings/opt-out")
	if p.status != http.StatusOK || !strings.Contains(p.body, "UNSUBSCRIBE") || !strings.Contains(p.body, "You will not get marketing messages") {
		t.Fatalf("page: %d\n%s", p.status, p.body)
	}
	if p := s.post(admin, "/settings/opt-out/keywords", url.Values{"keyword": {"stop"}, "language": {"en"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "already in the list") {
		t.Fatalf("duplicate keyword: %d", p.status)
	}
	if p := s.post(admin, "/settings/opt-out/keywords", url.Values{"keyword": {"please stop all these"}, "language": {"en"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("a sentence: %d", p.status)
	}
	if p := s.post(admin, "/settings/opt-out/keywords", url.Values{"keyword": {"BAJA"}, "language": {"es"}}); p.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", p.status, p.body)
	}
	if p := s.post(admin, "/settings/opt-out/replies", url.Values{"reply_en": {"Unsubscribed."}, "reply_es": {"Listo, no recibirás más ofertas."}}); p.status != http.StatusSeeOther {
		t.Fatalf("replies: %d", p.status)
	}
	replies, _ := s.db.OptOutReplies(ctx)
	if replies["es"] != "Listo, no recibirás más ofertas." || replies["en"] != "Unsubscribed." {
		t.Fatalf("replies = %v", replies)
	}
	ks, _ := s.db.OptOutKeywords(ctx)
	if len(ks) != 3 {
		t.Fatalf("keywords = %+v", ks)
	}
	if p := s.post(admin, fmt.Sprintf("/settings/opt-out/keywords/%d/delete", ks[0].ID), nil); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", p.status)
	}
	if p := s.get(s.signIn(s.agentEmail), "/settings/opt-out"); p.status != http.StatusForbidden {
		t.Errorf("an agent: %d", p.status)
	}
}
