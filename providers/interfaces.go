package providers

import (
	"context"
	"io"
)

// CapabilityReporter tells what a provider adapter can do.
type CapabilityReporter interface {
	Capabilities() Capabilities
}

// NumberLister finds the WhatsApp Business Accounts and phone numbers a
// token can reach, and checks one number's health.
type NumberLister interface {
	ListBusinessAccounts(ctx context.Context, businessID string) ([]BusinessAccount, error)
	GetPhoneNumber(ctx context.Context, phoneNumberID string) (PhoneNumber, error)
}

// WebhookSubscriber points a WhatsApp Business Account's webhooks at wadesk.
type WebhookSubscriber interface {
	SubscribeApp(ctx context.Context, wabaID, callbackURL, verifyToken string) error
	UnsubscribeApp(ctx context.Context, wabaID string) error
	ListSubscribedApps(ctx context.Context, wabaID string) ([]SubscribedApp, error)
}

// ProfileManager reads and edits a number's business profile.
type ProfileManager interface {
	GetBusinessProfile(ctx context.Context, phoneNumberID string) (BusinessProfile, error)
	UpdateBusinessProfile(ctx context.Context, phoneNumberID string, p BusinessProfile) error
}

// ProfilePictureManager uploads a new business profile picture and
// downloads the current one.
type ProfilePictureManager interface {
	// UploadProfilePicture uploads pic for the provider app appID (Meta's
	// App ID; the upload belongs to an app) and returns the handle to set as
	// BusinessProfile.ProfilePictureHandle.
	UploadProfilePicture(ctx context.Context, appID string, pic ProfilePicture) (handle string, err error)
	// DownloadProfilePicture copies the picture at a BusinessProfile's
	// ProfilePictureURL to w, reading at most MaxProfilePictureBytes, and
	// returns its content type.
	DownloadProfilePicture(ctx context.Context, pictureURL string, w io.Writer) (contentType string, err error)
}

// TemplateManager lists, creates and deletes message templates.
type TemplateManager interface {
	ListTemplates(ctx context.Context, wabaID string) ([]Template, error)
	CreateTemplate(ctx context.Context, wabaID string, t Template) (TemplateRef, error)
	// DeleteTemplate deletes all languages of the template called name, or
	// only the one with templateID when it is not empty.
	DeleteTemplate(ctx context.Context, wabaID, name, templateID string) error
}

// MessageSender sends messages and read receipts.
type MessageSender interface {
	SendMessage(ctx context.Context, phoneNumberID string, msg OutboundMessage) (SendResult, error)
	// MarkRead marks an inbound message (and earlier ones) as read; typing
	// also shows a typing indicator to the customer.
	MarkRead(ctx context.Context, phoneNumberID, messageID string, typing bool) error
}

// MediaStore uploads and downloads media files.
type MediaStore interface {
	UploadMedia(ctx context.Context, phoneNumberID string, up MediaUpload) (mediaID string, err error)
	GetMediaURL(ctx context.Context, mediaID string) (MediaInfo, error)
	DownloadMedia(ctx context.Context, mediaURL string, w io.Writer) (Download, error)
}

// CommerceManager reads and changes a number's cart and catalog settings.
type CommerceManager interface {
	GetCommerceSettings(ctx context.Context, phoneNumberID string) (CommerceSettings, error)
	UpdateCommerceSettings(ctx context.Context, phoneNumberID string, s CommerceSettings) error
}
