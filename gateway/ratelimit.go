package gateway

import (
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// AuthGuard slows down key guessing: every failed authentication (a wrong bearer key, a wrong
// console login) spends a token of the client's bucket and of the presented key's bucket. An empty
// bucket locks that client or key out, for twice as long at each consecutive lockout (backoff),
// and while locked out every attempt — the right key too — is answered 429 with Retry-After.
// Successful requests cost nothing, so a platform's normal traffic is never slowed.
type AuthGuard struct {
	Burst      int           // failures allowed in a row; default 10
	Every      time.Duration // one more failure allowed per Every; default 6 s (10 a minute)
	BaseLock   time.Duration // first lockout; default 2 s
	MaxLock    time.Duration // lockouts stop doubling here; default 15 min
	MaxEntries int           // clients and keys remembered; default 10,000
	Log        *slog.Logger

	once    sync.Once
	mu      sync.Mutex
	entries map[string]*guardEntry
	now     func() time.Time
}

type guardEntry struct {
	bucket  *rate.Limiter
	strikes int       // consecutive lockouts
	until   time.Time // locked out until
	seen    time.Time
}

func (g *AuthGuard) init() {
	g.once.Do(func() {
		if g.Burst == 0 {
			g.Burst = 10
		}
		if g.Every == 0 {
			g.Every = 6 * time.Second
		}
		if g.BaseLock == 0 {
			g.BaseLock = 2 * time.Second
		}
		if g.MaxLock == 0 {
			g.MaxLock = 15 * time.Minute
		}
		if g.MaxEntries == 0 {
			g.MaxEntries = 10_000
		}
		if g.Log == nil {
			g.Log = slog.Default()
		}
		if g.now == nil {
			g.now = time.Now
		}
		g.entries = map[string]*guardEntry{}
	})
}

// Blocked reports how long the client or the key must still wait, if either is locked out.
func (g *AuthGuard) Blocked(client, key string) (time.Duration, bool) {
	g.init()
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	var wait time.Duration
	for _, id := range []string{"client:" + client, "key:" + key} {
		if e := g.entries[id]; e != nil && now.Before(e.until) {
			wait = max(wait, e.until.Sub(now))
		}
	}
	return wait, wait > 0
}

// Failed records a failed authentication of key from client.
func (g *AuthGuard) Failed(client, key, what string) {
	g.init()
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	for _, id := range []string{"client:" + client, "key:" + key} {
		e := g.entry(id, now)
		if e.bucket.AllowN(now, 1) {
			continue
		}
		lock := g.BaseLock << min(e.strikes, 20)
		if lock > g.MaxLock || lock <= 0 {
			lock = g.MaxLock
		}
		e.strikes++
		e.until = now.Add(lock)
		g.Log.Warn("authentication failures: locked out", "what", what, "who", id, "for", lock, "lockouts", e.strikes)
	}
}

// Succeeded ends the backoff of a client that authenticated (its bucket refills on its own).
func (g *AuthGuard) Succeeded(client string) {
	g.init()
	g.mu.Lock()
	defer g.mu.Unlock()
	if e := g.entries["client:"+client]; e != nil && !g.now().Before(e.until) {
		e.strikes = 0
	}
}

func (g *AuthGuard) entry(id string, now time.Time) *guardEntry {
	e := g.entries[id]
	if e == nil {
		if len(g.entries) >= g.MaxEntries {
			g.prune(now)
		}
		e = &guardEntry{bucket: rate.NewLimiter(rate.Every(g.Every), g.Burst)}
		g.entries[id] = e
	}
	e.seen = now
	return e
}

// prune forgets entries that are neither locked out nor recently seen; if that is not enough (a
// flood of distinct clients), the whole table, which only loses backoff state.
func (g *AuthGuard) prune(now time.Time) {
	idle := time.Duration(g.Burst) * g.Every
	for id, e := range g.entries {
		if now.After(e.until) && now.Sub(e.seen) > idle {
			delete(g.entries, id)
		}
	}
	if len(g.entries) >= g.MaxEntries {
		clear(g.entries)
	}
}

// ClientOf is the client address a request is limited by: the TCP peer. The gateway listens on
// loopback behind no proxy, so no forwarding header is trusted.
func ClientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// tooManyAttempts is the 429 answer of a locked-out client or key.
func tooManyAttempts(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeProblem(w, r, newProblem(http.StatusTooManyRequests, "too-many-attempts",
		"too many failed authentications from this client or with this key; retry after "+strconv.Itoa(secs)+" s"))
}
