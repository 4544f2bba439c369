package main

import (
	"fmt"
	"time"

	"github.com/agritrace/agritrace/bench"
)

// phaseEPCIS: EPCIS 2.0 capture of 1,000-event documents next to native bulk ingest (same
// clients, same network), then a platform pulling every committed event through GET /epcis/events
// in commit order, 1,000 per page.
func phaseEPCIS(r *benchRun) error {
	o := r.o
	const sec = "EPCIS 2.0"
	if o.window < 10*time.Second {
		// a 1,000-event capture job takes seconds to finish: a shorter window would count none
		r.rep.Skipped = append(r.rep.Skipped, fmt.Sprintf("epcis capture: the %s window is shorter than a capture job of %d events", o.window, o.bulkPer))
		return epcisPaging(r, sec)
	}
	ec, ecSpan, err := r.measure(o.bulkClients, bench.EPCISCaptureOp(r.env, o.bulkPer, "proceed"), r.procs(true), r.env.Recorded, "gateway-epcis-capture.pprof")
	if err != nil {
		return fmt.Errorf("EPCIS capture: %w", err)
	}
	rate := float64(ecSpan.Committed) / ecSpan.Seconds()
	r.rep.Add(bench.Row{Section: sec, Name: fmt.Sprintf("EPCIS capture (GS1-Capture-Error-Behaviour: proceed), %d-event documents, %d clients", o.bulkPer, o.bulkClients),
		Value: rate, Unit: "events/s", Baseline: r.bulkRate, BaseUnit: "native bulk events/s", Target: "≥ native bulk ingest", Met: bench.Met(rate >= r.bulkRate),
		Note: fmt.Sprintf("request→capture job finished p50 %.0f ms, p99 %.0f ms; %d failed documents; CPU %.2f ms per event", ec.P(.5), ec.P(.99), ec.Failures, ecSpan.CPUPer())})
	return epcisPaging(r, sec)
}

func epcisPaging(r *benchRun, sec string) error {
	n, took, err := bench.EPCISPaging(r.ctx, r.env.URL, r.env.Key, 1000)
	if err != nil {
		return fmt.Errorf("EPCIS paging: %w", err)
	}
	pr := float64(n) / took.Seconds()
	r.rep.Add(bench.Row{Section: sec, Name: fmt.Sprintf("GET /epcis/events paging through the run's %d events, 1,000 per page (nextPageToken)", n),
		Value: pr, Unit: "events/s", Target: "≥ 20,000 events/s", Met: bench.Met(pr >= 20000), Note: fmt.Sprintf("%s in all", took)})
	return nil
}
