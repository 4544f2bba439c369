// Package pgtest gives tests a real PostgreSQL: one throw-away cluster per test binary, started on
// first use on the loopback port the package chose, one fresh database per test, and stopped when
// the tests end. Missing server binaries fail the test, naming the package to install.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/agritrace/agritrace/internal/pgcluster"
)

var (
	port    int
	inMain  bool
	once    sync.Once
	server  *pgcluster.Server
	startEr error
	dbs     atomic.Int64
)

// Main runs the package's tests with a cluster on 127.0.0.1:p, or on a free loopback port when p
// is 0 (started only if a test asks for one), and stops it afterwards. Call it from TestMain:
// os.Exit(pgtest.Main(m, 0)).
func Main(m *testing.M, p int) int {
	port, inMain = p, true
	code := m.Run()
	if server != nil {
		server.Stop()
	}
	return code
}

// Server returns the package's running cluster, starting it on first use.
func Server(t testing.TB) *pgcluster.Server {
	t.Helper()
	if !inMain {
		t.Fatal("pgtest: call pgtest.Main from the package's TestMain to choose a port and stop the cluster at the end")
	}
	once.Do(func() {
		if port == 0 {
			// another test binary or agent may hold any fixed port: ask the kernel for a free one
			if port, startEr = freePort(); startEr != nil {
				return
			}
		}
		server, startEr = pgcluster.Start(context.Background(), "", port)
	})
	if startEr != nil {
		t.Fatalf("pgtest: cannot start a throw-away PostgreSQL on port %d: %v", port, startEr)
	}
	return server
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free loopback port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// URL creates an empty database for this test and returns its connection URL.
func URL(t testing.TB) string {
	t.Helper()
	s := Server(t)
	name := fmt.Sprintf("t%d_%s", dbs.Add(1), sanitize(t.Name()))
	u, err := s.CreateDatabase(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// sanitize keeps a database name readable in the server log and within PostgreSQL's 63 bytes.
func sanitize(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if len(s) > 50 {
		s = s[:50]
	}
	return s
}

// Available reports whether the server binaries are installed (for tools that offer a fallback;
// tests call URL and fail loudly instead).
func Available() bool {
	_, err := pgcluster.Binaries()
	return err == nil
}
