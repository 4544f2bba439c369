package seeds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Result summarises a load.
type Result struct {
	Committed, Duplicates, Rejected int
}

// Endpoint is one org's gateway and the API key that org's platform uses on it. Each org signs
// only through its own gateway, so every step goes to the endpoint of the org that records it.
type Endpoint struct {
	URL, Key string
}

// SameURL gives every org the same gateway: tests that serve all orgs from one in-memory gateway.
func SameURL(url string, keys map[string]string) map[string]Endpoint {
	out := make(map[string]Endpoint, len(keys))
	for org, k := range keys {
		out[org] = Endpoint{URL: url, Key: k}
	}
	return out
}

// EnvVars names an org's URL and key variables in the demo environment: the regulator's, then the
// platforms' in org order (the first is AGRITRACE_URL / AGRITRACE_PLATFORM_KEY, the next
// AGRITRACE_PLATFORM2_…). platform is the org's position among the platforms, from 1.
func EnvVars(role string, platform int) (urlVar, keyVar string) {
	switch {
	case role == "regulator":
		return "AGRITRACE_REGULATOR_URL", "AGRITRACE_REGULATOR_KEY"
	case platform <= 1:
		return "AGRITRACE_URL", "AGRITRACE_PLATFORM_KEY"
	}
	return fmt.Sprintf("AGRITRACE_PLATFORM%d_URL", platform), fmt.Sprintf("AGRITRACE_PLATFORM%d_KEY", platform)
}

// FromEnv maps the demo environment (run/demo.env) to the demo orgs' endpoints.
func FromEnv(env map[string]string) map[string]Endpoint {
	return map[string]Endpoint{
		"hlj": {URL: env["AGRITRACE_URL"], Key: env["AGRITRACE_PLATFORM_KEY"]},
		"ha":  {URL: env["AGRITRACE_PLATFORM2_URL"], Key: env["AGRITRACE_PLATFORM2_KEY"]},
		"reg": {URL: env["AGRITRACE_REGULATOR_URL"], Key: env["AGRITRACE_REGULATOR_KEY"]},
	}
}

// Load posts every chain through the gateways' public API, each step to its org's endpoint.
// Re-running it only yields duplicates.
func Load(ctx context.Context, orgs map[string]Endpoint, chains []Chain, progress io.Writer) (Result, error) {
	var total Result
	client := &http.Client{Timeout: 2 * time.Minute}
	// the registry first: every enterprise the chains name, and the certification body
	chains = append([]Chain{{Key: "registry", Title: "主体备案与认证机构 (registry)", Steps: Registry(chains)}}, chains...)
	for _, c := range chains {
		for _, s := range c.Steps {
			ep, ok := orgs[s.Org]
			if !ok {
				return total, fmt.Errorf("no gateway endpoint for org %q", s.Org)
			}
			var r Result
			var err error
			switch {
			case s.Recall != nil:
				r, err = postRecall(ctx, client, ep.URL, ep.Key, *s.Recall)
			case s.Post != nil:
				r, err = postReserve(ctx, client, ep.URL, ep.Key, *s.Post)
			default:
				r, err = postBulk(ctx, client, ep.URL, ep.Key, s)
			}
			if err != nil {
				return total, fmt.Errorf("seed %s: %w", c.Key, err)
			}
			total.Committed += r.Committed
			total.Duplicates += r.Duplicates
			total.Rejected += r.Rejected
		}
		if progress != nil {
			fmt.Fprintf(progress, "  seeded %-8s %s\n", c.Key, c.Title)
		}
	}
	if total.Rejected > 0 {
		return total, fmt.Errorf("%d seed events were rejected", total.Rejected)
	}
	return total, nil
}

func post(ctx context.Context, client *http.Client, u, key string, body any) ([]byte, int, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return out, resp.StatusCode, err
}

func postBulk(ctx context.Context, client *http.Client, base, key string, s Step) (Result, error) {
	out, status, err := post(ctx, client, base+"/v1/events", key, map[string]any{"events": s.Events})
	if err != nil {
		return Result{}, err
	}
	var resp struct {
		Accepted, Duplicates, Rejected int
		Results                        []struct {
			EventID string
			Problem *struct{ Detail, Pointer string }
		}
	}
	if err := json.Unmarshal(out, &resp); err != nil || (status != 200 && status != 207) {
		return Result{}, fmt.Errorf("POST /v1/events: %d %s", status, out)
	}
	for _, r := range resp.Results {
		if r.Problem != nil {
			return Result{}, fmt.Errorf("event %s rejected at %s: %s", r.EventID, r.Problem.Pointer, r.Problem.Detail)
		}
	}
	return Result{resp.Accepted, resp.Duplicates, resp.Rejected}, nil
}

func postRecall(ctx context.Context, client *http.Client, base, key string, r Recall) (Result, error) {
	out, status, err := post(ctx, client, base+"/v1/batches/"+url.PathEscape(r.Batch)+"/recall", key,
		map[string]any{"id": r.EventID, "reason": r.Reason, "eventTime": r.EventTime, "attributes": recallAttributes(r),
			"actor": map[string]string{"enterprise": "国家粮食和物资储备局 执法督查局"}})
	if err != nil {
		return Result{}, err
	}
	switch status {
	case http.StatusCreated:
		return Result{Committed: 1}, nil
	case http.StatusOK:
		return Result{Duplicates: 1}, nil
	}
	return Result{}, fmt.Errorf("recall %s: %d %s", r.Batch, status, out)
}

func recallAttributes(r Recall) map[string]any {
	if r.Hotline == "" {
		return nil
	}
	return map[string]any{"hotline": r.Hotline}
}
