package ledger

import "github.com/agritrace/agritrace/domain"

// applyAggregate checks custody like any observation and, when the event packs contents into a
// container, links them (container → contents) so a recall of the container reaches its contents.
func (r *Recorder) applyAggregate(e *domain.Event) error {
	container, contents, packing := e.Packing()
	if err := r.eachHeld(e, false, func(b *domain.Batch) error {
		if !packing {
			return nil
		}
		if b.ID == container {
			for _, c := range contents {
				if c != container {
					b.Children = appendUnique(b.Children, c)
				}
			}
		} else {
			b.Parents = appendUnique(b.Parents, container)
		}
		return nil
	}); err != nil {
		return err
	}
	return nil
}
