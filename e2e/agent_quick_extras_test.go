package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestQuickReplyWithFileAndOptions: an admin saves a quick reply that
// carries a PDF menu and four options (a refused first try keeps what was
// typed); in a conversation, "/" and two letters and Enter insert it, the
// reply box says what goes with the text, and sending it delivers the file
// and a list of four to the simulator customer. At phone width the agent
// inserts it and sends the text alone.
func TestQuickReplyWithFileAndOptions(t *testing.T) {
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	phone := newBrowser(t)
	run(t, phone, "open the customer phone", chromedp.Navigate(s.SimURL+"/"))
	customerWrites(t, phone, "Do you have a menu?")

	pdf := filepath.Join(t.TempDir(), "menu.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	form := byTestID("quick-reply-form") + " "
	// Four options without the label of the list's button: refused, with
	// what was typed kept and the file asked for again.
	run(t, agent, "a quick reply with a file and four options",
		chromedp.Navigate(s.URL+"/quick-replies"),
		chromedp.WaitVisible(byTestID("quick-reply-form"), chromedp.ByQuery),
		chromedp.SendKeys(form+byTestID("quick-reply-shortcut"), "menu", chromedp.ByQuery),
		chromedp.SendKeys(form+byTestID("quick-reply-body"), "Here is our menu, {contact_name}.", chromedp.ByQuery),
		chromedp.SetUploadFiles(form+byTestID("quick-reply-file"), []string{pdf}, chromedp.ByQuery),
		chromedp.SendKeys(form+byTestID("quick-reply-options"), "Breads\nCakes\nCoffee\nCatering", chromedp.ByQuery),
		chromedp.Click(form+byTestID("quick-reply-shared"), chromedp.ByQuery),
		chromedp.Click(form+byTestID("quick-reply-save"), chromedp.ByQuery))
	pollAcrossLoads(t, agent, "refused for the list button", `document.readyState === "complete" && !!document.querySelector('[data-testid="error-list_button"]')`)
	var options string
	run(t, agent, "the options are kept", chromedp.Value(form+byTestID("quick-reply-options"), &options, chromedp.ByQuery))
	if options != "Breads\nCakes\nCoffee\nCatering" {
		t.Errorf("after the refusal the options are %q", options)
	}
	if n := countOf(t, agent, byTestID("quick-reply-file-note")); n != 1 {
		t.Error("the refused form does not ask for the file again")
	}
	run(t, agent, "label the list's button, choose the file again, save",
		chromedp.SendKeys(form+byTestID("quick-reply-list-button"), "See the menu", chromedp.ByQuery),
		chromedp.SetUploadFiles(form+byTestID("quick-reply-file"), []string{pdf}, chromedp.ByQuery),
		chromedp.Click(form+byTestID("quick-reply-save"), chromedp.ByQuery))
	pollAcrossLoads(t, agent, "/menu listed with its file and options", `document.readyState === "complete" && (() => { const ex = Array.from(document.querySelectorAll('[data-testid="quick-reply-extra"]')).map(e => e.textContent);
		return ex.length === 2 && ex[0].startsWith("File: menu.pdf, ") && ex[1] === "List: Breads · Cakes · Coffee · Catering"; })()`)
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, vp.name, vp.at())
		checkAccessible(t, agent, "quick replies with a file and options ("+vp.name+")")
		checkNoSideScroll(t, agent, "quick replies with a file and options ("+vp.name+")")
	}

	// Desktop: "/me" + Enter inserts it; the file and the list go too.
	run(t, agent, "desktop", desktopWidth.at())
	openFirstConversation(t, agent, s)
	var name string
	run(t, agent, "the customer's name", chromedp.Text(byTestID("thread-name"), &name, chromedp.ByQuery))
	run(t, agent, "type /me", chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.Click(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("composer-input"), "/me", chromedp.ByQuery))
	poll(t, agent, "the list shows /menu with what goes along", `!document.querySelector('[data-testid="quick-picker"]').hidden &&
		Array.from(document.querySelectorAll('[data-testid="quick-option"]')).some(o => !o.hidden && o.dataset.shortcut === "menu" && o.querySelector('[data-testid="quick-option-extras"]').textContent.includes("List: Breads"))`)
	run(t, agent, "Enter inserts it", chromedp.KeyEvent(kb.Enter))
	var text string
	run(t, agent, "the reply box", chromedp.Value(byTestID("composer-input"), &text, chromedp.ByQuery))
	if text != "Here is our menu, "+strings.TrimSpace(name)+"." {
		t.Fatalf("the reply box holds %q", text)
	}
	poll(t, agent, "the reply box says what goes with the text", `!document.querySelector('[data-testid="composer-quick-extras"]').hidden &&
		document.querySelector('[data-testid="composer-quick-extras"]').textContent.includes("File: menu.pdf") &&
		document.querySelector('[data-testid="composer-quick-extras"]').textContent.includes("List: Breads · Cakes · Coffee · Catering")`)
	checkAccessible(t, agent, "reply box with a quick reply's file and options (desktop)")
	run(t, agent, "send", chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(input.ModifierNone)))
	pollAcrossLoads(t, agent, "the file and the list in the conversation", `document.readyState === "complete" &&
		!!document.querySelector('[data-testid="message"][data-direction="out"][data-kind="document"]') &&
		Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"]')).some(m => m.dataset.kind.startsWith("interactive") && m.textContent.includes("Here is our menu"))`)
	run(t, phone, "the customer gets the menu and a list of four",
		chromedp.Poll(`(() => { const ms = Array.from(document.querySelectorAll('[data-testid="message"][data-direction="in"]'));
			const list = ms.filter(m => m.dataset.kind === "interactive-list").pop();
			return ms.some(m => m.dataset.kind === "document") && !!list && list.querySelectorAll('[data-testid="list-row"]').length === 4 &&
				list.querySelector('[data-testid="list-open"]').textContent.includes("See the menu") && list.textContent.includes("Here is our menu"); })()`, nil,
			chromedp.WithPollingTimeout(20*time.Second)))

	// Phone width: inserted, then "Send the text only": the text alone.
	run(t, agent, "phone", phoneWidth.at())
	openFirstConversation(t, agent, s)
	var before int
	run(t, agent, "messages so far", chromedp.Evaluate(`document.querySelectorAll('[data-testid="message"][data-direction="out"]').length`, &before))
	run(t, agent, "type /me at phone width", chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.Click(byTestID("composer-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("composer-input"), "/me", chromedp.ByQuery))
	poll(t, agent, "the list opens", `!document.querySelector('[data-testid="quick-picker"]').hidden`)
	checkAccessible(t, agent, "quick reply list with extras open (phone)")
	checkNoSideScroll(t, agent, "quick reply list with extras open (phone)")
	run(t, agent, "Enter inserts it", chromedp.KeyEvent(kb.Enter))
	poll(t, agent, "what goes along is shown", `!document.querySelector('[data-testid="composer-quick-extras"]').hidden`)
	checkAccessible(t, agent, "reply box with a quick reply's file and options (phone)")
	checkNoSideScroll(t, agent, "reply box with a quick reply's file and options (phone)")
	run(t, agent, "send the text only", chromedp.Click(byTestID("composer-quick-extras-drop"), chromedp.ByQuery))
	poll(t, agent, "nothing goes along", `document.querySelector('[data-testid="composer-quick-extras"]').hidden && document.querySelector('[data-testid="composer-quick-reply"]').value === ""`)
	run(t, agent, "send", chromedp.Click(byTestID("composer-send"), chromedp.ByQuery))
	pollAcrossLoads(t, agent, "one text message more", `document.readyState === "complete" && (() => {
		const out = Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"]'));
		return out.length === `+strconv.Itoa(before+1)+` && out[out.length - 1].dataset.kind === "text" && out[out.length - 1].textContent.includes("Here is our menu"); })()`)

	// Editing in Settings: the file is shown, and removed on request.
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		run(t, agent, "the edit page at "+vp.name, vp.at(), chromedp.Navigate(s.URL+"/quick-replies"),
			chromedp.WaitVisible(byTestID("quick-replies-shared"), chromedp.ByQuery),
			chromedp.Click(byTestID("quick-replies-shared")+` a[href^="/quick-replies/"]`, chromedp.ByQuery),
			chromedp.WaitVisible(byTestID("quick-reply-current-file"), chromedp.ByQuery))
		checkAccessible(t, agent, "quick reply edit page with a file ("+vp.name+")")
		checkNoSideScroll(t, agent, "quick reply edit page with a file ("+vp.name+")")
	}
	run(t, agent, "remove the file", chromedp.Click(byTestID("quick-reply-remove-file"), chromedp.ByQuery),
		chromedp.Click(byTestID("quick-reply-edit-form")+" "+byTestID("quick-reply-save"), chromedp.ByQuery))
	pollAcrossLoads(t, agent, "/menu without its file", `document.readyState === "complete" && !!document.querySelector('[data-testid="quick-replies-shared"]') &&
		Array.from(document.querySelectorAll('[data-testid="quick-reply-extra"]')).map(e => e.textContent).join("|") === "List: Breads · Cakes · Coffee · Catering"`)
}
