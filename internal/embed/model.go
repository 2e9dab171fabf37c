package embed

import (
	"errors"
	"fmt"
)

// model is the interface a model presents, decided from its inputs and outputs.
type model struct {
	input, output string
	batch         int64 // fixed batch size, or −1
	h, w          int64 // input height and width (−1 when dynamic)
	tokens        int   // tokens T of a [N, T, D] output; 0 for a pooled output
	d             int   // D
	dim           int   // vector length
}

// chooseIO picks the NCHW float input and the output to embed with.
func chooseIO(ins, outs []TensorInfo, opts Options) (model, error) {
	var m model
	var floats []TensorInfo
	for _, t := range ins {
		if t.Type == "float" && len(t.Shape) == 4 && (t.Shape[1] == 3 || t.Shape[1] < 0) {
			floats = append(floats, t)
		}
	}
	if len(floats) != 1 || len(ins) != 1 {
		return m, fmt.Errorf("model %s: want one float input [N, 3, H, W]; inputs are %v", opts.Model, ins)
	}
	in := floats[0]
	m.input, m.batch, m.h, m.w = in.Name, in.Shape[0], in.Shape[2], in.Shape[3]
	var pick *TensorInfo
	if opts.Output != "" {
		for i := range outs {
			if outs[i].Name == opts.Output {
				pick = &outs[i]
			}
		}
		if pick == nil {
			return m, fmt.Errorf("model %s has no output %q; outputs are %v", opts.Model, opts.Output, outs)
		}
	} else {
		var rank2, rank3 *TensorInfo
		for i := range outs {
			t := &outs[i]
			if t.Type != "float" {
				continue
			}
			switch {
			case len(t.Shape) == 2 && (rank2 == nil || t.Name == "pooler_output"):
				rank2 = t
			case len(t.Shape) == 3 && (rank3 == nil || t.Name == "last_hidden_state"):
				rank3 = t
			}
		}
		if opts.Pooling == PoolingAuto && rank2 != nil {
			pick = rank2
		} else {
			pick = rank3
		}
		if pick == nil && opts.Pooling == PoolingAuto {
			pick = rank2
		}
		if pick == nil && rank2 != nil {
			return m, fmt.Errorf("model %s: output %s is already pooled [N, D]; --pooling %s needs a token output [N, T, D]", opts.Model, rank2.Name, opts.Pooling)
		}
		if pick == nil {
			return m, fmt.Errorf("model %s has no float output [N, D] or [N, T, D]; outputs are %v", opts.Model, outs)
		}
	}
	switch len(pick.Shape) {
	case 2:
		if opts.Pooling != PoolingAuto {
			return m, fmt.Errorf("model output %s is already pooled [N, D]; --pooling %s needs a token output [N, T, D]", pick.Name, opts.Pooling)
		}
		m.d = int(pick.Shape[1])
	case 3:
		m.d = int(pick.Shape[2])
		m.tokens = int(pick.Shape[1]) // may be −1: known after the first run
	default:
		return m, fmt.Errorf("model output %s has shape %v; want [N, D] or [N, T, D]", pick.Name, pick.Shape)
	}
	if pick.Type != "float" {
		return m, fmt.Errorf("model output %s is %s; want float", pick.Name, pick.Type)
	}
	m.output = pick.Name
	m.dim = m.d
	if opts.Pooling == PoolingCLSMean {
		m.dim = 2 * m.d
	}
	return m, nil
}

// checkInputSize compares the model's input size with what the preprocessing produces.
func checkInputSize(m model, p Preprocessing) error {
	w, h, ok := p.FixedSize()
	if !ok {
		return errors.New("the preprocessing gives pictures of varying size; set a centre crop (crop_size) or a fixed resize (size height/width)")
	}
	if (m.h > 0 && m.h != int64(h)) || (m.w > 0 && m.w != int64(w)) {
		return fmt.Errorf("the model wants %d×%d input but the preprocessing makes %d×%d", m.w, m.h, w, h)
	}
	return nil
}
