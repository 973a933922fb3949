package campaign

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wadesk/wadesk/store"
	"github.com/wadesk/wadesk/templates"
)

// Create starts a draft campaign of an approved template.
func Create(ctx context.Context, db *store.DB, name string, t store.Template, createdBy int64) (store.Campaign, error) {
	if !strings.EqualFold(t.Status, templates.StatusApproved) {
		return store.Campaign{}, fmt.Errorf("campaign: template %q is not approved: %w", t.Name, store.ErrNotFound)
	}
	a, m := Encode(Audience{}, Mapping{})
	return db.CreateCampaign(ctx, store.Campaign{Name: name, ChannelID: t.ChannelID, TemplateID: t.ID, TemplateName: t.Name,
		TemplateLanguage: t.Language, TemplateCategory: t.Category, TemplateComponents: t.ComponentsJSON,
		Audience: a, Mapping: m, CreatedBy: createdBy})
}

// SetLabels makes a draft's audience the contacts with any of the labels
// (all contacts when none), optionally only those who opted in.
func SetLabels(ctx context.Context, db *store.DB, c store.Campaign, a Audience) (store.AudienceCounts, error) {
	_, m, err := Decode(c)
	if err != nil {
		return store.AudienceCounts{}, err
	}
	a.CSV, a.Duplicates, a.Invalid = false, 0, 0
	// Mapped CSV columns mean nothing without the file.
	for k, s := range m {
		if s.Kind == SourceColumn {
			delete(m, k)
		}
	}
	c.Audience, c.Mapping = Encode(a, m)
	c.CSVColumns = "[]"
	if err := db.UpdateCampaignDraft(ctx, c); err != nil {
		return store.AudienceCounts{}, err
	}
	return db.SetLabelAudience(ctx, c.ID, store.LabelAudience{LabelIDs: a.LabelIDs, OptedInOnly: a.OptIn == OptInRequired,
		Marketing: IsMarketing(c.TemplateCategory)})
}

// MaxCSVRows bounds an uploaded audience.
const MaxCSVRows = 200000

// CSVProblem says in words (an i18n id) what is wrong with a file.
type CSVProblem struct{ ID string }

func (p *CSVProblem) Error() string { return "campaign: CSV: " + p.ID }

// CSV is an uploaded audience, read.
type CSV struct {
	Columns []string
	Rows    []store.CSVRecipient
	// Invalid counts rows whose number is not a valid phone number.
	Invalid int
	// PhoneColumn is the column the numbers were read from.
	PhoneColumn string
}

// ReadCSV reads an audience file: a header row, then one customer a row.
// The numbers are in the column called phone, number, mobile or whatsapp
// (else the first); a column called name gives the name. Every column is
// kept for the template's values. Numbers without a country code are read
// in defaultRegion ("" : they must have one).
func ReadCSV(r io.Reader, defaultRegion string) (CSV, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return CSV{}, &CSVProblem{ID: "campaigns.csv.empty"}
	}
	if err != nil {
		return CSV{}, &CSVProblem{ID: "campaigns.csv.unreadable"}
	}
	out := CSV{}
	phoneAt, nameAt := -1, -1
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			h = fmt.Sprintf("column_%d", i+1)
		}
		out.Columns = append(out.Columns, h)
		switch strings.ToLower(h) {
		case "phone", "number", "mobile", "whatsapp", "phone_number", "phone number":
			if phoneAt < 0 {
				phoneAt = i
			}
		case "name", "full name", "full_name":
			if nameAt < 0 {
				nameAt = i
			}
		}
	}
	if phoneAt < 0 {
		phoneAt = 0
	}
	out.PhoneColumn = out.Columns[phoneAt]
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return CSV{}, &CSVProblem{ID: "campaigns.csv.unreadable"}
		}
		if len(out.Rows)+out.Invalid >= MaxCSVRows {
			return CSV{}, &CSVProblem{ID: "campaigns.csv.too_many"}
		}
		if phoneAt >= len(rec) {
			out.Invalid++
			continue
		}
		e164, waID, ok := Normalize(rec[phoneAt], defaultRegion)
		if !ok {
			out.Invalid++
			continue
		}
		cols := map[string]string{}
		for i, v := range rec {
			if i < len(out.Columns) {
				cols[out.Columns[i]] = strings.TrimSpace(v)
			}
		}
		b, _ := json.Marshal(cols)
		name := ""
		if nameAt >= 0 && nameAt < len(rec) {
			name = strings.TrimSpace(rec[nameAt])
		}
		out.Rows = append(out.Rows, store.CSVRecipient{Phone: e164, WaID: waID, Name: name, Columns: string(b)})
	}
	if len(out.Rows) == 0 {
		return out, &CSVProblem{ID: "campaigns.csv.no_numbers"}
	}
	return out, nil
}

// SetCSV makes a draft's audience the numbers of an uploaded file.
func SetCSV(ctx context.Context, db *store.DB, c store.Campaign, f CSV) (store.AudienceCounts, error) {
	_, m, err := Decode(c)
	if err != nil {
		return store.AudienceCounts{}, err
	}
	counts, err := db.SetCSVAudience(ctx, c.ID, IsMarketing(c.TemplateCategory), f.Rows)
	if err != nil {
		return store.AudienceCounts{}, err
	}
	a := Audience{CSV: true, Duplicates: counts.Duplicates, Invalid: f.Invalid}
	c.Audience, c.Mapping = Encode(a, m)
	cols, _ := json.Marshal(f.Columns)
	c.CSVColumns = string(cols)
	if err := db.UpdateCampaignDraft(ctx, c); err != nil {
		return store.AudienceCounts{}, err
	}
	return counts, nil
}

// SetMapping saves where each template value comes from.
func SetMapping(ctx context.Context, db *store.DB, c store.Campaign, m Mapping) error {
	a, _, err := Decode(c)
	if err != nil {
		return err
	}
	c.Audience, c.Mapping = Encode(a, m)
	return db.UpdateCampaignDraft(ctx, c)
}

// Preview builds the message of a campaign's first recipients, as each
// will see it; Problem says (an i18n id) why one cannot be sent.
type Preview struct {
	Recipient store.Recipient
	Filled    templates.Filled
	Problem   string
	Field     string
}

// Previews returns the messages of up to n recipients.
func Previews(ctx context.Context, db *store.DB, c store.Campaign, n int) ([]Preview, error) {
	_, m, err := Decode(c)
	if err != nil {
		return nil, err
	}
	form, err := Form(c)
	if err != nil {
		return nil, err
	}
	rs, err := db.CampaignRecipients(ctx, c.ID, store.RecipientFilter{Status: store.RecipientPending, Limit: n})
	if err != nil {
		return nil, err
	}
	out := make([]Preview, 0, len(rs))
	for _, r := range rs {
		p := Preview{Recipient: r}
		_, filled, err := Message(c, form, m, r)
		var me *MissingError
		var ie *InvalidError
		switch {
		case errors.As(err, &me):
			p.Problem, p.Field = "campaigns.preview.missing", me.Field
		case errors.As(err, &ie):
			p.Problem, p.Field = "campaigns.preview.invalid", ie.Error()
		case err != nil:
			return nil, err
		default:
			p.Filled = filled
		}
		out = append(out, p)
	}
	return out, nil
}

// Pause, Resume, Cancel and Retry change a launched campaign; the runner
// and the outbox are woken by the caller.

// ErrState refuses a change the campaign's state does not allow.
var ErrState = store.ErrCampaignState
