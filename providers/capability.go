// Package providers holds the provider-neutral types wadesk uses to talk to
// WhatsApp Business API providers: capabilities, the catalog of providers shown
// in the channel wizard, accounts and phone numbers, outbound messages,
// templates, media, commerce settings, webhook events and provider errors.
//
// Handlers and the wizard depend only on this package; each provider lives in
// its own sub-package (cloudapi for Meta's Cloud API) and converts its wire
// format to and from these types. This package has no database access.
package providers

import "sort"

// Capability names one thing a provider adapter can do. The UI hides features
// whose capability the connected provider lacks.
type Capability string

// Capabilities a provider adapter may report.
const (
	CapListNumbers      Capability = "list_numbers"      // list WhatsApp Business Accounts and their numbers
	CapSubscribeWebhook Capability = "subscribe_webhook" // point the provider's webhooks at wadesk
	CapWebhookHandshake Capability = "webhook_handshake" // provider verifies the webhook URL with a challenge
	CapBusinessProfile  Capability = "business_profile"  // read and edit the WhatsApp business profile
	CapProfilePicture   Capability = "profile_picture"   // upload a new business profile picture
	CapTemplates        Capability = "templates"         // list, create and delete message templates
	CapEditTemplates    Capability = "edit_templates"    // change an approved or rejected template's content
	// CapDeclareTemplates: the provider sends templates but has no API to
	// list them, so an admin declares each approved template in wadesk.
	CapDeclareTemplates Capability = "declare_templates"
	CapSendText         Capability = "send_text"
	CapSendMedia        Capability = "send_media"
	CapSendTemplate     Capability = "send_template"
	CapSendInteractive  Capability = "send_interactive" // reply buttons, lists, call-to-action URL
	CapSendProduct      Capability = "send_product"     // single product, product list, catalog
	CapSendLocation     Capability = "send_location"
	CapSendContacts     Capability = "send_contacts"
	CapReactions        Capability = "reactions"
	CapMarkRead         Capability = "mark_read"
	CapMedia            Capability = "media" // upload and download media files
	CapCommerce         Capability = "commerce"
)

// AllCapabilities lists every capability in a stable order.
func AllCapabilities() []Capability {
	return []Capability{
		CapListNumbers, CapSubscribeWebhook, CapWebhookHandshake, CapBusinessProfile, CapProfilePicture, CapTemplates, CapEditTemplates,
		CapDeclareTemplates, CapSendText, CapSendMedia, CapSendTemplate, CapSendInteractive, CapSendProduct,
		CapSendLocation, CapSendContacts, CapReactions, CapMarkRead, CapMedia, CapCommerce,
	}
}

var capabilityLabels = map[Capability]string{
	CapListNumbers:      "Fetch WhatsApp accounts and numbers",
	CapSubscribeWebhook: "Connect incoming messages automatically",
	CapWebhookHandshake: "Webhook URL check",
	CapBusinessProfile:  "Business profile",
	CapProfilePicture:   "Business profile picture",
	CapTemplates:        "Message templates",
	CapEditTemplates:    "Editing message templates",
	CapDeclareTemplates: "Message templates declared by hand",
	CapSendText:         "Text messages",
	CapSendMedia:        "Photos, videos, audio and documents",
	CapSendTemplate:     "Template messages",
	CapSendInteractive:  "Buttons and lists",
	CapSendProduct:      "Products and catalog",
	CapSendLocation:     "Locations",
	CapSendContacts:     "Contact cards",
	CapReactions:        "Reactions",
	CapMarkRead:         "Read receipts",
	CapMedia:            "Media files",
	CapCommerce:         "Cart and catalog settings",
}

// Label is a short plain-words name for the capability, for the UI.
func (c Capability) Label() string {
	if l, ok := capabilityLabels[c]; ok {
		return l
	}
	return string(c)
}

// Capabilities is a set of capabilities. The zero value is an empty set.
type Capabilities struct {
	set map[Capability]struct{}
}

// NewCapabilities returns a set holding cs.
func NewCapabilities(cs ...Capability) Capabilities {
	s := Capabilities{set: make(map[Capability]struct{}, len(cs))}
	for _, c := range cs {
		s.set[c] = struct{}{}
	}
	return s
}

// Has reports whether c is in the set.
func (s Capabilities) Has(c Capability) bool {
	_, ok := s.set[c]
	return ok
}

// HasAll reports whether every one of cs is in the set.
func (s Capabilities) HasAll(cs ...Capability) bool {
	for _, c := range cs {
		if !s.Has(c) {
			return false
		}
	}
	return true
}

// Len is the number of capabilities in the set.
func (s Capabilities) Len() int { return len(s.set) }

// With returns a new set holding s and cs; s is unchanged.
func (s Capabilities) With(cs ...Capability) Capabilities {
	out := NewCapabilities(s.List()...)
	for _, c := range cs {
		out.set[c] = struct{}{}
	}
	return out
}

// List returns the capabilities in the set, in AllCapabilities order first,
// then any others sorted by name.
func (s Capabilities) List() []Capability {
	out := make([]Capability, 0, len(s.set))
	known := make(map[Capability]bool)
	for _, c := range AllCapabilities() {
		known[c] = true
		if s.Has(c) {
			out = append(out, c)
		}
	}
	var extra []Capability
	for c := range s.set {
		if !known[c] {
			extra = append(extra, c)
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i] < extra[j] })
	return append(out, extra...)
}
