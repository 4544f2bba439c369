package network

import (
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"testing"
)

// TestGCTarget: the processes agritrace starts, and the gateway and chaincode server themselves,
// collect garbage at DefaultGOGC unless the operator set GOGC, which then stands.
func TestGCTarget(t *testing.T) {
	old, had := os.LookupEnv("GOGC")
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() {
		debug.SetGCPercent(prev)
		if had {
			os.Setenv("GOGC", old)
		} else {
			os.Unsetenv("GOGC")
		}
	})
	for _, c := range []struct {
		name    string
		env     *string
		wantEnv []string
		wantPct int
	}{
		{"not set", nil, []string{"GOGC=" + strconv.Itoa(DefaultGOGC)}, DefaultGOGC},
		{"set by the operator", ptr("150"), nil, 100},
		{"set to off", ptr("off"), nil, 100},
	} {
		t.Run(c.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			if c.env == nil {
				os.Unsetenv("GOGC")
			} else {
				os.Setenv("GOGC", *c.env)
			}
			if got := gcEnv(); !slices.Equal(got, c.wantEnv) {
				t.Errorf("environment of a started process: %v, want %v", got, c.wantEnv)
			}
			ApplyGC()
			if got := debug.SetGCPercent(100); got != c.wantPct {
				t.Errorf("this process's GOGC: %d, want %d", got, c.wantPct)
			}
		})
	}
}

func ptr(s string) *string { return &s }
