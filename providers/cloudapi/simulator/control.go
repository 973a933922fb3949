package simulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Control endpoints (JSON, no auth; the simulator is a local test tool):
//
//	GET  /_sim/                 summary: token, app, businesses, WABAs, numbers, clock
//	GET  /_sim/clock            {"now": RFC 3339, "offset_seconds": n}
//	POST /_sim/clock/advance    {"duration":"25h"} or {"seconds":90000} (or ?duration=25h)
//	POST /_sim/token/revoke     every Graph call answers 190 until restored
//	POST /_sim/token/restore
//	POST /_sim/inbound          an Inbound as JSON → {"id":"wamid..."}
//	GET  /_sim/messages         ?phone_number_id= → {"data":[SentMessage...]}
//	GET  /_sim/callbacks        {"data":[CallbackInfo...]}
//	GET  /_sim/webhooks         {"data":[Delivery...]} recent delivery attempts
//	POST /_sim/templates/review decide every PENDING template now
//	GET  /_sim/profile          ?phone_number_id= → ProfileInfo (the business profile, picture facts)
//	POST /_sim/uploads/interrupt {"after_bytes":n}: the next upload data request breaks off after n bytes
//	POST /_sim/media/forget     every media file expires now → {"forgotten": n}
//	GET  /_sim/media/calls      {"lookups": n, "downloads": n} media requests so far
func (s *Sim) serveControl(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/_sim"), "/")
	route := r.Method + " " + path
	if s.serveHealthControl(w, r, route) {
		return
	}
	switch route {
	case "GET ":
		writeJSON(w, http.StatusOK, s.summary())
	case "GET /clock":
		s.writeClock(w)
	case "POST /clock/advance":
		var req struct {
			Duration string  `json:"duration"`
			Seconds  float64 `json:"seconds"`
		}
		if err := decodeControl(r, &req); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		if req.Duration == "" {
			req.Duration = r.URL.Query().Get("duration")
		}
		d := time.Duration(req.Seconds * float64(time.Second))
		if req.Duration != "" {
			var err error
			if d, err = time.ParseDuration(req.Duration); err != nil {
				controlError(w, http.StatusBadRequest, "duration: "+err.Error())
				return
			}
		}
		if d <= 0 {
			controlError(w, http.StatusBadRequest, "give a positive duration (\"25h\") or seconds")
			return
		}
		s.AdvanceClock(d)
		s.writeClock(w)
	case "POST /token/revoke":
		s.RevokeToken()
		writeJSON(w, http.StatusOK, map[string]any{"revoked": true})
	case "POST /token/restore":
		s.RestoreToken()
		writeJSON(w, http.StatusOK, map[string]any{"revoked": false})
	case "POST /inbound":
		var in Inbound
		if err := decodeControl(r, &in); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		id, err := s.InjectInbound(in)
		if err != nil {
			status := http.StatusBadRequest
			if errors.Is(err, ErrUnknownPhone) {
				status = http.StatusNotFound
			}
			controlError(w, status, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"id": id})
	case "GET /messages":
		writeJSON(w, http.StatusOK, map[string]any{"data": s.SentMessages(r.URL.Query().Get("phone_number_id"))})
	case "POST /media/forget":
		writeJSON(w, http.StatusOK, map[string]int{"forgotten": s.ForgetMedia()})
	case "GET /media/calls":
		writeJSON(w, http.StatusOK, s.MediaCalls())
	case "GET /callbacks":
		writeJSON(w, http.StatusOK, map[string]any{"data": s.Callbacks()})
	case "GET /webhooks":
		writeJSON(w, http.StatusOK, map[string]any{"data": s.Deliveries()})
	case "GET /profile":
		id := r.URL.Query().Get("phone_number_id")
		info, ok := s.Profile(id)
		if !ok {
			controlError(w, http.StatusNotFound, "unknown phone_number_id "+strconv.Quote(id))
			return
		}
		writeJSON(w, http.StatusOK, info)
	case "POST /uploads/interrupt":
		var req struct {
			AfterBytes *int64 `json:"after_bytes"`
		}
		if err := decodeControl(r, &req); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		if req.AfterBytes == nil || *req.AfterBytes < 0 {
			controlError(w, http.StatusBadRequest, "give after_bytes, the number of bytes to accept before the connection drops (0 or more)")
			return
		}
		s.InterruptNextUpload(*req.AfterBytes)
		writeJSON(w, http.StatusOK, map[string]any{"after_bytes": *req.AfterBytes})
	case "POST /templates/review":
		s.ReviewPendingTemplates()
		writeJSON(w, http.StatusOK, map[string]any{"success": true})
	default:
		controlError(w, http.StatusNotFound, "unknown control endpoint "+r.Method+" "+r.URL.Path)
	}
}

func decodeControl(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode body: %w", err)
	}
	return nil
}

func controlError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"message": msg}})
}

func (s *Sim) writeClock(w http.ResponseWriter) {
	s.mu.Lock()
	now, off := s.nowLocked(), s.offset
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"now": now.Format(time.RFC3339), "offset_seconds": off.Seconds()})
}

// Summary describes what the simulator accepts.
type Summary struct {
	AccessToken string            `json:"access_token"`
	AppSecret   string            `json:"app_secret"`
	AppID       string            `json:"app_id"`
	Revoked     bool              `json:"token_revoked"`
	Now         time.Time         `json:"now"`
	Businesses  []BusinessSummary `json:"businesses"`
	Customers   []Customer        `json:"customers"`
}

// BusinessSummary lists a business portfolio's WABAs.
type BusinessSummary struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	OwnedWABAs  []WABASummary `json:"owned_wabas"`
	ClientWABAs []WABASummary `json:"client_wabas"`
}

// WABASummary lists a WABA's numbers.
type WABASummary struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	PhoneNumbers []PhoneSummary `json:"phone_numbers"`
}

// PhoneSummary is one business number.
type PhoneSummary struct {
	ID                     string `json:"id"`
	DisplayPhoneNumber     string `json:"display_phone_number"`
	VerifiedName           string `json:"verified_name"`
	Status                 string `json:"status"`
	CodeVerificationStatus string `json:"code_verification_status"`
	CanSend                bool   `json:"can_send"`
}

func (s *Sim) summary() Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Summary{AccessToken: s.cfg.AccessToken, AppSecret: s.cfg.AppSecret, AppID: s.cfg.AppID, Revoked: s.revoked, Now: s.nowLocked()}
	wabaSummary := func(w *waba) WABASummary {
		ws := WABASummary{ID: w.cfg.ID, Name: w.cfg.Name}
		for _, p := range w.phones {
			ws.PhoneNumbers = append(ws.PhoneNumbers, PhoneSummary{ID: p.cfg.ID, DisplayPhoneNumber: p.cfg.DisplayPhoneNumber, VerifiedName: p.cfg.VerifiedName,
				Status: p.cfg.Status, CodeVerificationStatus: p.cfg.CodeVerificationStatus, CanSend: sendBlocker(p) == nil})
		}
		return ws
	}
	for _, b := range s.businesses {
		bs := BusinessSummary{ID: b.id, Name: b.name, OwnedWABAs: []WABASummary{}, ClientWABAs: []WABASummary{}}
		for _, w := range b.owned {
			bs.OwnedWABAs = append(bs.OwnedWABAs, wabaSummary(w))
		}
		for _, w := range b.client {
			bs.ClientWABAs = append(bs.ClientWABAs, wabaSummary(w))
		}
		out.Businesses = append(out.Businesses, bs)
	}
	for _, c := range s.customers {
		out.Customers = append(out.Customers, *c)
	}
	return out
}

// Summary describes the simulated world and what the simulator accepts.
func (s *Sim) Summary() Summary { return s.summary() }

// Run serves the simulator for `wadesk sim` until ctx is done. It prints what
// it accepts (token, app secret, IDs, the customer phone URL) to stdout.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := ConfigFromFlags(args, getenv)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("simulator: listen on %s: %w", cfg.Addr, err)
	}
	if cfg.PublicURL == "" {
		addr := ln.Addr().(*net.TCPAddr)
		host := addr.IP.String()
		if addr.IP.IsUnspecified() {
			host = "127.0.0.1"
		}
		cfg.PublicURL = "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port))
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))
	sim, err := New(cfg)
	if err != nil {
		ln.Close()
		return err
	}
	defer sim.Close()
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	writeBanner(stdout, cfg, sim.Summary())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			return fmt.Errorf("simulator: shutdown: %w", err)
		}
		return nil
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("simulator: serve: %w", err)
	}
}

func writeBanner(w io.Writer, cfg Config, sum Summary) {
	var b strings.Builder
	fmt.Fprintf(&b, "Meta Graph API simulator listening on %s\n", cfg.PublicURL)
	fmt.Fprintf(&b, "  Graph API base URL : %s/v23.0\n", cfg.PublicURL)
	fmt.Fprintf(&b, "  Access token       : %s\n", cfg.AccessToken)
	fmt.Fprintf(&b, "  App secret         : %s\n", cfg.AppSecret)
	fmt.Fprintf(&b, "  App ID             : %s\n", cfg.AppID)
	for _, biz := range sum.Businesses {
		fmt.Fprintf(&b, "  Business %s (%s)\n", biz.ID, biz.Name)
		for _, group := range []struct {
			label string
			list  []WABASummary
		}{{"owned", biz.OwnedWABAs}, {"client", biz.ClientWABAs}} {
			for _, wb := range group.list {
				fmt.Fprintf(&b, "    %s WABA %s (%s)\n", group.label, wb.ID, wb.Name)
				for _, p := range wb.PhoneNumbers {
					state := "can send"
					if !p.CanSend {
						state = "cannot send: " + p.Status + "/" + p.CodeVerificationStatus
					}
					fmt.Fprintf(&b, "      phone number ID %s  %s  %s  (%s)\n", p.ID, p.DisplayPhoneNumber, p.VerifiedName, state)
				}
			}
		}
	}
	fmt.Fprintf(&b, "  Customer phone     : %s/\n", cfg.PublicURL)
	fmt.Fprintf(&b, "  Control endpoints  : %s/_sim/ (clock/advance, token/revoke, token/restore, inbound, messages, callbacks, webhooks, profile, uploads/interrupt, media/forget, media/calls)\n", cfg.PublicURL)
	fmt.Fprintf(&b, "  Throughput %d msg/s per number; template review after %s; webhook retries from %s\n",
		cfg.Throughput, cfg.TemplateReviewDelay, cfg.Webhook.RetryInitial)
	_, _ = io.WriteString(w, b.String())
}
