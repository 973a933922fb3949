package auth

import (
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Throttle limits sign-in attempts per account and per client address with
// token buckets: a person who mistypes a few times is never slowed down,
// a script guessing passwords gets a handful of tries and then waits.
type Throttle struct {
	mu        sync.Mutex
	accounts  map[string]*bucket
	addrs     map[string]*bucket
	perAcct   rate.Limit
	acctBurst int
	perAddr   rate.Limit
	addrBurst int
	now       func() time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// ThrottleConfig sets the limits; zero fields take the defaults.
type ThrottleConfig struct {
	// AccountBurst attempts, then one more every AccountEvery (default 5, 1 min).
	AccountBurst int
	AccountEvery time.Duration
	// AddrBurst attempts from one address, then one every AddrEvery (default 20, 10 s).
	AddrBurst int
	AddrEvery time.Duration
	// Now is the clock (default time.Now); tests replace it.
	Now func() time.Time
}

// NewThrottle returns a Throttle.
func NewThrottle(c ThrottleConfig) *Throttle {
	if c.AccountBurst == 0 {
		c.AccountBurst = 5
	}
	if c.AccountEvery == 0 {
		c.AccountEvery = time.Minute
	}
	if c.AddrBurst == 0 {
		c.AddrBurst = 20
	}
	if c.AddrEvery == 0 {
		c.AddrEvery = 10 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Throttle{
		accounts:  map[string]*bucket{},
		addrs:     map[string]*bucket{},
		perAcct:   rate.Every(c.AccountEvery),
		acctBurst: c.AccountBurst,
		perAddr:   rate.Every(c.AddrEvery),
		addrBurst: c.AddrBurst,
		now:       c.Now,
	}
}

// Allow takes one attempt from both the account's and the address's bucket.
// When either is empty it returns false and how long until the next try.
func (t *Throttle) Allow(account, addr string) (bool, time.Duration) {
	account = strings.ToLower(strings.TrimSpace(account))
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now)
	a := t.get(t.addrs, addr, t.perAddr, t.addrBurst, now)
	c := t.get(t.accounts, account, t.perAcct, t.acctBurst, now)
	ra := a.lim.ReserveN(now, 1)
	rc := c.lim.ReserveN(now, 1)
	wait := max(ra.DelayFrom(now), rc.DelayFrom(now))
	if wait > 0 {
		// Do not charge a refused attempt: a locked-out account recovers at
		// the configured rate however hard it is hammered.
		ra.CancelAt(now)
		rc.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// Forget clears the account's bucket after a successful sign-in.
func (t *Throttle) Forget(account string) {
	t.mu.Lock()
	delete(t.accounts, strings.ToLower(strings.TrimSpace(account)))
	t.mu.Unlock()
}

func (t *Throttle) get(m map[string]*bucket, key string, r rate.Limit, burst int, now time.Time) *bucket {
	b, ok := m[key]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(r, burst)}
		m[key] = b
	}
	b.seen = now
	return b
}

// sweep drops buckets idle long enough to have refilled, bounding memory
// under a spray of made-up account names.
func (t *Throttle) sweep(now time.Time) {
	const idle = time.Hour
	if len(t.accounts)+len(t.addrs) < 10000 {
		return
	}
	for _, m := range []map[string]*bucket{t.accounts, t.addrs} {
		for k, b := range m {
			if now.Sub(b.seen) > idle {
				delete(m, k)
			}
		}
	}
}
