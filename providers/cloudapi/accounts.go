package cloudapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/wadesk/wadesk/providers"
)

// Fields the client asks for. Each list only names fields the Graph API
// documents for that endpoint.
const (
	// ClientWABAFields is requested from /{business-id}/client_whatsapp_business_accounts.
	// The owned edge is asked without fields: its default answer has id,
	// name, message_template_namespace and timezone_id.
	ClientWABAFields = "id,name,currency,timezone_id,country,account_review_status,ownership_type"
	// PhoneNumberListFields is requested from /{waba-id}/phone_numbers.
	PhoneNumberListFields = "id,display_phone_number,verified_name,status,quality_rating,code_verification_status,messaging_limit_tier,account_mode"
	// PhoneNumberFields is requested from /{phone-number-id}.
	// whatsapp_business_manager_messaging_limit is the business portfolio's
	// messaging limit, which replaced messaging_limit_tier (Meta's messaging
	// limits page; not in the v23.0 OpenAPI file of ../shared/contracts).
	PhoneNumberFields = "id,display_phone_number,verified_name,status,quality_rating,code_verification_status,name_status,messaging_limit_tier,whatsapp_business_manager_messaging_limit,account_mode"
)

type wireWABA struct {
	ID                       flexString `json:"id"`
	Name                     string     `json:"name"`
	Currency                 string     `json:"currency"`
	TimezoneID               flexString `json:"timezone_id"`
	Country                  string     `json:"country"`
	AccountReviewStatus      string     `json:"account_review_status"`
	MessageTemplateNamespace string     `json:"message_template_namespace"`
}

type wirePhoneNumber struct {
	ID                     flexString `json:"id"`
	DisplayPhoneNumber     string     `json:"display_phone_number"`
	VerifiedName           string     `json:"verified_name"`
	QualityRating          string     `json:"quality_rating"`
	MessagingLimitTier     string     `json:"messaging_limit_tier"`
	PortfolioLimit         flexString `json:"whatsapp_business_manager_messaging_limit"`
	Status                 string     `json:"status"`
	CodeVerificationStatus string     `json:"code_verification_status"`
	NameStatus             string     `json:"name_status"`
	AccountMode            string     `json:"account_mode"`
}

func (w wirePhoneNumber) neutral(wabaID string) providers.PhoneNumber {
	return providers.PhoneNumber{
		ID:                      string(w.ID),
		BusinessAccountID:       wabaID,
		DisplayPhoneNumber:      w.DisplayPhoneNumber,
		VerifiedName:            w.VerifiedName,
		QualityRating:           w.QualityRating,
		MessagingLimitTier:      w.MessagingLimitTier,
		PortfolioMessagingLimit: string(w.PortfolioLimit),
		Status:                  w.Status,
		CodeVerificationStatus:  w.CodeVerificationStatus,
		NameStatus:              w.NameStatus,
		AccountMode:             w.AccountMode,
	}
}

// ListBusinessAccounts lists the WhatsApp Business Accounts a business
// portfolio owns and those shared with it by clients, each with its phone
// numbers. An account listed under both is reported once, as owned.
func (c *Client) ListBusinessAccounts(ctx context.Context, businessID string) ([]providers.BusinessAccount, error) {
	const op = providers.OpListBusinessAccounts
	var accounts []providers.BusinessAccount
	index := map[string]bool{}
	collect := func(own providers.Ownership) func(json.RawMessage) error {
		return func(raw json.RawMessage) error {
			var w wireWABA
			if err := json.Unmarshal(raw, &w); err != nil {
				return fmt.Errorf("cloudapi: %s: decode account: %w", op, err)
			}
			if w.ID == "" || index[string(w.ID)] {
				return nil
			}
			index[string(w.ID)] = true
			accounts = append(accounts, providers.BusinessAccount{
				ID:                       string(w.ID),
				Name:                     w.Name,
				Ownership:                own,
				Currency:                 w.Currency,
				TimezoneID:               string(w.TimezoneID),
				Country:                  w.Country,
				ReviewStatus:             w.AccountReviewStatus,
				MessageTemplateNamespace: w.MessageTemplateNamespace,
			})
			return nil
		}
	}
	if err := c.each(ctx, op, []string{businessID, "owned_whatsapp_business_accounts"}, nil,
		collect(providers.OwnershipOwned)); err != nil {
		return nil, err
	}
	if err := c.each(ctx, op, []string{businessID, "client_whatsapp_business_accounts"},
		url.Values{"fields": {ClientWABAFields}}, collect(providers.OwnershipClient)); err != nil {
		return nil, err
	}
	for i := range accounts {
		nums, err := c.ListPhoneNumbers(ctx, accounts[i].ID)
		if err != nil {
			return nil, err
		}
		accounts[i].PhoneNumbers = nums
	}
	return accounts, nil
}

// ListPhoneNumbers lists the phone numbers of one WhatsApp Business Account.
func (c *Client) ListPhoneNumbers(ctx context.Context, wabaID string) ([]providers.PhoneNumber, error) {
	const op = providers.OpListPhoneNumbers
	var out []providers.PhoneNumber
	err := c.each(ctx, op, []string{wabaID, "phone_numbers"}, url.Values{"fields": {PhoneNumberListFields}},
		func(raw json.RawMessage) error {
			var w wirePhoneNumber
			if err := json.Unmarshal(raw, &w); err != nil {
				return fmt.Errorf("cloudapi: %s: decode phone number: %w", op, err)
			}
			out = append(out, w.neutral(wabaID))
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetPhoneNumber reads one phone number's current state, for health checks.
// BusinessAccountID is left empty: the number's node does not carry it.
func (c *Client) GetPhoneNumber(ctx context.Context, phoneNumberID string) (providers.PhoneNumber, error) {
	var w wirePhoneNumber
	err := c.call(ctx, request{
		op: providers.OpGetPhoneNumber, method: http.MethodGet,
		path: []string{phoneNumberID}, query: url.Values{"fields": {PhoneNumberFields}},
	}, &w)
	if err != nil {
		return providers.PhoneNumber{}, err
	}
	return w.neutral(""), nil
}
