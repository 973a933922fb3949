package simulator

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode/utf8"
)

func (s *Sim) getBusiness(g *gctx) *graphError {
	s.mu.Lock()
	b := s.bizByID[g.id]
	obj := map[string]any{"id": b.id, "name": b.name, "verification_status": "verified"}
	s.mu.Unlock()
	s.ok(g, project(obj, g.fieldSet(), []string{"id", "name"}))
	return nil
}

func wabaObject(w *waba) map[string]any {
	c := w.cfg
	obj := map[string]any{
		"id":                           c.ID,
		"name":                         c.Name,
		"currency":                     c.Currency,
		"timezone_id":                  c.TimezoneID,
		"account_review_status":        c.AccountReviewStatus,
		"business_verification_status": c.BusinessVerificationStatus,
		"ownership_type":               c.OwnershipType,
		"is_enabled_for_insights":      false,
		"status":                       "ACTIVE",
	}
	if c.MessageTemplateNamespace != "" {
		obj["message_template_namespace"] = c.MessageTemplateNamespace
	}
	if c.Country != "" {
		obj["country"] = c.Country
		obj["primary_business_location"] = c.Country
	}
	return obj
}

var (
	ownedWABADefaults  = []string{"id", "name", "message_template_namespace", "timezone_id"}
	clientWABADefaults = []string{"id", "name", "account_review_status", "currency", "country", "timezone_id", "business_verification_status", "ownership_type", "is_enabled_for_insights"}
	wabaDefaults       = []string{"id", "name", "timezone_id", "message_template_namespace", "account_review_status", "business_verification_status", "country", "currency", "ownership_type", "primary_business_location"}
)

func (s *Sim) listWABAs(g *gctx, owned bool) *graphError {
	fields := g.fieldSet()
	s.mu.Lock()
	b := s.bizByID[g.id]
	list := b.client
	defaults := clientWABADefaults
	if owned {
		list = b.owned
		defaults = ownedWABADefaults
	}
	var objs []map[string]any
	var keys []string
	find := g.param("find")
	for _, w := range list {
		if find != "" && w.cfg.ID != find {
			continue
		}
		obj := wabaObject(w)
		if fields["phone_numbers"] {
			obj["phone_numbers"] = s.phoneListLocked(w, nil)
		}
		objs = append(objs, project(obj, fields, defaults))
		keys = append(keys, w.cfg.ID)
	}
	s.mu.Unlock()
	start, end, p, err := s.page(g, keys)
	if err != nil {
		return err
	}
	resp := listResponse{Data: []any{}, Paging: p}
	for _, o := range objs[start:end] {
		resp.Data = append(resp.Data, o)
	}
	s.ok(g, resp)
	return nil
}

func (s *Sim) getWABA(g *gctx) *graphError {
	fields := g.fieldSet()
	s.mu.Lock()
	w := s.wabas[g.id]
	obj := wabaObject(w)
	if fields["phone_numbers"] {
		obj["phone_numbers"] = s.phoneListLocked(w, nil)
	}
	s.mu.Unlock()
	s.ok(g, project(obj, fields, wabaDefaults))
	return nil
}

// phoneListLocked renders a WABA's numbers as an embedded {data:[...]} edge.
func (s *Sim) phoneListLocked(w *waba, fields map[string]bool) map[string]any {
	data := []any{}
	for _, p := range w.phones {
		data = append(data, project(s.phoneObjectLocked(p), fields, phoneListDefaults))
	}
	return map[string]any{"data": data}
}

var (
	phoneListDefaults = []string{"id", "display_phone_number", "verified_name", "status", "quality_rating", "country_code", "country_dial_code",
		"code_verification_status", "name_status", "unified_cert_status", "account_mode", "host_platform", "platform_type", "messaging_limit_tier",
		"is_official_business_account", "username", "throughput", "last_onboarded_time"}
	phoneDefaults = []string{"id", "display_phone_number", "verified_name", "quality_rating", "code_verification_status", "name_status", "status",
		"messaging_limit_tier", "platform_type", "throughput", "account_mode"}
)

var dialCountries = map[string]string{"1": "US", "55": "BR", "44": "GB", "49": "DE", "33": "FR", "34": "ES", "351": "PT", "52": "MX", "54": "AR", "91": "IN", "62": "ID", "234": "NG", "27": "ZA"}

func (s *Sim) phoneObjectLocked(p *phone) map[string]any {
	c := p.cfg
	dial := c.CountryDialCode
	if dial == "" {
		if f := strings.Fields(strings.TrimPrefix(c.DisplayPhoneNumber, "+")); len(f) > 1 {
			dial = digitsOnly(f[0])
		}
	}
	country := c.CountryCode
	if country == "" {
		country = dialCountries[dial]
	}
	obj := map[string]any{
		"id":                       c.ID,
		"display_phone_number":     c.DisplayPhoneNumber,
		"verified_name":            c.VerifiedName,
		"status":                   c.Status,
		"quality_rating":           c.QualityRating,
		"code_verification_status": c.CodeVerificationStatus,
		"name_status":              c.NameStatus,
		"unified_cert_status":      unifiedCertStatus(c.NameStatus),
		"account_mode":             c.AccountMode,
		"host_platform":            "CLOUD_API",
		"platform_type":            "CLOUD_API",
		"messaging_limit_tier":     c.MessagingLimitTier,
		"whatsapp_business_manager_messaging_limit": tierName(s.portfolioLimitLocked(p.waba.businessID)),
		"is_official_business_account":              false,
		"username":                                  nil,
		"throughput":                                map[string]any{"level": "STANDARD"},
		"last_onboarded_time":                       "2025-03-04T10:20:30+0000",
		"health_status":                             s.healthStatusLocked(p),
		"quality_score":                             map[string]any{"score": c.QualityRating},
		"certificate":                               "",
		"new_name_status":                           "NONE",
	}
	if dial != "" {
		obj["country_dial_code"] = dial
	}
	if country != "" {
		obj["country_code"] = country
	}
	return obj
}

func unifiedCertStatus(nameStatus string) string {
	switch nameStatus {
	case "APPROVED", "AVAILABLE_WITHOUT_REVIEW":
		return "APPROVED"
	case "PENDING_REVIEW":
		return "NAME_PENDING_REVIEW"
	case "DECLINED":
		return "DECLINED"
	case "EXPIRED":
		return "EXPIRED"
	}
	return "NONE"
}

type healthError struct {
	ErrorCode        int    `json:"error_code"`
	ErrorDescription string `json:"error_description"`
	PossibleSolution string `json:"possible_solution"`
}

type healthEntity struct {
	EntityType     string        `json:"entity_type"`
	ID             string        `json:"id"`
	CanSendMessage string        `json:"can_send_message"`
	Errors         []healthError `json:"errors,omitempty"`
}

// healthStatusLocked is the health_status field: whether the number can send.
func (s *Sim) healthStatusLocked(p *phone) map[string]any {
	phoneEntity := healthEntity{EntityType: "PHONE_NUMBER", ID: p.cfg.ID, CanSendMessage: "AVAILABLE"}
	if e := sendBlocker(p); e != nil {
		phoneEntity.CanSendMessage = "BLOCKED"
		phoneEntity.Errors = []healthError{{ErrorCode: e.code, ErrorDescription: e.details, PossibleSolution: blockerSolution(e.code)}}
	} else if p.cfg.Status == "FLAGGED" || p.cfg.Status == "RESTRICTED" || p.cfg.QualityRating == "RED" {
		phoneEntity.CanSendMessage = "LIMITED"
	}
	w := p.waba
	entities := []healthEntity{
		phoneEntity,
		{EntityType: "WABA", ID: w.cfg.ID, CanSendMessage: "AVAILABLE"},
		{EntityType: "BUSINESS", ID: w.businessID, CanSendMessage: "AVAILABLE"},
		{EntityType: "APP", ID: s.cfg.AppID, CanSendMessage: "AVAILABLE"},
	}
	return map[string]any{"can_send_message": phoneEntity.CanSendMessage, "entities": entities}
}

func blockerSolution(code int) string {
	if code == 133010 {
		return "Register the phone number with the Cloud API (POST /{phone-number-id}/register) after verifying it."
	}
	return "Review the number's status in WhatsApp Manager."
}

// sendBlocker says why a number cannot send, or nil.
func sendBlocker(p *phone) *graphError {
	switch p.cfg.Status {
	case "CONNECTED", "FLAGGED", "RESTRICTED", "LINKED":
	case "BANNED", "DISCONNECTED", "DELETED", "MIGRATED":
		return &graphError{status: 400, message: "(#131031) Account has been locked", typ: "OAuthException", code: 131031,
			details: "The phone number is " + strings.ToLower(p.cfg.Status) + " and cannot send messages."}
	default:
		return &graphError{status: 400, message: "(#133010) Account not registered", typ: "OAuthException", code: 133010,
			details: "Phone number is not registered on the Whatsapp Business Platform."}
	}
	if p.cfg.CodeVerificationStatus != "VERIFIED" {
		return &graphError{status: 400, message: "(#133010) Account not registered", typ: "OAuthException", code: 133010,
			details: "Phone number is not registered on the Whatsapp Business Platform."}
	}
	return nil
}

func (s *Sim) listPhoneNumbers(g *gctx) *graphError {
	fields := g.fieldSet()
	s.mu.Lock()
	w := s.wabas[g.id]
	var objs []map[string]any
	var keys []string
	for _, p := range w.phones {
		objs = append(objs, project(s.phoneObjectLocked(p), fields, phoneListDefaults))
		keys = append(keys, p.cfg.ID)
	}
	s.mu.Unlock()
	start, end, pg, err := s.page(g, keys)
	if err != nil {
		return err
	}
	resp := listResponse{Data: []any{}, Paging: pg}
	for _, o := range objs[start:end] {
		resp.Data = append(resp.Data, o)
	}
	s.ok(g, resp)
	return nil
}

func (s *Sim) getPhoneNumber(g *gctx) *graphError {
	s.mu.Lock()
	obj := s.phoneObjectLocked(s.phones[g.id])
	s.mu.Unlock()
	s.ok(g, project(obj, g.fieldSet(), phoneDefaults))
	return nil
}

// Business profile.

type profileObject struct {
	About             string   `json:"about,omitempty"`
	Address           string   `json:"address,omitempty"`
	Description       string   `json:"description,omitempty"`
	Email             string   `json:"email,omitempty"`
	MessagingProduct  string   `json:"messaging_product"`
	ProfilePictureURL string   `json:"profile_picture_url,omitempty"`
	Websites          []string `json:"websites,omitempty"`
	Vertical          string   `json:"vertical,omitempty"`
}

// getBusinessProfile answers {data:[{...profile fields...}]}. Meta's published
// reference answers the profile fields directly inside data[0]; the OpenAPI
// example's extra business_profile wrapper is not what the live API sends.
func (s *Sim) getBusinessProfile(g *gctx) *graphError {
	s.mu.Lock()
	ph := s.phones[g.id]
	p := ph.profile
	if ph.picture != nil || p.ProfilePictureURL == "" {
		p.ProfilePictureURL = s.baseURL(g.r) + picturePath(ph)
	}
	s.mu.Unlock()
	vertical := p.Vertical
	if vertical == "" {
		vertical = "UNDEFINED"
	}
	full := profileObject{About: p.About, Address: p.Address, Description: p.Description, Email: p.Email, MessagingProduct: "whatsapp",
		ProfilePictureURL: p.ProfilePictureURL, Websites: p.Websites, Vertical: vertical}
	b, _ := json.Marshal(full)
	var obj map[string]any
	_ = json.Unmarshal(b, &obj)
	fields := g.fieldSet()
	out := obj
	if fields != nil {
		out = map[string]any{"messaging_product": "whatsapp"}
		for k := range fields {
			if v, ok := obj[k]; ok {
				out[k] = v
			}
		}
	}
	s.ok(g, listResponse{Data: []any{out}})
	return nil
}

// verticals are the categories an update may set (Meta's
// WhatsAppBusinessVertical); a profile that never had one reads UNDEFINED.
var verticals = map[string]bool{"OTHER": true, "AUTO": true, "BEAUTY": true, "APPAREL": true, "EDU": true, "ENTERTAIN": true,
	"EVENT_PLAN": true, "FINANCE": true, "GROCERY": true, "GOVT": true, "HOTEL": true, "HEALTH": true, "NONPROFIT": true,
	"PROF_SERVICES": true, "RETAIL": true, "TRAVEL": true, "RESTAURANT": true, "ALCOHOL": true, "ONLINE_GAMBLING": true,
	"PHYSICAL_GAMBLING": true, "OTC_DRUGS": true}

// Profile limits (Meta's WhatsAppBusinessProfileUpdateRequest).
const (
	maxAbout       = 139
	maxAddress     = 256
	maxDescription = 512
	maxEmail       = 128
	maxWebsites    = 2
	maxWebsiteLen  = 256
)

// postBusinessProfile validates every field first and changes nothing on
// any error, answering (#100) Invalid parameter with details naming the
// field, as Meta does.
func (s *Sim) postBusinessProfile(g *gctx) *graphError {
	if g.param("messaging_product") != "whatsapp" {
		return paramError("The parameter messaging_product is required.")
	}
	checkLen := func(name string, max int) (string, *graphError) {
		v := g.param(name)
		if n := utf8.RuneCountInString(v); n > max {
			return "", invalidParam(fmt.Sprintf("%s must be at most %d characters; it has %d.", name, max, n))
		}
		return v, nil
	}
	s.mu.Lock()
	next := s.phones[g.id].profile
	s.mu.Unlock()
	if g.hasParam("about") {
		v, err := checkLen("about", maxAbout)
		if err != nil {
			return err
		}
		if strings.TrimSpace(v) == "" {
			return invalidParam("about cannot be empty.")
		}
		next.About = v
	}
	if g.hasParam("address") {
		v, err := checkLen("address", maxAddress)
		if err != nil {
			return err
		}
		next.Address = v
	}
	if g.hasParam("description") {
		v, err := checkLen("description", maxDescription)
		if err != nil {
			return err
		}
		next.Description = v
	}
	if g.hasParam("email") {
		v, err := checkLen("email", maxEmail)
		if err != nil {
			return err
		}
		if v != "" {
			if a, perr := mail.ParseAddress(v); perr != nil || a.Address != v {
				return invalidParam("email '" + v + "' is not a valid email address.")
			}
		}
		next.Email = v
	}
	if g.hasParam("vertical") {
		v := g.param("vertical")
		if !verticals[v] {
			return invalidParam("vertical must be one of the business categories WhatsApp offers (OTHER, AUTO, BEAUTY, APPAREL, EDU, ENTERTAIN, EVENT_PLAN, FINANCE, GROCERY, GOVT, HOTEL, HEALTH, NONPROFIT, PROF_SERVICES, RETAIL, TRAVEL, RESTAURANT, ALCOHOL, ONLINE_GAMBLING, PHYSICAL_GAMBLING, OTC_DRUGS); got '" + v + "'.")
		}
		next.Vertical = v
	}
	if g.hasParam("websites") {
		var sites []string
		raw := g.param("websites")
		if err := json.Unmarshal([]byte(raw), &sites); err != nil {
			sites = g.form["websites"]
			if len(sites) == 0 {
				sites = []string{raw}
			}
		}
		if len(sites) > maxWebsites {
			return invalidParam(fmt.Sprintf("websites accepts at most %d URLs; got %d.", maxWebsites, len(sites)))
		}
		for _, site := range sites {
			u, err := url.Parse(site)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(site) > maxWebsiteLen {
				return invalidParam(fmt.Sprintf("websites must be http:// or https:// URLs of at most %d characters; '%s' is not.", maxWebsiteLen, site))
			}
		}
		next.Websites = sites
	}
	s.mu.Lock()
	var pic *profilePicture
	if h := g.param("profile_picture_handle"); h != "" {
		var err *graphError
		if pic, err = s.pictureFromHandleLocked(h); err != nil {
			s.mu.Unlock()
			return err
		}
	}
	p := s.phones[g.id]
	p.profile = next
	if pic != nil {
		pic.rev = 1
		if p.picture != nil {
			pic.rev = p.picture.rev + 1
		}
		p.picture = pic
	}
	s.bumpLocked()
	s.mu.Unlock()
	s.ok(g, successResponse{Success: true})
	return nil
}

// Commerce settings.

func (s *Sim) getCommerceSettings(g *gctx) *graphError {
	s.mu.Lock()
	c := s.phones[g.id].commerce
	s.mu.Unlock()
	s.ok(g, listResponse{Data: []any{map[string]any{"id": c.id, "is_cart_enabled": c.cartEnabled, "is_catalog_visible": c.catalogVisible}}})
	return nil
}

func (s *Sim) postCommerceSettings(g *gctx) *graphError {
	parse := func(name string) (bool, bool, *graphError) {
		if !g.hasParam(name) {
			return false, false, nil
		}
		switch strings.ToLower(g.param(name)) {
		case "true", "1":
			return true, true, nil
		case "false", "0":
			return false, true, nil
		}
		return false, false, invalidParam(name + " must be true or false.")
	}
	cart, hasCart, err := parse("is_cart_enabled")
	if err != nil {
		return err
	}
	visible, hasVisible, err := parse("is_catalog_visible")
	if err != nil {
		return err
	}
	if !hasCart && !hasVisible {
		return paramError("At least one of is_cart_enabled or is_catalog_visible is required.")
	}
	s.mu.Lock()
	p := s.phones[g.id]
	if hasCart {
		p.commerce.cartEnabled = cart
	}
	if hasVisible {
		p.commerce.catalogVisible = visible
	}
	s.bumpLocked()
	s.mu.Unlock()
	s.ok(g, successResponse{Success: true})
	return nil
}
