package network

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc is one process of the network: a name, how to start it, the host it runs on and the ports
// it must own there.
type proc struct {
	name  string
	argv  []string
	env   []string
	ip    string
	netns string // started inside this network namespace when set
	ports []namedPort
	// afterChaincode processes (gateways) start only once the chaincode is committed
	afterChaincode bool
}

type namedPort struct {
	port int
	what string
}

// startProc launches p detached (own session, so it outlives the CLI) with output appended to its
// log, and records its PID.
func (c Config) startProc(p proc) (int, error) {
	for _, np := range p.ports {
		if err := portFree(p.ip, p.netns, np.port); err != nil {
			return 0, fmt.Errorf("start %s: port %d (%s) is already in use by another process; "+
				"stop it or choose another --base-port: %w", p.name, np.port, np.what, err)
		}
	}
	for _, d := range []string{filepath.Dir(c.logFile(p.name)), filepath.Dir(c.pidFile(p.name))} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return 0, err
		}
	}
	logf, err := os.OpenFile(c.logFile(p.name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "\n==== agritrace: starting %s at %s ====\n", p.name, time.Now().Format(time.RFC3339))
	argv := p.argv
	if !p.afterChaincode {
		n, err := ledgerNice()
		if err != nil {
			return 0, fmt.Errorf("start %s: %w", p.name, err)
		}
		argv = niced(argv, n)
	}
	if p.netns != "" {
		// `ip netns exec` enters the namespace and execs the command, so the PID we record is the node's
		argv = append([]string{"ip", "netns", "exec", p.netns}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), gcEnv()...), p.env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start %s: %w", p.name, err)
	}
	pid := cmd.Process.Pid
	// Reap the child if it exits while we still run, so it never lingers as a zombie that looks alive.
	go cmd.Wait() //nolint:errcheck
	if err := os.WriteFile(c.pidFile(p.name), []byte(strconv.Itoa(pid)+"\n"+p.argv[0]+"\n"), 0o644); err != nil {
		return pid, err
	}
	return pid, nil
}

// recordedPID returns the PID recorded for name if that process is still alive and still runs the
// recorded executable (a recycled PID is never mistaken for ours).
func (c Config) recordedPID(name string) (int, bool) {
	b, err := os.ReadFile(c.pidFile(name))
	if err != nil {
		return 0, false
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	pid, err := strconv.Atoi(lines[0])
	if err != nil || pid <= 0 {
		return 0, false
	}
	if !alive(pid) {
		return pid, false
	}
	if len(lines) > 1 {
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		want, _ := filepath.EvalSymlinks(lines[1])
		if err != nil || (exe != lines[1] && exe != want && strings.TrimSuffix(exe, " (deleted)") != lines[1]) {
			return pid, false
		}
	}
	return pid, true
}

func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// a zombie has exited; only its parent has not reaped it yet
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(f) > 0 && f[0] != "Z"
}

// stopProc sends SIGTERM, waits, then SIGKILL. It returns whether a process was stopped.
func (c Config) stopProc(name string, grace time.Duration) (bool, error) {
	pid, ok := c.recordedPID(name)
	defer os.Remove(c.pidFile(name))
	if !ok {
		return false, nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return false, fmt.Errorf("stop %s (pid %d): %w", name, pid, err)
	}
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return true, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	for i := 0; i < 100 && alive(pid); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(pid) {
		return true, fmt.Errorf("stop %s: pid %d survived SIGKILL", name, pid)
	}
	return true, nil
}

// portFree reports an error when something listens on ip:port. A port inside another network
// namespace cannot be bound from here: there, anything answering a connection counts as busy.
func portFree(ip, netns string, port int) error {
	if netns != "" {
		if listening(ip, port) {
			return fmt.Errorf("something accepts connections on %s", hostPort(ip, port))
		}
		return nil
	}
	l, err := net.Listen("tcp", hostPort(ip, port))
	if err != nil {
		return err
	}
	return l.Close()
}

// listening reports whether something accepts connections on ip:port.
func listening(ip string, port int) bool {
	conn, err := net.DialTimeout("tcp", hostPort(ip, port), 300*time.Millisecond)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}
