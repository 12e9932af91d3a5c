package report

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/slbdiag/slbdiag/analyze"
)

// TestRedactHidesClients renders every bundled capture in every format
// with clients redacted: no client address may survive anywhere, and the
// same client must get the same stand-in in every format.
func TestRedactHidesClients(t *testing.T) {
	captures, _ := filepath.Glob(filepath.Join("..", "testdata", "pcaps", "*.pcap*"))
	if len(captures) == 0 {
		t.Fatal("no bundled captures")
	}
	for _, path := range captures {
		r := analyzeFile(t, path)
		red := Redact(r, Redaction{Clients: true})
		// The host's addresses stay: those that answered a SYN. Any other
		// client address is hidden, also when it received a SYN too.
		servers := map[string]bool{}
		for _, d := range r.Destinations {
			if d.Counts.Total() > d.Counts[analyze.Unanswered]+d.Counts[analyze.Pending] {
				servers[d.Server.Addr().String()] = true
			}
		}
		clients := map[string]bool{}
		for _, a := range r.Examples {
			if c := a.Client.Addr().String(); !r.ProbeNets.Contains(a.Client.Addr()) && !servers[c] {
				clients[c] = true
			}
		}
		for _, name := range FormatNames() {
			for _, lang := range []Lang{English, Chinese} {
				render, _ := Lookup(name)
				var b bytes.Buffer
				if err := render(&b, red, Options{Lang: lang}); err != nil {
					t.Fatal(err)
				}
				for c := range clients {
					// The address as a whole word: not inside a longer address.
					word := regexp.MustCompile(`(^|[^0-9A-Za-z.:])` + regexp.QuoteMeta(c) + `($|[^0-9A-Za-z.])`)
					if loc := word.FindIndex(b.Bytes()); loc != nil {
						t.Errorf("%s, --format %s --lang %s: client %s is still in the report: %q", filepath.Base(path), name, lang, c, b.Bytes()[loc[0]:loc[1]])
					}
				}
			}
		}
		for i, a := range red.Examples {
			orig := r.Examples[i].Client.Addr()
			if clients[orig.String()] == (a.Client.Addr() == orig) {
				t.Errorf("%s: attempt %d client %v became %v", filepath.Base(path), i, orig, a.Client.Addr())
			}
			for j, b := range red.Examples {
				if (r.Examples[j].Client.Addr() == orig) != (b.Client.Addr() == a.Client.Addr()) {
					t.Fatalf("%s: stand-ins are not one per client", filepath.Base(path))
				}
			}
		}
	}
}

// TestRedactNames hides the server names of the TLS capture everywhere,
// one stand-in per name.
func TestRedactNames(t *testing.T) {
	r := Redact(analyzeFile(t, filepath.Join("..", "testdata", "pcaps", "tls-binding.pcapng")), Redaction{Names: true})
	for _, name := range FormatNames() {
		render, _ := Lookup(name)
		var b bytes.Buffer
		if err := render(&b, r, Options{}); err != nil {
			t.Fatal(err)
		}
		for _, sni := range []string{"shop.example.com", "www.example.com"} {
			if bytes.Contains(b.Bytes(), []byte(sni)) {
				t.Errorf("--format %s: %s is still in the report", name, sni)
			}
		}
		if name == "text" && (!bytes.Contains(b.Bytes(), []byte("SNI name-1.invalid")) || !bytes.Contains(b.Bytes(), []byte("SNI name-2.invalid"))) {
			t.Errorf("the stand-ins are missing:\n%s", b.String())
		}
	}
}

// A whole capture's packets hold clients no attempt of the report names:
// Others hides them too, and keeps what the report keeps.
func TestRedactorOthers(t *testing.T) {
	r := analyzeFile(t, "../testdata/pcaps/seed-strong-host.pcapng")
	red := NewRedactor(Redaction{Clients: true}, nil)
	red.Result(r)
	others := red.Others(r)
	unseen := netip.MustParseAddr("203.0.113.200")
	if got := others(unseen); got == unseen || !netip.MustParsePrefix("198.18.0.0/15").Contains(got) {
		t.Errorf("an address no attempt named stays %v; want a stand-in from 198.18.0.0/15", got)
	}
	if again := others(unseen); again != others(unseen) {
		t.Errorf("the same address got two stand-ins")
	}
	for _, keep := range []string{"192.0.2.10", "10.0.0.5", "100.100.110.5"} {
		a := netip.MustParseAddr(keep)
		if got := others(a); got != a {
			t.Errorf("%s (a VIP, the host or a probe) became %s", keep, got)
		}
	}
	if NewRedactor(Redaction{Names: true}, nil).Others(r) != nil {
		t.Error("Others hides addresses when only names are redacted")
	}
}

// Redact returns a copy of r with what red asks replaced by stand-ins (see
// Redactor); with nothing asked it returns r.
func Redact(r *analyze.Result, red Redaction) *analyze.Result {
	return NewRedactor(red, nil).Result(r)
}
