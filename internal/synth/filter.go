package synth

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/rpc"
)

// filterArg is the eth_getLogs argument as nodes accept it: a block range
// (numbers or tags, latest by default) or one block hash; an address or a
// list of them; topics by position, each null (any), one hash, or a list.
type filterArg struct {
	FromBlock *rpc.BlockNumber `json:"fromBlock"`
	ToBlock   *rpc.BlockNumber `json:"toBlock"`
	BlockHash *common.Hash     `json:"blockHash"`
	Address   oneOrMany[common.Address]
	Topics    []oneOrMany[common.Hash] `json:"topics"`
}

// oneOrMany decodes null, a single value, or a list of values.
type oneOrMany[T any] []T

func (o *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*o = nil
		return nil
	case len(b) > 0 && b[0] == '[':
		var list []T
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		*o = list
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*o = []T{v}
	return nil
}

func (f *filterArg) UnmarshalJSON(b []byte) error {
	type plain filterArg
	var raw struct {
		plain
		Address oneOrMany[common.Address] `json:"address"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("invalid filter: %w", err)
	}
	*f = filterArg(raw.plain)
	f.Address = raw.Address
	if f.BlockHash != nil && (f.FromBlock != nil || f.ToBlock != nil) {
		return fmt.Errorf("invalid filter: cannot specify both blockHash and fromBlock/toBlock")
	}
	return nil
}

// matches reports, for each kind of log, whether the filter selects it.
// Generated logs have exactly one topic, so a condition on any later
// position rules every log out.
func (f *filterArg) matches(evs [3]event) [3]bool {
	var out [3]bool
	for k, ev := range evs {
		out[k] = (len(f.Address) == 0 || contains(f.Address, ev.address)) &&
			(len(f.Topics) == 0 || len(f.Topics[0]) == 0 || contains(f.Topics[0], ev.topic))
		for _, t := range f.Topics[min(1, len(f.Topics)):] {
			if len(t) > 0 {
				out[k] = false
			}
		}
	}
	return out
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
