package providers

// Template is a message template registered with the provider. Field values
// (Category, Status, component and button types) use Meta's upper-case names.
type Template struct {
	ID       string
	Name     string
	Language string // e.g. en_US
	// Category: MARKETING, UTILITY or AUTHENTICATION.
	Category         string
	PreviousCategory string
	// Status: APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, ...
	Status         string
	RejectedReason string
	// Quality is the template's quality score (GREEN, YELLOW, RED, UNKNOWN) when reported.
	Quality    string
	Components []TemplateComponent
	// AllowCategoryChange lets Meta re-categorise the template on creation
	// instead of rejecting it. Only used by CreateTemplate.
	AllowCategoryChange bool
}

// TemplateComponent is one part of a template: HEADER, BODY, FOOTER or BUTTONS.
type TemplateComponent struct {
	Type string
	// Format of a HEADER: TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.
	Format  string
	Text    string
	Buttons []TemplateButton
	// Example values shown to Meta's reviewers.
	ExampleHeaderText   []string
	ExampleBodyText     [][]string
	ExampleHeaderHandle []string
	// Authentication templates.
	AddSecurityRecommendation bool
	CodeExpirationMinutes     int
}

// FormatMediaLinkVariable is the Format of a HEADER whose file the
// provider keeps with the template and whose address takes a variable
// (Twilio media content), which wadesk cannot fill in.
const FormatMediaLinkVariable = "MEDIA_LINK_VARIABLE"

// TemplateButton is a button of a BUTTONS component.
type TemplateButton struct {
	// Type: QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, OTP, FLOW, MPM, CATALOG, ...
	Type        string
	Text        string
	URL         string
	PhoneNumber string
	Example     []string
	// OTP buttons.
	OTPType       string
	AutofillText  string
	PackageName   string
	SignatureHash string
	// FLOW buttons: the flow by ID, by name or as inline Flow JSON.
	FlowJSON       string
	FlowID         string
	FlowName       string
	FlowAction     string
	NavigateScreen string
}

// TemplateRef is what the provider returns after creating a template.
type TemplateRef struct {
	ID       string
	Status   string
	Category string
}
