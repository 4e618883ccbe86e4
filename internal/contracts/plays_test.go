package contracts_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/discovery-node/discovery/internal/contracts"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
)

// TestPlays checks the Plays contract emits exactly the protocol's Play
// event, only for its recorder, singly and in batches.
func TestPlays(t *testing.T) {
	if want := crypto.Keccak256Hash([]byte("Play(uint256,uint256,uint256)")); contracts.PlayTopic != want {
		t.Fatalf("PlayTopic = %s, want %s", contracts.PlayTopic, want)
	}
	recorderKey, otherKey := mustKey(t), mustKey(t)
	funds := new(big.Int).Lsh(big.NewInt(1), 100)
	backend := simulated.NewBackend(types.GenesisAlloc{
		crypto.PubkeyToAddress(recorderKey.PublicKey): {Balance: funds},
		crypto.PubkeyToAddress(otherKey.PublicKey):    {Balance: funds},
	})
	t.Cleanup(func() { backend.Close() })
	client := backend.Client()
	chainID, err := client.ChainID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	recorder := bind.NewKeyedTransactor(recorderKey, chainID)
	addr, tx, err := bind.DeployContract(recorder, common.FromHex(contracts.PlaysMetaData.Bin), client, nil)
	if err != nil {
		t.Fatal(err)
	}
	backend.Commit()
	if _, err := bind.WaitDeployed(context.Background(), client, tx.Hash()); err != nil {
		t.Fatal(err)
	}
	plays := contracts.NewPlays()
	instance := plays.Instance(client, addr)

	tx, err = bind.Transact(instance, recorder, plays.PackPlayBatch(
		[]*big.Int{big.NewInt(7), big.NewInt(8)}, []*big.Int{big.NewInt(3), big.NewInt(0)}, []*big.Int{big.NewInt(1_700_000_000), big.NewInt(1_700_000_060)}))
	if err != nil {
		t.Fatal(err)
	}
	backend.Commit()
	receipt, err := bind.WaitMined(context.Background(), client, tx.Hash())
	if err != nil || receipt.Status != types.ReceiptStatusSuccessful || len(receipt.Logs) != 2 {
		t.Fatalf("playBatch: err=%v receipt=%+v", err, receipt)
	}
	for i, want := range []struct{ track, user, ts int64 }{{7, 3, 1_700_000_000}, {8, 0, 1_700_000_060}} {
		lg := receipt.Logs[i]
		if len(lg.Topics) != 1 || lg.Topics[0] != contracts.PlayTopic {
			t.Fatalf("log %d topics = %v", i, lg.Topics)
		}
		ev, err := plays.UnpackPlayEvent(lg)
		if err != nil {
			t.Fatal(err)
		}
		if ev.TrackId.Int64() != want.track || ev.UserId.Int64() != want.user || ev.Timestamp.Int64() != want.ts {
			t.Fatalf("play %d = %+v, want %+v", i, ev, want)
		}
	}

	other := bind.NewKeyedTransactor(otherKey, chainID)
	if _, err := bind.Transact(instance, other, plays.PackPlay(big.NewInt(7), big.NewInt(3), big.NewInt(1))); err == nil {
		t.Fatal("a play recorded by someone other than the recorder was accepted")
	}
}
