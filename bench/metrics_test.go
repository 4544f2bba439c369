package bench

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// TestMetricsSelectsByLabels: series are found by name and label values, whichever order the
// exposition writes the labels in, and a histogram's count and sum come from its own series.
func TestMetricsSelectsByLabels(t *testing.T) {
	reg := prometheus.NewRegistry()
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "requests_total"}, []string{"route", "code"})
	seconds := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "request_seconds"}, []string{"route", "code"})
	block := prometheus.NewGauge(prometheus.GaugeOpts{Name: "block"})
	reg.MustRegister(requests, seconds, block)
	requests.WithLabelValues("GET /t/{id}", "200").Add(3)
	requests.WithLabelValues("GET /t/{id}", "404").Add(2)
	requests.WithLabelValues("GET /healthz", "200").Add(5)
	for _, d := range []float64{.25, .5, 1} {
		seconds.WithLabelValues("GET /t/{id}", "200").Observe(d)
	}
	seconds.WithLabelValues("GET /t/{id}", "404").Observe(4)
	block.Set(17)
	written := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer written.Close()
	// the same series as a writer that puts labels in the order they were declared
	byHand := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(strings.Join([]string{
			"# TYPE requests_total counter",
			`requests_total{route="GET /t/{id}",code="200"} 3`,
			`requests_total{route="GET /t/{id}",code="404"} 2`,
			`requests_total{route="GET /healthz",code="200"} 5`,
			"# TYPE request_seconds histogram",
			`request_seconds_bucket{route="GET /t/{id}",code="200",le="+Inf"} 3`,
			`request_seconds_sum{route="GET /t/{id}",code="200"} 1.75`,
			`request_seconds_count{route="GET /t/{id}",code="200"} 3`,
			`request_seconds_bucket{route="GET /t/{id}",code="404",le="+Inf"} 1`,
			`request_seconds_sum{route="GET /t/{id}",code="404"} 4`,
			`request_seconds_count{route="GET /t/{id}",code="404"} 1`,
			"# TYPE block gauge",
			"block 17", "",
		}, "\n")))
	}))
	defer byHand.Close()
	for _, srv := range []*httptest.Server{written, byHand} {
		x, err := Metrics(t.Context(), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name   string
			labels []string
			want   float64
			found  bool
		}{
			{"requests_total", []string{"route", "GET /t/{id}", "code", "200"}, 3, true},
			{"requests_total", []string{"code", "200", "route", "GET /t/{id}"}, 3, true},
			{"requests_total", []string{"route", "GET /t/{id}"}, 5, true}, // every code of the route
			{"requests_total", []string{"code", "200"}, 8, true},
			{"requests_total", []string{"route", "GET /t/{id}", "code", "500"}, 0, false},
			{"requests_total", []string{"method", "GET"}, 0, false},
			{"block", nil, 17, true},
			{"no_such_metric", nil, 0, false},
		} {
			if v, ok := x.Value(tc.name, tc.labels...); v != tc.want || ok != tc.found {
				t.Errorf("%s: Value(%s, %q) = %v, %v; want %v, %v", srv.URL, tc.name, tc.labels, v, ok, tc.want, tc.found)
			}
		}
		for _, tc := range []struct {
			labels []string
			n      uint64
			sum    float64
			found  bool
		}{
			{[]string{"route", "GET /t/{id}", "code", "200"}, 3, 1.75, true},
			{[]string{"route", "GET /t/{id}"}, 4, 5.75, true},
			{[]string{"route", "GET /healthz"}, 0, 0, false},
		} {
			if n, sum, ok := x.Histogram("request_seconds", tc.labels...); n != tc.n || sum != tc.sum || ok != tc.found {
				t.Errorf("%s: Histogram(%q) = %d, %v, %v; want %d, %v, %v", srv.URL, tc.labels, n, sum, ok, tc.n, tc.sum, tc.found)
			}
		}
	}
}

func TestMetricsRefusesBadAnswers(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"not found", http.StatusNotFound, "404 page not found\n"},
		{"not an exposition", http.StatusOK, "<html>login</html>\n"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		}))
		if _, err := Metrics(t.Context(), srv.URL); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
		srv.Close()
	}
}
