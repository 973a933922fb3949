package commerce

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/providers"
)

// ProductSection is a titled group of products in a multi-product message.
type ProductSection struct {
	Title       string
	RetailerIDs []string
}

// Field names of the product message forms, used as keys of the problems
// the builders return.
const (
	FieldProduct  = "product"
	FieldHeader   = "header"
	FieldBody     = "body"
	FieldFooter   = "footer"
	FieldSections = "sections"
)

// SectionField is the form name of a section's title ("section_1").
func SectionField(i int) string { return "section_" + strconv.Itoa(i+1) }

// SingleProduct builds a single-product message. Body and footer are
// optional (WhatsApp shows the product's own name and price).
func SingleProduct(catalogID, retailerID, body, footer string) (*providers.Interactive, map[string]string) {
	errs := map[string]string{}
	if catalogID == "" {
		errs[""] = "No catalog ID is set in Store settings, so products cannot be sent."
	}
	if strings.TrimSpace(retailerID) == "" {
		errs[FieldProduct] = "Choose a product."
	}
	checkText(errs, FieldBody, body, providers.MaxInteractiveBody, false)
	checkText(errs, FieldFooter, footer, providers.MaxInteractiveFooter, false)
	if len(errs) > 0 {
		return nil, errs
	}
	return &providers.Interactive{Type: providers.InteractiveProduct, Body: strings.TrimSpace(body),
		Footer: strings.TrimSpace(footer), CatalogID: catalogID, ProductRetailerID: retailerID}, nil
}

// ProductList builds a multi-product message: a header and a body (both
// required by WhatsApp), up to 10 titled sections and up to 30 products
// in all, each product once. Sections without products are left out when
// they have no title either.
func ProductList(catalogID, header, body, footer string, sections []ProductSection) (*providers.Interactive, map[string]string) {
	errs := map[string]string{}
	if catalogID == "" {
		errs[""] = "No catalog ID is set in Store settings, so products cannot be sent."
	}
	checkText(errs, FieldHeader, header, providers.MaxHeaderText, true)
	checkText(errs, FieldBody, body, providers.MaxInteractiveBody, true)
	checkText(errs, FieldFooter, footer, providers.MaxInteractiveFooter, false)
	in := &providers.Interactive{Type: providers.InteractiveProductList, CatalogID: catalogID,
		Header: &providers.InteractiveHeader{Type: "text", Text: strings.TrimSpace(header)},
		Body:   strings.TrimSpace(body), Footer: strings.TrimSpace(footer)}
	total := 0
	seen := map[string]string{}
	for i, s := range sections {
		title := strings.TrimSpace(s.Title)
		field := SectionField(i)
		if title == "" && len(s.RetailerIDs) == 0 {
			continue
		}
		switch n := utf8.RuneCountInString(title); {
		case n == 0:
			errs[field] = "Give this section a title: it has products."
		case n > providers.MaxSectionTitle:
			errs[field] = fmt.Sprintf("The section title is too long: at most %d characters.", providers.MaxSectionTitle)
		case len(s.RetailerIDs) == 0:
			errs[field] = "This section has no products. Pick products for it, or clear its title."
		}
		for _, id := range s.RetailerIDs {
			if other, dup := seen[id]; dup {
				errs[field] = fmt.Sprintf("%s is already in section %q: each product can be listed once.", id, other)
			}
			seen[id] = title
		}
		total += len(s.RetailerIDs)
		in.Sections = append(in.Sections, providers.Section{Title: title, ProductRetailerIDs: s.RetailerIDs})
	}
	switch {
	case len(in.Sections) == 0:
		errs[FieldSections] = "Pick at least one product and give its section a title."
	case len(in.Sections) > providers.MaxListSections:
		errs[FieldSections] = fmt.Sprintf("Use at most %d sections, not %d.", providers.MaxListSections, len(in.Sections))
	case total > providers.MaxProductListItems:
		errs[FieldSections] = fmt.Sprintf("A product list has at most %d products in all; this one has %d.", providers.MaxProductListItems, total)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return in, nil
}

func checkText(errs map[string]string, field, s string, most int, required bool) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && required:
		errs[field] = "This field is required."
	case n > most:
		errs[field] = fmt.Sprintf("Use at most %d characters (this has %d).", most, n)
	}
}
