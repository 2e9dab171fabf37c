package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// Resolver looks up the addresses of a host name. *net.Resolver implements it;
// tests inject their own.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// BlockedError reports a connection refused by the address guard.
type BlockedError struct {
	Host string
	Addr netip.Addr
}

func (e *BlockedError) Error() string {
	return fmt.Sprintf("%s resolves to %s, a non-public address (allow it with AllowPrivate)", e.Host, e.Addr)
}

// blockedPrefixes are the ranges a fetch never connects to unless
// AllowPrivate is set: loopback, RFC 1918 and unique-local private ranges,
// link-local (including cloud metadata at 169.254.169.254), carrier-grade
// NAT, multicast, "this network", reserved and broadcast, and the IETF and
// benchmarking ranges that are not routed on the internet.
var blockedPrefixes = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15",
		"224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
		"100::/64", "2001:db8::/32",
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// Blocked reports whether addr is an address a fetch refuses by default:
// loopback, private, link-local, multicast, unspecified or otherwise not
// publicly routable. IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) and
// 6to4 (2002::/16) forms are judged by the IPv4 address they carry.
func Blocked(addr netip.Addr) bool {
	addr = addr.Unmap().WithZone("")
	if !addr.IsValid() {
		return true
	}
	if addr.Is6() {
		b := addr.As16()
		switch {
		case nat64.Contains(addr):
			return Blocked(netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(addr):
			return Blocked(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	if addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() ||
		addr.IsLinkLocalMulticast() || addr.IsInterfaceLocalMulticast() ||
		addr.IsMulticast() || addr.IsUnspecified() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(addr) {
			return true
		}
	}
	return addr == netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// dialer connects only to permitted addresses. It resolves the host itself
// and checks every address before dialling it, and the socket's Control hook
// checks the address again immediately before connect(2), so neither a
// redirect to an internal host nor a DNS answer that changes between checks
// (rebinding) can reach a blocked address.
type dialer struct {
	resolver     Resolver
	allowPrivate bool
	allow        func(netip.AddrPort) bool // test hook: permits specific addresses
	net          net.Dialer
	beforeDial   func(addr string) // test hook: observes every real dial
}

func (d *dialer) permitted(ap netip.AddrPort) bool {
	if d.allowPrivate || !Blocked(ap.Addr()) {
		return true
	}
	return d.allow != nil && d.allow(ap)
}

func (d *dialer) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: unparsable address: %w", address, err)
	}
	if !d.permitted(ap) {
		return &BlockedError{Host: address, Addr: ap.Addr()}
	}
	return nil
}

func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := net.LookupPort(network, portStr)
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		addrs, err = d.resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
		if len(addrs) == 0 {
			return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
	}
	var firstErr error
	for _, a := range addrs {
		ap := netip.AddrPortFrom(a.Unmap(), uint16(port))
		if !d.permitted(ap) {
			if firstErr == nil {
				firstErr = &BlockedError{Host: host, Addr: a}
			}
			continue
		}
		if d.beforeDial != nil {
			d.beforeDial(ap.String())
		}
		c, err := d.net.DialContext(ctx, network, ap.String())
		if err == nil {
			return c, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		var be *BlockedError
		if firstErr == nil || errors.As(firstErr, &be) {
			firstErr = err
		}
	}
	return nil, firstErr
}
