package chain

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// logList is an eth_getLogs answer. Decoding it into []types.Log with
// encoding/json was most of a backfill's CPU: go-ethereum's gencodec
// UnmarshalJSON re-parses every log, then every field, by reflection. This
// decoder reads the array in one pass, hex straight into the log fields,
// with the logs' Data and Topics carved out of a few shared buffers. It
// gives exactly what json.Unmarshal into []types.Log gives for every input
// that accepts, and refuses what it refuses (FuzzLogList checks both),
// down to go-ethereum's quirks: field names match case-insensitively, a
// later duplicate field wins, null clears a field, "" is a zero quantity.
type logList []types.Log

// The fields of a log, in gencodec's order.
const (
	fieldAddress = iota
	fieldTopics
	fieldData
	fieldBlockNumber
	fieldTxHash
	fieldTxIndex
	fieldBlockHash
	fieldBlockTimestamp
	fieldLogIndex
	fieldRemoved
	numLogFields
)

var logFieldNames = [numLogFields][]byte{
	[]byte("address"), []byte("topics"), []byte("data"), []byte("blockNumber"), []byte("transactionHash"),
	[]byte("transactionIndex"), []byte("blockHash"), []byte("blockTimestamp"), []byte("logIndex"), []byte("removed"),
}

// requiredLogFields are the fields gencodec refuses a log without.
var requiredLogFields = [...]int{fieldAddress, fieldTopics, fieldData, fieldTxHash}

// Sizes of the shared buffers the logs' Data and Topics are carved from;
// one log's Data keeps its whole chunk alive, which is fine for logs that
// are handled and dropped together.
const (
	dataChunk   = 64 << 10
	topicsChunk = 2 << 10
)

// UnmarshalJSON decodes an array of logs; null is no logs. Called by the
// rpc client through json.Unmarshal, which still scans the bytes twice
// (validating, then finding the value's end) before this pass: that, and
// the client's own reading of the batch, is most of what decoding costs now.
func (l *logList) UnmarshalJSON(in []byte) error {
	d := logDecoder{jsonReader: jsonReader{in: in}}
	logs, err := d.list()
	if err != nil {
		return &answerError{"the eth_getLogs answer", err}
	}
	*l = logs
	return nil
}

type logDecoder struct {
	jsonReader
	data   []byte        // free room for Data, len == cap
	hashes []common.Hash // free room for Topics, len 0
}

func (d *logDecoder) list() ([]types.Log, error) {
	switch d.next() {
	case 'n':
		if !d.literal("null") {
			return nil, d.syntaxError("null")
		}
		return nil, d.end()
	case '[':
		d.pos++
	default:
		return nil, fmt.Errorf("want an array of logs, got %s", d.what())
	}
	logs := make([]types.Log, 0, 1)
	if d.next() == ']' {
		d.pos++
		return logs, d.end()
	}
	for {
		start := d.pos
		logs = append(logs, types.Log{})
		if err := d.log(&logs[len(logs)-1]); err != nil {
			return nil, fmt.Errorf("log %d: %w", len(logs)-1, err)
		}
		if len(logs) == 1 {
			// Logs of one answer are much alike: size the list after the first.
			grown := make([]types.Log, 1, 1+(len(d.in)-d.pos)/(d.pos-start+1))
			grown[0] = logs[0]
			logs = grown
		}
		switch d.next() {
		case ',':
			d.pos++
			d.space()
		case ']':
			d.pos++
			return logs, d.end()
		default:
			return nil, d.syntaxError("',' or ']' after a log")
		}
	}
}

// log decodes one log object into l, which is zero.
func (d *logDecoder) log(l *types.Log) error {
	var have [numLogFields]bool
	err := d.object(logFieldNames[:], 2, func(f int) (err error) {
		have[f], err = d.field(l, f)
		return err
	})
	if err != nil {
		return err
	}
	for _, f := range requiredLogFields {
		if !have[f] {
			return fmt.Errorf("no %s", logFieldNames[f])
		}
	}
	return nil
}

// field decodes the value of field f into l and reports whether it is set:
// null unsets a field, as it leaves gencodec's pointer nil.
func (d *logDecoder) field(l *types.Log, f int) (bool, error) {
	if d.literal("null") {
		switch f {
		case fieldAddress:
			l.Address = common.Address{}
		case fieldTopics:
			l.Topics = nil
		case fieldData:
			l.Data = nil
		case fieldBlockNumber:
			l.BlockNumber = 0
		case fieldTxHash:
			l.TxHash = common.Hash{}
		case fieldTxIndex:
			l.TxIndex = 0
		case fieldBlockHash:
			l.BlockHash = common.Hash{}
		case fieldBlockTimestamp:
			l.BlockTimestamp = 0
		case fieldLogIndex:
			l.Index = 0
		case fieldRemoved:
			l.Removed = false
		}
		return false, nil
	}
	var err error
	switch f {
	case fieldAddress:
		err = d.fixedHex(l.Address[:])
	case fieldTopics:
		l.Topics, err = d.topics()
	case fieldData:
		l.Data, err = d.bytes()
	case fieldBlockNumber:
		l.BlockNumber, err = d.quantity()
	case fieldTxHash:
		err = d.fixedHex(l.TxHash[:])
	case fieldTxIndex:
		var v uint64
		v, err = d.quantity()
		l.TxIndex = uint(v)
	case fieldBlockHash:
		err = d.fixedHex(l.BlockHash[:])
	case fieldBlockTimestamp:
		l.BlockTimestamp, err = d.quantity()
	case fieldLogIndex:
		var v uint64
		v, err = d.quantity()
		l.Index = uint(v)
	case fieldRemoved:
		switch {
		case d.literal("true"):
			l.Removed = true
		case d.literal("false"):
			l.Removed = false
		default:
			err = fmt.Errorf("want true or false, got %s", d.what())
		}
	}
	return err == nil, err
}

// bytes decodes a quoted 0x-prefixed hex string of any even length ("" is
// empty too) as hexutil.Bytes does.
func (d *logDecoder) bytes() ([]byte, error) {
	at := d.pos
	s, err := d.hexString()
	switch {
	case err != nil:
		return nil, err
	case len(s) == 0:
		return []byte{}, nil
	case len(s) < 2 || s[0] != '0' || s[1]|0x20 != 'x':
		return nil, errNoPrefix
	case len(s)%2 != 0:
		return nil, fmt.Errorf("hex string of odd length %d", len(s)-2)
	}
	out := d.alloc((len(s) - 2) / 2)
	if !decodeHex(out, s[2:]) {
		d.pos = at
		return nil, fmt.Errorf("invalid hex digit in %s", d.what())
	}
	return out, nil
}

// topics decodes an array of 32-byte hex strings.
func (d *logDecoder) topics() ([]common.Hash, error) {
	if d.pos >= len(d.in) || d.in[d.pos] != '[' {
		return nil, fmt.Errorf("want an array, got %s", d.what())
	}
	d.pos++
	t := d.hashes[:0]
	if d.next() != ']' {
		for {
			if len(t) == cap(t) {
				// A topic takes at least 68 bytes of the input.
				grown := make([]common.Hash, len(t), max(2*len(t)+1, min(topicsChunk, (len(d.in)-d.pos)/68+1)))
				copy(grown, t)
				t = grown
			}
			t = t[:len(t)+1]
			if err := d.fixedHex(t[len(t)-1][:]); err != nil {
				return nil, fmt.Errorf("topic %d: %w", len(t)-1, err)
			}
			if c := d.next(); c == ',' {
				d.pos++
				d.space()
				continue
			} else if c == ']' {
				break
			}
			return nil, d.syntaxError("',' or ']' after a topic")
		}
	}
	d.pos++
	n := len(t)
	if n == 0 {
		return []common.Hash{}, nil
	}
	d.hashes = t[n:]
	return t[:n:n], nil
}

// alloc carves n bytes out of the shared Data buffer.
func (d *logDecoder) alloc(n int) []byte {
	if n == 0 {
		return []byte{} // hexutil.Bytes decodes "0x" as empty, not nil
	}
	if n > len(d.data) {
		// The rest of the input holds at most half its size in bytes.
		d.data = make([]byte, max(n, min(dataChunk, (len(d.in)-d.pos)/2)))
	}
	b := d.data[:n:n]
	d.data = d.data[n:]
	return b
}
