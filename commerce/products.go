package commerce

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wadesk/wadesk/store"
)

// Limits of a product's fields (Meta's catalog limits where it has them).
const (
	MaxRetailerID   = 100
	MaxProductName  = 200
	MaxImageURL     = 2000
	MaxImportBytes  = 2 << 20
	MaxImportRows   = 10_000
	maxImportErrors = 50
)

// ProductInput is a product as a person typed it, in a form or a CSV line.
type ProductInput struct {
	RetailerID string
	Name       string
	Price      string
	Currency   string
	ImageURL   string
	// InStock is "", yes/no, true/false or 1/0 (CSV); forms give "1" or "".
	InStock string
}

// Product field names, as forms and CSV headers call them.
const (
	FieldRetailerID = "retailer_id"
	FieldName       = "name"
	FieldPrice      = "price"
	FieldCurrency   = "currency"
	FieldImageURL   = "image_url"
	FieldInStock    = "in_stock"
)

// ImportColumns are the CSV columns, in the order the example file uses.
var ImportColumns = []string{FieldRetailerID, FieldName, FieldPrice, FieldCurrency, FieldImageURL, FieldInStock}

// CheckProduct checks a product's fields and returns the record to store,
// or the problems keyed by field name. An empty currency takes
// defaultCurrency (the store's); an empty in_stock means in stock.
func CheckProduct(in ProductInput, defaultCurrency string) (store.ProductRecord, map[string]string) {
	errs := map[string]string{}
	r := store.ProductRecord{
		RetailerID: strings.TrimSpace(in.RetailerID),
		Name:       strings.TrimSpace(in.Name),
		Currency:   NormalizeCurrency(in.Currency),
		ImageURL:   strings.TrimSpace(in.ImageURL),
	}
	switch n := utf8.RuneCountInString(r.RetailerID); {
	case n == 0:
		errs[FieldRetailerID] = "Enter the product's retailer ID (its ID in your Meta catalog)."
	case n > MaxRetailerID:
		errs[FieldRetailerID] = fmt.Sprintf("The retailer ID is too long: at most %d characters.", MaxRetailerID)
	case strings.IndexFunc(r.RetailerID, func(c rune) bool { return unicode.IsSpace(c) || !unicode.IsPrint(c) }) >= 0:
		errs[FieldRetailerID] = "The retailer ID cannot contain spaces or invisible characters."
	}
	switch n := utf8.RuneCountInString(r.Name); {
	case n == 0:
		errs[FieldName] = "Enter the product's name."
	case n > MaxProductName:
		errs[FieldName] = fmt.Sprintf("The name is too long: at most %d characters.", MaxProductName)
	case strings.IndexFunc(r.Name, func(c rune) bool { return !unicode.IsPrint(c) && c != ' ' }) >= 0:
		errs[FieldName] = "The name cannot contain line breaks or invisible characters."
	}
	if r.Currency == "" {
		r.Currency = defaultCurrency
	}
	if problem := CheckCurrency(r.Currency); problem != "" {
		errs[FieldCurrency] = problem
	} else if price, err := ParseAmount(in.Price, r.Currency); err != nil {
		errs[FieldPrice] = priceProblem(err)
	} else {
		r.Price1000 = price
	}
	if r.ImageURL != "" {
		if problem := CheckImageURL(r.ImageURL); problem != "" {
			errs[FieldImageURL] = problem
		}
	}
	switch strings.ToLower(strings.TrimSpace(in.InStock)) {
	case "", "1", "yes", "y", "true", "in stock", "in_stock", "on":
		r.InStock = true
	case "0", "no", "n", "false", "out of stock", "out_of_stock", "off":
		r.InStock = false
	default:
		errs[FieldInStock] = fmt.Sprintf("Write yes or no for in stock, not %q.", in.InStock)
	}
	if len(errs) > 0 {
		return store.ProductRecord{}, errs
	}
	return r, nil
}

func priceProblem(err error) string {
	msg := strings.TrimPrefix(err.Error(), ErrAmount.Error()+": ")
	if msg == "" {
		return "Enter the price, like 8.50."
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// CheckImageURL returns a plain-words problem with a product image URL.
func CheckImageURL(s string) string {
	if len(s) > MaxImageURL {
		return fmt.Sprintf("The image address is too long: at most %d characters.", MaxImageURL)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "The image address must be a web address starting with https:// or http://."
	}
	return ""
}

// LineError is a problem on one line of an imported CSV file.
type LineError struct {
	// Line is the 1-based line of the file (the header is line 1).
	Line    int
	Problem string
}

// ImportResult is a read CSV file: the products to store when Errors is
// empty. Nothing is stored when any line is wrong: a half-imported price
// list is worse than none.
type ImportResult struct {
	Products []store.ProductRecord
	Errors   []LineError
	// MoreErrors counts problems left out of Errors to keep it short.
	MoreErrors int
}

// ErrImportTooLarge means the file is larger than MaxImportBytes.
var ErrImportTooLarge = fmt.Errorf("the file is larger than %d MB", MaxImportBytes>>20)

// ReadProductsCSV reads a product list. The first line names the columns
// (retailer_id, name, price, currency, image_url, in_stock, in any order;
// currency, image_url and in_stock may be left out). Commas or semicolons
// separate fields; a UTF-8 byte order mark is ignored. Rows are upserted
// by retailer ID; the same retailer ID twice in a file is an error.
func ReadProductsCSV(r io.Reader, defaultCurrency string) (ImportResult, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return ImportResult{}, fmt.Errorf("commerce: read product file: %w", err)
	}
	if len(data) > MaxImportBytes {
		return ImportResult{}, ErrImportTooLarge
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var res ImportResult
	add := func(line int, problem string) {
		if len(res.Errors) < maxImportErrors {
			res.Errors = append(res.Errors, LineError{Line: line, Problem: problem})
		} else {
			res.MoreErrors++
		}
	}
	if !utf8.Valid(data) {
		add(1, "The file is not UTF-8 text. Save it as \"CSV UTF-8\" and upload it again.")
		return res, nil
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		add(1, "The file is empty. The first line names the columns: "+strings.Join(ImportColumns, ",")+".")
		return res, nil
	}
	if err != nil {
		add(csvLine(err, 1), "This line is not valid CSV: "+csvProblem(err))
		return res, nil
	}
	cols := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if !knownColumn(name) {
			add(1, fmt.Sprintf("Unknown column %q. The columns are %s.", h, strings.Join(ImportColumns, ", ")))
			continue
		}
		if _, dup := cols[name]; dup {
			add(1, fmt.Sprintf("The column %q appears twice.", name))
			continue
		}
		cols[name] = i
	}
	for _, need := range []string{FieldRetailerID, FieldName, FieldPrice} {
		if _, ok := cols[need]; !ok {
			add(1, fmt.Sprintf("The column %q is missing. The first line names the columns: %s.", need, strings.Join(ImportColumns, ",")))
		}
	}
	if len(res.Errors) > 0 {
		return res, nil
	}
	field := func(rec []string, name string) string {
		if i, ok := cols[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	seen := map[string]int{}
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			add(csvLine(err, 0), "This line is not valid CSV: "+csvProblem(err))
			var pe *csv.ParseError
			if errors.As(err, &pe) && pe.Err == csv.ErrQuote {
				break // the rest of the file is read as one field: stop here
			}
			continue
		}
		if blank(rec) {
			continue
		}
		line, _ := cr.FieldPos(0)
		rows++
		if rows > MaxImportRows {
			add(line, fmt.Sprintf("The file has more than %d products. Split it into smaller files.", MaxImportRows))
			break
		}
		if len(rec) > len(header) {
			add(line, fmt.Sprintf("This line has %d fields, but the header names %d columns.", len(rec), len(header)))
			continue
		}
		p, errs := CheckProduct(ProductInput{
			RetailerID: field(rec, FieldRetailerID), Name: field(rec, FieldName), Price: field(rec, FieldPrice),
			Currency: field(rec, FieldCurrency), ImageURL: field(rec, FieldImageURL), InStock: field(rec, FieldInStock),
		}, defaultCurrency)
		if len(errs) > 0 {
			for _, col := range ImportColumns {
				if e, ok := errs[col]; ok {
					add(line, col+": "+e)
				}
			}
			continue
		}
		if prev, dup := seen[p.RetailerID]; dup {
			add(line, fmt.Sprintf("retailer_id: %q is already on line %d.", p.RetailerID, prev))
			continue
		}
		seen[p.RetailerID] = line
		res.Products = append(res.Products, p)
	}
	if rows == 0 && len(res.Errors) == 0 {
		add(2, "The file has a header but no products.")
	}
	if len(res.Errors) > 0 {
		res.Products = nil
	}
	return res, nil
}

func knownColumn(name string) bool {
	for _, c := range ImportColumns {
		if c == name {
			return true
		}
	}
	return false
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func csvLine(err error, fallback int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) && pe.StartLine > 0 {
		return pe.StartLine
	}
	return fallback
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch pe.Err {
		case csv.ErrQuote, csv.ErrBareQuote:
			return "a quote (\") is not closed or is in the middle of a field. Put fields with quotes or commas inside double quotes."
		}
		return pe.Err.Error() + "."
	}
	return err.Error() + "."
}
