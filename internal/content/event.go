package content

import (
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// manageEntityABI is the protocol's one event. It is declared here rather
// than taken from our contract's bindings because the indexer must decode the
// existing chain's logs too, whoever deployed the contract that emitted them.
const manageEntityABI = `[{"anonymous":false,"type":"event","name":"ManageEntity","inputs":[
 {"indexed":false,"name":"_userId","type":"uint256"},
 {"indexed":false,"name":"_signer","type":"address"},
 {"indexed":false,"name":"_entityType","type":"string"},
 {"indexed":false,"name":"_entityId","type":"uint256"},
 {"indexed":false,"name":"_metadata","type":"string"},
 {"indexed":false,"name":"_action","type":"string"}]}]`

// ManageEntityTopic is topic0 of every ManageEntity log; the follower asks the
// node only for logs with this topic.
var ManageEntityTopic = crypto.Keccak256Hash([]byte("ManageEntity(uint256,address,string,uint256,string,string)"))

// decoder unpacks ManageEntity log data.
type decoder struct {
	args abi.Arguments
}

func newDecoder() (*decoder, error) {
	parsed, err := abi.JSON(strings.NewReader(manageEntityABI))
	if err != nil {
		return nil, fmt.Errorf("parse ManageEntity abi: %w", err)
	}
	ev, ok := parsed.Events["ManageEntity"]
	if !ok || ev.ID != ManageEntityTopic {
		return nil, fmt.Errorf("parse ManageEntity abi: event signature mismatch")
	}
	return &decoder{args: ev.Inputs}, nil
}

// event is one decoded ManageEntity log.
type event struct {
	UserID     int64
	Signer     common.Address
	EntityType string
	EntityID   int64
	Metadata   string
	Action     string
}

// decode turns a log into an event, refusing anything that is not exactly a
// ManageEntity log with ids a database can hold.
func (d *decoder) decode(lg types.Log) (event, error) {
	if len(lg.Topics) != 1 || lg.Topics[0] != ManageEntityTopic {
		return event{}, fmt.Errorf("not a ManageEntity log (%d topics)", len(lg.Topics))
	}
	vals, err := d.args.Unpack(lg.Data)
	if err != nil {
		return event{}, fmt.Errorf("malformed ManageEntity data: %w", err)
	}
	if len(vals) != 6 {
		return event{}, fmt.Errorf("malformed ManageEntity data: %d fields", len(vals))
	}
	userID, err := id(vals[0], "user id")
	if err != nil {
		return event{}, err
	}
	entityID, err := id(vals[3], "entity id")
	if err != nil {
		return event{}, err
	}
	signer, ok1 := vals[1].(common.Address)
	entityType, ok2 := vals[2].(string)
	metadata, ok3 := vals[4].(string)
	action, ok4 := vals[5].(string)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return event{}, fmt.Errorf("malformed ManageEntity data: unexpected field types")
	}
	return event{
		UserID: userID, Signer: signer, EntityType: entityType,
		EntityID: entityID, Metadata: metadata, Action: action,
	}, nil
}

// id converts a uint256 event field into a positive int64 id.
func id(v any, what string) (int64, error) {
	n, ok := v.(*big.Int)
	if !ok {
		return 0, fmt.Errorf("malformed ManageEntity data: %s is not an integer", what)
	}
	if n.Sign() <= 0 || !n.IsInt64() || n.Int64() == math.MaxInt64 {
		return 0, fmt.Errorf("%s %s out of range", what, n)
	}
	return n.Int64(), nil
}
