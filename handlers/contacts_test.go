package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wadesk/wadesk/providers"
	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

func (s *inboxSite) contactOf(t *testing.T, conversationID int64) int64 {
	t.Helper()
	c, err := s.db.ConsentOfConversation(context.Background(), conversationID)
	if err != nil {
		t.Fatal(err)
	}
	return c.ContactID
}

// Agents see the contacts of the conversations they may see; admins all.
func TestContactsListAndPageFollowTheInboxRule(t *testing.T) {
	s := startInboxSite(t)
	agent := s.signIn(s.agentEmail)
	admin := s.signIn(s.adminMail)
	p := s.get(agent, "/contacts")
	if p.status != http.StatusOK || !strings.Contains(p.body, "Olga Open") || !strings.Contains(p.body, "Sam Sales") || strings.Contains(p.body, "Sue Support") {
		t.Fatalf("agent's contacts: %d\n%s", p.status, p.body)
	}
	if strings.Contains(p.body, `data-testid="contacts-import"`) || strings.Contains(p.body, `data-testid="contacts-export"`) {
		t.Error("an agent is offered import or export")
	}
	sue := s.contactOf(t, s.support)
	if p := s.get(agent, fmt.Sprintf("/contacts/%d", sue)); p.status != http.StatusNotFound {
		t.Errorf("agent opens another department's contact: %d", p.status)
	}
	if p := s.post(agent, fmt.Sprintf("/contacts/%d/consent", sue), url.Values{"action": {"block"}}); p.status != http.StatusNotFound {
		t.Errorf("agent blocks another department's contact: %d", p.status)
	}
	if p := s.get(admin, "/contacts?q=sue"); !strings.Contains(p.body, "Sue Support") || strings.Contains(p.body, "Olga Open") {
		t.Errorf("admin search:\n%s", p.body)
	}
	if p := s.get(admin, "/contacts?consent=nonsense"); p.status != http.StatusNotFound {
		t.Errorf("bad filter: %d", p.status)
	}
	p = s.get(admin, fmt.Sprintf("/contacts/%d", sue))
	if p.status != http.StatusOK || !strings.Contains(p.body, "+15550003") || !strings.Contains(p.body, fmt.Sprintf(`href="/inbox/%d"`, s.support)) {
		t.Fatalf("contact page: %d\n%s", p.status, p.body)
	}
}

func TestContactLabelsAttributesAndConsent(t *testing.T) {
	s := startInboxSite(t)
	agent := s.signIn(s.agentEmail)
	olga := s.contactOf(t, s.open)
	path := fmt.Sprintf("/contacts/%d", olga)

	if p := s.post(agent, path+"/labels", url.Values{"label_name": {""}, "label_colour": {"green"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "Type a name for the new label.") {
		t.Fatalf("label without name: %d\n%s", p.status, p.body)
	}
	if p := s.post(agent, path+"/labels", url.Values{"label_name": {"VIP"}, "label_colour": {"fuchsia"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("colour outside the palette: %d", p.status)
	}
	if p := s.post(agent, path+"/labels", url.Values{"label_name": {" VIP "}, "label_colour": {"green"}}); p.status != http.StatusSeeOther {
		t.Fatalf("create label: %d\n%s", p.status, p.body)
	}
	if p := s.post(agent, path+"/labels", url.Values{"label_name": {"vip"}, "label_colour": {"red"}}); p.status != http.StatusSeeOther {
		t.Fatalf("same label by name again: %d", p.status)
	}
	if p := s.post(agent, path+"/attributes", url.Values{"attr_name": {"Customer ID"}, "attr_value": {"C-1042"}}); p.status != http.StatusSeeOther {
		t.Fatalf("attribute: %d\n%s", p.status, p.body)
	}
	if p := s.post(agent, path+"/attributes", url.Values{"attr_name": {"!!"}, "attr_value": {"x"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("attribute without a name: %d", p.status)
	}
	if p := s.post(agent, path+"/consent", url.Values{"action": {"opt_out"}}); p.status != http.StatusSeeOther {
		t.Fatalf("opt out: %d", p.status)
	}
	p := s.get(agent, path)
	for _, want := range []string{`>VIP</span>`, "label-chip label-green", "customer_id", "C-1042", "recorded by an agent", `data-testid="contact-opt-back-in"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("contact page lacks %q", want)
		}
	}
	labels, err := s.db.ContactLabels(context.Background(), olga)
	if err != nil || len(labels[olga]) != 1 {
		t.Fatalf("labels = %+v %v", labels, err)
	}
	if p := s.get(agent, "/contacts?consent=opted_out"); !strings.Contains(p.body, "Olga Open") || strings.Contains(p.body, "Sam Sales") {
		t.Errorf("opted-out filter:\n%s", p.body)
	}
	if p := s.get(agent, fmt.Sprintf("/contacts?label=%d", labels[olga][0].ID)); !strings.Contains(p.body, "Olga Open") || strings.Contains(p.body, "Sam Sales") {
		t.Errorf("label filter:\n%s", p.body)
	}
}

// An agent types a number (any common writing), gets a contact, sends a
// template and lands in the conversation; a known number goes to that
// contact; a marketing template to an opted-out contact is refused in
// words and opens no conversation.
func TestStartAConversationWithANumber(t *testing.T) {
	s := startInboxSite(t)
	ctx := context.Background()
	agent := s.signIn(s.agentEmail)
	chans, err := s.db.SendingChannels(ctx, store.InboxViewer{Admin: true})
	if err != nil || len(chans) != 1 {
		t.Fatalf("channels %v %v", chans, err)
	}
	ch := chans[0].ID
	save := func(name, category string) int64 {
		rec, err := templates.Record(providers.Template{ID: "t-" + name, Name: name, Language: "en_US", Category: category, Status: "APPROVED",
			Components: []providers.TemplateComponent{{Type: "BODY", Text: "Hi {{1}}, your order is ready.", ExampleBodyText: [][]string{{"Sheena"}}}}})
		if err != nil {
			t.Fatal(err)
		}
		saved, err := s.db.SaveTemplate(ctx, ch, rec)
		if err != nil {
			t.Fatal(err)
		}
		return saved.ID
	}
	utility, marketing := save("order_ready", "UTILITY"), save("weekend_offer", "MARKETING")

	if p := s.post(agent, "/contacts/new", url.Values{"phone": {"12"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "Check the country code") {
		t.Fatalf("bad number: %d\n%s", p.status, p.body)
	}
	p := s.post(agent, "/contacts/new", url.Values{"phone": {"00351 912 345 678"}, "name": {"Nuno"}})
	if p.status != http.StatusSeeOther || !strings.HasSuffix(p.location, "/start") {
		t.Fatalf("new number: %d %q", p.status, p.location)
	}
	c, err := s.db.ContactByPhone(ctx, "+351912345678")
	if err != nil {
		t.Fatal(err)
	}
	if p := s.post(agent, "/contacts/new", url.Values{"phone": {"+351912345678"}}); p.status != http.StatusSeeOther || p.location != fmt.Sprintf("/contacts/%d", c.ID) {
		t.Fatalf("known number: %d %q", p.status, p.location)
	}
	start := fmt.Sprintf("/contacts/%d/start", c.ID)
	p = s.get(agent, fmt.Sprintf("%s?channel=%d&template=%d", start, ch, utility))
	if p.status != http.StatusOK || !strings.Contains(p.body, `data-testid="start-field-body_1"`) {
		t.Fatalf("start form: %d\n%s", p.status, p.body)
	}
	if p := s.post(agent, start, url.Values{"channel": {fmt.Sprint(ch)}, "template": {fmt.Sprint(utility)}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("missing value: %d", p.status)
	}
	now := time.Now()
	if err := s.db.SetMarketingOptOut(ctx, c.ID, &now, "keyword:STOP"); err != nil {
		t.Fatal(err)
	}
	p = s.post(agent, start, url.Values{"channel": {fmt.Sprint(ch)}, "template": {fmt.Sprint(marketing)}, "body_1": {"Nuno"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "asked not to get marketing messages") {
		t.Fatalf("marketing to an opted-out contact: %d\n%s", p.status, p.body)
	}
	if convs, _ := s.db.ConversationsOfContact(ctx, store.InboxViewer{Admin: true}, c.ID); len(convs) != 0 {
		t.Fatalf("a refused start left %d conversations", len(convs))
	}
	p = s.post(agent, start, url.Values{"channel": {fmt.Sprint(ch)}, "template": {fmt.Sprint(utility)}, "body_1": {"Nuno"}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/inbox/") {
		t.Fatalf("send: %d %q\n%s", p.status, p.location, p.body)
	}
	convs, err := s.db.ConversationsOfContact(ctx, store.ViewerOf(store.User{ID: 2, Role: store.RoleAgent}), c.ID)
	if err != nil || len(convs) != 1 || p.location != fmt.Sprintf("/inbox/%d", convs[0].ID) {
		t.Fatalf("conversations %+v %v", convs, err)
	}
	msgs, err := s.db.ConversationMessages(ctx, convs[0].ID, 0)
	if err != nil || len(msgs) != 1 || msgs[0].Text != "Hi Nuno, your order is ready." || msgs[0].Type != "template" {
		t.Fatalf("messages %+v %v", msgs, err)
	}
	if p := s.get(agent, p.location); p.status != http.StatusOK {
		t.Fatalf("the agent cannot open the conversation they started: %d", p.status)
	}
}

// The inbox composer refuses a marketing template to a customer who opted
// out, in words, and keeps what was typed.
func TestComposerRefusesMarketingToAnOptedOutCustomer(t *testing.T) {
	s := startInboxSite(t)
	ctx := context.Background()
	admin := s.signIn(s.adminMail)
	c, err := s.db.ConversationFor(ctx, store.InboxViewer{Admin: true}, s.open)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := templates.Record(providers.Template{ID: "m1", Name: "weekend_offer", Language: "en_US", Category: "MARKETING", Status: "APPROVED",
		Components: []providers.TemplateComponent{{Type: "BODY", Text: "Hello {{1}}!", ExampleBodyText: [][]string{{"Ana"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := s.db.SaveTemplate(ctx, c.ChannelID, rec)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.db.SetMarketingOptOut(ctx, c.ContactID, &now, "keyword:STOP"); err != nil {
		t.Fatal(err)
	}
	p := s.post(admin, fmt.Sprintf("/inbox/%d/messages/template", s.open), url.Values{"template": {fmt.Sprint(tpl.ID)}, "body_1": {"Olga"}, "confirm_cost": {"yes"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "asked not to get marketing messages") || !strings.Contains(p.body, "STOP") {
		t.Fatalf("marketing to an opted-out customer: %d\n%s", p.status, p.body)
	}
	msgs, _ := s.db.ConversationMessages(ctx, s.open, 0)
	for _, m := range msgs {
		if m.Direction == "out" {
			t.Fatalf("a refused template was stored: %+v", m)
		}
	}
}
