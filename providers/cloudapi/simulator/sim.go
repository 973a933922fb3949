package simulator

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Sim is a running simulator. Create it with New, serve Handler, and Close it
// when done.
type Sim struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	client *http.Client

	// lifeMu guards stopping and wg.Add so no goroutine starts once Close
	// began waiting. It is never held together with mu in the other order.
	lifeMu   sync.Mutex
	stopping bool
	wg       sync.WaitGroup

	// resolve maps webhook host names to addresses (SetResolve).
	resolveMu sync.Mutex
	resolve   map[string]string

	mu         sync.Mutex
	offset     time.Duration
	revoked    bool
	rng        *rand.Rand
	ids        map[string]bool
	businesses []*business
	bizByID    map[string]*business
	wabas      map[string]*waba
	phones     map[string]*phone
	templates  map[string]*storedTemplate
	media      map[string]*mediaObject
	// mediaLookups and mediaDownloads count GET /{media-id} and media
	// downloads (MediaCalls): how often a console asked for files.
	mediaLookups, mediaDownloads int
	uploads                      map[string]*uploadSession
	handles                      map[string]*fileHandle
	// uploadCut ≥ 0 breaks the next upload data request off after that
	// many bytes (InterruptNextUpload); -1: no interruption armed.
	uploadCut   int64
	tokenUserID string
	subs        map[string]*subscription
	customers   []*Customer
	custByID    map[string]*Customer
	chats       map[chatKey]*chat
	outbound    map[string]*outMessage
	sent        map[string][]*outMessage
	inbound     map[string]*chatMessage
	convs       map[convKey]*conversationState
	throughput  map[string]*bucket
	pairs       map[chatKey]*bucket
	queues      map[string]*hookQueue
	deliveries  []Delivery
	version     int64
	seq         int64
	// health holds messaging limits, restrictions and payment state (limits.go).
	health *healthState
}

type business struct {
	id, name string
	owned    []*waba
	client   []*waba
}

type waba struct {
	cfg        WABA
	businessID string
	phones     []*phone
	templates  []*storedTemplate
}

type phone struct {
	cfg      PhoneNumber
	waba     *waba
	profile  BusinessProfile
	picture  *profilePicture // nil: none uploaded
	commerce commerceSettings
}

type commerceSettings struct {
	id             string
	cartEnabled    bool
	catalogVisible bool
}

type chatKey struct{ phoneID, waID string }

// New builds a simulator from cfg. It starts the webhook delivery goroutines;
// call Close to stop them.
func New(cfg Config) (*Sim, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	seed := uint64(cfg.Seed)
	if seed == 0 {
		seed = rand.Uint64()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sim{
		cfg:        cfg,
		log:        cfg.Logger,
		ctx:        ctx,
		cancel:     cancel,
		resolve:    map[string]string{},
		offset:     cfg.ClockOffset,
		rng:        rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		ids:        map[string]bool{},
		bizByID:    map[string]*business{},
		wabas:      map[string]*waba{},
		phones:     map[string]*phone{},
		templates:  map[string]*storedTemplate{},
		media:      map[string]*mediaObject{},
		uploads:    map[string]*uploadSession{},
		handles:    map[string]*fileHandle{},
		uploadCut:  -1,
		subs:       map[string]*subscription{},
		custByID:   map[string]*Customer{},
		chats:      map[chatKey]*chat{},
		outbound:   map[string]*outMessage{},
		sent:       map[string][]*outMessage{},
		inbound:    map[string]*chatMessage{},
		convs:      map[convKey]*conversationState{},
		throughput: map[string]*bucket{},
		pairs:      map[chatKey]*bucket{},
		queues:     map[string]*hookQueue{},
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	s.client = &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if host, _, err := net.SplitHostPort(addr); err == nil {
				s.resolveMu.Lock()
				to, ok := s.resolve[host]
				s.resolveMu.Unlock()
				if ok {
					addr = to
				}
			}
			return dialer.DialContext(ctx, network, addr)
		}},
	}
	now := s.nowLocked()
	for _, b := range cfg.Businesses {
		biz := &business{id: b.ID, name: b.Name}
		s.ids[b.ID] = true
		for i, list := range [][]WABA{b.OwnedWABAs, b.ClientWABAs} {
			for _, wc := range list {
				w := &waba{cfg: wc, businessID: b.ID}
				w.cfg.PhoneNumbers, w.cfg.Templates = nil, nil
				if w.cfg.OwnershipType == "" {
					w.cfg.OwnershipType = map[int]string{0: "SELF_OWNED", 1: "CLIENT_OWNED"}[i]
				}
				if w.cfg.AccountReviewStatus == "" {
					w.cfg.AccountReviewStatus = "APPROVED"
				}
				if w.cfg.BusinessVerificationStatus == "" {
					w.cfg.BusinessVerificationStatus = "VERIFIED"
				}
				if w.cfg.TimezoneID == "" {
					w.cfg.TimezoneID = "1"
				}
				if w.cfg.Currency == "" {
					w.cfg.Currency = "USD"
				}
				s.ids[wc.ID] = true
				s.wabas[wc.ID] = w
				for _, pc := range wc.PhoneNumbers {
					p := &phone{cfg: pc, waba: w, profile: pc.Profile}
					p.cfg.Profile = BusinessProfile{}
					fillPhoneDefaults(&p.cfg)
					p.commerce = commerceSettings{id: s.newIDLocked(), cartEnabled: true, catalogVisible: true}
					s.ids[pc.ID] = true
					s.phones[pc.ID] = p
					w.phones = append(w.phones, p)
				}
				for _, tc := range wc.Templates {
					t := &storedTemplate{Template: tc, waba: w, created: now}
					t.Components = append([]TemplateComponent(nil), tc.Components...)
					normalizeTemplate(&t.Template)
					if t.Status == "" {
						t.Status = "APPROVED"
					}
					s.ids[tc.ID] = true
					s.templates[tc.ID] = t
					w.templates = append(w.templates, t)
				}
				q := newHookQueue(wc.ID)
				s.queues[wc.ID] = q
				if i == 0 {
					biz.owned = append(biz.owned, w)
				} else {
					biz.client = append(biz.client, w)
				}
			}
		}
		s.businesses = append(s.businesses, biz)
		s.bizByID[b.ID] = biz
	}
	for _, c := range cfg.Customers {
		cu := c
		if _, dup := s.custByID[cu.WaID]; dup {
			continue
		}
		s.customers = append(s.customers, &cu)
		s.custByID[cu.WaID] = &cu
	}
	if err := s.loadStateLocked(); err != nil {
		cancel()
		return nil, err
	}
	for _, q := range s.queues {
		s.goAsync(func() { s.runQueue(q) })
	}
	return s, nil
}

func fillPhoneDefaults(p *PhoneNumber) {
	if p.QualityRating == "" {
		p.QualityRating = "UNKNOWN"
	}
	if p.MessagingLimitTier == "" {
		p.MessagingLimitTier = "TIER_250"
	}
	if p.Status == "" {
		p.Status = "CONNECTED"
	}
	if p.CodeVerificationStatus == "" {
		p.CodeVerificationStatus = "VERIFIED"
	}
	if p.NameStatus == "" {
		p.NameStatus = "APPROVED"
	}
	if p.AccountMode == "" {
		p.AccountMode = "LIVE"
	}
	if p.VerifiedName == "" {
		p.VerifiedName = "Business " + p.ID
	}
}

// Close stops webhook delivery and pending timers. It does not close the
// HTTP server serving Handler.
func (s *Sim) Close() {
	s.lifeMu.Lock()
	if s.stopping {
		s.lifeMu.Unlock()
		return
	}
	s.stopping = true
	s.lifeMu.Unlock()
	s.cancel()
	s.wg.Wait()
}

// Handler serves the Graph API (/vNN.N/...), the media download URLs, the
// customer phone page (/) and the control endpoints (/_sim/...).
func (s *Sim) Handler() http.Handler {
	return http.HandlerFunc(s.serveHTTP)
}

func (s *Sim) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/_sim/") || path == "/_sim":
		s.serveControl(w, r)
	case strings.HasPrefix(path, mediaDownloadPath):
		s.mu.Lock()
		s.mediaDownloads++
		s.mu.Unlock()
		s.serveMediaDownload(w, r)
	case isVersionPath(path):
		s.serveGraph(w, r)
	case path == "/health" || strings.HasPrefix(path, "/health/"):
		s.serveHealthPage(w, r)
	default:
		s.servePhone(w, r)
	}
}

// SetResolve makes webhook deliveries to host go to addr (host:port), as
// DNS would, so that a console with a name and no port (as 360dialog
// requires) can be reached on a test machine.
func (s *Sim) SetResolve(host, addr string) {
	s.resolveMu.Lock()
	s.resolve[host] = addr
	s.resolveMu.Unlock()
}

// now is the simulator clock: Config.Clock plus the offset.
func (s *Sim) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Sim) nowLocked() time.Time {
	return s.cfg.Clock().Add(s.offset)
}

// Now is the simulator's current time.
func (s *Sim) Now() time.Time { return s.now() }

// AdvanceClock moves the simulator clock forward by d (for example past the
// 24 hour customer service window).
func (s *Sim) AdvanceClock(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.version++
	s.saveStateLocked()
	s.mu.Unlock()
	s.log.Info("simulator clock advanced", "by", d.String())
}

// RevokeToken makes every Graph API call fail with error 190, as when the
// user changes their password or removes the app.
func (s *Sim) RevokeToken() {
	s.mu.Lock()
	s.revoked = true
	s.saveStateLocked()
	s.mu.Unlock()
	s.log.Info("simulator access token revoked")
}

// RestoreToken undoes RevokeToken.
func (s *Sim) RestoreToken() {
	s.mu.Lock()
	s.revoked = false
	s.saveStateLocked()
	s.mu.Unlock()
	s.log.Info("simulator access token restored")
}

// CallbackInfo describes the webhook subscription of one WABA.
type CallbackInfo struct {
	WABAID      string    `json:"waba_id"`
	Subscribed  bool      `json:"subscribed"`
	URL         string    `json:"callback_url,omitempty"`
	VerifyToken string    `json:"verify_token,omitempty"`
	Verified    bool      `json:"verified"`
	VerifiedAt  time.Time `json:"verified_at,omitzero"`
}

// Callbacks lists every WABA with its subscription state, sorted by WABA ID.
func (s *Sim) Callbacks() []CallbackInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CallbackInfo
	for id := range s.wabas {
		info := CallbackInfo{WABAID: id}
		if sub, ok := s.subs[id]; ok {
			info.Subscribed = true
			info.URL = sub.callbackURL
			info.VerifyToken = sub.verifyToken
			info.Verified = sub.verified
			info.VerifiedAt = sub.verifiedAt
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].WABAID < out[j].WABAID })
	return out
}

// SentMessage is a message the business sent through POST /messages.
type SentMessage struct {
	ID            string    `json:"id"`
	PhoneNumberID string    `json:"phone_number_id"`
	To            string    `json:"to"`
	Type          string    `json:"type"`
	Status        string    `json:"status"`
	Category      string    `json:"category"`
	Billable      bool      `json:"billable"`
	ErrorCode     int       `json:"error_code,omitempty"`
	Timestamp     time.Time `json:"timestamp"`
	Body          string    `json:"body"`
}

// SentMessages lists the messages sent from a phone number, oldest first.
// An empty phoneID lists every number's messages.
func (s *Sim) SentMessages(phoneID string) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*outMessage
	if phoneID == "" {
		for _, l := range s.sent {
			list = append(list, l...)
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].seq < list[j].seq })
	} else {
		list = s.sent[phoneID]
	}
	out := make([]SentMessage, 0, len(list))
	for _, m := range list {
		out = append(out, m.export())
	}
	return out
}

// Customers lists the simulated WhatsApp users.
func (s *Sim) Customers() []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Customer, 0, len(s.customers))
	for _, c := range s.customers {
		out = append(out, *c)
	}
	return out
}

// AddCustomer creates (or renames) a simulated WhatsApp user.
func (s *Sim) AddCustomer(c Customer) error {
	c.WaID = digitsOnly(c.WaID)
	c.Name = strings.TrimSpace(c.Name)
	if len(c.WaID) < 8 || len(c.WaID) > 15 {
		return fmt.Errorf("simulator: add customer: phone number %q must have 8 to 15 digits", c.WaID)
	}
	if c.Name == "" {
		return fmt.Errorf("simulator: add customer: name is empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addCustomerLocked(c)
	return nil
}

func (s *Sim) addCustomerLocked(c Customer) *Customer {
	if existing, ok := s.custByID[c.WaID]; ok {
		if c.Name != "" {
			existing.Name = c.Name
		}
		return existing
	}
	cu := c
	if cu.Name == "" {
		cu.Name = "+" + cu.WaID
	}
	s.customers = append(s.customers, &cu)
	s.custByID[cu.WaID] = &cu
	s.version++
	s.saveStateLocked()
	return &cu
}

// newIDLocked returns a fresh numeric Graph object ID.
func (s *Sim) newIDLocked() string {
	for {
		id := fmt.Sprintf("%d%015d", 1+s.rng.IntN(9), s.rng.Int64N(1_000_000_000_000_000))
		if !s.ids[id] {
			s.ids[id] = true
			return id
		}
	}
}

const traceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

func (s *Sim) traceID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := make([]byte, 23)
	for i := range b {
		b[i] = traceAlphabet[s.rng.IntN(len(traceAlphabet))]
	}
	return string(b)
}

// goAsync runs f in a goroutine that Close waits for; after Close it does
// nothing.
func (s *Sim) goAsync(f func()) {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.stopping {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// after runs f after d unless the simulator is closed first.
func (s *Sim) after(d time.Duration, f func()) {
	s.goAsync(func() {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-s.ctx.Done():
		case <-t.C:
			f()
		}
	})
}

// bump marks the phone page state as changed.
func (s *Sim) bumpLocked() { s.version++ }
