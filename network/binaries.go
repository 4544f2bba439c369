package network

import (
	"bufio"
	"context"
	"embed"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// FabricVersion is the Fabric release agritrace runs. FabricModuleVersion is its Go pseudo-version:
// the module path has no /v3, so the official v3.1.1 tag resolves only as this pseudo-version.
const (
	FabricVersion       = "v3.1.1"
	FabricModuleVersion = "v1.4.0-rc1.0.20250510200036-435a7f1a780a"
)

// FabricTools are the binaries the network needs.
var FabricTools = []string{"peer", "orderer", "configtxgen", "configtxlator", "cryptogen", "osnadmin"}

// The wrapper module is embedded (under names Go does not treat as a nested module) so the agritrace
// binary can build Fabric anywhere without a checkout.
//
//go:embed fabricbuild/fabric.gomod fabricbuild/fabric.gosum fabricbuild/tools.go.txt
var fabricBuild embed.FS

// Binaries locates the Fabric binaries and Fabric's sampleconfig (base of every node config).
type Binaries struct {
	Dir          string // holds peer, orderer, …
	SampleConfig string // holds core.yaml and orderer.yaml
}

// Tool returns the path of one Fabric binary.
func (b Binaries) Tool(name string) string { return filepath.Join(b.Dir, name) }

// DefaultCacheDir is where binaries are cached: AGRITRACE_FABRIC_CACHE, else the checkout's
// .cache/fabric when the Makefile has filled it, else the user's cache directory.
func DefaultCacheDir() string {
	if d := os.Getenv("AGRITRACE_FABRIC_CACHE"); d != "" {
		return d
	}
	if _, err := os.Stat(filepath.Join(".cache", "fabric", FabricVersion, "bin")); err == nil {
		if abs, err := filepath.Abs(filepath.Join(".cache", "fabric")); err == nil {
			return abs
		}
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "agritrace", "fabric")
	}
	return filepath.Join(os.TempDir(), "agritrace-fabric")
}

// EnsureBinaries returns the cached binaries for FabricVersion under cacheDir, building them from
// the Go module proxy first when any is missing. Progress goes to out.
func EnsureBinaries(ctx context.Context, cacheDir string, out io.Writer) (Binaries, error) {
	root := filepath.Join(cacheDir, FabricVersion)
	b := Binaries{Dir: filepath.Join(root, "bin"), SampleConfig: filepath.Join(root, "sampleconfig")}
	if b.complete() {
		return b, nil
	}
	fmt.Fprintf(out, "Building Fabric %s binaries (%s) into %s\n", FabricVersion, strings.Join(FabricTools, ", "), b.Dir)
	fmt.Fprintf(out, "  first time only: ~370 MB of modules and 1–2 min of compiling on 2 cores\n")
	work, err := os.MkdirTemp("", "agritrace-fabricbuild-")
	if err != nil {
		return b, err
	}
	defer os.RemoveAll(work)
	for src, dst := range map[string]string{"fabric.gomod": "go.mod", "fabric.gosum": "go.sum", "tools.go.txt": "tools.go"} {
		data, err := fabricBuild.ReadFile("fabricbuild/" + src)
		if err != nil {
			return b, err
		}
		if err := os.WriteFile(filepath.Join(work, dst), data, 0o644); err != nil {
			return b, err
		}
	}
	start := time.Now()
	fmt.Fprintf(out, "  downloading modules…\n")
	if err := runGo(ctx, work, nil, "mod", "download", "github.com/hyperledger/fabric"); err != nil {
		return b, fmt.Errorf("download fabric module: %w", err)
	}
	if err := os.MkdirAll(b.Dir, 0o755); err != nil {
		return b, err
	}
	args := []string{"build", "-v", "-o", b.Dir + string(os.PathSeparator)}
	for _, t := range FabricTools {
		args = append(args, "github.com/hyperledger/fabric/cmd/"+t)
	}
	// go build -v names each package as it compiles it: count them as progress.
	progress := &lineCounter{every: 100, out: out, start: start}
	if err := runGo(ctx, work, progress, args...); err != nil {
		return b, fmt.Errorf("build fabric binaries: %w", err)
	}
	modDir, err := goOutput(ctx, work, "list", "-m", "-f", "{{.Dir}}", "github.com/hyperledger/fabric")
	if err != nil {
		return b, fmt.Errorf("locate fabric module: %w", err)
	}
	if err := os.MkdirAll(b.SampleConfig, 0o755); err != nil {
		return b, err
	}
	for _, f := range []string{"core.yaml", "orderer.yaml"} {
		data, err := os.ReadFile(filepath.Join(modDir, "sampleconfig", f))
		if err != nil {
			return b, fmt.Errorf("read sampleconfig: %w", err)
		}
		if err := os.WriteFile(filepath.Join(b.SampleConfig, f), data, 0o644); err != nil {
			return b, err
		}
	}
	if !b.complete() {
		return b, fmt.Errorf("fabric build finished but binaries are missing in %s", b.Dir)
	}
	fmt.Fprintf(out, "  Fabric %s built in %s\n", FabricVersion, time.Since(start).Round(time.Second))
	return b, nil
}

func (b Binaries) complete() bool {
	for _, t := range FabricTools {
		if fi, err := os.Stat(b.Tool(t)); err != nil || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	for _, f := range []string{"core.yaml", "orderer.yaml"} {
		if _, err := os.Stat(filepath.Join(b.SampleConfig, f)); err != nil {
			return false
		}
	}
	return true
}

func runGo(ctx context.Context, dir string, stderr io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	var buf strings.Builder
	if stderr != nil {
		cmd.Stderr = io.MultiWriter(stderr, &buf)
	} else {
		cmd.Stderr = &buf
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", args[0], err, tail(buf.String(), 2000))
	}
	return nil
}

func goOutput(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	b, err := cmd.Output()
	return strings.TrimSpace(string(b)), err
}

// lineCounter reports every n-th line written to it as "compiled N packages".
type lineCounter struct {
	every int
	n     int
	out   io.Writer
	start time.Time
}

func (l *lineCounter) Write(p []byte) (int, error) {
	s := bufio.NewScanner(strings.NewReader(string(p)))
	for s.Scan() {
		l.n++
		if l.n%l.every == 0 {
			fmt.Fprintf(l.out, "  compiled %d packages (%s)\n", l.n, time.Since(l.start).Round(time.Second))
		}
	}
	return len(p), nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
