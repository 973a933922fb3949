package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wadesk/wadesk/store"
)

// maxSearchRunes bounds what the inbox search reads of a query.
const maxSearchRunes = 200

// inboxQuery is the inbox list's filters as URLs carry them:
// status=resolved, scope=mine|unassigned, channel=ID, dept=ID|none, q=text
// label=ID and after=cursor. Defaults are left out of URLs. Whatever a URL holds,
// parsing never fails: an unknown value means the default, so that an old
// or hand-edited link still shows a list.
type inboxQuery struct {
	Status     string
	Scope      string
	Channel    int64
	Department int64 // store.DepartmentNone: conversations without one
	Search     string
	Label      int64
	After      *store.ConversationCursor
}

func parseInboxQuery(v url.Values) inboxQuery {
	q := inboxQuery{Status: store.ConversationOpen, Scope: store.ScopeAll}
	switch st := v.Get("status"); st {
	case store.ConversationResolved, statusSnoozed:
		q.Status = st
	}
	switch sc := v.Get("scope"); sc {
	case store.ScopeMine, store.ScopeUnassigned:
		q.Scope = sc
	}
	if n, err := strconv.ParseInt(v.Get("channel"), 10, 64); err == nil && n > 0 {
		q.Channel = n
	}
	switch d := v.Get("dept"); {
	case d == "none":
		q.Department = store.DepartmentNone
	default:
		if n, err := strconv.ParseInt(d, 10, 64); err == nil && n > 0 {
			q.Department = n
		}
	}
	if n, err := strconv.ParseInt(v.Get("label"), 10, 64); err == nil && n > 0 {
		q.Label = n
	}
	q.Search = strings.TrimSpace(v.Get("q"))
	if utf8.RuneCountInString(q.Search) > maxSearchRunes {
		q.Search = string([]rune(q.Search)[:maxSearchRunes])
	}
	if c := v.Get("after"); c != "" {
		// A mangled cursor starts the list again rather than failing.
		if cur, err := store.ParseConversationCursor(c); err == nil {
			q.After = &cur
		}
	}
	return q
}

// listValues are the list filters of a request: its URL's query, or for a
// form posted from a conversation, the "list" field the form carries.
func listValues(r *http.Request) url.Values {
	if r.Method == http.MethodPost {
		v, _ := url.ParseQuery(r.PostFormValue("list"))
		return v
	}
	return r.URL.Query()
}

// deptValue is the department as the dept parameter writes it.
func deptValue(id int64) string {
	switch {
	case id == store.DepartmentNone:
		return "none"
	case id > 0:
		return itoa(id)
	}
	return ""
}

// values writes the filters (and the cursor when withCursor) back as URL
// parameters, leaving out defaults.
func (q inboxQuery) values(withCursor bool) url.Values {
	v := url.Values{}
	if q.Status != store.ConversationOpen {
		v.Set("status", q.Status)
	}
	if q.Scope != store.ScopeAll {
		v.Set("scope", q.Scope)
	}
	if q.Channel > 0 {
		v.Set("channel", itoa(q.Channel))
	}
	if d := deptValue(q.Department); d != "" {
		v.Set("dept", d)
	}
	if q.Label > 0 {
		v.Set("label", itoa(q.Label))
	}
	if q.Search != "" {
		v.Set("q", q.Search)
	}
	if withCursor && q.After != nil {
		v.Set("after", q.After.String())
	}
	return v
}

// encode is the filters without the cursor, as a query string.
func (q inboxQuery) encode() string { return q.values(false).Encode() }

// narrowed reports whether a channel, department or search narrows the list.
func (q inboxQuery) narrowed() bool {
	return q.Channel != 0 || q.Department != 0 || q.Search != "" || q.Label != 0
}

func (q inboxQuery) filter() store.ConversationFilter {
	f := store.ConversationFilter{Status: q.Status, Scope: q.Scope, ChannelID: q.Channel, DepartmentID: q.Department,
		Search: q.Search, LabelID: q.Label, After: q.After}
	if q.Status == statusSnoozed {
		f.Status, f.Snoozed = store.ConversationOpen, true
	}
	return f
}

// statusSnoozed is the list of open conversations snoozed for later
// (status=snoozed in URLs).
const statusSnoozed = "snoozed"

// withQuery appends a query string to a path when there is one.
func withQuery(path, query string) string {
	if query == "" {
		return path
	}
	return path + "?" + query
}

// backToConversation is where an action on a conversation sends the
// browser: the conversation, with the list as it was. The list comes from
// the posted form, re-parsed, so only known filters go into the URL.
func backToConversation(r *http.Request, id int64) string {
	return withQuery(conversationPath(id), parseInboxQuery(listValues(r)).encode())
}
