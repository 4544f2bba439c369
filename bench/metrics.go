package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Exposition is a gateway's /metrics, parsed: its metric families by name. Series are picked by
// metric name and label values, never by their text, so the order the exposition writes labels
// in, and whatever else it adds, does not matter.
type Exposition map[string]*dto.MetricFamily

// Metrics reads and parses base's /metrics.
func Metrics(ctx context.Context, base string) (Exposition, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	// the text format: the parser's, whatever the server would otherwise choose
	req.Header.Set("Accept", string(expfmt.NewFormat(expfmt.TypeTextPlain)))
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s/metrics: %d", base, resp.StatusCode)
	}
	x, err := ParseMetrics(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s/metrics: %w", base, err)
	}
	return x, nil
}

// ParseMetrics parses an exposition in the Prometheus text format.
func ParseMetrics(r io.Reader) (Exposition, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(r)
}

// Value is the sum of the values of the named counter's or gauge's series whose labels have the
// given values (label, value, label, value…; a label not given may have any value), and whether
// any series matched.
func (x Exposition) Value(name string, labels ...string) (float64, bool) {
	var sum float64
	matched := x.each(name, labels, func(m *dto.Metric) {
		switch {
		case m.Counter != nil:
			sum += m.Counter.GetValue()
		case m.Gauge != nil:
			sum += m.Gauge.GetValue()
		case m.Untyped != nil:
			sum += m.Untyped.GetValue()
		}
	})
	return sum, matched
}

// Histogram is the count and the sum of the observations of the named histogram's series whose
// labels have the given values (as Value picks them), and whether any series matched.
func (x Exposition) Histogram(name string, labels ...string) (count uint64, sum float64, ok bool) {
	ok = x.each(name, labels, func(m *dto.Metric) {
		count += m.GetHistogram().GetSampleCount()
		sum += m.GetHistogram().GetSampleSum()
	})
	return count, sum, ok
}

// each calls f with every series of name whose labels have the given values.
func (x Exposition) each(name string, labels []string, f func(*dto.Metric)) bool {
	if len(labels)%2 != 0 {
		panic("bench: labels come in label, value pairs")
	}
	matched := false
	for _, m := range x[name].GetMetric() {
		if hasLabels(m, labels) {
			f(m)
			matched = true
		}
	}
	return matched
}

func hasLabels(m *dto.Metric, labels []string) bool {
	for i := 0; i < len(labels); i += 2 {
		found := false
		for _, l := range m.GetLabel() {
			if l.GetName() == labels[i] {
				found = l.GetValue() == labels[i+1]
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
