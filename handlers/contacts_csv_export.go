package handlers

import (
	"encoding/csv"
	"net/http"
	"sort"
	"time"

	"github.com/wadesk/wadesk/store"
)

// contactsCSVExport writes the contacts list, as filtered, as a CSV file
// an import reads back: phone, name, consent, labels and one column per
// attribute. Cells that a spreadsheet would run as a formula are quoted
// with a leading apostrophe.
func (s *Server) contactsCSVExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ok := contactFilterOf(r.URL.Query())
	if !ok {
		s.notFound(w, r)
		return
	}
	viewer := store.ViewerOf(*currentUser(ctx))
	names, err := s.db.AttributeNames(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="contacts-`+time.Now().UTC().Format("2006-01-02")+`.csv"`)
	out := csv.NewWriter(w)
	header := []string{"phone", "name", "opted_in_at", "opt_in_source", "marketing_opted_out_at", "opt_out_source", "blocked", "labels"}
	header = append(header, names...)
	out.Write(header)
	f.Limit = 1000
	total := 0
	for {
		page, next, err := s.db.ListContacts(ctx, viewer, f)
		if err != nil {
			// Headers are sent: end the file short and say so in the log.
			s.log.Error("contacts export stopped", "err", err)
			break
		}
		ids := make([]int64, len(page))
		for i, c := range page {
			ids[i] = c.ID
		}
		attrs, err := s.db.AttributesOf(ctx, ids...)
		if err != nil {
			s.log.Error("contacts export stopped", "err", err)
			break
		}
		labels, err := s.db.ContactLabels(ctx, ids...)
		if err != nil {
			s.log.Error("contacts export stopped", "err", err)
			break
		}
		for _, c := range page {
			var ls []string
			for _, l := range labels[c.ID] {
				ls = append(ls, l.Name)
			}
			sort.Strings(ls)
			row := []string{c.Phone, c.Name, timeCell(c.OptedInAt), c.OptInSource, timeCell(c.MarketingOptedOutAt), c.OptOutSource,
				boolCell(c.Blocked), joinCell(ls)}
			for _, n := range names {
				row = append(row, attrs[c.ID][n])
			}
			for i := range row {
				row[i] = safeCell(row[i])
			}
			out.Write(row)
		}
		total += len(page)
		if next == nil {
			break
		}
		f.After = next
	}
	out.Flush()
	s.audit(r, auditContactsExported, "contacts", 0, "", changes{"rows": total, "search": f.Search, "label_id": f.LabelID, "consent": f.Consent})
}

func timeCell(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func boolCell(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func joinCell(ls []string) string {
	out := ""
	for i, l := range ls {
		if i > 0 {
			out += "; "
		}
		out += l
	}
	return out
}

// safeCell keeps a spreadsheet from running a cell as a formula.
func safeCell(v string) string {
	if v != "" && (v[0] == '=' || v[0] == '@' || v[0] == '\t' || v[0] == '\r' || (v[0] == '-' && len(v) > 1) || (v[0] == '+' && !isPhone(v))) {
		return "'" + v
	}
	return v
}

func isPhone(v string) bool {
	for _, r := range v[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return len(v) > 1
}
