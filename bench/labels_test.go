package bench

import "testing"

func TestLabelsSmoke(t *testing.T) {
	a, b, err := Labels(200)
	if err != nil || a.Wall <= 0 || b.Wall <= 0 {
		t.Fatalf("labels: %+v %+v %v", a, b, err)
	}
}

func BenchmarkLabels10k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		ours, stock, err := Labels(10000)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(ours.Wall.Seconds(), "agritrace-s")
		b.ReportMetric(ours.CPU.Seconds(), "agritrace-cpu-s")
		b.ReportMetric(stock.Wall.Seconds(), "stock-go-qrcode-s")
		b.ReportMetric(stock.CPU.Seconds(), "stock-go-qrcode-cpu-s")
	}
}
