package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/readmodel"
)

const epcisSection = "EPCIS 2.0"

// epcisOrders are the orders of the epcis phase's three sides (native, capture, control) in its
// rounds, one round each: every order once, so each side is first, second and last equally often
// and comes after each other side equally often within a round — the peers' state database
// compacts in bursts of seconds, and what one window leaves behind falls into the next. Each window
// is a quarter of --window long. (With two sides, four rounds of alternating pairs left control
// runs 0.97–1.01×, and eight rounds 0.92–1.04× over four runs:
// docs/BENCHMARKS-ANALYSIS-2026-11-26-evening.md.)
var epcisOrders = [][3]int{{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}, {2, 1, 0}, {1, 0, 2}}

// epcisDrain bounds the wait, after each window, for the documents under way to finish: a capture
// job goes on after its client stops, and would commit in the other side's window, counted there
// (with the CPU spent on it in its own); a native request cut off mid-way wastes work done for it.
const epcisDrain = 30 * time.Second

// epcisSettle is the warm-up of each of the epcis phase's windows: a side starts with every client's
// first document under way at once, and is counted once its documents follow each other as they
// do throughout (a 1,000-event document takes one to three seconds).
const epcisSettle = 3 * time.Second

// phaseEPCIS: EPCIS 2.0 capture of 1,000-event documents against native bulk ingest of the very
// same events, measured in rotating windows on the same network, ledger and clients. The bulk
// phase's figure is not the baseline: its harvests carry no GS1 keys (no registry checks), and it
// ran on a ledger several phases younger. A third side, the control, posts its events natively as
// well: how far it strays from the native side is how far the method itself strays in this run.
func phaseEPCIS(r *benchRun) error {
	o := r.o
	seg := o.window / 4
	if seg < 4*time.Second {
		// a 1,000-event capture job takes seconds to finish: a shorter window would count few
		r.rep.Skipped = append(r.rep.Skipped, fmt.Sprintf("epcis capture: a quarter of the %s window is too short for a window of capture jobs of %d events", o.window, o.bulkPer))
		return nil
	}
	rounds := len(epcisOrders)
	// each side's windows use sequence numbers of their own (fresh): k is its first load's
	tw := &epcisSide{op: bench.NativeTwinOp(r.env, o.bulkPer), k: 0, what: "native bulk of the capture's events", profile: "gateway-epcis-native.pprof"}
	ec := &epcisSide{op: bench.EPCISCaptureOp(r.env, o.bulkPer, "proceed"), k: rounds, what: "EPCIS capture", profile: "gateway-epcis-capture.pprof"}
	ct := &epcisSide{op: bench.NativeTwinOp(r.env, o.bulkPer), k: 2 * rounds, what: "control (native again)"}
	all := [3]*epcisSide{tw, ec, ct}
	for round, order := range epcisOrders {
		for _, i := range order {
			sd := all[i]
			// the gateway is profiled after the last window of the sides compared, both alike
			profile := ""
			if round == rounds-1 {
				profile = sd.profile
			}
			c := &txCounter{env: r.env}
			res, span, err := r.measureWarm(epcisSettle, seg, epcisDrain, o.bulkClients, fresh(sd.op, sd.k+round), r.procs(true), c.recorded, profile)
			if err != nil {
				return fmt.Errorf("%s, round %d: %w", sd.what, round+1, err)
			}
			sd.res, sd.span = sd.res.Plus(res), plusSpan(sd.span, span)
			sd.txs, sd.blocks = sd.txs+c.txs(), sd.blocks+c.blockCount()
			sd.rates = append(sd.rates, span.Rate())
		}
	}
	twSpan, ecSpan, ctSpan := tw.span, ec.span, ct.span
	r.rep.CPU = append(r.rep.CPU,
		twSpan.Row("same events, native", "event"),
		ecSpan.Row("EPCIS capture", "event"),
		ctSpan.Row("control, native again", "event"))
	twRate := twSpan.Rate()
	rate := ecSpan.Rate()
	ctRate := ctSpan.Rate()
	windows := fmt.Sprintf("%d rounds of three windows of %s, one a side (native, capture, control) in every order once, each after %s of warm-up; the documents under way at a window's end finish before the next starts", rounds, seg, epcisSettle)
	r.rep.Add(bench.Row{Section: epcisSection, Name: fmt.Sprintf("EPCIS capture (GS1-Capture-Error-Behaviour: proceed), %d-event documents, %d clients", o.bulkPer, o.bulkClients),
		Value: rate, Unit: "events/s", Baseline: twRate, BaseUnit: "events/s, the same events native", Target: "≥ native bulk ingest", Met: bench.Met(rate >= twRate),
		Note: fmt.Sprintf("request→capture job seen finished (polled every %s) p50 %.0f ms, p99 %.0f ms; %d failed documents; %s; %s; %s; the control ran %.2f× the native side%s",
			bench.CapturePoll, ec.res.P(.5), ec.res.P(.99), ec.res.Failures, perTx(ecSpan.Committed, ec.txs, ec.blocks), windows, roundRatios("capture", ec.rates, tw.rates), ctRate/twRate, bulkAside(r.bulkRate))})
	r.rep.Add(bench.Row{Section: epcisSection, Name: fmt.Sprintf("baseline: the same events through the native bulk API, %d-event requests, %d clients", o.bulkPer, o.bulkClients),
		Value: twRate, Unit: "events/s", Note: fmt.Sprintf("each capture document decoded by the gateway's EPCIS decoder in the bench process and posted to /v1/events; request→all committed p50 %.0f ms, p99 %.0f ms; %d failed requests; %s", tw.res.P(.5), tw.res.P(.99), tw.res.Failures, perTx(twSpan.Committed, tw.txs, tw.blocks))})
	r.rep.Add(bench.Row{Section: epcisSection, Name: fmt.Sprintf("control: native bulk again, events of the same shape, %d-event requests, %d clients, in windows of its own among the others", o.bulkPer, o.bulkClients),
		Value: ctRate, Unit: "events/s", Baseline: twRate, BaseUnit: "events/s, the native side",
		Note: fmt.Sprintf("the same work as the native side: its distance from 1.0× is the method's own in this run; request→all committed p50 %.0f ms, p99 %.0f ms; %d failed requests; %s; %s",
			ct.res.P(.5), ct.res.P(.99), ct.res.Failures, perTx(ctSpan.Committed, ct.txs, ct.blocks), roundRatios("control", ct.rates, tw.rates))})
	if twSpan.Committed > 0 {
		cpu, twCPU := ecSpan.CPUPer(), twSpan.CPUPer()
		ecPeers, ecRest := peersAndRest(ecSpan)
		twPeers, twRest := peersAndRest(twSpan)
		ctPeers, ctRest := peersAndRest(ctSpan)
		r.rep.Add(bench.Row{Section: epcisSection, Name: "EPCIS capture: CPU per committed event, all network processes + gateway", Value: cpu, Unit: "ms",
			Baseline: twCPU, BaseUnit: "ms per event, the same events native", Target: "≤ native bulk", Met: bench.Met(cpu <= twCPU),
			Note: fmt.Sprintf("the gateway alone %.3f ms per event (native %.3f ms), the chaincode servers %.3f ms (native %.3f ms); the peers used %.2f cores (native %.2f, control %.2f), everything else counted %.3f ms per event (native %.3f ms, control %.3f ms): %+.0f µs an event against the native side, the control %+.0f µs",
				ecSpan.CPUPer("gateway"), twSpan.CPUPer("gateway"), chaincodeCPU(ecSpan), chaincodeCPU(twSpan), ecPeers, twPeers, ctPeers, ecRest, twRest, ctRest, (ecRest-twRest)*1000, (ctRest-twRest)*1000)})
	}
	return nil
}

// epcisSide is one side of the epcis phase and what its windows measured, summed.
type epcisSide struct {
	op          bench.Op
	k           int    // fresh's index of its first window's load
	what        string // for errors
	profile     string // its gateway profile, after its last window
	res         bench.Result
	span        bench.Span
	txs, blocks int64
	rates       []float64 // events/s of each window, by round
}

// roundRatios says how the ratio varies from round to round: each round's window of one side (its
// rates, named side) against the native window of the same round. The verdict is on the sums; the
// spread shows how far one round's ratio strays, and so what the summed ratio's distance from 1.0
// is worth.
func roundRatios(side string, rates, native []float64) string {
	var rs []float64
	for i := range min(len(rates), len(native)) {
		if native[i] > 0 {
			rs = append(rs, rates[i]/native[i])
		}
	}
	if len(rs) == 0 {
		return "no round to compare"
	}
	slices.Sort(rs)
	mid := rs[len(rs)/2]
	if len(rs)%2 == 0 {
		mid = (rs[len(rs)/2-1] + mid) / 2
	}
	above := 0
	for _, r := range rs {
		if r >= 1 {
			above++
		}
	}
	return fmt.Sprintf("round by round the %s ran %.2f× the native window of its round (median; %.2f–%.2f×; %d of %d rounds ≥ 1.0×)", side, mid, rs[0], rs[len(rs)-1], above, len(rs))
}

// fresh gives op's k-th load sequence numbers of its own: each load numbers its operations from 1,
// and a document's event IDs and lots are made from that number, so a later window (or the control
// run's other side) would otherwise send the same events again, answered as duplicates.
func fresh(op bench.Op, k int) bench.Op {
	return func(ctx context.Context, w int, n int64) (int, error) { return op(ctx, w, int64(k)*10000+n) }
}

// plusSpan adds s to the sum so far (the zero Span when nothing is summed yet).
func plusSpan(sum, s bench.Span) bench.Span {
	if sum.From.IsZero() {
		return s
	}
	return sum.Plus(s)
}

// bulkAside names the bulk phase's rate beside the capture, when this run measured one.
func bulkAside(rate float64) string {
	if rate == 0 {
		return ""
	}
	return fmt.Sprintf("; the bulk phase's harvests (no GS1 keys, younger ledger) ran at %.0f events/s", rate)
}

// chaincodeCPU is the CPU per committed event of every chaincode server of a span.
func chaincodeCPU(s bench.Span) float64 {
	names := processes(s, func(name string) bool { return strings.HasPrefix(name, "chaincode.") })
	if len(names) == 0 {
		return 0 // CPUPer of no names is every process's
	}
	return s.CPUPer(names...)
}

// peersAndRest splits a span's CPU in two: the peers', as the cores they used over the span, and
// every other counted process's (gateway, chaincode servers, orderers), per committed event in ms.
// The peers' goleveldb compaction takes whatever CPU the others leave, so their share per event
// moves with the rate; the others' is work done for each event.
func peersAndRest(s bench.Span) (peerCores, restPer float64) {
	isPeer := func(name string) bool { return strings.HasPrefix(name, "peer") }
	if peers := processes(s, isPeer); len(peers) > 0 && s.Seconds() > 0 {
		peerCores = s.CPU.Total(peers...).Seconds() / s.Seconds()
	}
	if rest := processes(s, func(name string) bool { return !isPeer(name) }); len(rest) > 0 {
		restPer = s.CPUPer(rest...)
	}
	return peerCores, restPer
}

// processes names the processes of a span that keep says to.
func processes(s bench.Span, keep func(string) bool) []string {
	var names []string
	for name := range s.CPU {
		if keep(name) {
			names = append(names, name)
		}
	}
	return names
}

// phaseEPCISPaging: a platform pulling every event of a read model of o.epcisEvents captured
// EPCIS events through GET /epcis/events, 1,000 per page in commit order with nextPageToken,
// served by the gateway's own handler over loopback HTTP, next to reading the same pages straight
// from the read model. No network: the read model is synthetic (bench.SyntheticEPCIS).
func phaseEPCISPaging(r *benchRun) error {
	const perPage = 1000
	store, err := readmodel.Open(filepath.Join(r.tmp, "epcis-paging.db"))
	if err != nil {
		return err
	}
	defer store.Close()
	tb := time.Now()
	if err := bench.SyntheticEPCIS(r.ctx, store, r.o.epcisEvents); err != nil {
		return fmt.Errorf("synthetic EPCIS read model: %w", err)
	}
	built := time.Since(tb)
	keys := &gateway.Keys{}
	key, err := keys.NewKey("bench", domain.Org{Key: "hlj", MSPID: "HeilongjiangMSP", Role: domain.RolePlatform}, nil)
	if err != nil {
		return err
	}
	s := gateway.New(keys, store, nil, nil, gateway.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer s.Close()
	base, stop, err := bench.Serve(s)
	if err != nil {
		return err
	}
	defer stop()

	direct, directTook, err := bench.EPCISStorePaging(r.ctx, store, perPage)
	if err != nil {
		return fmt.Errorf("EPCIS paging from the store: %w", err)
	}
	cpu0, err := bench.ProcCPU(os.Getpid())
	if err != nil {
		return err
	}
	n, took, err := bench.EPCISPaging(r.ctx, base, key, perPage)
	if err != nil {
		return fmt.Errorf("EPCIS paging: %w", err)
	}
	cpu1, err := bench.ProcCPU(os.Getpid())
	if err != nil {
		return err
	}
	if n != direct {
		return fmt.Errorf("EPCIS paging: %d events through GET /epcis/events, %d in the read model", n, direct)
	}
	rate, baseRate := float64(n)/took.Seconds(), float64(direct)/directTook.Seconds()
	r.rep.Add(bench.Row{Section: epcisSection, Name: fmt.Sprintf("GET /epcis/events paging through %d captured events, %d per page (nextPageToken), gateway handler over loopback HTTP", n, perPage),
		Value: rate, Unit: "events/s", Baseline: baseRate, BaseUnit: "events/s from the read model", Target: "≥ 20,000 events/s", Met: bench.Met(rate >= 20000),
		Note: fmt.Sprintf("%s in all (store alone %s); CPU of this process (client and gateway) %.1f µs per event; synthetic read model (4 shapes of captured event, 1,000-event documents through the capture decoder and ApplyBlock) built in %s",
			took.Round(time.Millisecond), directTook.Round(time.Millisecond), float64((cpu1-cpu0).Microseconds())/float64(n), built.Round(time.Second))})
	return nil
}
