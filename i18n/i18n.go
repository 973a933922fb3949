// Package i18n is wadesk's message catalog: every word the console shows,
// e-mails and flashes included, comes from here in the reader's language.
//
// Messages live in locales/AREA.LANG.json (one file per area of the
// product and language, embedded in the binary; English, "en", is the
// source language). Nested JSON objects give dotted message ids:
//
//	{"inbox": {"title": "Inbox",
//	           "unread": {"one": "{{.Count}} unread", "other": "{{.Count}} unread"}}}
//
// gives inbox.title and inbox.unread. Placeholders are named ({{.Name}});
// a message with plural forms (CLDR categories zero, one, two, few, many,
// other) picks its form from the "Count" value. The library is
// nicksnyder/go-i18n: it reads exactly this file format, knows CLDR's
// plural rules for every language (Arabic's six forms included) and falls
// back to English per message, so a half-translated language still works.
//
// The reader's Locale travels in the request's context (WithLocale), so
// views, handlers and e-mails all call T(ctx, id, …) the same way.
//
// A pseudo-locale, en-XA, is made from English at start-up: every message
// accented, lengthened by about a third and wrapped in ⟦ ⟧. Tests render
// pages in it to find text that did not come from the catalog.
package i18n

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/number"
)

//go:embed locales/*.json
var localeFS embed.FS

// Source is the language messages are written in first.
var Source = language.English

// Pseudo is the pseudo-locale built from English for translation tests.
var Pseudo = language.MustParse("en-XA")

// Catalog holds every message in every language it was given.
type Catalog struct {
	bundle *goi18n.Bundle
	// langs are the languages with message files, English first, then by
	// tag; the pseudo-locale is not among them (it is never offered).
	langs      []language.Tag
	localizers map[language.Tag]*goi18n.Localizer
	// ids per language, for the consistency tests.
	ids map[language.Tag]map[string]bool
	// missing remembers the ids already logged as missing, so a page
	// rendered a thousand times logs each once.
	missing sync.Map
	fsys    fs.FS
	// raw caches each language's parsed messages for Message.
	rawMu sync.Mutex
	raw   map[language.Tag][]*goi18n.Message
}

// Load reads every locales/*.json file of fsys. English must be among
// them; the pseudo-locale is derived from it.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{
		bundle:     goi18n.NewBundle(Source),
		localizers: make(map[language.Tag]*goi18n.Localizer),
		ids:        make(map[language.Tag]map[string]bool),
		fsys:       fsys,
	}
	c.bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	names, err := fs.Glob(fsys, "locales/*.json")
	if err != nil {
		return nil, fmt.Errorf("i18n: list message files: %w", err)
	}
	sort.Strings(names)
	seen := make(map[language.Tag]bool)
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: read %s: %w", name, err)
		}
		mf, err := c.bundle.ParseMessageFileBytes(buf, path.Base(name))
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		if c.ids[mf.Tag] == nil {
			c.ids[mf.Tag] = make(map[string]bool)
		}
		for _, m := range mf.Messages {
			if c.ids[mf.Tag][m.ID] {
				return nil, fmt.Errorf("i18n: %s: message %q is defined twice", name, m.ID)
			}
			c.ids[mf.Tag][m.ID] = true
		}
		if !seen[mf.Tag] {
			seen[mf.Tag] = true
			c.langs = append(c.langs, mf.Tag)
		}
	}
	if !seen[Source] {
		return nil, fmt.Errorf("i18n: no English message files (locales/*.en.json)")
	}
	sort.Slice(c.langs, func(i, j int) bool {
		if (c.langs[i] == Source) != (c.langs[j] == Source) {
			return c.langs[i] == Source
		}
		return c.langs[i].String() < c.langs[j].String()
	})
	if err := c.addPseudo(); err != nil {
		return nil, err
	}
	for _, t := range append(append([]language.Tag(nil), c.langs...), Pseudo) {
		c.localizers[t] = goi18n.NewLocalizer(c.bundle, t.String())
	}
	return c, nil
}

var (
	defaultOnce    sync.Once
	defaultCatalog *Catalog
)

// Default is the catalog embedded in the binary. A malformed message file
// is a programming error caught by this package's tests, so it panics.
func Default() *Catalog {
	defaultOnce.Do(func() {
		c, err := Load(localeFS)
		if err != nil {
			panic(err)
		}
		defaultCatalog = c
	})
	return defaultCatalog
}

// Languages are the languages the console can be shown in, English first.
func (c *Catalog) Languages() []language.Tag { return append([]language.Tag(nil), c.langs...) }

// IDs returns the message ids defined for a language (for tests).
func (c *Catalog) IDs(t language.Tag) []string {
	out := make([]string, 0, len(c.ids[t]))
	for id := range c.ids[t] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Message returns the raw message of id in language t (nil when absent),
// for tests that compare placeholders across languages.
func (c *Catalog) Message(t language.Tag, id string) *goi18n.Message {
	for _, m := range c.messages(t) {
		if m.ID == id {
			return m
		}
	}
	return nil
}

func (c *Catalog) messages(t language.Tag) []*goi18n.Message {
	c.rawMu.Lock()
	defer c.rawMu.Unlock()
	if c.raw == nil {
		c.raw = make(map[language.Tag][]*goi18n.Message)
	}
	if msgs, ok := c.raw[t]; ok {
		return msgs
	}
	var out []*goi18n.Message
	names, _ := fs.Glob(c.fsys, "locales/*."+t.String()+".json")
	for _, name := range names {
		buf, err := fs.ReadFile(c.fsys, name)
		if err != nil {
			continue
		}
		mf, err := goi18n.ParseMessageFileBytes(buf, path.Base(name), map[string]goi18n.UnmarshalFunc{"json": json.Unmarshal})
		if err != nil {
			continue
		}
		out = append(out, mf.Messages...)
	}
	c.raw[t] = out
	return out
}

// localize renders id in language t with name/value pairs.
func (c *Catalog) localize(t language.Tag, arabicDigits bool, id string, kv []any) string {
	return c.localizeCheck(t, arabicDigits, id, kv, nil)
}

// localizeCheck is localize that also hands back the library's complaint
// (a missing plural form, a message missing in t) in check when not nil.
func (c *Catalog) localizeCheck(t language.Tag, arabicDigits bool, id string, kv []any, check *error) string {
	l := c.localizers[t]
	if l == nil {
		l = c.localizers[Source]
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(kv) > 0 {
		data := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			name, _ := kv[i].(string)
			data[name] = kv[i+1]
			if name == "Count" {
				// The plural form is chosen from the number; the text
				// shows it written for the reader (grouping, digits).
				cfg.PluralCount = kv[i+1]
				if n, ok := asInt64(kv[i+1]); ok {
					data[name] = Locale{Tag: t, ArabicDigits: arabicDigits}.printer().Sprint(number.Decimal(n))
				}
			}
		}
		if len(kv)%2 == 1 {
			c.logMissing(t, id, "odd number of placeholder arguments")
		}
		cfg.TemplateData = data
	}
	s, err := l.Localize(cfg)
	if check != nil {
		*check = err
	}
	if err != nil {
		// A text came back: the message is missing in t (English stands
		// in) or has no form of its own for the count (a message that
		// reads the same for every number) — the catalog tests cover
		// both, so neither is logged. A checker gets the complaint instead.
		var nf *goi18n.MessageNotFoundErr
		if check == nil && (s == "" || !errorsAs(err, &nf) && !strings.Contains(err.Error(), "has no plural form")) {
			c.logMissing(t, id, err.Error())
		}
		if s == "" {
			return id
		}
	}
	return s
}

func (c *Catalog) logMissing(t language.Tag, id, why string) {
	key := t.String() + "\x00" + id
	if _, dup := c.missing.LoadOrStore(key, true); !dup {
		slog.Warn("i18n: message problem", "lang", t.String(), "id", id, "problem", why)
	}
}

// T returns message id in the language of ctx's Locale (English when there
// is none), with placeholders from name/value pairs:
//
//	i18n.T(ctx, "inbox.unread", "Count", 3)
//
// A "Count" value also selects the plural form. An id that does not exist
// comes back as itself (and is logged once), so it shows on the page and
// the catalog tests fail.
func T(ctx context.Context, id string, kv ...any) string {
	l := FromContext(ctx)
	return Default().localize(l.Tag, l.ArabicDigits, id, kv)
}

// In is T in an explicit language (e-mails to a user, tests).
func In(t language.Tag, id string, kv ...any) string {
	return Default().localize(t, false, id, kv)
}

// Has reports whether the English catalog defines id.
func Has(id string) bool { return Default().ids[Source][id] }

func asInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case uint32:
		return int64(n), true
	}
	return 0, false
}

func errorsAs(err error, target **goi18n.MessageNotFoundErr) bool {
	e, ok := err.(*goi18n.MessageNotFoundErr)
	if ok {
		*target = e
	}
	return ok
}

// Localize is T with an explicit catalog and locale (tests, tools).
func (c *Catalog) Localize(l Locale, id string, kv ...any) string {
	return c.localize(l.Tag, l.ArabicDigits, id, kv)
}

// Check is Localize that also returns what went wrong: a message missing
// in l's language (the text is then English), or a plural form the
// language needs that the message lacks (the text is then its "other"
// form). For the catalog's tests.
func (c *Catalog) Check(l Locale, id string, kv ...any) (string, error) {
	var err error
	s := c.localizeCheck(l.Tag, l.ArabicDigits, id, kv, &err)
	return s, err
}
