package landing

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/agritrace/agritrace/gateway"
)

// NodeHealth is one node's /healthz answer, or why there is none.
type NodeHealth struct {
	Name, URL string
	gateway.Health
	Error string
}

// health asks every node at once; a node that does not answer in time is shown as unreachable.
func (p *Page) health(ctx context.Context) []NodeHealth {
	if len(p.Nodes) == 0 {
		nh := NodeHealth{Name: "本节点", URL: "/healthz"}
		if p.Self == nil {
			nh.Error = "no health source"
		} else if h, err := p.Self(ctx); err != nil {
			nh.Error = err.Error()
		} else {
			nh.Health = h
		}
		return []NodeHealth{nh}
	}
	out := make([]NodeHealth, len(p.Nodes))
	var wg sync.WaitGroup
	for i, n := range p.Nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = NodeHealth{Name: n.Name, URL: n.HealthURL}
			h, err := p.fetch(ctx, n.HealthURL)
			if err != nil {
				out[i].Error = err.Error()
				return
			}
			out[i].Health = h
		}()
	}
	wg.Wait()
	return out
}

func (p *Page) fetch(ctx context.Context, u string) (gateway.Health, error) {
	var h gateway.Health
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return h, fmt.Errorf("health URL %s: %w", u, err)
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		return h, fmt.Errorf("unreachable: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return h, fmt.Errorf("answered %d", resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&h); err != nil {
		return h, fmt.Errorf("unreadable health answer: %w", err)
	}
	return h, nil
}
