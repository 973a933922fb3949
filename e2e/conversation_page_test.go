package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The conversation page as an agent uses it every day (issue 13): where
// the messages, the reply box, the order and the notes land on a laptop
// and on a phone, where the chat scrolls to, and the template picker with
// an empty reply box.

// saveArtifact keeps a full-page screenshot of the current page in
// artifactsDir (CI's $WADESK_E2E_ARTIFACTS) under name.png.
func saveArtifact(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir, err := artifactsDir()
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	var png []byte
	run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(&png, 100))
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	t.Logf("screenshot: %s", path)
}

// customerSays has the simulator's customer send texts, one message each.
func customerSays(t *testing.T, s *server, from string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": from, "text": text})
	}
}

// chitchat is n distinct customer messages, long enough to fill a chat.
func chitchat(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Message %d: do you still have the rye bread and the almond croissants from this morning?", i+1)
	}
	return out
}

// busyConversation is the scene of the layout tests: a customer who wrote
// a lot, placed an order and has a note on file, opened by the demo admin.
// It returns the server, the agent's browser and the customer's wa_id.
func busyConversation(t *testing.T) (*server, context.Context, string) {
	t.Helper()
	s := startDemo(t)
	agent := newBrowser(t)
	inboxConnect(t, agent, s)
	from := firstCustomer(t, s)
	customerSays(t, s, from, chitchat(18)...)
	simInbound(t, s, map[string]any{"phone_number_id": simUsable, "from": from, "order": map[string]any{
		"text": "Pickup at 5pm",
		"items": []map[string]any{
			{"product_retailer_id": "sourdough-loaf", "quantity": 2, "item_price": 8.5, "currency": "USD"},
			{"product_retailer_id": "croissant", "quantity": 1, "item_price": 3.25, "currency": "USD"},
		},
	}})
	customerSays(t, s, from, "Thanks! See you at five.")
	openFirstConversation(t, agent, s)
	// The simulator delivers the webhooks after answering; on a busy
	// machine the last ones take a while.
	convURL := location(t, agent)
	for i := 0; ; i++ {
		run(t, agent, "reload the conversation", chromedp.Navigate(convURL), chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery))
		err := chromedp.Run(agent, chromedp.Poll(`document.querySelectorAll('[data-testid="message"]').length >= 20 &&
			!!document.querySelector('[data-testid="order-card"]')`, nil, chromedp.WithPollingTimeout(5*time.Second)))
		if err == nil {
			break
		}
		if i == 12 {
			t.Fatalf("the customer's messages and order did not all arrive: %v", err)
		}
	}
	run(t, agent, "add a note",
		chromedp.Evaluate(`document.querySelector('[data-testid="notes"]').open = true`, nil),
		chromedp.WaitVisible(byTestID("note-input"), chromedp.ByQuery),
		chromedp.SendKeys(byTestID("note-input"), "Regular customer: always pays at pickup.", chromedp.ByQuery),
		chromedp.Click(byTestID("note-submit"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("note"), chromedp.ByQuery),
		chromedp.WaitVisible(byTestID("order-card"), chromedp.ByQuery),
	)
	return s, agent, from
}

// rect is an element's box in the viewport, as getBoundingClientRect says.
type rect struct {
	Top, Bottom, Left, Right, Width, Height float64
}

func boxOf(t *testing.T, ctx context.Context, sel string) rect {
	t.Helper()
	var r rect
	run(t, ctx, "measure "+sel, chromedp.Evaluate(`(() => {
		const el = document.querySelector(`+jsString(sel)+`);
		if (!el) return {};
		const r = el.getBoundingClientRect();
		return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height};
	})()`, &r))
	return r
}

// chatScroll is where the chat is scrolled to.
type chatScroll struct {
	Top, Height, Client float64
}

func (c chatScroll) fromBottom() float64 { return c.Height - c.Top - c.Client }

func chatScrollOf(t *testing.T, ctx context.Context) chatScroll {
	t.Helper()
	var c chatScroll
	run(t, ctx, "read the chat's scroll", chromedp.Evaluate(`(() => {
		const c = document.getElementById("chat");
		return {top: c.scrollTop, height: c.scrollHeight, client: c.clientHeight};
	})()`, &c))
	return c
}

// inChatView reports whether the element is inside the chat's visible box.
func inChatView(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	var in bool
	run(t, ctx, "is "+sel+" in view", chromedp.Evaluate(`(() => {
		const el = document.querySelector(`+jsString(sel)+`), chat = document.getElementById("chat");
		if (!el || !chat) return false;
		const r = el.getBoundingClientRect(), c = chat.getBoundingClientRect();
		return r.height > 0 && r.top >= c.top - 1 && r.bottom <= c.bottom + 1;
	})()`, &in))
	return in
}

// visibleInViewport reports whether the element is on screen, whole.
func visibleInViewport(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	var in bool
	run(t, ctx, "is "+sel+" on screen", chromedp.Evaluate(`(() => {
		const el = document.querySelector(`+jsString(sel)+`);
		if (!el) return false;
		const r = el.getBoundingClientRect();
		return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 &&
			r.bottom <= window.innerHeight + 1 && r.right <= window.innerWidth + 1 &&
			getComputedStyle(el).visibility !== "hidden";
	})()`, &in))
	return in
}

const lastMessage = `[data-testid="message"]:last-of-type`

// Item 3 and 4: the messages take the main column; the order, products,
// notes and contact are in a side panel (a drawer on a phone); on a phone
// the reply box is on screen and Reply buttons stay inside their bubbles.
func TestConversationPageLayout(t *testing.T) {
	_, agent, _ := busyConversation(t)
	convURL := location(t, agent)

	t.Run("desktop", func(t *testing.T) {
		run(t, agent, "laptop window", desktopWidth.at(), chromedp.Navigate(convURL),
			chromedp.WaitVisible(byTestID("order-card"), chromedp.ByQuery), chromedp.WaitVisible(byTestID("note"), chromedp.ByQuery))
		chat := boxOf(t, agent, "#chat")
		if chat.Height < 450 {
			t.Errorf("with an order and notes open the messages get %.0f px of a %d px window, want at least 450", chat.Height, desktopWidth.height)
		}
		side := boxOf(t, agent, byTestID("thread-side"))
		order := boxOf(t, agent, byTestID("order-card"))
		if side.Left < chat.Right-1 || order.Left < chat.Right-1 {
			t.Errorf("the side panel (left %.0f) and the order (left %.0f) should be beside the chat (right %.0f)", side.Left, order.Left, chat.Right)
		}
		for _, sel := range []string{byTestID("composer-input"), byTestID("composer-send"), byTestID("thread-contact")} {
			if !visibleInViewport(t, agent, sel) {
				t.Errorf("%s is not on screen at %dx%d", sel, desktopWidth.width, desktopWidth.height)
			}
		}
		var pageHeight float64
		run(t, agent, "page height", chromedp.Evaluate(`document.documentElement.scrollHeight`, &pageHeight))
		if pageHeight > float64(desktopWidth.height)+1 {
			t.Errorf("the page is %.0f px tall in a %d px window: it scrolls under the chat", pageHeight, desktopWidth.height)
		}
		checkAccessible(t, agent, "conversation (desktop)")
		checkNoSideScroll(t, agent, "conversation (desktop)")
		saveArtifact(t, agent, "conversation-desktop")

		// The agent closes the panel for more room; the choice is kept.
		run(t, agent, "close the side panel",
			chromedp.Click(byTestID("thread-side-close"), chromedp.ByQuery),
			chromedp.WaitNotVisible(byTestID("thread-side"), chromedp.ByQuery),
			chromedp.Navigate(convURL), chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery))
		if wide := boxOf(t, agent, "#chat"); wide.Width <= chat.Width {
			t.Errorf("closing the panel did not widen the chat (%.0f → %.0f px)", chat.Width, wide.Width)
		}
		var expanded string
		run(t, agent, "the panel stays closed after a reload",
			chromedp.WaitNotVisible(byTestID("thread-side"), chromedp.ByQuery),
			chromedp.AttributeValue(byTestID("thread-side-toggle"), "aria-expanded", &expanded, nil, chromedp.ByQuery),
			chromedp.Click(byTestID("thread-side-toggle"), chromedp.ByQuery),
			chromedp.WaitVisible(byTestID("order-card"), chromedp.ByQuery))
		if expanded != "false" {
			t.Errorf("Details button aria-expanded = %q with the panel closed", expanded)
		}
	})

	t.Run("phone", func(t *testing.T) {
		run(t, agent, "phone", phoneWidth.at(), chromedp.Navigate(convURL), chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery))
		for _, sel := range []string{byTestID("composer-input"), byTestID("composer-send"), byTestID("thread-side-toggle"), lastMessage} {
			if !visibleInViewport(t, agent, sel) {
				t.Errorf("%s is not on screen at %dx%d", sel, phoneWidth.width, phoneWidth.height)
			}
		}
		if chat := boxOf(t, agent, "#chat"); chat.Height < 380 {
			t.Errorf("the messages get %.0f px of an %d px phone screen, want at least 380", chat.Height, phoneWidth.height)
		}
		var hanging []string
		run(t, agent, "reply buttons inside their bubbles", chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid="reply-button"]')).filter(b => {
			const r = b.getBoundingClientRect(), m = b.closest('[data-testid="message"]').getBoundingClientRect();
			return r.left < m.left - 1 || r.right > m.right + 1 || r.top < m.top - 1 || r.bottom > m.bottom + 1 || r.right > innerWidth;
		}).map(b => b.closest('[data-testid="message"]').dataset.messageId)`, &hanging))
		if len(hanging) > 0 {
			t.Errorf("Reply buttons stick out of their bubbles %v", hanging)
		}
		checkAccessible(t, agent, "conversation (phone)")
		checkNoSideScroll(t, agent, "conversation (phone)")
		saveArtifact(t, agent, "conversation-phone")

		run(t, agent, "open the details drawer",
			chromedp.Click(byTestID("thread-side-toggle"), chromedp.ByQuery),
			chromedp.WaitVisible(byTestID("order-card"), chromedp.ByQuery),
			chromedp.WaitVisible(byTestID("note"), chromedp.ByQuery))
		if !visibleInViewport(t, agent, byTestID("thread-side-close")) {
			t.Error("the drawer's Close button is not on screen")
		}
		checkAccessible(t, agent, "conversation details drawer (phone)")
		checkNoSideScroll(t, agent, "conversation details drawer (phone)")
		saveArtifact(t, agent, "conversation-phone-details")
		run(t, agent, "Escape closes the drawer",
			chromedp.KeyEvent("\x1b"),
			chromedp.WaitNotVisible(byTestID("thread-side"), chromedp.ByQuery))
		if !visibleInViewport(t, agent, byTestID("composer-input")) {
			t.Error("after the drawer closed the reply box is not on screen")
		}
	})
}

// Item 2: a conversation opens at its newest message and follows new ones
// while the agent is at the bottom (after Send too); while they read older
// ones it stays put and offers "New messages ↓".
func TestConversationPageScroll(t *testing.T) {
	s, agent, from := busyConversation(t)
	convURL := location(t, agent)
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		t.Run(vp.name, func(t *testing.T) {
			run(t, agent, "open the conversation", vp.at(), chromedp.Navigate(convURL),
				chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery))
			poll(t, agent, "opened at the newest message", `(() => { const c = document.getElementById("chat");
				return c.scrollHeight > c.clientHeight && c.scrollHeight - c.scrollTop - c.clientHeight < 8; })()`)
			if !inChatView(t, agent, lastMessage) {
				t.Fatal("the newest message is not in view when the conversation opens")
			}

			reply := "Of course, see you at five! (" + vp.name + ")"
			run(t, agent, "the agent sends a reply",
				chromedp.SendKeys(byTestID("composer-input"), reply, chromedp.ByQuery),
				// Marks this page, to wait for the one the Send leads to.
				chromedp.Evaluate(`document.body.dataset.beforeSend = "1"`, nil),
				chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
				chromedp.WaitNotPresent(`body[data-before-send]`, chromedp.ByQuery),
				chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery))
			poll(t, agent, "the reply is shown", `(document.querySelector('`+lastMessage+`') || {}).textContent?.includes(`+jsString(reply)+`)`)
			poll(t, agent, "the reply is in view", `(() => { const c = document.getElementById("chat");
				return c.scrollHeight - c.scrollTop - c.clientHeight < 8; })()`)
			if !inChatView(t, agent, lastMessage) {
				t.Error("after Send the sent message is out of view")
			}

			customerSays(t, s, from, "One more thing: can you slice the loaf? ("+vp.name+")")
			poll(t, agent, "a new message while at the bottom is followed", `(() => { const c = document.getElementById("chat"),
				last = document.querySelector('`+lastMessage+`');
				return last.textContent.includes("slice the loaf") && c.scrollHeight - c.scrollTop - c.clientHeight < 8; })()`)

			// The agent scrolls up to read; a new message must not move them.
			run(t, agent, "scroll up to the start", chromedp.Evaluate(`document.getElementById("chat").scrollTop = 0`, nil))
			poll(t, agent, "at the top", `document.getElementById("chat").scrollTop === 0`)
			before := countOf(t, agent, `[data-testid="message"]`)
			customerSays(t, s, from, "And two baguettes please ("+vp.name+")")
			poll(t, agent, "the new message arrives", fmt.Sprintf(`document.querySelectorAll('[data-testid="message"]').length > %d`, before))
			poll(t, agent, "the new-messages button shows", `!document.querySelector('[data-testid="chat-new-messages"]').hidden`)
			if sc := chatScrollOf(t, agent); sc.Top > 1 {
				t.Errorf("the chat moved to %.0f px while the agent was reading the start", sc.Top)
			}
			if inChatView(t, agent, lastMessage) {
				t.Error("the newest message was scrolled into view while the agent was reading older ones")
			}
			if !visibleInViewport(t, agent, byTestID("chat-new-messages")) {
				t.Error("the new-messages button is not on screen")
			}
			run(t, agent, "go to the new messages", chromedp.Click(byTestID("chat-new-messages"), chromedp.ByQuery))
			poll(t, agent, "at the newest message, the button gone", `(() => { const c = document.getElementById("chat");
				return c.scrollHeight - c.scrollTop - c.clientHeight < 8 && document.querySelector('[data-testid="chat-new-messages"]').hidden; })()`)
			if !inChatView(t, agent, lastMessage) {
				t.Error("after the new-messages button the newest message is not in view")
			}
		})
	}
}

// Item 1: a template can be picked and sent while the reply box is empty,
// inside the 24-hour window and outside it. Each case has its own browser:
// closing the window takes a while.
func TestTemplatePickerWithEmptyReplyBox(t *testing.T) {
	for _, tc := range []struct {
		name       string
		windowOpen bool
	}{{"window open", true}, {"window closed", false}} {
		t.Run(tc.name, func(t *testing.T) {
			s, agent, _ := composeStart(t, "Hi, is my order ready?")
			convURL := location(t, agent)
			if tc.windowOpen {
				var reply string
				run(t, agent, "the reply box is empty", chromedp.Value(byTestID("composer-input"), &reply, chromedp.ByQuery))
				if reply != "" {
					t.Fatalf("reply box = %q", reply)
				}
			} else {
				// A day passes at WhatsApp; its refusal of a reply closes the window.
				simAdvance(t, s, "25h")
				run(t, agent, "a reply is refused for the closed window",
					chromedp.SendKeys(byTestID("composer-input"), "Are you still there?", chromedp.ByQuery),
					chromedp.Evaluate(`document.body.dataset.beforeSend = "1"`, nil),
					chromedp.Click(byTestID("composer-send"), chromedp.ByQuery),
					chromedp.WaitNotPresent(`body[data-before-send]`, chromedp.ByQuery))
				for i := 0; ; i++ {
					run(t, agent, "reload", chromedp.Navigate(convURL), chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery))
					if countOf(t, agent, byTestID("composer-closed")) == 1 {
						break
					}
					if i == 100 {
						t.Fatal("the window did not close")
					}
					time.Sleep(300 * time.Millisecond)
				}
			}
			before := countOf(t, agent, `[data-testid="message"][data-direction="out"]`)
			run(t, agent, "pick order_ready",
				chromedp.Click(byTestID("composer-template-open"), chromedp.ByQuery),
				chromedp.WaitVisible(byTestID("template-choice-order_ready-en_US"), chromedp.ByQuery),
				chromedp.Click(byTestID("template-choice-order_ready-en_US")+` input`, chromedp.ByQuery),
				chromedp.WaitVisible(byTestID("template-value-body_2"), chromedp.ByQuery),
				chromedp.SendKeys(byTestID("template-value-body_1"), "Sheena", chromedp.ByQuery),
				chromedp.SendKeys(byTestID("template-value-body_2"), "#2044", chromedp.ByQuery),
				chromedp.Click(byTestID("template-send"), chromedp.ByQuery),
				chromedp.WaitNotPresent(byTestID("template-send"), chromedp.ByQuery),
				chromedp.WaitVisible(byTestID("thread"), chromedp.ByQuery),
			)
			poll(t, agent, "the template is sent", fmt.Sprintf(`document.querySelectorAll('[data-testid="message"][data-direction="out"]').length > %d &&
				Array.from(document.querySelectorAll('[data-testid="message"][data-direction="out"]')).some(m => m.textContent.includes("#2044"))`, before))
		})
	}
}

// Item 15: opening a composer panel keeps the composer's buttons on their
// row and the chat's height; the channel page warns that Meta needs a
// public HTTPS webhook URL when it is http://.
func TestComposerButtonsStayAndWebhookWarning(t *testing.T) {
	s, agent, _ := composeStart(t, "Hello! Can I order a cake for Saturday?")
	convURL := location(t, agent)
	for _, vp := range []viewport{desktopWidth, phoneWidth} {
		t.Run(vp.name, func(t *testing.T) {
			run(t, agent, "open the conversation", vp.at(), chromedp.Navigate(convURL),
				chromedp.WaitVisible(byTestID("composer-input"), chromedp.ByQuery))
			buttons := []string{"composer-template-open", "composer-interactive-open", "composer-attach-open"}
			tops := func() []float64 {
				var out []float64
				for _, b := range buttons {
					out = append(out, boxOf(t, agent, byTestID(b)).Top)
				}
				return out
			}
			closed := tops()
			chatBefore := boxOf(t, agent, "#chat")
			for _, b := range buttons {
				run(t, agent, "open "+b, chromedp.Click(byTestID(b), chromedp.ByQuery),
					chromedp.WaitVisible(byTestID(b)+` + .composer-panel`, chromedp.ByQuery))
				if got := tops(); fmt.Sprint(got) != fmt.Sprint(closed) {
					t.Errorf("with %s open the buttons' tops are %v, want %v (their row)", b, got, closed)
				}
				if got := boxOf(t, agent, "#chat"); got.Height != chatBefore.Height {
					t.Errorf("with %s open the chat is %.0f px tall, was %.0f", b, got.Height, chatBefore.Height)
				}
				if !visibleInViewport(t, agent, byTestID(b)+` + .composer-panel`) {
					t.Errorf("the %s panel is not on screen", b)
				}
				if b == "composer-template-open" {
					checkAccessible(t, agent, "template panel ("+vp.name+")")
					checkNoSideScroll(t, agent, "template panel ("+vp.name+")")
					saveArtifact(t, agent, "conversation-template-panel-"+vp.name)
				}
			}
			run(t, agent, "close the panel", chromedp.Click(byTestID("composer-attach-open"), chromedp.ByQuery))
		})
	}

	run(t, agent, "the channel page", desktopWidth.at(), chromedp.Navigate(s.URL+"/channels/1"),
		chromedp.WaitVisible(byTestID("webhook-url"), chromedp.ByQuery))
	if u := textOf(t, agent, byTestID("webhook-url")); !strings.HasPrefix(u, "http://") {
		t.Fatalf("the demo's webhook URL is %q; this test wants an http:// one", u)
	}
	warning := textOf(t, agent, byTestID("webhook-http-warning"))
	for _, want := range []string{"HTTPS", "--base-url"} {
		if !strings.Contains(warning, want) {
			t.Errorf("the webhook warning %q does not mention %s", warning, want)
		}
	}
	checkAccessible(t, agent, "channel page")
	run(t, agent, "phone", phoneWidth.at())
	checkNoSideScroll(t, agent, "channel page (phone)")
}
