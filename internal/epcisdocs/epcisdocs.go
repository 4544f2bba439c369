// Package epcisdocs gives tests the events of the gateway's EPCIS test documents
// (gateway/testdata/epcis): every event type and identifier shape, decoded as a capture decodes them.
package epcisdocs

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
)

// Events decodes every test document for actor, in file order; the test fails when there are none.
func Events(t testing.TB, actor domain.Party) []domain.Event {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(here), "..", "..", "gateway", "testdata", "epcis", "*.jsonld"))
	if len(files) == 0 {
		t.Fatal("no EPCIS test documents in gateway/testdata/epcis")
	}
	var events []domain.Event
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := epcisevent.Decode(doc, actor)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		events = append(events, evs...)
	}
	return events
}
