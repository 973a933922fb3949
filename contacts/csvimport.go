package contacts

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Fields a CSV column can be mapped to. An attribute is AttributePrefix
// followed by its name ("attr:city").
const (
	FieldIgnore     = ""
	FieldPhone      = "phone"
	FieldName       = "name"
	FieldOptedIn    = "opted_in"
	AttributePrefix = "attr:"
)

// Limits of an import.
const (
	MaxImportRows  = 50_000
	MaxImportBytes = 10 << 20
	MaxNameRunes   = 200
	MaxValueRunes  = 500
)

// Errors reading a file (message ids of the catalog).
var (
	ErrEmptyFile    = errors.New("contacts.import.error_empty")
	ErrNotCSV       = errors.New("contacts.import.error_not_csv")
	ErrTooManyRows  = errors.New("contacts.import.error_too_many_rows")
	ErrNoPhoneField = errors.New("contacts.import.error_no_phone")
)

// Table is a CSV file read whole: its header and its rows.
type Table struct {
	Header []string
	Rows   [][]string
	// Lines are the rows' line numbers in the file (blank rows are left
	// out, so they are not always consecutive).
	Lines []int
}

// ReadCSV reads a CSV file with a header row; commas or semicolons (as
// spreadsheets in many countries write), a UTF-8 byte order mark, and
// rows of uneven length are accepted.
func ReadCSV(b []byte) (Table, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(b)) == 0 {
		return Table{}, ErrEmptyFile
	}
	if !utf8.Valid(b) {
		return Table{}, ErrNotCSV
	}
	first, _, _ := bytes.Cut(b, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(b))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var t Table
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Table{}, fmt.Errorf("%w: %v", ErrNotCSV, err)
		}
		if t.Header == nil {
			for _, h := range rec {
				t.Header = append(t.Header, strings.TrimSpace(h))
			}
			continue
		}
		if len(strings.Join(rec, "")) == 0 {
			continue
		}
		if len(t.Rows) == MaxImportRows {
			return Table{}, ErrTooManyRows
		}
		line, _ := r.FieldPos(0)
		t.Rows = append(t.Rows, rec)
		t.Lines = append(t.Lines, line)
	}
	if len(t.Rows) == 0 {
		return Table{}, ErrEmptyFile
	}
	return t, nil
}

var attrName = regexp.MustCompile(`[^a-z0-9_]+`)

// AttributeName makes a column title an attribute name: lower case,
// letters, digits and underscores ("Customer ID" → "customer_id").
func AttributeName(title string) string {
	s := strings.Trim(attrName.ReplaceAllString(strings.ToLower(strings.TrimSpace(title)), "_"), "_")
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}

// GuessMapping proposes a field for each column from its title.
func GuessMapping(header []string) []string {
	out := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		f := FieldIgnore
		switch AttributeName(h) {
		case "phone", "phone_number", "number", "mobile", "whatsapp", "whatsapp_number", "telephone", "tel", "msisdn":
			f = FieldPhone
		case "name", "full_name", "contact_name", "customer_name":
			f = FieldName
		case "opted_in", "opt_in", "optin", "consent", "marketing_consent":
			f = FieldOptedIn
		default:
			if a := AttributeName(h); a != "" {
				f = AttributePrefix + a
			}
		}
		if seen[f] && f != FieldIgnore {
			f = FieldIgnore
		}
		seen[f] = true
		out[i] = f
	}
	return out
}

// Row is a contact an import will write.
type Row struct {
	Line       int // in the file, counting the header as line 1
	Phone      string
	Name       string
	OptedIn    bool
	Attributes map[string]string
}

// Problem is a row that will not be imported, and why (a message id).
type Problem struct {
	Line    int
	Value   string
	Problem string
	// FirstLine, for a number that appears twice, is the line that keeps it.
	FirstLine int
}

// Plan is what an import would do: the rows to write (New: numbers not
// known yet; Existing: numbers of contacts wadesk has, which get the
// file's attributes and name if they have none), and the rows left out.
type Plan struct {
	New, Existing []Row
	Invalid       []Problem
	Duplicates    []Problem
}

// Problems of rows (message ids).
const (
	RowDuplicate    = "contacts.import.row_duplicate"
	RowNameTooLong  = "contacts.import.row_name_too_long"
	RowValueTooLong = "contacts.import.row_value_too_long"
)

// MakePlan checks every row of t with mapping (one field per column):
// numbers are parsed (ParseNumber), a number seen on an earlier line is a
// duplicate, and known tells which numbers are contacts already. Nothing
// is written.
func MakePlan(t Table, mapping []string, known func(e164 string) bool) (Plan, error) {
	phoneCol := -1
	for i, f := range mapping {
		if f == FieldPhone {
			phoneCol = i
		}
	}
	if phoneCol < 0 {
		return Plan{}, ErrNoPhoneField
	}
	var p Plan
	first := map[string]int{}
	for i, rec := range t.Rows {
		line := i + 2
		if i < len(t.Lines) {
			line = t.Lines[i]
		}
		cell := func(c int) string {
			if c < len(rec) {
				return strings.TrimSpace(rec[c])
			}
			return ""
		}
		raw := cell(phoneCol)
		e164, problem := ParseNumber(raw)
		if problem != "" {
			p.Invalid = append(p.Invalid, Problem{Line: line, Value: raw, Problem: problem})
			continue
		}
		if at, ok := first[e164]; ok {
			p.Duplicates = append(p.Duplicates, Problem{Line: line, Value: e164, Problem: RowDuplicate, FirstLine: at})
			continue
		}
		row := Row{Line: line, Phone: e164, Attributes: map[string]string{}}
		bad := ""
		for c, f := range mapping {
			v := cell(c)
			switch {
			case f == FieldName:
				if utf8.RuneCountInString(v) > MaxNameRunes {
					bad = RowNameTooLong
				}
				row.Name = v
			case f == FieldOptedIn:
				row.OptedIn = truthy(v)
			case strings.HasPrefix(f, AttributePrefix) && v != "":
				if utf8.RuneCountInString(v) > MaxValueRunes {
					bad = RowValueTooLong
				}
				row.Attributes[strings.TrimPrefix(f, AttributePrefix)] = v
			}
		}
		if bad != "" {
			p.Invalid = append(p.Invalid, Problem{Line: line, Value: raw, Problem: bad})
			continue
		}
		first[e164] = line
		if known(e164) {
			p.Existing = append(p.Existing, row)
		} else {
			p.New = append(p.New, row)
		}
	}
	return p, nil
}

func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "y", "yes", "true", "x", "opted in", "opted_in", "si", "sí", "sim", "oui", "ja":
		return true
	}
	return false
}

// ValidMapping checks a mapping posted back: one per column, known
// fields, attribute names well formed, no field twice.
func ValidMapping(mapping []string, columns int) bool {
	if len(mapping) != columns {
		return false
	}
	seen := map[string]bool{}
	for _, f := range mapping {
		switch {
		case f == FieldIgnore:
			continue
		case f == FieldPhone || f == FieldName || f == FieldOptedIn:
		case strings.HasPrefix(f, AttributePrefix):
			n := strings.TrimPrefix(f, AttributePrefix)
			if n == "" || AttributeName(n) != n {
				return false
			}
		default:
			return false
		}
		if seen[f] {
			return false
		}
		seen[f] = true
	}
	return true
}
