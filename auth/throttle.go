package auth

import (
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Throttle limits password guesses with token buckets, charged only by
// failed attempts. The client's address is checked first: an address that
// keeps failing is paused, whatever accounts it tries. An account under
// attack is slowed down, not locked: its bucket pauses only addresses
// that have failed before, and from an address with no failures a sign-in
// is always checked (after a short delay while the account is hot), so
// nobody can lock a person out by failing five times from elsewhere.
type Throttle struct {
	mu        sync.Mutex
	accounts  map[string]*bucket
	addrs     map[string]*bucket
	perAcct   rate.Limit
	acctBurst int
	perAddr   rate.Limit
	addrBurst int
	slowdown  time.Duration
	now       func() time.Time
}

type bucket struct {
	lim      *rate.Limiter
	seen     time.Time
	failures int // since the bucket was made (it is dropped when idle)
}

// ThrottleConfig sets the limits; zero fields take the defaults.
type ThrottleConfig struct {
	// AccountBurst failures, then one more every AccountEvery (default 5, 1 min).
	AccountBurst int
	AccountEvery time.Duration
	// AddrBurst failures from one address, then one every AddrEvery (default 20, 10 s).
	AddrBurst int
	AddrEvery time.Duration
	// Slowdown is the longest delay of an attempt from an address with no
	// failures on an account whose bucket is empty (default 2 s).
	Slowdown time.Duration
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
	if c.Slowdown == 0 {
		c.Slowdown = 2 * time.Second
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
		slowdown:  c.Slowdown,
		now:       c.Now,
	}
}

// Decision is what Check says of an attempt.
type Decision struct {
	// Allowed: check the password (after Delay). Otherwise wait Wait.
	Allowed bool
	Wait    time.Duration
	// Delay slows an allowed attempt on an account under attack.
	Delay time.Duration
}

// Check decides, before the password is checked, whether an attempt on
// account from addr may be made. It charges nothing: Fail does.
func (t *Throttle) Check(account, addr string) Decision {
	account = normalizeAccount(account)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	a, c := t.addrs[addr], t.accounts[account]
	if a != nil {
		if wait := waitFor(a, now); wait > 0 {
			return Decision{Wait: wait}
		}
	}
	if c == nil {
		return Decision{Allowed: true}
	}
	wait := waitFor(c, now)
	if wait == 0 {
		return Decision{Allowed: true}
	}
	if a != nil && a.failures > 0 {
		return Decision{Wait: wait}
	}
	return Decision{Allowed: true, Delay: min(wait, t.slowdown)}
}

// Allow is Check for callers that cannot wait: it reports whether the
// attempt may be made now, and how long to wait otherwise.
func (t *Throttle) Allow(account, addr string) (bool, time.Duration) {
	d := t.Check(account, addr)
	return d.Allowed, d.Wait
}

// Fail records a failed attempt on account from addr.
func (t *Throttle) Fail(account, addr string) {
	account = normalizeAccount(account)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.sweep(now)
	for _, b := range []*bucket{
		t.get(t.addrs, addr, t.perAddr, t.addrBurst, now),
		t.get(t.accounts, account, t.perAcct, t.acctBurst, now),
	} {
		b.failures++
		// Taken even into debt, so that hammering pushes the wait out at
		// most to one token's time (the bucket refills at its rate).
		if b.lim.TokensAt(now) >= 1 {
			b.lim.AllowN(now, 1)
		}
	}
}

// Forget clears the account's bucket and the address's failures after a
// successful sign-in.
func (t *Throttle) Forget(account, addr string) {
	t.mu.Lock()
	delete(t.accounts, normalizeAccount(account))
	delete(t.addrs, addr)
	t.mu.Unlock()
}

func normalizeAccount(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// waitFor is how long until b holds a token again.
func waitFor(b *bucket, now time.Time) time.Duration {
	tokens := b.lim.TokensAt(now)
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / float64(b.lim.Limit()) * float64(time.Second))
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
