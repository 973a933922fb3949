package simulator

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed web/phone.gohtml web/phone.css web/phone.js
var webFS embed.FS

var (
	phoneTmplOnce sync.Once
	phoneTmpl     *template.Template
	phoneTmplErr  error
)

func phoneTemplates() (*template.Template, error) {
	phoneTmplOnce.Do(func() {
		css, err := webFS.ReadFile("web/phone.css")
		if err != nil {
			phoneTmplErr = err
			return
		}
		js, err := webFS.ReadFile("web/phone.js")
		if err != nil {
			phoneTmplErr = err
			return
		}
		funcs := template.FuncMap{
			"css":   func() template.CSS { return template.CSS(css) },
			"js":    func() template.JS { return template.JS(js) },
			"links": linkParts,
		}
		phoneTmpl, phoneTmplErr = template.New("phone").Funcs(funcs).ParseFS(webFS, "web/phone.gohtml")
	})
	return phoneTmpl, phoneTmplErr
}

// View models of the customer phone page.

type phoneView struct {
	Customers  []Customer
	Customer   Customer
	Numbers    []numberView
	Number     numberView
	Catalog    catalogView
	Chat       chatView
	Error      string
	SampleLat  string
	SampleLng  string
	HasNumbers bool
}

type numberView struct {
	ID       string
	Initial  string
	Display  string
	Name     string
	About    string
	Selected bool
	// Business profile, as the customer sees it in the contact info.
	PictureURL  string // "" when no picture was uploaded
	Category    string
	Description string
	Address     string
	Email       string
	Websites    []string
}

type catalogView struct {
	ID       string
	Products []productView
}

type productView struct {
	RetailerID  string
	Name        string
	Description string
	Price       string
	Known       bool
}

type chatView struct {
	Customer   string
	Number     string
	Version    int64
	Typing     bool
	WindowOpen bool
	WindowLeft string
	Messages   []bubbleView
}

type bubbleView struct {
	ID          string
	Mine        bool
	Kind        string
	Time        string
	Status      string
	Quote       string
	Header      string
	HeaderImage string
	Text        string
	Caption     string
	Footer      string
	ImageURL    string
	MediaURL    string
	MediaLabel  string
	Location    *Location
	MapURL      string
	Contacts    []string
	Buttons     []buttonView
	ListButton  string
	Sections    []sectionView
	Products    []productView
	// ProductSections groups Products under their titles (product lists).
	ProductSections []productSection
	Order           *orderView
	Reaction        string
	Label           string
}

type buttonView struct {
	Kind    string // reply, quick, url, phone, copy, other
	ID      string
	Title   string
	Payload string
	URL     string
}

type productSection struct {
	Title    string
	Products []productView
}

type sectionView struct {
	Title string
	Rows  []Reply
}

type orderView struct {
	Items []orderLine
	Total string
	Text  string
}

type orderLine struct {
	Name     string
	Quantity int
	Price    string
}

// textPart is a piece of a message's text: plain, or a web link that the
// phone makes clickable, as WhatsApp does.
type textPart struct {
	Text string
	URL  string
}

var linkPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

// linkParts splits text into plain pieces and http(s) links. Punctuation
// that ends a sentence is not part of the link.
func linkParts(text string) []textPart {
	var parts []textPart
	last := 0
	for _, m := range linkPattern.FindAllStringIndex(text, -1) {
		start, end := m[0], m[1]
		for end > start && strings.ContainsRune(".,;:!?)]}'", rune(text[end-1])) {
			end--
		}
		if _, err := url.Parse(text[start:end]); err != nil || end-start <= len("https://") {
			continue
		}
		if start > last {
			parts = append(parts, textPart{Text: text[last:start]})
		}
		parts = append(parts, textPart{Text: text[start:end], URL: text[start:end]})
		last = end
	}
	if last < len(text) {
		parts = append(parts, textPart{Text: text[last:]})
	}
	return parts
}

func money(v float64, currency string) string {
	return fmt.Sprintf("%s %.2f", currency, v)
}

// verticalLabels are the category names WhatsApp shows on a profile.
var verticalLabels = map[string]string{"AUTO": "Automotive", "BEAUTY": "Beauty, Spa and Salon", "APPAREL": "Clothing and Apparel",
	"EDU": "Education", "ENTERTAIN": "Entertainment", "EVENT_PLAN": "Event Planning and Service", "FINANCE": "Finance and Banking",
	"GROCERY": "Food and Grocery", "GOVT": "Public Service", "HOTEL": "Hotel and Lodging", "HEALTH": "Medical and Health",
	"NONPROFIT": "Non-profit", "PROF_SERVICES": "Professional Services", "RETAIL": "Shopping and Retail",
	"TRAVEL": "Travel and Transportation", "RESTAURANT": "Restaurant", "ALCOHOL": "Alcoholic Beverages",
	"ONLINE_GAMBLING": "Online Gambling and Gaming", "PHYSICAL_GAMBLING": "Non-Online Gambling and Gaming",
	"OTC_DRUGS": "Over-the-Counter Drugs", "OTHER": "Other"}

// servePhone serves the customer phone page and its actions.
func (s *Sim) servePhone(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		s.phonePage(w, r)
	case path == "/phone/chat" && r.Method == http.MethodGet:
		s.phoneChat(w, r)
	case path == "/phone/sample.png":
		writePNG(w, samplePhoto())
	case strings.HasPrefix(path, "/phone/profile-picture/") && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		s.phoneProfilePicture(w, r, strings.TrimPrefix(path, "/phone/profile-picture/"))
	case strings.HasPrefix(path, "/phone/media/") && r.Method == http.MethodGet:
		s.phoneMedia(w, r, strings.TrimPrefix(path, "/phone/media/"))
	case r.Method == http.MethodPost && strings.HasPrefix(path, "/phone/"):
		s.phoneAction(w, r, strings.TrimPrefix(path, "/phone/"))
	default:
		http.NotFound(w, r)
	}
}

func writePNG(w http.ResponseWriter, img image.Image) {
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(buf.Bytes())
}

// samplePhoto is a generated picture the customer can send without a file.
func samplePhoto() image.Image {
	const wdt, hgt = 160, 120
	img := image.NewRGBA(image.Rect(0, 0, wdt, hgt))
	for y := 0; y < hgt; y++ {
		for x := 0; x < wdt; x++ {
			c := color.RGBA{R: uint8(230 - y/2), G: uint8(170 + x/4), B: uint8(90 + y/3), A: 255}
			dx, dy := x-80, y-64
			if dx*dx/4+dy*dy < 900 {
				c = color.RGBA{R: 196, G: 128, B: 52, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// defaultProfilePicture stands in for a number without an uploaded picture.
func defaultProfilePicture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{R: 37, G: uint8(150 + y), B: 102, A: 255})
		}
	}
	return img
}

// phoneProfilePicture serves a number's uploaded picture, or a generated
// one when none was uploaded. It is public, like Meta's CDN addresses.
func (s *Sim) phoneProfilePicture(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	p := s.phones[id]
	var pic *profilePicture
	if p != nil {
		pic = p.picture
	}
	s.mu.Unlock()
	if p == nil {
		http.NotFound(w, r)
		return
	}
	if pic == nil {
		writePNG(w, defaultProfilePicture())
		return
	}
	w.Header().Set("Content-Type", pic.mimeType)
	w.Header().Set("Content-Length", strconv.Itoa(len(pic.data)))
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(pic.data)
}

func (s *Sim) phoneMedia(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	m := s.media[id]
	s.mu.Unlock()
	if m == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", m.mimeType)
	_, _ = w.Write(m.data)
}

// selection resolves the customer and number a request talks about.
func (s *Sim) selectionLocked(q url.Values) (Customer, *phone) {
	var cust Customer
	if c, ok := s.custByID[digitsOnly(q.Get("c"))]; ok {
		cust = *c
	} else if len(s.customers) > 0 {
		cust = *s.customers[0]
	}
	var p *phone
	if cand := s.phones[q.Get("n")]; cand != nil && sendBlocker(cand) == nil {
		p = cand
	}
	if p == nil {
		for _, b := range s.businesses {
			for _, list := range [][]*waba{b.owned, b.client} {
				for _, w := range list {
					for _, ph := range w.phones {
						if p == nil && sendBlocker(ph) == nil {
							p = ph
						}
					}
				}
			}
		}
	}
	return cust, p
}

func (s *Sim) phonePage(w http.ResponseWriter, r *http.Request) {
	tmpl, err := phoneTemplates()
	if err != nil {
		http.Error(w, "simulator: phone page template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	s.mu.Lock()
	cust, p := s.selectionLocked(r.URL.Query())
	v := phoneView{Customer: cust, Error: r.URL.Query().Get("error"), SampleLat: "38.7223", SampleLng: "-9.1393"}
	for _, c := range s.customers {
		v.Customers = append(v.Customers, *c)
	}
	for _, b := range s.businesses {
		for _, list := range [][]*waba{b.owned, b.client} {
			for _, wb := range list {
				for _, ph := range wb.phones {
					if sendBlocker(ph) != nil {
						continue
					}
					nv := numberView{ID: ph.cfg.ID, Initial: initial(ph.cfg.VerifiedName), Display: ph.cfg.DisplayPhoneNumber, Name: ph.cfg.VerifiedName, About: ph.profile.About, Selected: p == ph,
						Category: verticalLabels[ph.profile.Vertical], Description: ph.profile.Description, Address: ph.profile.Address,
						Email: ph.profile.Email, Websites: ph.profile.Websites}
					if ph.picture != nil {
						nv.PictureURL = picturePath(ph)
					}
					v.Numbers = append(v.Numbers, nv)
					if p == ph {
						v.Number = nv
					}
				}
			}
		}
	}
	v.HasNumbers = p != nil
	for _, prod := range s.cfg.Catalog.Products {
		v.Catalog.Products = append(v.Catalog.Products, productView{RetailerID: prod.RetailerID, Name: prod.Name, Description: prod.Description, Price: money(prod.Price, prod.Currency), Known: true})
	}
	v.Catalog.ID = s.cfg.Catalog.ID
	if p != nil && cust.WaID != "" {
		s.readChatLocked(chatKey{p.cfg.ID, cust.WaID})
		v.Chat = s.chatViewLocked(p, cust)
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := tmpl.ExecuteTemplate(w, "page", v); err != nil {
		s.log.Error("render phone page", "error", err)
	}
}

// phoneChat returns the chat fragment, or 204 when nothing changed since
// version v. visible=1 means the customer is looking: messages become read.
func (s *Sim) phoneChat(w http.ResponseWriter, r *http.Request) {
	tmpl, err := phoneTemplates()
	if err != nil {
		http.Error(w, "simulator: phone page template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	cust, p := s.selectionLocked(q)
	if p == nil || cust.WaID == "" {
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if q.Get("visible") == "1" {
		s.readChatLocked(chatKey{p.cfg.ID, cust.WaID})
	}
	if q.Get("v") == strconv.FormatInt(s.version, 10) {
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	cv := s.chatViewLocked(p, cust)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := tmpl.ExecuteTemplate(w, "chat", cv); err != nil {
		s.log.Error("render chat", "error", err)
	}
}

func (s *Sim) chatViewLocked(p *phone, cust Customer) chatView {
	now := s.nowLocked()
	cv := chatView{Customer: cust.WaID, Number: p.cfg.ID, Version: s.version}
	c := s.chats[chatKey{p.cfg.ID, cust.WaID}]
	if c == nil {
		return cv
	}
	cv.Typing = now.Before(c.typingUntil)
	if !c.lastInbound.IsZero() {
		left := c.lastInbound.Add(24 * time.Hour).Sub(now)
		if left > 0 {
			cv.WindowOpen = true
			cv.WindowLeft = left.Truncate(time.Minute).String()
		}
	}
	for _, m := range c.messages {
		cv.Messages = append(cv.Messages, s.bubbleLocked(m))
	}
	return cv
}

func (s *Sim) summarizeLocked(id string) string {
	if cm := s.inbound[id]; cm != nil {
		return summarizeIn(cm.in)
	}
	if om := s.outbound[id]; om != nil {
		b := s.outBubbleLocked(om)
		switch {
		case b.Text != "":
			return truncate(b.Text, 80)
		case b.Caption != "":
			return truncate(b.Caption, 80)
		}
		return "[" + om.req.Type + "]"
	}
	return ""
}

func summarizeIn(m *inMessage) string {
	switch {
	case m.Text != nil:
		return truncate(m.Text.Body, 80)
	case m.Interactive != nil && m.Interactive.ButtonReply != nil:
		return m.Interactive.ButtonReply.Title
	case m.Interactive != nil && m.Interactive.ListReply != nil:
		return m.Interactive.ListReply.Title
	case m.Button != nil:
		return m.Button.Text
	case m.Image != nil:
		return "📷 Photo"
	case m.Audio != nil:
		return "🎤 Voice note"
	case m.Document != nil:
		return "📄 " + truncate(cmp.Or(m.Document.Filename, "Document"), 60)
	case m.Location != nil:
		return "📍 Location"
	case m.Order != nil:
		return "🛒 Order"
	case len(m.Contacts) > 0:
		return "👤 " + truncate(m.Contacts[0].Name.FormattedName, 60)
	}
	return "[" + m.Type + "]"
}

func initial(name string) string {
	for _, r := range name {
		return string(r)
	}
	return "?"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (s *Sim) bubbleLocked(m *chatMessage) bubbleView {
	var b bubbleView
	if m.in != nil {
		b = s.inBubbleLocked(m.in)
		b.Status = m.status
	} else {
		b = s.outBubbleLocked(m.out)
	}
	b.ID = m.id
	b.Time = m.at.Format("15:04")
	b.Reaction = m.reaction
	return b
}

func (s *Sim) inBubbleLocked(m *inMessage) bubbleView {
	b := bubbleView{Mine: true, Kind: m.Type}
	if m.Context != nil {
		b.Quote = s.summarizeLocked(m.Context.ID)
	}
	switch {
	case m.Text != nil:
		b.Text = m.Text.Body
	case m.Interactive != nil && m.Interactive.ButtonReply != nil:
		b.Text = m.Interactive.ButtonReply.Title
	case m.Interactive != nil && m.Interactive.ListReply != nil:
		b.Text = m.Interactive.ListReply.Title
		b.Caption = m.Interactive.ListReply.Description
	case m.Button != nil:
		b.Text = m.Button.Text
	case m.Image != nil:
		b.ImageURL = "/phone/media/" + m.Image.ID
		b.Caption = m.Image.Caption
	case m.Audio != nil:
		b.MediaURL = "/phone/media/" + url.PathEscape(m.Audio.ID)
		b.MediaLabel = "🎵 Audio"
		if m.Audio.Voice {
			b.MediaLabel = "🎤 Voice note"
		}
	case m.Document != nil:
		b.MediaURL = "/phone/media/" + url.PathEscape(m.Document.ID)
		b.MediaLabel = "📄 " + cmp.Or(m.Document.Filename, "Document")
		b.Caption = m.Document.Caption
	case m.Location != nil:
		b.Location = m.Location
		b.MapURL = mapURL(m.Location.Latitude, m.Location.Longitude)
	case len(m.Contacts) > 0:
		for _, c := range m.Contacts {
			line := c.Name.FormattedName
			for _, p := range c.Phones {
				line += " · " + p.Phone
			}
			b.Contacts = append(b.Contacts, line)
		}
	case m.Order != nil:
		o := &orderView{Text: m.Order.Text}
		total := 0.0
		currency := ""
		for _, it := range m.Order.ProductItems {
			name := it.ProductRetailerID
			if p, ok := s.product(it.ProductRetailerID); ok {
				name = p.Name
			}
			o.Items = append(o.Items, orderLine{Name: name, Quantity: it.Quantity, Price: money(it.ItemPrice*float64(it.Quantity), it.Currency)})
			total += it.ItemPrice * float64(it.Quantity)
			currency = it.Currency
		}
		o.Total = money(total, currency)
		b.Order = o
	}
	return b
}

func mapURL(lat, lng float64) string {
	return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%f&mlon=%f", lat, lng)
}

func (s *Sim) mediaURL(m *sendMedia) string {
	if m == nil {
		return ""
	}
	if m.ID != "" {
		return "/phone/media/" + url.PathEscape(m.ID)
	}
	return m.Link
}

func (s *Sim) productViewFor(retailerID string) productView {
	if p, ok := s.product(retailerID); ok {
		return productView{RetailerID: p.RetailerID, Name: p.Name, Description: p.Description, Price: money(p.Price, p.Currency), Known: true}
	}
	return productView{RetailerID: retailerID, Name: retailerID, Description: "Not in the simulator's catalog"}
}

func (s *Sim) outBubbleLocked(m *outMessage) bubbleView {
	b := bubbleView{Kind: m.req.Type}
	r := &m.req
	if r.Context != nil && r.Context.MessageID != "" {
		if cm := s.inbound[r.Context.MessageID]; cm != nil {
			b.Quote = summarizeIn(cm.in)
		}
	}
	switch r.Type {
	case "text":
		b.Text = r.Text.Body
	case "image", "sticker":
		b.ImageURL = s.mediaURL(r.media())
		b.Caption = r.media().Caption
	case "audio", "video", "document":
		md := r.media()
		b.MediaURL = s.mediaURL(md)
		b.Caption = md.Caption
		b.MediaLabel = map[string]string{"audio": "🎵 Audio", "video": "🎬 Video", "document": "📄 "}[r.Type]
		if r.Type == "document" {
			name := md.Filename
			if name == "" {
				if mo := s.media[md.ID]; mo != nil && mo.filename != "" {
					name = mo.filename
				} else {
					name = "Document"
				}
			}
			b.MediaLabel += name
		}
	case "location":
		lat, _ := strconv.ParseFloat(string(r.Location.Latitude), 64)
		lng, _ := strconv.ParseFloat(string(r.Location.Longitude), 64)
		b.Location = &Location{Latitude: lat, Longitude: lng, Name: r.Location.Name, Address: r.Location.Address}
		b.MapURL = mapURL(lat, lng)
	case "contacts":
		for _, raw := range r.Contacts {
			var c struct {
				Name struct {
					FormattedName string `json:"formatted_name"`
				} `json:"name"`
				Phones []struct {
					Phone string `json:"phone"`
				} `json:"phones"`
			}
			_ = json.Unmarshal(raw, &c)
			line := c.Name.FormattedName
			if len(c.Phones) > 0 {
				line += " · " + c.Phones[0].Phone
			}
			b.Contacts = append(b.Contacts, line)
		}
	case "interactive":
		s.interactiveBubbleLocked(&b, r.Interactive)
	case "template":
		renderTemplateBubble(&b, m.tmpl, r.Template)
	}
	return b
}

func (s *Sim) interactiveBubbleLocked(b *bubbleView, in *sendInteractive) {
	b.Kind = "interactive-" + in.Type
	if h := in.Header; h != nil {
		switch h.Type {
		case "text":
			b.Header = h.Text
		case "image":
			b.HeaderImage = s.mediaURL(h.Image)
		case "video", "document":
			md := h.Video
			if h.Type == "document" {
				md = h.Document
			}
			b.MediaURL = s.mediaURL(md)
			b.MediaLabel = "📎 " + h.Type
		}
	}
	if in.Body != nil {
		b.Text = in.Body.Text
	}
	if in.Footer != nil {
		b.Footer = in.Footer.Text
	}
	a := in.Action
	if a == nil {
		return
	}
	switch in.Type {
	case "button":
		for _, bt := range a.Buttons {
			b.Buttons = append(b.Buttons, buttonView{Kind: "reply", ID: bt.Reply.ID, Title: bt.Reply.Title})
		}
	case "list":
		b.ListButton = a.Button
		for _, sec := range a.Sections {
			sv := sectionView{Title: sec.Title}
			for _, row := range sec.Rows {
				sv.Rows = append(sv.Rows, Reply(row))
			}
			b.Sections = append(b.Sections, sv)
		}
	case "product":
		b.Products = append(b.Products, s.productViewFor(a.ProductRetailerID))
	case "product_list":
		for _, sec := range a.Sections {
			ps := productSection{Title: sec.Title}
			for _, it := range sec.ProductItems {
				pv := s.productViewFor(it.ProductRetailerID)
				b.Products = append(b.Products, pv)
				ps.Products = append(ps.Products, pv)
			}
			b.ProductSections = append(b.ProductSections, ps)
		}
	case "catalog_message":
		for _, p := range s.cfg.Catalog.Products {
			b.Products = append(b.Products, s.productViewFor(p.RetailerID))
		}
	case "cta_url":
		var p struct {
			DisplayText string `json:"display_text"`
			URL         string `json:"url"`
		}
		_ = json.Unmarshal(a.Parameters, &p)
		b.Buttons = append(b.Buttons, buttonView{Kind: "url", Title: p.DisplayText, URL: p.URL})
	default:
		var p struct {
			FlowCTA string `json:"flow_cta"`
		}
		_ = json.Unmarshal(a.Parameters, &p)
		label := p.FlowCTA
		if label == "" {
			label = strings.ReplaceAll(in.Type, "_", " ")
		}
		b.Buttons = append(b.Buttons, buttonView{Kind: "other", Title: label})
		b.Label = "This message type is shown, not simulated: " + in.Type
	}
}

// renderTemplateBubble fills a template's texts with the sent parameters.
func renderTemplateBubble(b *bubbleView, t *Template, st *sendTemplate) {
	if t == nil || st == nil {
		return
	}
	b.Kind = "template"
	b.Label = "Template " + t.Name
	params := map[string][]sendTemplateParam{}
	buttonParams := map[int][]sendTemplateParam{}
	for _, c := range st.Components {
		switch strings.ToLower(c.Type) {
		case "button":
			idx, _ := strconv.Atoi(string(c.Index))
			buttonParams[idx] = c.Parameters
		default:
			params[strings.ToLower(c.Type)] = c.Parameters
		}
	}
	fill := func(text string, ps []sendTemplateParam) string {
		return anyVar.ReplaceAllStringFunc(text, func(v string) string {
			name := strings.TrimSpace(strings.Trim(v, "{}"))
			if n, err := strconv.Atoi(name); err == nil && t.ParameterFormat != "NAMED" {
				if n >= 1 && n <= len(ps) {
					return ps[n-1].value()
				}
				return v
			}
			for _, p := range ps {
				if p.ParameterName == name {
					return p.value()
				}
			}
			return v
		})
	}
	if h := t.component("HEADER"); h != nil {
		switch h.Format {
		case "TEXT":
			b.Header = fill(h.Text, params["header"])
		case "IMAGE", "VIDEO", "DOCUMENT":
			if ps := params["header"]; len(ps) == 1 {
				var md *sendMedia
				switch {
				case ps[0].Image != nil:
					md = ps[0].Image
				case ps[0].Video != nil:
					md = ps[0].Video
				case ps[0].Document != nil:
					md = ps[0].Document
				}
				if md != nil {
					u := md.Link
					if md.ID != "" {
						u = "/phone/media/" + url.PathEscape(md.ID)
					}
					if h.Format == "IMAGE" {
						b.HeaderImage = u
					} else {
						b.MediaURL = u
						b.MediaLabel = "📎 " + strings.ToLower(h.Format)
					}
				}
			}
		case "LOCATION":
			if ps := params["header"]; len(ps) == 1 && ps[0].Location != nil {
				lat, _ := strconv.ParseFloat(string(ps[0].Location.Latitude), 64)
				lng, _ := strconv.ParseFloat(string(ps[0].Location.Longitude), 64)
				b.Location = &Location{Latitude: lat, Longitude: lng, Name: ps[0].Location.Name, Address: ps[0].Location.Address}
				b.MapURL = mapURL(lat, lng)
			}
		}
	}
	if c := t.component("BODY"); c != nil {
		b.Text = fill(c.Text, params["body"])
	}
	if c := t.component("FOOTER"); c != nil {
		b.Footer = c.Text
	}
	for i, bt := range t.buttons() {
		bv := buttonView{Title: bt.Text}
		ps := buttonParams[i]
		switch bt.Type {
		case "QUICK_REPLY":
			bv.Kind = "quick"
			bv.Payload = bt.Text
			if len(ps) == 1 && ps[0].Payload != "" {
				bv.Payload = ps[0].Payload
			}
		case "URL":
			bv.Kind = "url"
			bv.URL = fill(bt.URL, ps)
		case "PHONE_NUMBER":
			bv.Kind = "phone"
			bv.URL = "tel:+" + digitsOnly(bt.PhoneNumber)
		case "OTP", "COPY_CODE":
			bv.Kind = "copy"
			if bv.Title == "" {
				bv.Title = "Copy code"
			}
			if len(ps) == 1 {
				bv.Payload = ps[0].value()
			}
		default:
			bv.Kind = "other"
		}
		b.Buttons = append(b.Buttons, bv)
	}
}

// phoneAction handles the page's forms. Fetch requests get 204 (or 400 with
// a message); plain form posts are redirected back to the page.
func (s *Sim) phoneAction(w http.ResponseWriter, r *http.Request, action string) {
	if err := r.ParseMultipartForm(16 << 20); err != nil && err != http.ErrNotMultipart {
		s.phoneDone(w, r, "", "", "could not read the form: "+err.Error())
		return
	}
	c, n := r.FormValue("c"), r.FormValue("n")
	if action == "customer" {
		cu := Customer{Name: r.FormValue("name"), WaID: r.FormValue("phone")}
		if err := s.AddCustomer(cu); err != nil {
			s.phoneDone(w, r, c, n, strings.TrimPrefix(err.Error(), "simulator: add customer: "))
			return
		}
		s.phoneDone(w, r, digitsOnly(cu.WaID), n, "")
		return
	}
	s.mu.Lock()
	cust, p := s.selectionLocked(r.Form)
	s.mu.Unlock()
	if p == nil || cust.WaID == "" {
		s.phoneDone(w, r, c, n, "pick a customer and a business number first")
		return
	}
	in := Inbound{PhoneNumberID: p.cfg.ID, From: cust.WaID, Name: cust.Name, ContextID: r.FormValue("context")}
	switch action {
	case "send":
		in.Text = r.FormValue("text")
		if strings.TrimSpace(in.Text) == "" {
			s.phoneDone(w, r, cust.WaID, p.cfg.ID, "type a message first")
			return
		}
	case "reply":
		switch r.FormValue("kind") {
		case "button_reply":
			in.ButtonReply = &Reply{ID: r.FormValue("id"), Title: r.FormValue("title")}
		case "list_reply":
			in.ListReply = &Reply{ID: r.FormValue("id"), Title: r.FormValue("title"), Description: r.FormValue("description")}
		case "button":
			in.Button = &ButtonPress{Payload: r.FormValue("payload"), Text: r.FormValue("title")}
		default:
			s.phoneDone(w, r, cust.WaID, p.cfg.ID, "unknown reply kind")
			return
		}
	case "location":
		lat, err1 := strconv.ParseFloat(r.FormValue("latitude"), 64)
		lng, err2 := strconv.ParseFloat(r.FormValue("longitude"), 64)
		if err1 != nil || err2 != nil {
			s.phoneDone(w, r, cust.WaID, p.cfg.ID, "latitude and longitude must be numbers")
			return
		}
		in.Location = &Location{Latitude: lat, Longitude: lng, Name: r.FormValue("name"), Address: r.FormValue("address")}
	case "image":
		img := &Image{Caption: r.FormValue("caption")}
		if f, hdr, err := r.FormFile("file"); err == nil {
			data, _ := io.ReadAll(io.LimitReader(f, 5<<20+1))
			f.Close()
			if len(data) > 5<<20 {
				s.phoneDone(w, r, cust.WaID, p.cfg.ID, "images can be at most 5 MB")
				return
			}
			img.Data = data
			img.MIMEType = hdr.Header.Get("Content-Type")
			if img.MIMEType != "image/jpeg" && img.MIMEType != "image/png" {
				img.MIMEType = http.DetectContentType(data)
			}
		}
		if len(img.Data) == 0 {
			var buf bytes.Buffer
			_ = png.Encode(&buf, samplePhoto())
			img.Data, img.MIMEType = buf.Bytes(), "image/png"
		}
		in.Image = img
	case "voice":
		// A voice note recorded on the phone: a few seconds of Ogg Opus.
		in.Audio = &Audio{Data: sampleVoiceNote(3), MIMEType: "audio/ogg", Voice: true}
	case "document":
		doc := &Document{Caption: r.FormValue("caption")}
		if f, hdr, err := r.FormFile("file"); err == nil {
			data, _ := io.ReadAll(io.LimitReader(f, 100<<20+1))
			f.Close()
			if len(data) > 100<<20 {
				s.phoneDone(w, r, cust.WaID, p.cfg.ID, "documents can be at most 100 MB")
				return
			}
			doc.Data, doc.Filename = data, path.Base(hdr.Filename)
			doc.MIMEType = hdr.Header.Get("Content-Type")
			if doc.MIMEType == "" || doc.MIMEType == "application/octet-stream" {
				doc.MIMEType = http.DetectContentType(data)
			}
		}
		if len(doc.Data) == 0 {
			doc.Data, doc.MIMEType, doc.Filename = samplePDF("Invoice 2031 - sample"), "application/pdf", "invoice-2031.pdf"
		}
		in.Document = doc
	case "order":
		o := &Order{Text: r.FormValue("text")}
		for _, prod := range s.cfg.Catalog.Products {
			q, _ := strconv.Atoi(r.FormValue("qty_" + prod.RetailerID))
			if q > 0 {
				o.Items = append(o.Items, OrderItem{ProductRetailerID: prod.RetailerID, Quantity: q})
			}
		}
		if len(o.Items) == 0 {
			s.phoneDone(w, r, cust.WaID, p.cfg.ID, "choose at least one product")
			return
		}
		in.Order = o
	case "react":
		in.Reaction = &Reaction{MessageID: r.FormValue("message_id"), Emoji: r.FormValue("emoji")}
	default:
		http.NotFound(w, r)
		return
	}
	if _, err := s.InjectInbound(in); err != nil {
		s.phoneDone(w, r, cust.WaID, p.cfg.ID, strings.TrimPrefix(err.Error(), "simulator: inbound: "))
		return
	}
	s.phoneDone(w, r, cust.WaID, p.cfg.ID, "")
}

func (s *Sim) phoneDone(w http.ResponseWriter, r *http.Request, c, n, errMsg string) {
	if r.Header.Get("X-Requested-With") == "fetch" {
		if errMsg != "" {
			http.Error(w, errMsg, http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	q := url.Values{}
	if c != "" {
		q.Set("c", c)
	}
	if n != "" {
		q.Set("n", n)
	}
	if errMsg != "" {
		q.Set("error", errMsg)
	}
	http.Redirect(w, r, "/?"+q.Encode(), http.StatusSeeOther)
}
