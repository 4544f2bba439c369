package bench

import "testing"

func TestLabelsSmoke(t *testing.T) {
	a, b, err := Labels(200)
	if err != nil || a <= 0 || b <= 0 {
		t.Fatalf("labels: %v %v %v", a, b, err)
	}
}

func BenchmarkLabels10k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sk, bb, err := Labels(10000)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(sk.Seconds(), "agritrace-s")
		b.ReportMetric(bb.Seconds(), "stock-go-qrcode-s")
	}
}
