package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"syscall"
	"time"
)

// Webhook destinations are chosen by API callers, so without a guard a subscription would make
// the gateway POST to whatever it can reach and they cannot: its own operations endpoints, a
// cloud metadata service, the org's private network. Only http(s) is dialled, and the address
// actually dialled (after DNS, for every connection and redirect) must be a public unicast
// address, unless the operator allows the private ones (tests, a closed provincial network).

// AllowPrivateHooksEnv set to true lets webhooks reach loopback, link-local and private addresses
// (Options.WebhookAllowPrivate does the same).
const AllowPrivateHooksEnv = "AGRITRACE_WEBHOOK_ALLOW_PRIVATE"

// ErrHookDestination is a webhook destination the gateway refuses to reach.
var ErrHookDestination = errors.New("webhook destination refused")

// nonPublic are IPv4 blocks no webhook should reach besides those netip classifies: "this
// network", shared address space (carrier-grade NAT), IETF protocol assignments, the
// documentation and benchmarking ranges, and the reserved 240/4.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
}

// checkHookAddr says why ip may not receive webhooks (nil when it may).
func checkHookAddr(ip netip.Addr, allowPrivate bool) error {
	ip = ip.Unmap()
	var why string
	switch {
	case !ip.IsValid():
		why = "not an IP address"
	case ip.IsUnspecified(), ip.IsMulticast(), ip.IsInterfaceLocalMulticast(), ip.IsLinkLocalMulticast():
		why = "not a unicast address"
	case ip.IsLoopback():
		why = "a loopback address"
	case ip.IsLinkLocalUnicast():
		why = "a link-local address (cloud metadata services live there)"
	case ip.IsPrivate():
		why = "a private address"
	default:
		for _, p := range nonPublic {
			if p.Contains(ip) {
				why = "a reserved address (" + p.String() + ")"
			}
		}
	}
	if why == "" {
		return nil
	}
	if allowPrivate && ip.IsValid() && !ip.IsUnspecified() && !ip.IsMulticast() {
		return nil
	}
	return fmt.Errorf("%w: %s is %s; the operator allows such destinations with %s=true", ErrHookDestination, ip, why, AllowPrivateHooksEnv)
}

// checkHookURL checks a destination when it is subscribed: an absolute http(s) URL whose host
// resolves only to addresses webhooks may reach. Delivery checks again at every dial, since DNS
// answers can change.
func checkHookURL(ctx context.Context, raw string, allowPrivate bool, resolver *net.Resolver) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fmt.Errorf("%w: dest must be an absolute http or https URL without credentials", ErrHookDestination)
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		return checkHookAddr(ip, allowPrivate)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ips, err := resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("%w: cannot resolve %s: %v", ErrHookDestination, host, err)
	}
	for _, ip := range ips {
		if err := checkHookAddr(ip, allowPrivate); err != nil {
			return fmt.Errorf("%s resolves to %w", host, err)
		}
	}
	return nil
}

// hookClient posts webhooks: each connection is checked on the address it is about to dial, no
// proxy stands in between (it would dial for us, unchecked), and redirects are not followed (a
// receiver answers 2xx or the delivery is retried).
func hookClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: dialled address %q", ErrHookDestination, address)
		}
		return checkHookAddr(ap.Addr(), allowPrivate)
	}}
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{Proxy: nil, DialContext: dialer.DialContext, ForceAttemptHTTP2: true,
			MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute, TLSHandshakeTimeout: 10 * time.Second},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// allowPrivateHooksFromEnv reads AllowPrivateHooksEnv.
func allowPrivateHooksFromEnv() bool {
	v, err := strconv.ParseBool(os.Getenv(AllowPrivateHooksEnv))
	return err == nil && v
}
