// Package replicas tests several gateway replicas of one org sharing one PostgreSQL read model.
package replicas

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agritrace/agritrace/audit"
	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/pgcluster/pgtest"
	"github.com/agritrace/agritrace/internal/testnet"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, 0)) }

var client = &http.Client{Timeout: 60 * time.Second}

func do(method, url, key string, body []byte) (int, []byte, error) {
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// leading is the replica's agritrace_readmodel_leader: 1 while it writes the read model.
func leading(ctx context.Context, g *testnet.Gateway) (float64, error) {
	m, err := bench.Metrics(ctx, g.URL)
	if err != nil {
		return 0, err
	}
	v, ok := m.Value("agritrace_readmodel_leader")
	if !ok {
		return 0, fmt.Errorf("no agritrace_readmodel_leader in %s/metrics", g.URL)
	}
	return v, nil
}

func role(g *testnet.Gateway) string {
	st, body, err := do("GET", g.URL+"/healthz", "", nil)
	if err != nil || st != 200 {
		return ""
	}
	var h gateway.Health
	_ = json.Unmarshal(body, &h)
	return h.ReadModelRole
}

const inspector = "REG-INSPECTORATE"

func harvest(id string) domain.Event {
	return domain.Event{ID: "h-" + id, Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", Actor: domain.Party{Enterprise: "COOP-REPLICAS"},
		Outputs: []domain.Output{{Batch: id, Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 100, Unit: "kg"},
			Origin: &domain.Origin{Region: "230184"}}}}
}

// inspect is the regulator's spot check of a lot: what its gateway records.
func inspect(id, lot string) domain.Event {
	return domain.Event{ID: id, Type: domain.Inspect, EventTime: "2026-10-02T08:00:00+08:00", Actor: domain.Party{Enterprise: inspector},
		Batches: []string{lot}, Inspection: &domain.Inspection{Item: "moisture", Value: 14.1, Unit: "%", Limit: 14.5, Result: "pass"}}
}

// TestE2EPostgresReplicas: two replicas of the regulator's gateway on one PostgreSQL. 黑龙江's
// gateway records farm lots; the regulator's inspectors then record spot checks of them through
// both replicas under load, and every write is read back at once from the other replica
// (read-your-writes across replicas). The leader is SIGKILLed mid-load; clients fail over to the
// other replica and re-send the same event IDs; the standby takes the writer lock and follows on.
// At the end every acknowledged event is in the read model exactly once and the audit finds 0
// mismatches.
func TestE2EPostgresReplicas(t *testing.T) {
	testnet.Skip(t)
	c := testnet.Start(t, 29650)
	db := pgtest.URL(t)
	hlj := testnet.StartOrgGateway(t, c, "hlj", 19650)
	g1 := testnet.StartOrgGateway(t, c, "reg", 19651, testnet.WithDB(db))
	g2 := testnet.StartOrgGateway(t, c, "reg", 19652, testnet.WithDB(db), testnet.ReplicaOf(g1))
	gws := []*testnet.Gateway{g1, g2}
	reg := g1.Key
	if g2.Key != reg {
		t.Fatal("replicas of one gateway do not share its API keys")
	}

	const workers, lotsPerWorker = 4, 10
	var lots []domain.Event
	for w := 0; w < workers; w++ {
		for l := 0; l < lotsPerWorker; l++ {
			lots = append(lots, harvest(fmt.Sprintf("REPL-LOT-%d-%d", w, l)))
		}
	}
	body, _ := json.Marshal(map[string]any{"events": lots})
	if st, resp, err := do("POST", hlj.URL+"/v1/events", hlj.Key, body); err != nil || st != 200 {
		t.Fatalf("farm lots: %d %s %v", st, resp, err)
	}

	var leader, standby *testnet.Gateway
	deadline := time.Now().Add(15 * time.Second)
	for leader == nil && time.Now().Before(deadline) {
		r1, r2 := role(g1), role(g2)
		switch {
		case r1 == "leader" && r2 == "standby":
			leader, standby = g1, g2
		case r2 == "leader" && r1 == "standby":
			leader, standby = g2, g1
		case r1 == "leader" && r2 == "leader":
			t.Fatal("both replicas say they lead")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if leader == nil {
		t.Fatalf("no single leader among the replicas: %q %q", role(g1), role(g2))
	}

	var (
		mu       sync.Mutex
		acked    = map[string]bool{}
		ryw      atomic.Int64 // writes read back from the other replica right away
		rywMiss  []string
		killed   atomic.Bool
		failover atomic.Int64 // requests re-sent to the other replica after a connection error
	)
	// post sends a bulk of events, starting at replica start; on a connection error it re-sends
	// the same events to the next replica, as a load balancer would
	post := func(start int, evs []domain.Event) (int, error) {
		body, _ := json.Marshal(map[string]any{"events": evs})
		var lastErr error
		for try := 0; try < 20; try++ {
			i := (start + try) % len(gws)
			st, resp, err := do("POST", gws[i].URL+"/v1/events", reg, body)
			if err != nil {
				failover.Add(1)
				lastErr = err
				time.Sleep(200 * time.Millisecond)
				continue
			}
			var bulk gateway.BulkResponse
			if st != 200 || json.Unmarshal(resp, &bulk) != nil || bulk.Rejected > 0 {
				return i, fmt.Errorf("bulk to replica %d: %d %s", i, st, resp)
			}
			return i, nil
		}
		return 0, fmt.Errorf("no replica took the bulk: %w", lastErr)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 8)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				// each worker checks its own lots, five distinct ones a request: no two
				// concurrent transactions write the same lot
				var evs []domain.Event
				for k := 0; k < 5; k++ {
					evs = append(evs, inspect(fmt.Sprintf("insp-%d-%d-%d", w, n, k), fmt.Sprintf("REPL-LOT-%d-%d", w, (n*5+k)%lotsPerWorker)))
				}
				wasKilled := killed.Load()
				at, err := post(w+n, evs)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, e := range evs {
					acked[e.ID] = true
				}
				mu.Unlock()
				// read-your-writes: the other replica sees the write as soon as it was acknowledged
				if wasKilled || killed.Load() {
					continue
				}
				other := gws[(at+1)%len(gws)]
				st, _, err := do("GET", other.URL+"/v1/events/"+evs[4].ID, reg, nil)
				if err == nil && st == 200 {
					ryw.Add(1)
				} else if !killed.Load() {
					mu.Lock()
					rywMiss = append(rywMiss, fmt.Sprintf("%s on %s: %d %v", evs[4].ID, other.URL, st, err))
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(8 * time.Second)
	killed.Store(true)
	t0 := time.Now()
	leader.Stop(true) // SIGKILL by PID: no lock release, no goodbye
	took := time.Duration(0)
	for time.Since(t0) < 20*time.Second {
		if role(standby) == "leader" {
			took = time.Since(t0)
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if took == 0 {
		close(stop)
		wg.Wait()
		t.Fatalf("the standby did not take over within 20 s of the leader's death:\n%s", standby.Log)
	}
	t.Logf("standby took the writer lock %s after the leader was killed", took.Round(10*time.Millisecond))
	if v, err := leading(t.Context(), standby); err != nil || v != 1 {
		t.Errorf("the new leader's /metrics does not say it leads: agritrace_readmodel_leader %v (%v)", v, err)
	}
	time.Sleep(6 * time.Second) // load goes on against the new leader alone
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// the dead replica comes back: a standby now, serving reads of what was written without it
	leader.Start()
	if r := role(leader); r != "standby" {
		t.Fatalf("restarted replica is %q, want standby", r)
	}
	if v, err := leading(t.Context(), leader); err != nil || v != 0 {
		t.Errorf("the standby's /metrics does not say it stands by: agritrace_readmodel_leader %v (%v)", v, err)
	}
	st, body, err := do("GET", leader.URL+"/v1/audit", reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var rep audit.Report
	if err := json.Unmarshal(body, &rep); err != nil || st != 200 || len(rep.Mismatches) != 0 {
		t.Fatalf("audit through the restarted replica: %d %s", st, body)
	}

	// nothing lost, nothing doubled: the read model's events of the load are exactly those acknowledged
	var seen []string
	next := ""
	for {
		st, body, err := do("GET", standby.URL+"/v1/events?enterprise="+inspector+"&page_size=500&cursor="+next, reg, nil)
		if err != nil || st != 200 {
			t.Fatalf("search: %d %s %v", st, body, err)
		}
		var page struct {
			Next   string
			Events []domain.Event
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Events {
			seen = append(seen, e.ID)
		}
		if next = page.Next; next == "" {
			break
		}
	}
	slices.Sort(seen)
	if d := len(seen) - len(slices.Compact(slices.Clone(seen))); d != 0 {
		t.Errorf("%d events doubled in the read model", d)
	}
	var lost []string
	for id := range acked {
		if _, ok := slices.BinarySearch(seen, id); !ok {
			lost = append(lost, id)
		}
	}
	if len(lost) > 0 || len(seen) != len(acked) {
		t.Errorf("%d acknowledged events missing (e.g. %v); read model has %d, acknowledged %d", len(lost), lost[:min(5, len(lost))], len(seen), len(acked))
	}
	if len(rywMiss) > 0 {
		t.Errorf("read-your-writes across replicas failed %d times (of %d), e.g. %v", len(rywMiss), ryw.Load()+int64(len(rywMiss)), rywMiss[:min(3, len(rywMiss))])
	}
	if ryw.Load() < 10 {
		t.Errorf("only %d writes were read back across replicas: the load did not run", ryw.Load())
	}
	t.Logf("%d events acknowledged, %d read back at once from the other replica, %d requests failed over; audit: %d events, %d mismatches, %.1f s",
		len(acked), ryw.Load(), failover.Load(), rep.Events, len(rep.Mismatches), rep.Seconds)
}
