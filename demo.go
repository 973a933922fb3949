package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/wadesk/wadesk/auth"
	"github.com/wadesk/wadesk/hours"
	"github.com/wadesk/wadesk/providers/cloudapi/simulator"
	d360sim "github.com/wadesk/wadesk/providers/dialog360/simulator"
	maytapisim "github.com/wadesk/wadesk/providers/maytapi/simulator"
	birdsim "github.com/wadesk/wadesk/providers/messagebird/simulator"
	partnersim "github.com/wadesk/wadesk/providers/partner/simulator"
	twiliosim "github.com/wadesk/wadesk/providers/twilio/simulator"
	vonagesim "github.com/wadesk/wadesk/providers/vonage/simulator"
	"github.com/wadesk/wadesk/store"
)

// Demo accounts, created on first start of `wadesk demo`.
const (
	demoAdminEmail = "admin@demo.wadesk"
	demoAgentEmail = "agent@demo.wadesk"
	demoPassword   = "demo-password"
)

// demoBaseURL is the demo console's public URL: a name without a port, as
// 360dialog requires of webhook URLs. The simulators resolve it to the
// console's listen address; people open the listen address.
const demoBaseURL = "http://wadesk-demo.localhost"

// demo runs the console with the simulated providers in the same process:
// one simulated WhatsApp side (customers and their phone page) with a
// front per provider — Meta's Graph API and 360dialog's Messaging API.
// The console talks to them instead of the real providers, and the phone
// page plays the customer of any of the numbers.
func demo(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", envDefault(getenv, "WADESK_ADDR", "127.0.0.1:8080"), "console address (env WADESK_ADDR)")
	simAddr := fs.String("sim-addr", envDefault(getenv, "WADESK_SIM_ADDR", "127.0.0.1:8790"), "simulator address (env WADESK_SIM_ADDR)")
	partnerAddr := fs.String("partner-sim-addr", envDefault(getenv, "WADESK_PARTNER_SIM_ADDR", "127.0.0.1:8792"), "Cloud API-compatible partner simulator address (env WADESK_PARTNER_SIM_ADDR)")
	twilioAddr := fs.String("twilio-sim-addr", envDefault(getenv, "WADESK_TWILIO_SIM_ADDR", "127.0.0.1:8793"), "Twilio simulator address (env WADESK_TWILIO_SIM_ADDR)")
	birdAddr := fs.String("messagebird-sim-addr", envDefault(getenv, "WADESK_MESSAGEBIRD_SIM_ADDR", "127.0.0.1:8794"), "MessageBird simulator address (env WADESK_MESSAGEBIRD_SIM_ADDR)")
	maytapiAddr := fs.String("maytapi-sim-addr", envDefault(getenv, "WADESK_MAYTAPI_SIM_ADDR", "127.0.0.1:8796"), "Maytapi simulator address (env WADESK_MAYTAPI_SIM_ADDR)")
	vonageAddr := fs.String("vonage-sim-addr", envDefault(getenv, "WADESK_VONAGE_SIM_ADDR", "127.0.0.1:8795"), "Vonage simulator address (env WADESK_VONAGE_SIM_ADDR)")
	d360Addr := fs.String("360dialog-sim-addr", envDefault(getenv, "WADESK_360DIALOG_SIM_ADDR", "127.0.0.1:8791"), "360dialog simulator address (env WADESK_360DIALOG_SIM_ADDR)")
	dataDir := fs.String("data", envDefault(getenv, "WADESK_DATA", "./demo-data"), "data directory (env WADESK_DATA)")
	logLevel := fs.String("log-level", envDefault(getenv, "WADESK_LOG_LEVEL", "info"), "log level")
	mediaStore := addMediaFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := mediaStore.check(); err != nil {
		return err
	}

	cfg := simulator.DefaultConfig()
	// The simulator remembers what Meta would (the webhook subscription
	// above all) in the demo's data directory, so a restarted demo still
	// receives the customer's messages.
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return fmt.Errorf("demo data directory: %w", err)
	}
	cfg.StateFile = filepath.Join(*dataDir, "simulator.json")
	d360Number := d360sim.AddDemoNumber(&cfg)
	partnerCfg := partnersim.AddDemoNumber(&cfg)
	twilioNumber := twiliosim.AddDemoNumber(&cfg)
	birdChannel := birdsim.AddDemoNumber(&cfg)
	maytapiPhone := maytapisim.AddDemoPhone(&cfg)
	vonageNumber, vonageKey, err := vonagesim.AddDemoNumber(&cfg)
	if err != nil {
		return err
	}
	vonageKeyFile := filepath.Join(*dataDir, "vonage-application.key")
	if err := os.WriteFile(vonageKeyFile, []byte(vonageKey), 0o600); err != nil {
		return fmt.Errorf("demo: write the Vonage application key: %w", err)
	}
	ln, err := net.Listen("tcp", *simAddr)
	if err != nil {
		return fmt.Errorf("simulator: listen on %s: %w", *simAddr, err)
	}
	defer ln.Close()
	cfg.PublicURL = "http://" + ln.Addr().String()
	cfg.Logger = slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sim, err := simulator.New(cfg)
	if err != nil {
		return err
	}
	defer sim.Close()
	simSrv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	simDone := make(chan error, 1)
	go func() { simDone <- simSrv.Serve(ln) }()
	defer func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		simSrv.Shutdown(shutdownCtx)
		if err := <-simDone; err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(stdout, "simulator:", err)
		}
	}()

	front, err := d360sim.New(d360sim.Config{Sim: sim, SimToken: cfg.AccessToken, Numbers: []d360sim.Number{d360Number}, Logger: cfg.Logger})
	if err != nil {
		return err
	}
	d360ln, err := net.Listen("tcp", *d360Addr)
	if err != nil {
		return fmt.Errorf("360dialog simulator: listen on %s: %w", *d360Addr, err)
	}
	defer d360ln.Close()
	d360URL := "http://" + d360ln.Addr().String()
	d360Srv := &http.Server{Handler: front.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go d360Srv.Serve(d360ln)
	defer d360Srv.Close()

	partnerCfg.Sim, partnerCfg.SimToken, partnerCfg.Logger = sim, cfg.AccessToken, cfg.Logger
	partnerFront, err := partnersim.New(partnerCfg)
	if err != nil {
		return err
	}
	partnerLn, err := net.Listen("tcp", *partnerAddr)
	if err != nil {
		return fmt.Errorf("partner simulator: listen on %s: %w", *partnerAddr, err)
	}
	defer partnerLn.Close()
	partnerURL := "http://" + partnerLn.Addr().String()
	partnerSrv := &http.Server{Handler: partnerFront.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go partnerSrv.Serve(partnerLn)
	defer partnerSrv.Close()

	twilioFront, err := twiliosim.New(twiliosim.Config{Sim: sim, SimToken: cfg.AccessToken, Numbers: []twiliosim.Number{twilioNumber}, Logger: cfg.Logger,
		HooksFile: filepath.Join(*dataDir, "twilio-console.json")})
	if err != nil {
		return err
	}
	twilioLn, err := net.Listen("tcp", *twilioAddr)
	if err != nil {
		return fmt.Errorf("twilio simulator: listen on %s: %w", *twilioAddr, err)
	}
	defer twilioLn.Close()
	twilioURL := "http://" + twilioLn.Addr().String()
	twilioSrv := &http.Server{Handler: twilioFront.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go twilioSrv.Serve(twilioLn)
	defer twilioSrv.Close()

	birdLn, err := net.Listen("tcp", *birdAddr)
	if err != nil {
		return fmt.Errorf("MessageBird simulator: listen on %s: %w", *birdAddr, err)
	}
	defer birdLn.Close()
	birdURL := "http://" + birdLn.Addr().String()
	birdFront, err := birdsim.New(birdsim.Config{Sim: sim, SimToken: cfg.AccessToken, Channels: []birdsim.Channel{birdChannel},
		PublicURL: birdURL, Logger: cfg.Logger})
	if err != nil {
		return err
	}
	birdSrv := &http.Server{Handler: birdFront.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go birdSrv.Serve(birdLn)
	defer birdSrv.Close()

	maytapiFront, err := maytapisim.New(maytapisim.Config{Sim: sim, SimToken: cfg.AccessToken, ProductID: maytapisim.DemoProductID,
		APIKey: maytapisim.DemoAPIKey, Phones: []maytapisim.Phone{maytapiPhone}, Logger: cfg.Logger})
	if err != nil {
		return err
	}
	maytapiLn, err := net.Listen("tcp", *maytapiAddr)
	if err != nil {
		return fmt.Errorf("maytapi simulator: listen on %s: %w", *maytapiAddr, err)
	}
	defer maytapiLn.Close()
	maytapiURL := "http://" + maytapiLn.Addr().String()
	maytapiSrv := &http.Server{Handler: maytapiFront.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go maytapiSrv.Serve(maytapiLn)
	defer maytapiSrv.Close()

	vonageFront, err := vonagesim.New(vonagesim.Config{Sim: sim, SimToken: cfg.AccessToken, Numbers: []vonagesim.Number{vonageNumber}, Logger: cfg.Logger,
		HooksFile: filepath.Join(*dataDir, "vonage-dashboard.json")})
	if err != nil {
		return err
	}
	vonageLn, err := net.Listen("tcp", *vonageAddr)
	if err != nil {
		return fmt.Errorf("vonage simulator: listen on %s: %w", *vonageAddr, err)
	}
	defer vonageLn.Close()
	vonageURL := "http://" + vonageLn.Addr().String()
	vonageFront.SetPublicURL(vonageURL)
	vonageSrv := &http.Server{Handler: vonageFront.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go vonageSrv.Serve(vonageLn)
	defer vonageSrv.Close()

	c := serveConfig{addr: *addr, dataDir: *dataDir, baseURL: demoBaseURL, logFormat: "text", logLevel: *logLevel,
		graphURL: cfg.PublicURL, graphVersion: "v23.0", d360URL: d360URL, twilioURL: twilioURL, birdURL: birdURL + "/v1", maytapiURL: maytapiURL + "/api", vonageURL: vonageURL, healthEvery: 5 * time.Minute,
		// The demo runs offline on loopback: a forward URL or mail server
		// next to it (a local middleware, a test SMTP server) is allowed.
		allowPrivate: true, media: mediaStore, hoursClockFile: getenv(hours.TestClockEnv)}
	return serveConsole(ctx, c, stdout, func(db *store.DB, base *url.URL, listen net.Addr) error {
		if err := ensureDemoUsers(ctx, db); err != nil {
			return err
		}
		// Thirty days of sample traffic with prices, so that Insights has
		// something to show before the first message is sent.
		if _, err := db.SeedDemoPricing(ctx, time.Now()); err != nil {
			return err
		}
		sim.SetResolve(base.Hostname(), listen.String())
		front.SetResolve(base.Hostname(), listen.String())
		partnerFront.SetResolve(base.Hostname(), listen.String())
		twilioFront.SetResolve(base.Hostname(), listen.String())
		birdFront.SetResolve(base.Hostname(), listen.String())
		maytapiFront.SetResolve(base.Hostname(), listen.String())
		vonageFront.SetResolve(base.Hostname(), listen.String())
		sum := sim.Summary()
		fmt.Fprintf(stdout, "\nwadesk demo\n")
		fmt.Fprintf(stdout, "  Console           : http://%s  (admin %s / agent %s, password %q)\n", listen, demoAdminEmail, demoAgentEmail, demoPassword)
		fmt.Fprintf(stdout, "  Webhook base URL  : %s  (the simulators deliver it to the console)\n", base)
		fmt.Fprintf(stdout, "  Customer phone    : %s/  (open it in a second tab and play the customer)\n", cfg.PublicURL)
		fmt.Fprintf(stdout, "  Insights          : http://%s/insights  (30 days of sample traffic with prices, then yours)\n", listen)
		fmt.Fprintf(stdout, "  To connect a channel, choose Meta Cloud API and enter:\n")
		fmt.Fprintf(stdout, "    System User Access Token : %s\n", cfg.AccessToken)
		if len(sum.Businesses) > 0 {
			fmt.Fprintf(stdout, "    Business Manager ID      : %s\n", sum.Businesses[0].ID)
		}
		fmt.Fprintf(stdout, "    App Secret               : %s\n", cfg.AppSecret)
		fmt.Fprintf(stdout, "    App ID (optional)        : %s  (lets wadesk change the profile picture)\n", cfg.AppID)
		fmt.Fprintf(stdout, "  Or choose 360dialog and enter:\n")
		fmt.Fprintf(stdout, "    360dialog API key        : %s  (number +351 21 555 0301, simulator %s)\n", d360Number.APIKey, d360URL)
		fmt.Fprintf(stdout, "  Or choose MessageBird (Bird) and enter:\n")
		fmt.Fprintf(stdout, "    Access key               : %s  (simulator %s)\n", birdChannel.AccessKey, birdURL)
		fmt.Fprintf(stdout, "    WhatsApp channel ID      : %s\n", birdChannel.ChannelID)
		fmt.Fprintf(stdout, "    Signing key              : %s\n", birdChannel.SigningKey)
		fmt.Fprintf(stdout, "    WhatsApp number          : %s  (template namespace %s)\n", birdChannel.DisplayNumber, birdsim.DemoNamespace)
		fmt.Fprintf(stdout, "  Or choose Other Cloud API-compatible provider and enter:\n")
		fmt.Fprintf(stdout, "    API URL                  : %s%s\n", partnerURL, partnerCfg.Prefix)
		fmt.Fprintf(stdout, "    Token                    : %s  (sent in the header %s)\n", partnerCfg.Token, partnerCfg.Header)
		fmt.Fprintf(stdout, "    Phone number ID          : %s  (WhatsApp Business Account ID %s)\n", partnerCfg.PhoneNumberID, partnerCfg.WABAID)
		fmt.Fprintf(stdout, "    then paste the webhook URL into the partner's dashboard: %s/dashboard\n", partnerURL)
		fmt.Fprintf(stdout, "  Or choose Twilio and enter:\n")
		fmt.Fprintf(stdout, "    Account SID              : %s\n", twilioNumber.AccountSID)
		fmt.Fprintf(stdout, "    Auth Token               : %s\n", twilioNumber.AuthToken)
		fmt.Fprintf(stdout, "    WhatsApp sender          : %s  (simulator %s)\n", twilioNumber.Sender, twilioURL)
		fmt.Fprintf(stdout, "    then paste the webhook URL into the Twilio console: %s/console\n\n", twilioURL)
		fmt.Fprintf(stdout, "  Or choose Maytapi (unofficial) and enter:\n")
		fmt.Fprintf(stdout, "    Product id               : %s\n", maytapisim.DemoProductID)
		fmt.Fprintf(stdout, "    API token                : %s  (simulator %s)\n", maytapisim.DemoAPIKey, maytapiURL)
		fmt.Fprintf(stdout, "    then pair phone +%s: open %s/_maytapi/%s and press Scan QR code\n\n", maytapiPhone.Number, maytapiURL, maytapiPhone.ID)
		fmt.Fprintf(stdout, "  Or choose Vonage and enter:\n")
		fmt.Fprintf(stdout, "    Application ID           : %s  (private key in %s)\n", vonageNumber.ApplicationID, vonageKeyFile)
		fmt.Fprintf(stdout, "    or API key / API secret  : %s / %s\n", vonageNumber.APIKey, vonageNumber.APISecret)
		fmt.Fprintf(stdout, "    Signature secret         : %s\n", vonageNumber.SignatureSecret)
		fmt.Fprintf(stdout, "    WhatsApp number          : +%s  (WhatsApp Business Account ID %s, simulator %s)\n", vonageNumber.Number, vonageNumber.WABAID, vonageURL)
		fmt.Fprintf(stdout, "    then paste the webhook URL into the simulated Vonage dashboard: %s/_dashboard\n\n", vonageURL)
		return nil
	})
}

// ensureDemoUsers creates the demo admin and agent unless they exist.
func ensureDemoUsers(ctx context.Context, db *store.DB) error {
	for _, u := range []store.NewUser{
		{Email: demoAdminEmail, Name: "Demo Admin", Role: store.RoleAdmin},
		{Email: demoAgentEmail, Name: "Demo Agent", Role: store.RoleAgent},
	} {
		if _, err := db.UserByEmail(ctx, u.Email); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		hash, err := auth.HashPassword(ctx, demoPassword)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		if _, err := db.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("create demo user %s: %w", u.Email, err)
		}
	}
	return nil
}
