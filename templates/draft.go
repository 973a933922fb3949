// Package templates holds wadesk's rules for WhatsApp message templates:
// what Meta accepts when a template is submitted (names, languages,
// variables, lengths, button counts), building the provider's components
// from a form, previewing them, counting the parameters a stored template
// takes, and keeping the stored templates in step with the provider.
// It has no HTTP and no SQL of its own.
package templates

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Meta's limits for templates.
const (
	MaxNameLength      = 512
	MaxHeaderText      = 60
	MaxBodyText        = 1024
	MaxFooterText      = 60
	MaxButtonText      = 25
	MaxButtons         = 10
	MaxQuickReplies    = 10
	MaxURLButtons      = 2
	MaxPhoneButtons    = 1
	MaxCopyCodeButtons = 1
	MaxURLLength       = 2000
	MaxPhoneDigits     = 20
	MaxCouponCode      = 15
	MaxCodeExpiry      = 90
)

// Categories.
const (
	CategoryMarketing      = "MARKETING"
	CategoryUtility        = "UTILITY"
	CategoryAuthentication = "AUTHENTICATION"
)

// Header formats ("" is no header).
const (
	HeaderNone     = ""
	HeaderText     = "TEXT"
	HeaderImage    = "IMAGE"
	HeaderVideo    = "VIDEO"
	HeaderDocument = "DOCUMENT"
	HeaderLocation = "LOCATION"
)

// Button types a template form offers.
const (
	ButtonQuickReply = "QUICK_REPLY"
	ButtonURL        = "URL"
	ButtonPhone      = "PHONE_NUMBER"
	ButtonCopyCode   = "COPY_CODE"
)

// One-time password button kinds of authentication templates.
const (
	OTPCopyCode = "COPY_CODE"
	OTPOneTap   = "ONE_TAP"
)

// Meta fills these texts itself; wadesk shows them in the preview.
const (
	copyOfferText   = "Copy offer code"
	copyCodeText    = "Copy code"
	autofillText    = "Autofill"
	authBodyText    = "is your verification code."
	authSecurity    = "For your security, do not share this code."
	authSampleCode  = "123456"
	authExpiryStart = "This code expires in "
)

// Draft is a template as an admin fills it in.
type Draft struct {
	Name     string
	Language string
	Category string
	// AllowCategoryChange lets Meta move the template to the category it
	// finds right instead of rejecting it.
	AllowCategoryChange bool

	HeaderFormat  string
	HeaderText    string
	HeaderExample string
	// HeaderHandle is the upload handle of a sample file for media headers.
	HeaderHandle string
	Body         string
	// BodyExamples[i] is the example value of {{i+1}}.
	BodyExamples []string
	Footer       string
	Buttons      []Button

	// Authentication templates: Meta writes the text; the admin chooses these.
	SecurityRecommendation bool
	CodeExpiryMinutes      int
	OTPType                string
	OTPText                string
	AutofillText           string
	PackageName            string
	SignatureHash          string
}

// Button is one button of a draft.
type Button struct {
	Type string
	Text string
	URL  string
	// Example is the example value of a URL's {{1}}, or the sample code of
	// a copy-code button.
	Example string
	Phone   string
}

// Errors maps a form field to what is wrong with it, in plain words.
type Errors map[string]string

// Form field names that errors are reported under.
const (
	FieldName          = "name"
	FieldLanguage      = "language"
	FieldCategory      = "category"
	FieldHeaderFormat  = "header_format"
	FieldHeaderText    = "header_text"
	FieldHeaderExample = "header_example"
	FieldHeaderHandle  = "header_handle"
	FieldBody          = "body"
	FieldFooter        = "footer"
	FieldButtons       = "buttons"
	FieldCodeExpiry    = "code_expiry"
	FieldOTPType       = "otp_type"
	FieldOTPText       = "otp_text"
	FieldAutofillText  = "autofill_text"
	FieldPackageName   = "package_name"
	FieldSignatureHash = "signature_hash"
)

// BodyExampleField names the example input of body variable {{n}}.
func BodyExampleField(n int) string { return "body_example_" + strconv.Itoa(n) }

// ButtonField names an input of button i (0-based): part is type, text,
// url, example or phone.
func ButtonField(part string, i int) string { return "button_" + part + "_" + strconv.Itoa(i) }

var (
	nameRe        = regexp.MustCompile(`^[a-z0-9_]+$`)
	packageNameRe = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)+$`)
	phoneRe       = regexp.MustCompile(`^\+?[0-9][0-9 ()-]*$`)
)

// Normalize trims what the admin typed and upper-cases the enums.
func (d Draft) Normalize() Draft {
	d.Name = strings.TrimSpace(d.Name)
	d.Language = strings.TrimSpace(d.Language)
	d.Category = strings.ToUpper(strings.TrimSpace(d.Category))
	d.HeaderFormat = strings.ToUpper(strings.TrimSpace(d.HeaderFormat))
	if d.HeaderFormat == "NONE" {
		d.HeaderFormat = HeaderNone
	}
	d.HeaderText = strings.TrimSpace(d.HeaderText)
	d.HeaderExample = strings.TrimSpace(d.HeaderExample)
	d.HeaderHandle = strings.TrimSpace(d.HeaderHandle)
	d.Body = strings.TrimSpace(strings.ReplaceAll(d.Body, "\r\n", "\n"))
	d.Footer = strings.TrimSpace(d.Footer)
	ex := make([]string, len(d.BodyExamples))
	for i, e := range d.BodyExamples {
		ex[i] = strings.TrimSpace(e)
	}
	d.BodyExamples = ex
	var bs []Button
	for _, b := range d.Buttons {
		b.Type = strings.ToUpper(strings.TrimSpace(b.Type))
		b.Text = strings.TrimSpace(b.Text)
		b.URL = strings.TrimSpace(b.URL)
		b.Example = strings.TrimSpace(b.Example)
		b.Phone = strings.TrimSpace(b.Phone)
		bs = append(bs, b)
	}
	d.Buttons = bs
	d.OTPType = strings.ToUpper(strings.TrimSpace(d.OTPType))
	d.OTPText = strings.TrimSpace(d.OTPText)
	d.AutofillText = strings.TrimSpace(d.AutofillText)
	d.PackageName = strings.TrimSpace(d.PackageName)
	d.SignatureHash = strings.TrimSpace(d.SignatureHash)
	return d
}

// BodyVariables is how many example values the body needs: its highest
// {{n}}.
func (d Draft) BodyVariables() int { return paramCount(d.Body) }

// Check applies Meta's rules for submitting a template and returns the
// problems by form field; an empty result means the draft can be sent.
// Call it on a normalized draft.
func (d Draft) Check() Errors {
	errs := Errors{}
	d.checkName(errs)
	switch {
	case d.Language == "":
		errs[FieldLanguage] = "Choose the template's language."
	case !KnownLanguage(d.Language):
		errs[FieldLanguage] = "WhatsApp does not accept \"" + d.Language + "\" as a template language. Choose one from the list."
	}
	switch d.Category {
	case CategoryMarketing, CategoryUtility:
		d.checkHeader(errs)
		d.checkBody(errs)
		d.checkFooter(errs)
		d.checkButtons(errs)
	case CategoryAuthentication:
		d.checkAuthentication(errs)
	case "":
		errs[FieldCategory] = "Choose a category."
	default:
		errs[FieldCategory] = "Choose Marketing, Utility or Authentication."
	}
	return errs
}

func (d Draft) checkName(errs Errors) {
	switch {
	case d.Name == "":
		errs[FieldName] = "Give the template a name, e.g. order_update."
	case utf8.RuneCountInString(d.Name) > MaxNameLength:
		errs[FieldName] = "Use at most 512 characters."
	case !nameRe.MatchString(d.Name):
		errs[FieldName] = "Use only lowercase letters, digits and underscores, e.g. order_update."
	}
}

func tooLong(text string, most int) bool { return utf8.RuneCountInString(text) > most }

func (d Draft) checkHeader(errs Errors) {
	switch d.HeaderFormat {
	case HeaderNone, HeaderLocation:
	case HeaderText:
		switch {
		case d.HeaderText == "":
			errs[FieldHeaderText] = "Write the header text, or choose no header."
		case tooLong(d.HeaderText, MaxHeaderText):
			errs[FieldHeaderText] = "Use at most 60 characters in the header."
		case varProblem(d.HeaderText) != "":
			errs[FieldHeaderText] = varProblem(d.HeaderText)
		case len(varNames(d.HeaderText)) > 1:
			errs[FieldHeaderText] = "The header can have at most one variable, {{1}}."
		case len(varNames(d.HeaderText)) == 1 && d.HeaderExample == "":
			errs[FieldHeaderExample] = "Give an example value for {{1}} in the header; Meta's reviewers see it."
		}
	case HeaderImage, HeaderVideo, HeaderDocument:
		if d.HeaderHandle == "" {
			errs[FieldHeaderHandle] = "Meta needs a sample " + strings.ToLower(d.HeaderFormat) + " for the review: paste the upload handle of a sample file."
		}
	default:
		errs[FieldHeaderFormat] = "Choose no header, text, image, video, document or location."
	}
}

func (d Draft) checkBody(errs Errors) {
	switch {
	case d.Body == "":
		errs[FieldBody] = "Write the message text."
		return
	case tooLong(d.Body, MaxBodyText):
		errs[FieldBody] = "Use at most 1,024 characters in the body (now " + strconv.Itoa(utf8.RuneCountInString(d.Body)) + ")."
		return
	case varProblem(d.Body) != "":
		errs[FieldBody] = varProblem(d.Body)
		return
	}
	if loc := varRe.FindAllStringIndex(d.Body, -1); len(loc) > 0 {
		trimmed := strings.TrimRight(d.Body, ".!?,;: ")
		if loc[0][0] == 0 || loc[len(loc)-1][1] >= len(trimmed) {
			errs[FieldBody] = "The text cannot start or end with a variable. Add words before the first and after the last one."
			return
		}
	}
	for n := 1; n <= d.BodyVariables(); n++ {
		if n > len(d.BodyExamples) || d.BodyExamples[n-1] == "" {
			errs[BodyExampleField(n)] = "Give an example value for {{" + strconv.Itoa(n) + "}}; Meta's reviewers see it."
		}
	}
}

func (d Draft) checkFooter(errs Errors) {
	switch {
	case tooLong(d.Footer, MaxFooterText):
		errs[FieldFooter] = "Use at most 60 characters in the footer."
	case len(varNames(d.Footer)) > 0 || strings.Contains(d.Footer, "{{"):
		errs[FieldFooter] = "The footer cannot contain variables."
	}
}

// ButtonsInUse returns the buttons that have a type, in order.
func (d Draft) ButtonsInUse() []Button {
	var out []Button
	for _, b := range d.Buttons {
		if b.Type != "" {
			out = append(out, b)
		}
	}
	return out
}

func (d Draft) checkButtons(errs Errors) {
	count := map[string]int{}
	total := 0
	// Quick replies must be grouped: all before or all after the others.
	groups, lastGroup := 0, ""
	for i, b := range d.Buttons {
		if b.Type == "" {
			continue
		}
		total++
		count[b.Type]++
		group := "cta"
		if b.Type == ButtonQuickReply {
			group = "quick"
		}
		if group != lastGroup {
			groups++
			lastGroup = group
		}
		text := ButtonField("text", i)
		if b.Type != ButtonCopyCode {
			switch {
			case b.Text == "":
				errs[text] = "Write the button's label."
			case tooLong(b.Text, MaxButtonText):
				errs[text] = "Use at most 25 characters on a button."
			case strings.Contains(b.Text, "{{"):
				errs[text] = "Button labels cannot contain variables."
			}
		}
		switch b.Type {
		case ButtonQuickReply:
		case ButtonURL:
			checkURLButton(errs, i, b)
		case ButtonPhone:
			digits := onlyDigits(b.Phone)
			switch {
			case b.Phone == "":
				errs[ButtonField("phone", i)] = "Enter the phone number to call, with its country code."
			case !phoneRe.MatchString(b.Phone) || len(digits) < 6 || len(digits) > MaxPhoneDigits:
				errs[ButtonField("phone", i)] = "Enter a phone number with its country code, e.g. +1 555 010 2001."
			}
		case ButtonCopyCode:
			switch {
			case d.Category != CategoryMarketing:
				errs[ButtonField("type", i)] = "Copy-code buttons are only allowed in marketing templates."
			case b.Example == "":
				errs[ButtonField("example", i)] = "Give a sample code, e.g. SPRING25."
			case tooLong(b.Example, MaxCouponCode) || strings.ContainsAny(b.Example, " \t\n"):
				errs[ButtonField("example", i)] = "Use at most 15 characters and no spaces for the code."
			}
		default:
			errs[ButtonField("type", i)] = "Choose quick reply, website, phone number or copy code."
		}
	}
	switch {
	case total > MaxButtons:
		errs[FieldButtons] = "A template can have at most 10 buttons."
	case count[ButtonURL] > MaxURLButtons:
		errs[FieldButtons] = "A template can have at most 2 website buttons."
	case count[ButtonPhone] > MaxPhoneButtons:
		errs[FieldButtons] = "A template can have only 1 phone number button."
	case count[ButtonCopyCode] > MaxCopyCodeButtons:
		errs[FieldButtons] = "A template can have only 1 copy-code button."
	case count[ButtonQuickReply] > MaxQuickReplies:
		errs[FieldButtons] = "A template can have at most 10 quick replies."
	case groups > 2:
		errs[FieldButtons] = "Keep quick replies together, before or after the other buttons."
	}
}

func checkURLButton(errs Errors, i int, b Button) {
	field := ButtonField("url", i)
	lower := strings.ToLower(b.URL)
	vars := varNames(b.URL)
	switch {
	case b.URL == "":
		errs[field] = "Enter the web address the button opens."
	case !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://"):
		errs[field] = "Enter a full web address starting with https://."
	case len(b.URL) > MaxURLLength:
		errs[field] = "Use at most 2,000 characters in the web address."
	case strings.ContainsAny(b.URL, " \t\n"):
		errs[field] = "A web address cannot contain spaces."
	case varProblem(b.URL) != "":
		errs[field] = varProblem(b.URL)
	case len(vars) > 1:
		errs[field] = "A web address can have one variable, {{1}}, at its end."
	case len(vars) == 1 && !strings.HasSuffix(b.URL, "}}"):
		errs[field] = "Put the variable {{1}} at the end of the web address."
	case len(vars) == 1 && strings.HasPrefix(strings.TrimPrefix(strings.TrimPrefix(lower, "https://"), "http://"), "{{"):
		errs[field] = "The variable can only complete the address: write the website's domain before {{1}}."
	case len(vars) == 1 && b.Example == "":
		errs[ButtonField("example", i)] = "Give an example value for {{1}} in the web address."
	}
}

func (d Draft) checkAuthentication(errs Errors) {
	if d.CodeExpiryMinutes < 0 || d.CodeExpiryMinutes > MaxCodeExpiry {
		errs[FieldCodeExpiry] = "Use 1 to 90 minutes, or leave it empty."
	}
	switch d.OTPType {
	case OTPCopyCode:
	case OTPOneTap:
		if d.PackageName == "" {
			errs[FieldPackageName] = "Enter your Android app's package name, e.g. com.example.shop."
		} else if !packageNameRe.MatchString(d.PackageName) || len(d.PackageName) > 224 {
			errs[FieldPackageName] = "Enter a package name like com.example.shop."
		}
		switch {
		case d.SignatureHash == "":
			errs[FieldSignatureHash] = "Enter your app's signing key hash."
		case strings.ContainsAny(d.SignatureHash, " \t\n") || len(d.SignatureHash) > 64:
			errs[FieldSignatureHash] = "Enter the hash exactly as your app's build tools print it."
		}
		if tooLong(d.AutofillText, MaxButtonText) {
			errs[FieldAutofillText] = "Use at most 25 characters on a button."
		}
	case "":
		errs[FieldOTPType] = "Choose how the customer gets the code: a copy-code or a one-tap autofill button."
	default:
		errs[FieldOTPType] = "Choose a copy-code or a one-tap autofill button."
	}
	if tooLong(d.OTPText, MaxButtonText) {
		errs[FieldOTPText] = "Use at most 25 characters on a button."
	}
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
