package cloudapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/wadesk/wadesk/providers"
)

// ---- Webhook subscriptions: /{waba-id}/subscribed_apps ----

type subscribeRequest struct {
	OverrideCallbackURI string `json:"override_callback_uri,omitempty"`
	VerifyToken         string `json:"verify_token,omitempty"`
}

type wireSubscribedApp struct {
	OverrideCallbackURI string `json:"override_callback_uri"`
	Data                struct {
		ID   flexString `json:"id"`
		Name string     `json:"name"`
		Link string     `json:"link"`
	} `json:"whatsapp_business_api_data"`
}

// SubscribeApp subscribes the token's app to the account's webhooks. With a
// callbackURL, the account's webhooks go to that URL (Meta first checks it
// with a hub.challenge request carrying verifyToken) instead of the app's
// default callback; with an empty callbackURL the app's default is used.
func (c *Client) SubscribeApp(ctx context.Context, wabaID, callbackURL, verifyToken string) error {
	const op = providers.OpSubscribeApp
	if callbackURL != "" {
		u, err := url.Parse(callbackURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: fmt.Errorf("the webhook URL %q is not a valid web address", callbackURL)})
		}
		if verifyToken == "" {
			return fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: fmt.Errorf("the verify token is missing")})
		}
	}
	body, err := jsonBody(subscribeRequest{OverrideCallbackURI: callbackURL, VerifyToken: verifyToken})
	if err != nil {
		return fmt.Errorf("cloudapi: %s: %w", op, err)
	}
	return c.expectSuccess(ctx, request{
		op: op, method: http.MethodPost, path: []string{wabaID, "subscribed_apps"},
		body: body, contentType: "application/json",
	})
}

// UnsubscribeApp stops the token's app from receiving the account's webhooks.
func (c *Client) UnsubscribeApp(ctx context.Context, wabaID string) error {
	return c.expectSuccess(ctx, request{
		op: providers.OpUnsubscribeApp, method: http.MethodDelete, path: []string{wabaID, "subscribed_apps"},
	})
}

// ListSubscribedApps lists the apps that receive the account's webhooks.
func (c *Client) ListSubscribedApps(ctx context.Context, wabaID string) ([]providers.SubscribedApp, error) {
	const op = providers.OpListSubscribedApps
	var out []providers.SubscribedApp
	err := c.each(ctx, op, []string{wabaID, "subscribed_apps"}, nil, func(raw json.RawMessage) error {
		var w wireSubscribedApp
		if err := json.Unmarshal(raw, &w); err != nil {
			return fmt.Errorf("cloudapi: %s: decode app: %w", op, err)
		}
		out = append(out, providers.SubscribedApp{
			ID: string(w.Data.ID), Name: w.Data.Name, Link: w.Data.Link,
			OverrideCallbackURL: w.OverrideCallbackURI,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- Business profile: /{phone-number-id}/whatsapp_business_profile ----

// BusinessProfileFields is requested when reading a profile.
const BusinessProfileFields = "about,address,description,email,profile_picture_url,websites,vertical"

type wireProfile struct {
	MessagingProduct     string      `json:"messaging_product,omitempty"`
	About                string      `json:"about,omitempty"`
	Address              string      `json:"address,omitempty"`
	Description          string      `json:"description,omitempty"`
	Email                string      `json:"email,omitempty"`
	ProfilePictureURL    string      `json:"profile_picture_url,omitempty"`
	ProfilePictureHandle string      `json:"profile_picture_handle,omitempty"`
	Websites             flexStrings `json:"websites,omitempty"`
	Vertical             string      `json:"vertical,omitempty"`
}

// GetBusinessProfile reads the number's business profile.
func (c *Client) GetBusinessProfile(ctx context.Context, phoneNumberID string) (providers.BusinessProfile, error) {
	const op = providers.OpGetProfile
	var resp struct {
		Data []json.RawMessage `json:"data"`
	}
	err := c.call(ctx, request{
		op: op, method: http.MethodGet, path: []string{phoneNumberID, "whatsapp_business_profile"},
		query: url.Values{"fields": {BusinessProfileFields}},
	}, &resp)
	if err != nil {
		return providers.BusinessProfile{}, err
	}
	if len(resp.Data) == 0 {
		return providers.BusinessProfile{}, nil
	}
	// Meta answers data[0] = profile; some answers nest it as
	// data[0].business_profile. Accept both.
	var nested struct {
		BusinessProfile *wireProfile `json:"business_profile"`
	}
	var w wireProfile
	if json.Unmarshal(resp.Data[0], &nested) == nil && nested.BusinessProfile != nil {
		w = *nested.BusinessProfile
	} else if err := json.Unmarshal(resp.Data[0], &w); err != nil {
		return providers.BusinessProfile{}, fmt.Errorf("cloudapi: %s: decode profile: %w", op, err)
	}
	return providers.BusinessProfile{
		About: w.About, Address: w.Address, Description: w.Description, Email: w.Email,
		Websites: []string(w.Websites), Vertical: w.Vertical, ProfilePictureURL: w.ProfilePictureURL,
	}, nil
}

// UpdateBusinessProfile changes the number's business profile. Empty fields
// (and an empty website list) are not sent, so Meta leaves them as they
// are, unless p.ClearEmpty asks to remove them.
func (c *Client) UpdateBusinessProfile(ctx context.Context, phoneNumberID string, p providers.BusinessProfile) error {
	const op = providers.OpUpdateProfile
	if err := p.Validate(); err != nil {
		return fmt.Errorf("cloudapi: %s: %w", op, &providers.ValidationError{Err: err})
	}
	var req any = profileRequest(p)
	if p.ClearEmpty {
		req = clearingProfileRequest(p)
	}
	body, err := jsonBody(req)
	if err != nil {
		return fmt.Errorf("cloudapi: %s: %w", op, err)
	}
	return c.expectSuccess(ctx, request{
		op: op, method: http.MethodPost, path: []string{phoneNumberID, "whatsapp_business_profile"},
		body: body, contentType: "application/json",
	})
}

func profileRequest(p providers.BusinessProfile) wireProfile {
	return wireProfile{
		MessagingProduct: "whatsapp",
		About:            p.About, Address: p.Address, Description: p.Description, Email: p.Email,
		ProfilePictureHandle: p.ProfilePictureHandle, Websites: flexStrings(p.Websites), Vertical: p.Vertical,
	}
}

// wireProfileUpdate sends address, description, email and websites even
// when empty, which removes them from the profile.
type wireProfileUpdate struct {
	MessagingProduct     string   `json:"messaging_product"`
	About                string   `json:"about,omitempty"`
	Address              string   `json:"address"`
	Description          string   `json:"description"`
	Email                string   `json:"email"`
	ProfilePictureHandle string   `json:"profile_picture_handle,omitempty"`
	Websites             []string `json:"websites"`
	Vertical             string   `json:"vertical,omitempty"`
}

func clearingProfileRequest(p providers.BusinessProfile) wireProfileUpdate {
	sites := p.Websites
	if sites == nil {
		sites = []string{}
	}
	return wireProfileUpdate{
		MessagingProduct: "whatsapp",
		About:            p.About, Address: p.Address, Description: p.Description, Email: p.Email,
		ProfilePictureHandle: p.ProfilePictureHandle, Websites: sites, Vertical: p.Vertical,
	}
}

// ---- Commerce settings: /{phone-number-id}/whatsapp_commerce_settings ----

type wireCommerce struct {
	ID               flexString `json:"id"`
	IsCartEnabled    flexBool   `json:"is_cart_enabled"`
	IsCatalogVisible flexBool   `json:"is_catalog_visible"`
}

// GetCommerceSettings reads whether the cart is on and the catalog is shown.
// A number that never had settings reports both off.
func (c *Client) GetCommerceSettings(ctx context.Context, phoneNumberID string) (providers.CommerceSettings, error) {
	var resp struct {
		Data []wireCommerce `json:"data"`
	}
	err := c.call(ctx, request{
		op: providers.OpGetCommerce, method: http.MethodGet, path: []string{phoneNumberID, "whatsapp_commerce_settings"},
	}, &resp)
	if err != nil {
		return providers.CommerceSettings{}, err
	}
	if len(resp.Data) == 0 {
		return providers.CommerceSettings{}, nil
	}
	w := resp.Data[0]
	return providers.CommerceSettings{ID: string(w.ID), CartEnabled: bool(w.IsCartEnabled), CatalogVisible: bool(w.IsCatalogVisible)}, nil
}

// UpdateCommerceSettings turns the cart and catalog visibility on or off.
func (c *Client) UpdateCommerceSettings(ctx context.Context, phoneNumberID string, s providers.CommerceSettings) error {
	return c.expectSuccess(ctx, request{
		op: providers.OpUpdateCommerce, method: http.MethodPost, path: []string{phoneNumberID, "whatsapp_commerce_settings"},
		query: url.Values{
			"is_cart_enabled":    {strconv.FormatBool(s.CartEnabled)},
			"is_catalog_visible": {strconv.FormatBool(s.CatalogVisible)},
		},
	})
}
