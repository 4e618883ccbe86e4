// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contracts

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// PlaysMetaData contains all meta data concerning the Plays contract.
var PlaysMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotRecorder\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"_trackId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"_userId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"_timestamp\",\"type\":\"uint256\"}],\"name\":\"Play\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"_trackId\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"_userId\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"_timestamp\",\"type\":\"uint256\"}],\"name\":\"play\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256[]\",\"name\":\"_trackIds\",\"type\":\"uint256[]\"},{\"internalType\":\"uint256[]\",\"name\":\"_userIds\",\"type\":\"uint256[]\"},{\"internalType\":\"uint256[]\",\"name\":\"_timestamps\",\"type\":\"uint256[]\"}],\"name\":\"playBatch\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"recorder\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "Plays",
	Bin: "0x60a08060405234602e57336080526103129081610033823960805181818160520152818160fd015261021c0152f35b5f80fdfe6080806040526004361015610012575f80fd5b5f3560e01c908163ab2e5a1f1461020957508063f19ee7c0146100855763f33930d91461003d575f80fd5b34610081575f366003190112610081576040517f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b5f80fd5b346100815760603660031901126100815760043567ffffffffffffffff8111610081576100b6903690600401610287565b9060243567ffffffffffffffff8111610081576100d7903690600401610287565b9260443567ffffffffffffffff8111610081576100f8903690600401610287565b9290917f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031633036101f657858114806101ed575b156101b6575f5b81811061014457005b807f1fd470e8367ce341575c9194b6455b7fc9845b09e9176abf13260cd1a9b2b21d610173600193858a6102b8565b3561017f838b886102b8565b35906101ad61018f858b8b6102b8565b35604051938493846040919493926060820195825260208201520152565b0390a10161013b565b60405162461bcd60e51b815260206004820152600f60248201526e0d8cadccee8d040dad2e6dac2e8c6d608b1b6044820152606490fd5b50838614610134565b6348d9097960e11b5f523360045260245ffd5b34610081576060366003190112610081577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031633036101f6576004358152602435602082015260443560408201527f1fd470e8367ce341575c9194b6455b7fc9845b09e9176abf13260cd1a9b2b21d90606090a1005b9181601f840112156100815782359167ffffffffffffffff8311610081576020808501948460051b01011161008157565b91908110156102c85760051b0190565b634e487b7160e01b5f52603260045260245ffdfea26469706673582212205ac1147088830c96f340248851bc032e1bc66d4239e2c03988dc3b8f59056ab264736f6c634300081e0033",
}

// Plays is an auto generated Go binding around an Ethereum contract.
type Plays struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Plays) GetABI() abi.ABI {
	return c.abi
}

// NewPlays creates a new instance of Plays.
func NewPlays() *Plays {
	parsed, err := PlaysMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Plays{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Plays) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackPlay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xab2e5a1f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function play(uint256 _trackId, uint256 _userId, uint256 _timestamp) returns()
func (plays *Plays) PackPlay(trackId *big.Int, userId *big.Int, timestamp *big.Int) []byte {
	enc, err := plays.abi.Pack("play", trackId, userId, timestamp)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPlay is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xab2e5a1f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function play(uint256 _trackId, uint256 _userId, uint256 _timestamp) returns()
func (plays *Plays) TryPackPlay(trackId *big.Int, userId *big.Int, timestamp *big.Int) ([]byte, error) {
	return plays.abi.Pack("play", trackId, userId, timestamp)
}

// PackPlayBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf19ee7c0.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function playBatch(uint256[] _trackIds, uint256[] _userIds, uint256[] _timestamps) returns()
func (plays *Plays) PackPlayBatch(trackIds []*big.Int, userIds []*big.Int, timestamps []*big.Int) []byte {
	enc, err := plays.abi.Pack("playBatch", trackIds, userIds, timestamps)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackPlayBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf19ee7c0.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function playBatch(uint256[] _trackIds, uint256[] _userIds, uint256[] _timestamps) returns()
func (plays *Plays) TryPackPlayBatch(trackIds []*big.Int, userIds []*big.Int, timestamps []*big.Int) ([]byte, error) {
	return plays.abi.Pack("playBatch", trackIds, userIds, timestamps)
}

// PackRecorder is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf33930d9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function recorder() view returns(address)
func (plays *Plays) PackRecorder() []byte {
	enc, err := plays.abi.Pack("recorder")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRecorder is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf33930d9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function recorder() view returns(address)
func (plays *Plays) TryPackRecorder() ([]byte, error) {
	return plays.abi.Pack("recorder")
}

// UnpackRecorder is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf33930d9.
//
// Solidity: function recorder() view returns(address)
func (plays *Plays) UnpackRecorder(data []byte) (common.Address, error) {
	out, err := plays.abi.Unpack("recorder", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PlaysPlay represents a Play event raised by the Plays contract.
type PlaysPlay struct {
	TrackId   *big.Int
	UserId    *big.Int
	Timestamp *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const PlaysPlayEventName = "Play"

// ContractEventName returns the user-defined event name.
func (PlaysPlay) ContractEventName() string {
	return PlaysPlayEventName
}

// UnpackPlayEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Play(uint256 _trackId, uint256 _userId, uint256 _timestamp)
func (plays *Plays) UnpackPlayEvent(log *types.Log) (*PlaysPlay, error) {
	event := "Play"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != plays.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(PlaysPlay)
	if len(log.Data) > 0 {
		if err := plays.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range plays.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (plays *Plays) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], plays.abi.Errors["NotRecorder"].ID.Bytes()[:4]) {
		return plays.UnpackNotRecorderError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// PlaysNotRecorder represents a NotRecorder error raised by the Plays contract.
type PlaysNotRecorder struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotRecorder(address caller)
func PlaysNotRecorderErrorID() common.Hash {
	return common.HexToHash("0x91b212f262b431e1dfa41454f12f103d29b56a42ddf44ec9f756653367fe1498")
}

// UnpackNotRecorderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotRecorder(address caller)
func (plays *Plays) UnpackNotRecorderError(raw []byte) (*PlaysNotRecorder, error) {
	out := new(PlaysNotRecorder)
	if err := plays.abi.UnpackIntoInterface(out, "NotRecorder", raw); err != nil {
		return nil, err
	}
	return out, nil
}

//lint:file-ignore ST1005 abigen writes capitalised error strings
