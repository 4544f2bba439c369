package readmodel

import "testing"

// TestSubscriptionKeepsItsEPCFormat: the GS1-EPC-Format a subscription was made with is kept with
// it on both stores, and a subscription made without one reads back without one.
func TestSubscriptionKeepsItsEPCFormat(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		for _, sub := range []Subscription{
			{ID: "s-dl", Query: "q", Dest: "https://hooks.example/a", Secret: "x", Owner: "k", Created: "2026-11-26T10:00:00Z", EPCFormat: "Always_GS1_Digital_Link"},
			{ID: "s-plain", Query: "q", Dest: "https://hooks.example/b", Secret: "y", Owner: "k", Created: "2026-11-26T10:00:01Z"},
		} {
			if err := s.AddSubscription(t.Context(), sub); err != nil {
				t.Fatal(err)
			}
		}
		subs, err := s.Subscriptions(t.Context(), "q")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, sub := range subs {
			got[sub.ID] = sub.EPCFormat
		}
		if len(got) != 2 || got["s-dl"] != "Always_GS1_Digital_Link" || got["s-plain"] != "" {
			t.Fatalf("formats read back: %v", got)
		}
	})
}
