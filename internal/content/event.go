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

	"github.com/discovery-node/discovery"
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

// ManageIsVerifiedTopic is topic0 of the EntityManager's verification event,
// which only the contract's verifier can emit.
var ManageIsVerifiedTopic = crypto.Keccak256Hash([]byte("ManageIsVerified(uint256,bool)"))

// PlayTopic is topic0 of the Plays contract's Play event.
var PlayTopic = crypto.Keccak256Hash([]byte("Play(uint256,uint256,uint256)"))

// Topics are the first topics of every log the indexer reads; the follower
// asks the node for logs with these only.
var Topics = []common.Hash{ManageEntityTopic, ManageIsVerifiedTopic, PlayTopic}

// Pseudo entity types and actions naming the two events that are not
// ManageEntity, in rejected actions and metrics.
const (
	entityPlay             = "Play"
	actionPlay             = "Play"
	actionManageIsVerified = "ManageIsVerified"
)

const otherEventsABI = `[
 {"anonymous":false,"type":"event","name":"ManageIsVerified","inputs":[
  {"indexed":false,"name":"_userId","type":"uint256"},
  {"indexed":false,"name":"_isVerified","type":"bool"}]},
 {"anonymous":false,"type":"event","name":"Play","inputs":[
  {"indexed":false,"name":"_trackId","type":"uint256"},
  {"indexed":false,"name":"_userId","type":"uint256"},
  {"indexed":false,"name":"_timestamp","type":"uint256"}]}]`

// decoder unpacks the data of the logs the indexer reads.
type decoder struct {
	manage, verified, play abi.Arguments
}

func newDecoder() (*decoder, error) {
	var d decoder
	for _, src := range []struct {
		abi   string
		name  string
		topic common.Hash
		args  *abi.Arguments
	}{
		{manageEntityABI, "ManageEntity", ManageEntityTopic, &d.manage},
		{otherEventsABI, "ManageIsVerified", ManageIsVerifiedTopic, &d.verified},
		{otherEventsABI, "Play", PlayTopic, &d.play},
	} {
		parsed, err := abi.JSON(strings.NewReader(src.abi))
		if err != nil {
			return nil, fmt.Errorf("parse %s abi: %w", src.name, err)
		}
		ev, ok := parsed.Events[src.name]
		if !ok || ev.ID != src.topic {
			return nil, fmt.Errorf("parse %s abi: event signature mismatch", src.name)
		}
		*src.args = ev.Inputs
	}
	return &d, nil
}

// event is one decoded log. Topic says which event it is; ManageIsVerified
// fills UserID and IsVerified, Play fills EntityID (the track), UserID (0
// for an anonymous listener) and Timestamp, with EntityType and Action set to
// the pseudo names above.
type event struct {
	Topic      common.Hash
	UserID     int64
	Signer     common.Address
	EntityType string
	EntityID   int64
	Metadata   string
	Action     string
	IsVerified bool
	Timestamp  uint64
}

// decode turns a log into an event, refusing anything that is not exactly
// one of the indexed events with ids a database can hold.
func (d *decoder) decode(lg types.Log) (event, error) {
	if len(lg.Topics) != 1 {
		return event{}, fmt.Errorf("not an indexed event log (%d topics)", len(lg.Topics))
	}
	switch lg.Topics[0] {
	case ManageEntityTopic:
		return d.decodeManage(lg)
	case ManageIsVerifiedTopic:
		ev := event{Topic: ManageIsVerifiedTopic, EntityType: discovery.EntityUser, Action: actionManageIsVerified}
		vals, err := unpack(d.verified, lg.Data, 2, "ManageIsVerified")
		if err != nil {
			return ev, err
		}
		if ev.UserID, err = id(vals[0], "user id"); err != nil {
			return ev, err
		}
		ev.EntityID = ev.UserID
		b, ok := vals[1].(bool)
		if !ok {
			return ev, fmt.Errorf("malformed ManageIsVerified data: unexpected field types")
		}
		ev.IsVerified = b
		return ev, nil
	case PlayTopic:
		ev := event{Topic: PlayTopic, EntityType: entityPlay, Action: actionPlay}
		vals, err := unpack(d.play, lg.Data, 3, "Play")
		if err != nil {
			return ev, err
		}
		if ev.EntityID, err = id(vals[0], "track id"); err != nil {
			return ev, err
		}
		if n, ok := vals[1].(*big.Int); !ok || n.Sign() != 0 {
			if ev.UserID, err = id(vals[1], "user id"); err != nil {
				return ev, err
			}
		}
		ts, ok := vals[2].(*big.Int)
		if !ok || !ts.IsUint64() {
			return ev, fmt.Errorf("malformed Play data: timestamp out of range")
		}
		ev.Timestamp = ts.Uint64()
		return ev, nil
	}
	return event{}, fmt.Errorf("not an indexed event log (topic %s)", lg.Topics[0].Hex())
}

func unpack(args abi.Arguments, data []byte, n int, name string) ([]any, error) {
	vals, err := args.Unpack(data)
	if err != nil {
		return nil, fmt.Errorf("malformed %s data: %w", name, err)
	}
	if len(vals) != n {
		return nil, fmt.Errorf("malformed %s data: %d fields", name, len(vals))
	}
	return vals, nil
}

// decodeManage decodes a ManageEntity log.
func (d *decoder) decodeManage(lg types.Log) (event, error) {
	vals, err := unpack(d.manage, lg.Data, 6, "ManageEntity")
	if err != nil {
		return event{}, err
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
		Topic: ManageEntityTopic, UserID: userID, Signer: signer, EntityType: entityType,
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
