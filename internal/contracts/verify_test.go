package contracts_test

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/discovery-node/discovery/internal/content"
	"github.com/discovery-node/discovery/internal/contracts"
)

// TestEventTopics checks that every topic the indexer filters on is the id
// of the event our contracts really emit: the hand-written signatures here,
// the ABI solc produced, and the indexer's own declarations must agree, or
// the follower would ask the node for logs that never come.
func TestEventTopics(t *testing.T) {
	em, plays := contracts.NewEntityManager().GetABI(), contracts.NewPlays().GetABI()
	tests := []struct {
		event     string
		signature string
		topic     common.Hash // ours
		indexer   common.Hash // content's
		abiID     common.Hash // solc's
		abiFound  bool
	}{
		{"ManageEntity", contracts.ManageEntitySignature, contracts.ManageEntityTopic, content.ManageEntityTopic, em.Events["ManageEntity"].ID, hasEvent(em.Events, "ManageEntity")},
		{"ManageIsVerified", contracts.ManageIsVerifiedSignature, contracts.ManageIsVerifiedTopic, content.ManageIsVerifiedTopic, em.Events["ManageIsVerified"].ID, hasEvent(em.Events, "ManageIsVerified")},
		{"Play", contracts.PlaySignature, contracts.PlayTopic, content.PlayTopic, plays.Events["Play"].ID, hasEvent(plays.Events, "Play")},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			if !tt.abiFound {
				t.Fatalf("the contract ABI has no %s event", tt.event)
			}
			want := crypto.Keccak256Hash([]byte(tt.signature))
			for _, got := range []struct {
				what string
				h    common.Hash
			}{{"contracts topic", tt.topic}, {"content topic", tt.indexer}, {"ABI event id", tt.abiID}} {
				if got.h != want {
					t.Errorf("%s = %s, want keccak(%q) = %s", got.what, got.h, tt.signature, want)
				}
			}
		})
	}
	want := []common.Hash{contracts.ManageEntityTopic, contracts.ManageIsVerifiedTopic, contracts.PlayTopic}
	if len(content.Topics) != len(want) {
		t.Fatalf("content.Topics = %v, want %v", content.Topics, want)
	}
	for i := range want {
		if content.Topics[i] != want[i] {
			t.Errorf("content.Topics[%d] = %s, want %s", i, content.Topics[i], want[i])
		}
	}
}

func hasEvent[V any](events map[string]V, name string) bool {
	_, ok := events[name]
	return ok
}

// TestManageIsVerified checks that the deployer is the verifier, that its
// calls emit the event with the arguments given, and that anyone else's
// call reverts with NotVerifier.
func TestManageIsVerified(t *testing.T) {
	deployerKey, otherKey := mustKey(t), mustKey(t)
	deployer, other := crypto.PubkeyToAddress(deployerKey.PublicKey), crypto.PubkeyToAddress(otherKey.PublicKey)
	funds := new(big.Int).Lsh(big.NewInt(1), 100)
	backend := simulated.NewBackend(types.GenesisAlloc{deployer: {Balance: funds}, other: {Balance: funds}})
	t.Cleanup(func() { backend.Close() })
	client := backend.Client()
	chainID, err := client.ChainID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	deployOpts := bind.NewKeyedTransactor(deployerKey, chainID)
	addr, tx, err := bind.DeployContract(deployOpts, common.FromHex(contracts.EntityManagerMetaData.Bin), client, nil)
	if err != nil {
		t.Fatal(err)
	}
	backend.Commit()
	if _, err := bind.WaitDeployed(context.Background(), client, tx.Hash()); err != nil {
		t.Fatal(err)
	}
	em := contracts.NewEntityManager()
	instance := em.Instance(client, addr)

	verifier, err := bind.Call(instance, nil, em.PackVerifier(), em.UnpackVerifier)
	if err != nil {
		t.Fatal(err)
	}
	if verifier != deployer {
		t.Fatalf("verifier() = %s, want the deployer %s", verifier, deployer)
	}

	for _, tt := range []struct {
		user     int64
		verified bool
	}{{7, true}, {7, false}, {3_000_123, true}} {
		tx, err := bind.Transact(instance, deployOpts, em.PackManageIsVerified(big.NewInt(tt.user), tt.verified))
		if err != nil {
			t.Fatalf("manageIsVerified(%d, %v) by the verifier: %v", tt.user, tt.verified, err)
		}
		backend.Commit()
		receipt, err := bind.WaitMined(context.Background(), client, tx.Hash())
		if err != nil || receipt.Status != types.ReceiptStatusSuccessful || len(receipt.Logs) != 1 {
			t.Fatalf("manageIsVerified(%d, %v): err=%v receipt=%+v", tt.user, tt.verified, err, receipt)
		}
		lg := receipt.Logs[0]
		if lg.Address != addr || len(lg.Topics) != 1 || lg.Topics[0] != contracts.ManageIsVerifiedTopic {
			t.Fatalf("log from %s with topics %v, want one ManageIsVerifiedTopic from %s", lg.Address, lg.Topics, addr)
		}
		ev, err := em.UnpackManageIsVerifiedEvent(lg)
		if err != nil {
			t.Fatal(err)
		}
		if ev.UserId.Int64() != tt.user || ev.IsVerified != tt.verified {
			t.Errorf("event = user %s verified %v, want %d %v", ev.UserId, ev.IsVerified, tt.user, tt.verified)
		}
	}

	_, err = bind.Transact(instance, bind.NewKeyedTransactor(otherKey, chainID), em.PackManageIsVerified(big.NewInt(7), true))
	if err == nil {
		t.Fatal("manageIsVerified by someone other than the verifier was accepted")
	}
	var de rpc.DataError
	if !errors.As(err, &de) {
		t.Fatalf("revert %v carries no data", err)
	}
	hexData, _ := de.ErrorData().(string)
	raw, err := hexutil.Decode(hexData)
	if err != nil || len(raw) < 4 {
		t.Fatalf("revert data %v: %v", de.ErrorData(), err)
	}
	decoded, err := em.UnpackError(raw)
	notVerifier, ok := decoded.(*contracts.EntityManagerNotVerifier)
	if err != nil || !ok {
		t.Fatalf("revert data %x is not NotVerifier: %v", raw, err)
	}
	if notVerifier.Caller != other {
		t.Errorf("NotVerifier(%s), want the caller %s", notVerifier.Caller, other)
	}
}
