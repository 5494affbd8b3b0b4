package server

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// hostAllowed reports whether a request's Host header names the address
// the server is bound to, the defence against DNS rebinding: a page on
// another site can make the browser resolve its own name to 127.0.0.1 and
// read the preview, but the browser then sends that site's name as Host.
// Allowed: an IP literal the listener accepts (its own address, any
// loopback address when it listens on loopback, any address when it listens
// on all of them), and "localhost" (or a name under
// .localhost, which browsers resolve to loopback themselves) when it
// listens on loopback or on all addresses; always with the bound port,
// which a browser leaves out only for port 80.
func hostAllowed(host string, bound *net.TCPAddr) bool {
	if host == "" || bound == nil {
		return false
	}
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		// No port: only right for port 80.
		name, port = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), "80"
	}
	if port != strconv.Itoa(bound.Port) {
		return false
	}
	all := bound.IP == nil || bound.IP.IsUnspecified()
	if ip, err := netip.ParseAddr(name); err == nil {
		if ip.Zone() != "" {
			return false
		}
		if all || ip.IsLoopback() && bound.IP.IsLoopback() {
			return true
		}
		b, ok := netip.AddrFromSlice(bound.IP)
		return ok && b.Unmap() == ip.Unmap()
	}
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return all || bound.IP.IsLoopback()
	}
	return false
}

// misdirected answers a request whose Host header is not this server's.
func misdirected(w http.ResponseWriter, r *http.Request, bound *net.TCPAddr) {
	http.Error(w, "421 misdirected request: this preview server answers only requests for "+
		net.JoinHostPort(displayHost(bound), strconv.Itoa(bound.Port))+
		" (or localhost with that port), not for Host "+strconv.Quote(r.Host), http.StatusMisdirectedRequest)
}

func displayHost(a *net.TCPAddr) string {
	if a.IP == nil || a.IP.IsUnspecified() {
		return "127.0.0.1"
	}
	return a.IP.String()
}
