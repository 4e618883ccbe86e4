package chain

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// One log as geth sends it, and pieces to build variants from.
const (
	addrHex  = `"0xbb9bc244d798123fde783fcc1c72d3bb8c189413"`
	hashHex  = `"0x1dec87ec1ba8e65b7773bb6f62249468948a28a427efd3d896a2ff7d7c591a67"`
	topicHex = `"0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"`
	logHead  = `"address":` + addrHex + `,"topics":[` + topicHex + `,` + hashHex + `],"data":"0x00ff10",`
	logTail  = `"blockNumber":"0x1ac9f3","transactionHash":` + hashHex + `,"transactionIndex":"0x2",` +
		`"blockHash":` + hashHex + `,"logIndex":"0x1f","removed":false`
	oneLog = `{` + logHead + logTail + `}`
)

// decodeBoth decodes in as the rpc client would, once into []types.Log
// (go-ethereum's own decoding) and once into a logList.
func decodeBoth(t testing.TB, in []byte) (got, want []types.Log, gotErr, wantErr error) {
	t.Helper()
	wantErr = json.Unmarshal(in, &want)
	var l logList
	gotErr = json.Unmarshal(in, &l)
	var direct logList
	directErr := direct.UnmarshalJSON(in)
	if (directErr == nil) != (gotErr == nil) || !reflect.DeepEqual(direct, l) {
		t.Fatalf("UnmarshalJSON alone disagrees with json.Unmarshal on %q: %v vs %v", in, directErr, gotErr)
	}
	return l, want, gotErr, wantErr
}

func TestLogListMatchesGoEthereum(t *testing.T) {
	want1 := types.Log{
		Address:     common.HexToAddress(addrHex[1 : len(addrHex)-1]),
		Topics:      []common.Hash{common.HexToHash(topicHex[1 : len(topicHex)-1]), common.HexToHash(hashHex[1 : len(hashHex)-1])},
		Data:        []byte{0, 0xff, 0x10},
		BlockNumber: 0x1ac9f3,
		TxHash:      common.HexToHash(hashHex[1 : len(hashHex)-1]),
		TxIndex:     2,
		BlockHash:   common.HexToHash(hashHex[1 : len(hashHex)-1]),
		Index:       0x1f,
	}
	withField := func(f string) string { return `[{` + logHead + logTail + `,` + f + `}]` }
	for _, tc := range []struct {
		name    string
		in      string
		wantErr string // "" when both accept
		check   func(t *testing.T, logs []types.Log)
	}{
		{name: "one log", in: `[` + oneLog + `]`, check: func(t *testing.T, logs []types.Log) {
			if len(logs) != 1 || !reflect.DeepEqual(logs[0], want1) {
				t.Errorf("got %+v, want %+v", logs, want1)
			}
		}},
		{name: "empty array", in: `[]`, check: func(t *testing.T, logs []types.Log) {
			if logs == nil || len(logs) != 0 {
				t.Errorf("got %#v, want an empty list", logs)
			}
		}},
		{name: "null", in: ` null `, check: func(t *testing.T, logs []types.Log) {
			if logs != nil {
				t.Errorf("got %#v, want nil", logs)
			}
		}},
		{name: "three logs", in: `[` + oneLog + `,` + oneLog + `,` + oneLog + `]`, check: func(t *testing.T, logs []types.Log) {
			if len(logs) != 3 || !reflect.DeepEqual(logs[2], want1) {
				t.Errorf("got %+v", logs)
			}
		}},
		{name: "whitespace everywhere", in: " \n[ {\t\"address\" :\r" + addrHex + " , \"topics\" : [ " + topicHex + " ,\n" + hashHex +
			" ] , \"data\" : \"0x\" , \"transactionHash\" :" + hashHex + " } ,\n{" + logHead + logTail + "}\n] \n"},
		{name: "uppercase hex and prefix", in: `[{"address":"0XBB9BC244D798123FDE783FCC1C72D3BB8C189413","topics":[],"data":"0XABCDEF",` +
			`"transactionHash":"0x1DEC87EC1BA8E65B7773BB6F62249468948A28A427EFD3D896A2FF7D7C591A67","logIndex":"0XAB"}]`,
			check: func(t *testing.T, logs []types.Log) {
				if logs[0].Address != want1.Address || logs[0].Index != 0xab || string(logs[0].Data) != "\xab\xcd\xef" {
					t.Errorf("got %+v", logs[0])
				}
			}},
		{name: "extra fields, nested", in: withField(`"blockTimestamp":"0x6553f100","x":{"a":[1,-2.5e+3,true,false,null,"\"}"],"b":{}},"y":[[],[[]]]`),
			check: func(t *testing.T, logs []types.Log) {
				if logs[0].BlockTimestamp != 0x6553f100 || logs[0].Index != 0x1f {
					t.Errorf("got %+v", logs[0])
				}
			}},
		{name: "field names fold case", in: `[{"ADDRESS":` + addrHex + `,"Topics":[],"dAtA":"0x","TransactionHash":` + hashHex + `,"LOGINDEX":"0x5"}]`,
			check: func(t *testing.T, logs []types.Log) {
				if logs[0].Address != want1.Address || logs[0].Index != 5 {
					t.Errorf("got %+v", logs[0])
				}
			}},
		{name: "field name with escapes and a Kelvin sign", in: `[{"\u0061ddress":` + addrHex + `,"topics":[],"data":"0x","transactionHash":` + hashHex +
			`,"bloc\u212aNumber":"0x7"}]`, check: func(t *testing.T, logs []types.Log) {
			if logs[0].Address != want1.Address || logs[0].BlockNumber != 7 {
				t.Errorf("got %+v", logs[0])
			}
		}},
		{name: "later duplicate wins", in: withField(`"logIndex":"0x2","data":"0x01"`), check: func(t *testing.T, logs []types.Log) {
			if logs[0].Index != 2 || string(logs[0].Data) != "\x01" {
				t.Errorf("got %+v", logs[0])
			}
		}},
		{name: "null clears an optional field", in: withField(`"blockHash":null,"removed":null`), check: func(t *testing.T, logs []types.Log) {
			if logs[0].BlockHash != (common.Hash{}) {
				t.Errorf("got %+v", logs[0])
			}
		}},
		{name: "empty strings", in: `[{"address":` + addrHex + `,"topics":[],"data":"","transactionHash":` + hashHex + `,"blockNumber":"","logIndex":""}]`,
			check: func(t *testing.T, logs []types.Log) {
				if logs[0].Data == nil || len(logs[0].Data) != 0 || logs[0].Topics == nil {
					t.Errorf("got %#v, want empty non-nil data and topics", logs[0])
				}
			}},
		{name: "removed", in: withField(`"removed":true`), check: func(t *testing.T, logs []types.Log) {
			if !logs[0].Removed {
				t.Error("removed not set")
			}
		}},
		{name: "missing address", in: `[` + oneLog + `,{"topics":[],"data":"0x","transactionHash":` + hashHex + `}]`, wantErr: "log 1: no address"},
		{name: "missing topics", in: `[{"address":` + addrHex + `,"data":"0x","transactionHash":` + hashHex + `}]`, wantErr: "log 0: no topics"},
		{name: "missing data", in: `[{"address":` + addrHex + `,"topics":[],"transactionHash":` + hashHex + `}]`, wantErr: "log 0: no data"},
		{name: "missing transactionHash", in: `[{"address":` + addrHex + `,"topics":[],"data":"0x"}]`, wantErr: "log 0: no transactionHash"},
		{name: "null required field", in: withField(`"data":null`), wantErr: "log 0: no data"},
		{name: "null topics", in: withField(`"topics":null`), wantErr: "log 0: no topics"},
		{name: "null log", in: `[` + oneLog + `,null]`, wantErr: "log 1: want an object"},
		{name: "odd-length data", in: withField(`"data":"0x123"`), wantErr: "log 0: data: hex string of odd length 3"},
		{name: "data without prefix", in: withField(`"data":"1234"`), wantErr: "log 0: data: hex string without 0x prefix"},
		{name: "bad hex digit", in: withField(`"data":"0x12zz"`), wantErr: "log 0: data: invalid hex digit"},
		{name: "escape in hex", in: withField(`"data":"0x\u0030\u0030"`), wantErr: "log 0: data: invalid hex digit"},
		{name: "escaped quote in hex", in: withField(`"data":"0x\"0"`), wantErr: "log 0: data:"},
		{name: "short address", in: withField(`"address":"0xbb9bc244"`), wantErr: "log 0: address: want a 0x-prefixed hex string of 20 bytes"},
		{name: "long hash", in: withField(`"blockHash":"0x001dec87ec1ba8e65b7773bb6f62249468948a28a427efd3d896a2ff7d7c591a67"`), wantErr: "log 0: blockHash:"},
		{name: "number for hash", in: withField(`"transactionHash":12`), wantErr: "log 0: transactionHash: want a 0x-prefixed hex string of 32 bytes, got a number"},
		{name: "null topic", in: withField(`"topics":[null]`), wantErr: "log 0: topics: topic 0:"},
		{name: "trailing comma in topics", in: withField(`"topics":[` + topicHex + `,]`), wantErr: "log 0: topics: topic 1:"},
		{name: "quantity leading zero", in: withField(`"logIndex":"0x01"`), wantErr: "log 0: logIndex: hex number with leading zero"},
		{name: "quantity without digits", in: withField(`"blockNumber":"0x"`), wantErr: "log 0: blockNumber: hex number without digits"},
		{name: "quantity over 64 bits", in: withField(`"blockNumber":"0x10000000000000000"`), wantErr: "log 0: blockNumber: hex number larger than 64 bits"},
		{name: "quantity as a number", in: withField(`"transactionIndex":2`), wantErr: "log 0: transactionIndex: want a hex string"},
		{name: "removed as a string", in: withField(`"removed":"true"`), wantErr: "log 0: removed: want true or false"},
		{name: "not an array", in: `{"logs":[]}`, wantErr: "want an array of logs"},
		{name: "trailing comma", in: `[` + oneLog + `,]`, wantErr: "log 1: want an object"},
		{name: "trailing data", in: `[]]`, wantErr: "invalid JSON"},
		{name: "bad escape in an extra field", in: withField(`"x":"\q"`), wantErr: "bad escape"},
		{name: "bad number in an extra field", in: withField(`"x":01`), wantErr: "invalid JSON"},
		{name: "control character in a field name", in: "[{\"a\tb\":1}]", wantErr: "control character"},
		{name: "empty input", in: ``, wantErr: "want an array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, want, gotErr, wantErr := decodeBoth(t, []byte(tc.in))
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("logList error %v, go-ethereum error %v", gotErr, wantErr)
			}
			if tc.wantErr != "" {
				if gotErr == nil {
					t.Fatalf("accepted, want an error with %q", tc.wantErr)
				}
				// json.Unmarshal reports its own syntax errors before ours.
				var direct logList
				if err := direct.UnmarshalJSON([]byte(tc.in)); !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %q, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if gotErr != nil {
				t.Fatal(gotErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %#v\nwant %#v", got, want)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

// TestLogListDataDoesNotOverlap checks that appending to one log's Data,
// carved from a shared buffer, cannot overwrite the next log's.
func TestLogListDataDoesNotOverlap(t *testing.T) {
	in := `[` + oneLog + `,` + oneLog + `]`
	var l logList
	if err := json.Unmarshal([]byte(in), &l); err != nil {
		t.Fatal(err)
	}
	_ = append(l[0].Data, 0xee, 0xee, 0xee)
	_ = append(l[0].Topics, common.Hash{0xee})
	if string(l[1].Data) != "\x00\xff\x10" || l[1].Topics[0] != common.HexToHash(topicHex[1:len(topicHex)-1]) {
		t.Errorf("second log changed by appending to the first: %+v", l[1])
	}
}

// mainnetLogs returns the logs of the recorded mainnet receipts.
func mainnetLogs(t testing.TB) [][]byte {
	t.Helper()
	files, err := filepath.Glob("../../../shared/fixtures/mainnet/ethereum-etl-1755634/web3_response.eth_getTransactionReceipt_*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded receipts in ../../../shared/fixtures/mainnet")
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var receipt struct {
			Result struct {
				Logs json.RawMessage `json:"logs"`
			} `json:"result"`
		}
		if err := json.Unmarshal(b, &receipt); err != nil {
			t.Fatalf("reading %s: %v", f, err)
		}
		out = append(out, receipt.Result.Logs)
	}
	return out
}

func TestLogListMainnetReceipts(t *testing.T) {
	total := 0
	for _, in := range mainnetLogs(t) {
		got, want, gotErr, wantErr := decodeBoth(t, in)
		if gotErr != nil || wantErr != nil {
			t.Fatalf("logList error %v, go-ethereum error %v", gotErr, wantErr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got  %+v\nwant %+v", got, want)
		}
		total += len(got)
	}
	if total == 0 {
		t.Error("the recorded receipts hold no logs")
	}
}

// FuzzLogList checks that logList accepts exactly what go-ethereum's own
// decoding accepts, and decodes it to the same logs.
func FuzzLogList(f *testing.F) {
	for _, in := range mainnetLogs(f) {
		f.Add(in)
	}
	f.Add([]byte(`[` + oneLog + `]`))
	f.Add([]byte(`[{"ADDRESS":` + addrHex + `,"topics":[],"data":"","transactionHash":` + hashHex + `,"logIndex":"","removed":null,"x":[{"y":1e5}]}]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, want, gotErr, wantErr := decodeBoth(t, in)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("on %q: logList error %v, go-ethereum error %v", in, gotErr, wantErr)
		}
		if gotErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("on %q:\ngot  %#v\nwant %#v", in, got, want)
		}
	})
}

// TestLogListErrorsCountAsInvalidJSON checks that a refused answer is
// retried elsewhere and counted as invalid JSON, as encoding/json's errors
// were.
func TestLogListErrorsCountAsInvalidJSON(t *testing.T) {
	var l logList
	err := json.Unmarshal([]byte(`[{"address":`+addrHex+`}]`), &l)
	if err == nil {
		t.Fatal("a log without topics was accepted")
	}
	k, label := classify(t.Context(), fmt.Errorf("fetching logs of blocks 1-2: %w", err))
	if k != transient || label != "invalid_json" {
		t.Errorf("classified as %v %q, want transient invalid_json", k, label)
	}
}
