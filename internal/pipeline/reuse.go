package pipeline

import (
	"context"
	"encoding/json"
	"reflect"

	"motif/internal/catalog"
)

// findDone returns the newest finished run of a kind, set and parent whose
// parameters equal params (compared as JSON), so that `motif run` and the
// demo skip work already done.
func findDone(ctx context.Context, p *Project, kind string, set, parent int64, params map[string]any) (catalog.Run, bool) {
	want := normalise(params)
	r, err := p.Catalog.LatestRun(ctx, kind, set, func(r catalog.Run) bool {
		return r.Parent == parent && reflect.DeepEqual(normalise(r.Params), want)
	})
	return r, err == nil
}

func normalise(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}
