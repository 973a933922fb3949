package views

import "time"

// Bubble kinds (MessageRow.Kind): what a bubble mainly shows.
const (
	BubbleText        = "text"
	BubbleImage       = "image"
	BubbleAudio       = "audio"
	BubbleVideo       = "video"
	BubbleDocument    = "document"
	BubbleSticker     = "sticker"
	BubbleLocation    = "location"
	BubbleContacts    = "contacts"
	BubbleChoice      = "choice"
	BubbleOrder       = "order"
	BubbleTemplate    = "template"
	BubbleInteractive = "interactive"
	BubbleReaction    = "reaction"
	BubbleSystem      = "system"
	BubbleUnsupported = "unsupported"
)

// ReactionEmojis are the reactions an agent can pick on a customer's
// message; the server accepts only these (or none, to remove a reaction).
var ReactionEmojis = []string{"👍", "❤️", "😂", "😮", "😢", "🙏"}

// MessageRow is one bubble. Only the parts the message has are set.
type MessageRow struct {
	ID int64
	In bool
	// Automatic is the kind of automatic reply wadesk sent by itself
	// (greeting, away, rule); "" for everything else.
	Automatic string
	// Kind is one of the Bubble constants.
	Kind   string
	At     time.Time
	Status string
	// Failure says in plain words why an outbound message was not sent or
	// not delivered.
	Failure string

	// Quote is the message this one replies to.
	Quote     *QuoteView
	Forwarded bool
	// Referral: the customer came from an ad or a post.
	Referral *ReferralView
	// Body is the text, caption or filled template text, cut into plain
	// text and links.
	Body        []TextPart
	Media       *MediaView
	Location    *LocationView
	Contacts    []ContactCard
	Choice      *ChoiceView
	Order       *OrderView
	Template    *TemplateView
	Interactive *InteractiveView
	// Reaction is a reaction shown on its own, when the message reacted to
	// is not on the page (or the reaction was not sent).
	Reaction *LoneReaction
	// System is the text of a WhatsApp system message.
	System string
	// Unsupported says why the message cannot be shown.
	Unsupported string
	// Reactions are the current reactions to this message, the customer's
	// and the business's.
	Reactions []ReactionView

	// CanReply and CanReact offer the reply and react actions (the message
	// reached WhatsApp and the customer service window is open).
	CanReply bool
	CanReact bool
	// MyReaction is the business's current reaction to this message.
	MyReaction string
	// Snippet is a short text of the message, for "Replying to".
	Snippet string
	// Match: the message holds every word of the inbox search the
	// conversation was opened from (see MarkMessages).
	Match bool
}

// TextPart is a piece of a text: plain when URL is empty, else a link.
// Mark: a word the inbox search found.
type TextPart struct {
	Text string
	URL  string
	Mark bool
}

// QuoteView is the message a bubble replies to.
type QuoteView struct {
	// TargetID is the quoted message's bubble on the page, 0 when it is
	// not on the page.
	TargetID int64
	Author   string
	Snippet  string
}

// MediaView is a media file of a message.
type MediaView struct {
	Kind string // image, audio, video, document, sticker
	// URL downloads the file through wadesk; Link is a public address the
	// business sent the file from instead.
	URL  string
	Link string
	// ThumbURL is the thumbnail of a kept image, shown in the thread
	// instead of the whole photo (which URL opens).
	ThumbURL string
	MIMEType string
	Filename string
	// Size is the file size in words ("1.2 MB"), when known; SizeURL
	// fetches it when not.
	Size    string
	SizeURL string
	Voice   bool
	// Animated: an animated sticker.
	Animated bool
	// State is what became of wadesk's own copy of the file: "" (not
	// known), MediaDownloading, MediaKept, MediaGone or MediaFailed;
	// Problem says why a download failed, RetryURL asks for it again.
	State    string
	Problem  string
	RetryURL string
}

// States of a message's file as agents see them.
const (
	MediaDownloading = "downloading"
	MediaKept        = "kept"
	MediaGone        = "gone"
	MediaFailed      = "failed"
)

// LocationView is a shared location.
type LocationView struct {
	Name        string
	Address     string
	Coordinates string
	MapURL      string
	// URL is the place's own web address, when the customer shared one.
	URL string
}

// ContactCard is a shared contact.
type ContactCard struct {
	Name         string
	Organization string
	Phones       []string
	Emails       []string
}

// ChoiceView is the customer's tap on a button or a list row.
type ChoiceView struct {
	// Source says what was tapped: "Button", "List", "Quick reply", "Form".
	Source      string
	Title       string
	Description string
}

// OrderView is a cart the customer sent from the catalog.
type OrderView struct {
	Items []OrderLine
	// Total is the cart total with its currency ("24.50 EUR"); carts
	// mixing currencies list one total per currency.
	Total string
	Note  string
	// Problem says in plain words what of the cart could not be read.
	Problem string
}

// OrderLine is one product of an order.
type OrderLine struct {
	Product   string
	Quantity  int
	UnitPrice string
	LineTotal string
}

// ReferralView is the ad or post the customer came from.
type ReferralView struct {
	Source    string // "ad" or "post"
	Headline  string
	Body      string
	SourceURL string
}

// TemplateView is a template message the business sent. Its filled text,
// when stored, is the row's Body; otherwise Params lists the values.
type TemplateView struct {
	Name     string
	Language string
	Params   []string
}

// InteractiveView is an interactive message as the customer sees it.
type InteractiveView struct {
	// Label names non-button kinds ("Product", "Catalog").
	Label      string
	Header     string
	Footer     string
	Buttons    []string
	ListButton string
	Sections   []ListSectionView
	CTA        *LinkView
}

// ListSectionView is a section of a list message.
type ListSectionView struct {
	Title string
	Rows  []ListRowView
}

// ListRowView is one row of a list message.
type ListRowView struct {
	Title       string
	Description string
}

// LinkView is a labelled link.
type LinkView struct {
	Label string
	URL   string
}

// ReactionView is one side's reaction to a message.
type ReactionView struct {
	Emoji string
	// ByBusiness: the business (an agent) reacted; else the customer.
	ByBusiness bool
}

// LoneReaction is a reaction shown as its own line.
type LoneReaction struct {
	Emoji string
	// Target describes the message reacted to.
	Target string
}

func messageDOMID(id int64) string { return "msg-" + itoa(id) }

func reactionURL(conversationID, messageID int64) string {
	return conversationURL(conversationID) + "/messages/" + itoa(messageID) + "/reaction"
}

func reactionTitle(r ReactionView) string {
	if r.ByBusiness {
		return "You reacted " + r.Emoji
	}
	return "The customer reacted " + r.Emoji
}

func bubbleClass(m MessageRow) string {
	s := "msg msg-kind-" + m.Kind
	if m.In {
		s += " msg-in"
	} else {
		s += " msg-out"
	}
	if m.Status == "failed" {
		s += " msg-failed"
	}
	return s
}
