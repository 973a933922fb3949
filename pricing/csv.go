package pricing

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The rate card's CSV file: one rate a line, with a header line naming the
// columns (in any order; tier_from and source may be left out):
//
//	market,category,effective_from,tier_from,price,currency,source
//	BR,marketing,2026-10-01,0,0.025,USD,Meta rate card PDF of 2026-10-01
//
// market is a market's code (BR) or name (Brazil); effective_from a day
// (YYYY-MM-DD, UTC); price a decimal per message; currency a three-letter code.
var CSVColumns = []string{"market", "category", "effective_from", "tier_from", "price", "currency", "source"}

// MaxCSVBytes and MaxCSVRows bound an import.
const (
	MaxCSVBytes = 1 << 20
	MaxCSVRows  = 5000
	maxProblems = 50
)

// LineError is a problem with one line of a CSV file (Line counts the
// header as line 1).
type LineError struct {
	Line    int
	Problem string
}

// CSVResult is what a CSV file holds: the rates when every line is right,
// else the problems (at most 50; More counts the rest).
type CSVResult struct {
	Rates  []Rate
	Errors []LineError
	More   int
}

// ErrCSVTooLarge: the file has more than MaxCSVBytes or MaxCSVRows.
var ErrCSVTooLarge = errors.New("pricing: the rate card file is too large")

// ReadCSV reads a rate card file. Problems are reported per line in plain
// words; a file with any problem yields no rates.
func ReadCSV(r io.Reader) (CSVResult, error) {
	lr := &io.LimitedReader{R: r, N: MaxCSVBytes + 1}
	cr := csv.NewReader(lr)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var res CSVResult
	problem := func(line int, format string, args ...any) {
		if len(res.Errors) >= maxProblems {
			res.More++
			return
		}
		res.Errors = append(res.Errors, LineError{Line: line, Problem: fmt.Sprintf(format, args...)})
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		problem(1, "The file is empty. Its first line names the columns: %s.", strings.Join(CSVColumns, ","))
		return res, nil
	}
	if err != nil {
		problem(1, "The file is not CSV that can be read: %v.", err)
		return res, nil
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[h] = i
	}
	for _, need := range []string{"market", "category", "effective_from", "price", "currency"} {
		if _, ok := col[need]; !ok {
			problem(1, "The first line has no %q column. It names the columns: %s.", need, strings.Join(CSVColumns, ","))
		}
	}
	if len(res.Errors) > 0 {
		return res, nil
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	seen := map[string]int{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if lr.N <= 0 || line > MaxCSVRows+1 {
			return CSVResult{}, ErrCSVTooLarge
		}
		if err != nil {
			problem(line, "This line cannot be read as CSV: %v.", err)
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		r, msg := rateOf(get(rec, "market"), get(rec, "category"), get(rec, "effective_from"), get(rec, "tier_from"),
			get(rec, "price"), get(rec, "currency"), get(rec, "source"))
		if msg != "" {
			problem(line, "%s", msg)
			continue
		}
		key := r.Market + "|" + r.Category + "|" + r.From.Format(time.DateOnly) + "|" + strconv.Itoa(r.TierFrom)
		if first, dup := seen[key]; dup {
			problem(line, "Line %d already has a price for %s %s from %s at this volume.", first, r.Market, r.Category, r.From.Format(time.DateOnly))
			continue
		}
		seen[key] = line
		res.Rates = append(res.Rates, r)
	}
	if lr.N <= 0 {
		return CSVResult{}, ErrCSVTooLarge
	}
	if len(res.Errors) > 0 {
		res.Rates = nil
	} else if len(res.Rates) == 0 {
		problem(2, "The file has no rates under its first line.")
	}
	return res, nil
}

// ParseRate checks one rate as typed in a form or a CSV line and returns
// it, or a problem in plain words.
func ParseRate(market, category, from, tier, price, currency, source string) (Rate, string) {
	return rateOf(market, category, from, tier, price, currency, source)
}

func rateOf(market, category, from, tier, price, currency, source string) (Rate, string) {
	var r Rate
	m, ok := findMarket(market)
	if !ok {
		return r, fmt.Sprintf("%q is not one of Meta's pricing markets here. Use a code such as BR or OTHER, or a name such as Brazil.", market)
	}
	r.Market = m.Code
	r.Category = strings.ToLower(strings.TrimSpace(category))
	known := false
	for _, c := range append(Categories, MarketingLite) {
		if r.Category == c {
			known = true
		}
	}
	if !known {
		return r, fmt.Sprintf("%q is not a category. Use marketing, utility, authentication, authentication_international or service.", category)
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(from))
	if err != nil {
		return r, fmt.Sprintf("%q is not a date. Write the day the price starts as YYYY-MM-DD, e.g. 2026-10-01.", from)
	}
	r.From = d
	if tier = strings.TrimSpace(tier); tier != "" {
		n, err := strconv.Atoi(strings.ReplaceAll(tier, ",", ""))
		if err != nil || n < 0 {
			return r, fmt.Sprintf("%q is not a volume: write how many messages of the month come before this price applies (0 for the base price).", tier)
		}
		r.TierFrom = n
	}
	if r.Micros, err = ParseMicros(price); err != nil {
		return r, "The price: " + err.Error() + "."
	}
	r.Currency = strings.ToUpper(strings.TrimSpace(currency))
	if len(r.Currency) != 3 || strings.Trim(r.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return r, fmt.Sprintf("%q is not a currency. Use a three-letter code such as USD, EUR or BRL.", currency)
	}
	r.Source = strings.TrimSpace(source)
	if len(r.Source) > 300 {
		return r, "The source is longer than 300 characters."
	}
	return r, ""
}

// findMarket finds a market by code or name, ignoring case.
func findMarket(s string) (Market, bool) {
	s = strings.TrimSpace(s)
	for _, m := range Markets {
		if strings.EqualFold(m.Code, s) || strings.EqualFold(m.Name, s) {
			return m, true
		}
	}
	return Market{}, false
}

// WriteCSV writes rates in the file format ReadCSV reads.
func WriteCSV(w io.Writer, rates []Rate) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	for _, r := range rates {
		if err := cw.Write([]string{r.Market, r.Category, r.From.Format(time.DateOnly), strconv.Itoa(r.TierFrom),
			FormatMicros(r.Micros), r.Currency, CSVSafe(r.Source)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// CSVSafe keeps a spreadsheet from reading text as a formula: a value
// starting with =, +, -, @, a tab or a carriage return gets a leading '.
func CSVSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
