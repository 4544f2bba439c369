package gateway

import (
	"fmt"
	"net/http"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/wire"
)

// eventBytes is the size an event takes in a RecordEvents argument (private terms travel apart).
func eventBytes(e domain.Event) int {
	n, err := domain.EventSize(e)
	if err != nil {
		return wire.MaxEventBytes + 1
	}
	return n
}

// checkEventSize refuses, before Fabric, an event of n bytes (eventBytes) that no transaction can
// carry: Fabric would refuse the transaction the same way on every retry.
func checkEventSize(n int) *Problem {
	if n <= wire.MaxEventBytes {
		return nil
	}
	p := newProblem(http.StatusRequestEntityTooLarge, "event-too-large", fmt.Sprintf(
		"this event is %d bytes of JSON; one event may be at most %d, because a Fabric transaction carries each event about %d times "+
			"within its %d-byte message limit. Keep files off the ledger (documents[] with name, sha256 and uri), "+
			"and split long lists (batches, inputs, outputs, attributes) across several events",
		n, wire.MaxEventBytes, wire.TxAmplification, wire.FabricMaxMessageBytes))
	p.Rule = "fabric-message-limit"
	return p
}

// fitBytes cuts every transaction of the packed lanes so that the events of one transaction total
// at most wire.MaxTxEventBytes, sizes[i] being event i's eventBytes (measured once, on admission:
// each measure writes the event's JSON, and a captured event's EPCIS is checked again each time).
// Pieces stay in order in their lane, so events of one batch still commit in sequence.
func fitBytes(lanes [][][]int, sizes []int) [][][]int {
	out := make([][][]int, 0, len(lanes))
	for _, lane := range lanes {
		var nl [][]int
		for _, chunk := range lane {
			if len(chunk)*wire.MaxEventBytes <= wire.MaxTxEventBytes {
				// events are at most MaxEventBytes each (checkEventSize): no need to measure
				nl = append(nl, chunk)
				continue
			}
			var cur []int
			size := 0
			for _, i := range chunk {
				n := sizes[i]
				if len(cur) > 0 && size+n > wire.MaxTxEventBytes {
					nl = append(nl, cur)
					cur, size = nil, 0
				}
				cur = append(cur, i)
				size += n
			}
			if len(cur) > 0 {
				nl = append(nl, cur)
			}
		}
		out = append(out, nl)
	}
	return out
}
