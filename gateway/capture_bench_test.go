package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
	"github.com/agritrace/agritrace/internal/memledger"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/readmodel"
)

// BenchmarkCaptureAgainstNative is the bench's epcis phase without Fabric: 1,000-event documents
// of commissioning ObjectEvents captured through /epcis/capture (proceed, polling the job), against
// the very same events posted natively to /v1/events, each side on a fresh gateway whose ledger is
// in memory (the contract's rules run in this process, the read model is a file). It shows what
// the gateway process and the rules spend on the EPCIS interface, apart from the network's noise;
// run one side with -cpuprofile to see where.
func BenchmarkCaptureAgainstNative(b *testing.B) {
	for _, side := range []string{"capture", "native"} {
		b.Run(side, func(b *testing.B) {
			url, key, enterprise := captureBenchServer(b)
			docs := make([][]byte, b.N)
			for n := range docs {
				docs[n] = commissioningDoc(b, n, side == "native", enterprise)
			}
			runtime.GC() // the documents' garbage is not the side's
			b.ResetTimer()
			reportCPU(b, func() {
				for n := 0; n < b.N; n++ {
					if side == "native" {
						if st, body, _ := benchDo(b, "POST", url+"/v1/events", key, docs[n], "application/json", nil); st != http.StatusOK {
							b.Fatalf("native: %d %.300s", st, body)
						}
						continue
					}
					st, body, loc := benchDo(b, "POST", url+"/epcis/capture", key, docs[n], "application/ld+json", map[string]string{"GS1-Capture-Error-Behaviour": "proceed"})
					if st != http.StatusAccepted {
						b.Fatalf("capture: %d %.300s", st, body)
					}
					awaitJob(b, url+loc, key)
				}
			})
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/event")
		})
	}
}

// captureBenchServer is a gateway over an in-memory ledger and a read model on disk (as deployed),
// with 黑龙江's key and the enterprise its captures are recorded for.
func captureBenchServer(b *testing.B) (url, key, enterprise string) {
	store, err := readmodel.Open(filepath.Join(b.TempDir(), "readmodel.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	keys := &Keys{}
	for _, o := range network.DefaultOrgs() {
		k, err := keys.NewKey(o.Label, o.Identity(), nil)
		if err != nil {
			b.Fatal(err)
		}
		if o.Key == "hlj" {
			key, enterprise = k, o.Label
		}
	}
	srv := New(keys, store, memledger.New(store, orgMSP, "reg"), nil, Options{MaxBodyBytes: 8 << 20, RegulatorMSP: orgMSP["reg"]},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts := httptest.NewServer(srv.Mux())
	b.Cleanup(ts.Close)
	return ts.URL, key, enterprise
}

// commissioningDoc is document n of 1,000 commissioning ObjectEvents, a lot each, as the bench's
// epcis phase captures them; native, the same events decoded by the gateway's EPCIS decoder and
// written as a /v1/events body, as the bench's native twin sends them.
func commissioningDoc(b *testing.B, n int, native bool, enterprise string) []byte {
	events := make([]map[string]any, 1000)
	for i := range events {
		events[i] = map[string]any{"type": "ObjectEvent", "eventID": fmt.Sprintf("urn:uuid:bench-%d-%d", n, i),
			"eventTime": "2026-10-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "commissioning",
			"quantityList": []map[string]any{{"epcClass": fmt.Sprintf("urn:epc:class:lgtin:6901234.050002.c%d-%d", n, i), "quantity": 1000, "uom": "KGM"}},
			"bizLocation":  map[string]string{"id": "urn:epc:id:sgln:6901234.00001.0"}}
	}
	doc, _ := json.Marshal(map[string]any{"@context": []string{"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"},
		"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-10-01T08:00:00Z", "epcisBody": map[string]any{"eventList": events}})
	if !native {
		return doc
	}
	evs, err := epcisevent.Decode(doc, domain.Party{Enterprise: enterprise})
	if err != nil {
		b.Fatal(err)
	}
	for i := range evs {
		evs[i].EPCIS = nil
	}
	body, _ := json.Marshal(map[string]any{"events": evs})
	return body
}

func benchDo(b *testing.B, method, url, key string, body []byte, ctype string, hdr map[string]string) (int, []byte, string) {
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header.Get("Location")
}

// awaitJob polls a capture job until it has finished, and fails b unless it succeeded.
func awaitJob(b *testing.B, url, key string) {
	for {
		_, body, _ := benchDo(b, "GET", url, key, nil, "", nil)
		var job struct{ Running, Success bool }
		if err := json.Unmarshal(body, &job); err != nil {
			b.Fatalf("capture job: %v: %.300s", err, body)
		}
		if !job.Running {
			if !job.Success {
				b.Fatalf("capture job failed: %.500s", body)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}
