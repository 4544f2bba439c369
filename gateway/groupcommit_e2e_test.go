package gateway_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/testnet"
)

// TestE2EGroupCommit sends a burst of single-event requests, more than a block's worth, to a
// gateway on a real network: they share transactions, and each request is still answered for
// its own event — committed and readable at once, or, for the one the contract refuses, refused
// alone.
func TestE2EGroupCommit(t *testing.T) {
	c := testnet.Start(t, 31050)
	g := testnet.StartGateway(t, c, 21050)
	key := g.Env["AGRITRACE_PLATFORM_KEY"]
	b, _ := json.Marshal(harvest("gc-first", "GC-TAKEN"))
	if st, body := call(t, "POST", g.URL+"/v1/events", key, "application/json", b); st != http.StatusCreated {
		t.Fatalf("setup: %d %s", st, body)
	}
	txs0 := counter(t, g.URL, "agritrace_fabric_transactions_total")

	const n, refused = 40, 7
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answers := make([]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		e := harvest(fmt.Sprintf("gc-%d", i), fmt.Sprintf("GC-%d", i))
		if i == refused {
			e = harvest("gc-again", "GC-TAKEN") // a second harvest of one lot: the contract refuses it
		}
		b, _ := json.Marshal(e)
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", g.URL+"/v1/events", bytes.NewReader(b))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				answers[i].err = err
				return
			}
			defer resp.Body.Close()
			answers[i].status = resp.StatusCode
			answers[i].body, answers[i].err = io.ReadAll(resp.Body)
		}()
	}
	wg.Wait()
	txs := map[string]int{}
	for i, a := range answers {
		if a.err != nil {
			t.Fatalf("request %d: %v", i, a.err)
		}
		if i == refused {
			if a.status < 400 || a.status >= 500 {
				t.Errorf("the refused event: %d %s", a.status, a.body)
			}
			continue
		}
		if a.status != http.StatusCreated {
			t.Errorf("request %d: %d %s", i, a.status, a.body)
			continue
		}
		var res gateway.EventResult
		if err := json.Unmarshal(a.body, &res); err != nil {
			t.Fatal(err)
		}
		txs[res.TxID]++
		// answered only once committed and in the read model: readable at once
		if st, body := call(t, "GET", g.URL+"/v1/events/"+res.EventID, key, "", nil); st != http.StatusOK {
			t.Errorf("GET %s right after its 201: %d %s", res.EventID, st, body)
		}
	}
	if st, _ := call(t, "GET", g.URL+"/v1/events/gc-again", key, "", nil); st != http.StatusNotFound {
		t.Errorf("the refused event is readable: %d", st)
	}
	submitted := counter(t, g.URL, "agritrace_fabric_transactions_total") - txs0
	t.Logf("%d events committed in %d transactions (%d submitted, retries included)", n-1, len(txs), submitted)
	if len(txs) >= n-1 {
		t.Errorf("%d committed events in %d transactions: none shared", n-1, len(txs))
	}
	readModelMetrics(t, g.URL, len(txs))
}

// readModelMetrics: the read model's metrics, read when scraped, show the block /healthz
// reports, at least the transactions the burst committed, and that this gateway (SQLite, no
// replicas) writes the read model. The follower counts a block's transactions just after it
// releases their answers: wait (bounded) for the count.
func readModelMetrics(t *testing.T, base string, txs int) {
	t.Helper()
	st, body := call(t, "GET", base+"/healthz", "", "", nil)
	var h gateway.Health
	if err := json.Unmarshal(body, &h); st != http.StatusOK || err != nil {
		t.Fatalf("/healthz: %d %s", st, body)
	}
	var block, applied, leader float64
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		m, err := bench.Metrics(t.Context(), base)
		if err != nil {
			t.Fatal(err)
		}
		block, _ = m.Value("agritrace_readmodel_block")
		applied, _ = m.Value("agritrace_readmodel_applied_total")
		leader, _ = m.Value("agritrace_readmodel_leader")
		if block >= float64(h.LedgerBlock) && applied >= float64(txs) && leader == 1 {
			return
		}
	}
	t.Errorf("read model metrics: block %v (/healthz %d), applied %v (≥ %d committed), leader %v", block, h.LedgerBlock, applied, txs, leader)
}

// counter reads one of the gateway's Prometheus counters.
func counter(t *testing.T, base, name string) int64 {
	t.Helper()
	m, err := bench.Metrics(t.Context(), base)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := m.Value(name)
	if !ok {
		t.Fatalf("no %s in /metrics", name)
	}
	return int64(v)
}
