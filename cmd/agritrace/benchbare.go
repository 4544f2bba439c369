package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/network"
)

func init() {
	register("bench-bare", "serve one fixed page from a bare net/http handler (the bench's scan baseline, started by `bench`)", runBenchBare)
}

func runBenchBare(ctx context.Context, args []string) error {
	fs := newFlags("bench-bare", "bench-bare --addr HOST:PORT --body FILE",
		"Serves FILE's bytes as text/html to every GET until stopped: the baseline that `agritrace bench`\n"+
			"compares the resolver with, in a process of its own as the gateway is.")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	path := fs.String("body", "", "file whose bytes every answer carries")
	if err := fs.Parse(args); err != nil {
		return err
	}
	body, err := os.ReadFile(*path)
	if err != nil {
		return fmt.Errorf("bench-bare: %w", err)
	}
	network.ApplyGC() // collects as the gateway it stands in for does
	srv := &http.Server{Addr: *addr, Handler: bench.BareHandler(body), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("bench-bare: %w", err)
	}
	return nil
}

// startBare runs `agritrace bench-bare` serving body on port; stop ends it and waits.
func (r *benchRun) startBare(body []byte, port int) (url string, pid int, stop func(), err error) {
	file := filepath.Join(r.tmp, "bare-page.html")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		return "", 0, nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(r.exe, "bench-bare", "--addr", addr, "--body", file)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return "", 0, nil, fmt.Errorf("start the bare baseline server: %w", err)
	}
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	url = "http://" + addr
	if err := network.WaitHTTP(r.ctx, url+"/", 15*time.Second); err != nil {
		stop()
		return "", 0, nil, fmt.Errorf("bare baseline server: %w", err)
	}
	return url, cmd.Process.Pid, stop, nil
}
