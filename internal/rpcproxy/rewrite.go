package rpcproxy

import (
	"encoding/json"
	"fmt"

	"github.com/ethereum/go-ethereum/common/hexutil"
)

// Refusal makes the error a provider answers for an eth_getLogs range
// from..to it will not serve.
type Refusal func(from, to uint64) (code int, message string)

// Infura refuses like Infura, suggesting the first max blocks.
func Infura(max uint64) Refusal {
	return func(from, to uint64) (int, string) {
		return -32005, fmt.Sprintf("query returned more than 10000 results. Try with this block range [%#x, %#x].", from, from+max-1)
	}
}

// Alchemy refuses like Alchemy, suggesting the first max blocks.
func Alchemy(max uint64) Refusal {
	return func(from, to uint64) (int, string) {
		return -32602, fmt.Sprintf("Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range "+
			"and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. "+
			"Based on your parameters, this block range should work: [%#x, %#x]", from, from+max-1)
	}
}

// Geth refuses like geth started with --rpc.rangelimit max.
func Geth(max uint64) Refusal {
	return func(from, to uint64) (int, string) {
		return -32602, fmt.Sprintf("exceed maximum block range %d", max)
	}
}

// QuickNode refuses like QuickNode, with no suggestion.
func QuickNode(max uint64) Refusal {
	return func(from, to uint64) (int, string) {
		return -32614, fmt.Sprintf("eth_getLogs is limited to a %d range", max)
	}
}

func callLevel(f Fault) bool { return f == DropLogs || f == Behind || f == RefuseRange }

// rewrite applies the call-level rules to the node's answer to calls.
func (p *Proxy) rewrite(calls []*message, answer []byte) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	live := false
	for _, r := range p.rules {
		live = live || (callLevel(r.Fault) && !r.spent())
	}
	if !live {
		return answer
	}
	resps, batch := parseMessages(answer)
	if resps == nil {
		return answer
	}
	byID := map[string]*message{}
	for _, c := range calls {
		byID[string(c.ID)] = c
	}
	changed := false
	for _, resp := range resps {
		call := byID[string(resp.ID)]
		if call == nil || len(resp.Error) > 0 {
			continue
		}
		for _, r := range p.rules {
			if !callLevel(r.Fault) || r.spent() {
				continue
			}
			if apply(r, call, resp) {
				r.fired++
				p.injected[r.Fault]++
				changed = true
			}
		}
	}
	if !changed {
		return answer
	}
	var out []byte
	var err error
	if batch {
		out, err = json.Marshal(resps)
	} else {
		out, err = json.Marshal(resps[0])
	}
	if err != nil {
		return answer
	}
	return out
}

// apply applies r to one call's answer and says whether it changed it.
func apply(r *rule, call, resp *message) bool {
	switch {
	case r.Fault == RefuseRange && call.Method == "eth_getLogs":
		from, to, ok := logRange(call)
		if !ok || to < from || to-from+1 <= r.MaxRange {
			return false
		}
		code, msg := r.Refusal(from, to)
		resp.Error, _ = json.Marshal(map[string]any{"code": code, "message": msg})
		resp.Result = nil
		return true
	case r.Fault == Behind && call.Method == "eth_blockNumber":
		var head hexutil.Uint64
		if json.Unmarshal(resp.Result, &head) != nil || uint64(head) <= r.Block {
			return false
		}
		resp.Result, _ = json.Marshal(hexutil.Uint64(r.Block))
		return true
	case r.Fault == Behind && call.Method == "eth_getBlockByNumber":
		var params []json.RawMessage
		var num hexutil.Uint64
		if json.Unmarshal(call.Params, &params) != nil || len(params) == 0 ||
			json.Unmarshal(params[0], &num) != nil || uint64(num) <= r.Block {
			return false
		}
		resp.Result = json.RawMessage("null")
		return true
	case r.Fault == Behind && call.Method == "eth_getLogs":
		return dropLogs(resp, func(n uint64) bool { return n > r.Block })
	case r.Fault == DropLogs && call.Method == "eth_getLogs":
		return dropLogs(resp, func(n uint64) bool { return n == r.Block })
	}
	return false
}

// logRange reads the numeric block range of an eth_getLogs call.
func logRange(call *message) (from, to uint64, ok bool) {
	var params []struct {
		FromBlock *hexutil.Uint64 `json:"fromBlock"`
		ToBlock   *hexutil.Uint64 `json:"toBlock"`
	}
	if json.Unmarshal(call.Params, &params) != nil || len(params) == 0 || params[0].FromBlock == nil || params[0].ToBlock == nil {
		return 0, 0, false
	}
	return uint64(*params[0].FromBlock), uint64(*params[0].ToBlock), true
}

// dropLogs removes from an eth_getLogs answer the logs whose block number
// gone says, keeping every other log byte for byte.
func dropLogs(resp *message, gone func(uint64) bool) bool {
	var logs []json.RawMessage
	if json.Unmarshal(resp.Result, &logs) != nil {
		return false
	}
	kept := []json.RawMessage{}
	for _, l := range logs {
		var f struct {
			BlockNumber hexutil.Uint64 `json:"blockNumber"`
		}
		if json.Unmarshal(l, &f) == nil && gone(uint64(f.BlockNumber)) {
			continue
		}
		kept = append(kept, l)
	}
	if len(kept) == len(logs) {
		return false
	}
	resp.Result, _ = json.Marshal(kept)
	return true
}
