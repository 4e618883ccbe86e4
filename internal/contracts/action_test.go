package contracts_test

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/discovery-node/discovery/internal/contracts"
)

const wantTopic = "0x772d62d21cc8467a14127f11ab2c094d32e5b521433cefba5a7312fc464d88b4"

func TestManageEntityTopic(t *testing.T) {
	want := common.HexToHash(wantTopic)
	if contracts.ManageEntityTopic != want {
		t.Errorf("ManageEntityTopic = %s, want %s", contracts.ManageEntityTopic, want)
	}
	if got := crypto.Keccak256Hash([]byte("ManageEntity(uint256,address,string,uint256,string,string)")); got != want {
		t.Errorf("keccak of event signature = %s, want %s", got, want)
	}
	ev, ok := contracts.NewEntityManager().GetABI().Events["ManageEntity"]
	if !ok {
		t.Fatal("ABI has no ManageEntity event")
	}
	if ev.ID != want {
		t.Errorf("ABI event id = %s, want %s", ev.ID, want)
	}
	for _, in := range ev.Inputs {
		if in.Indexed {
			t.Errorf("ABI event argument %s is indexed; the protocol has no indexed arguments", in.Name)
		}
	}
}

// TestDigestMatchesTypedData checks the hand-written EIP-712 hashing against
// go-ethereum's generic typed-data implementation.
func TestDigestMatchesTypedData(t *testing.T) {
	contract := common.HexToAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3")
	tests := []contracts.Action{
		{UserID: 1, EntityType: "User", EntityID: 1, Action: "Create", Metadata: `{"cid":"bafkrei","data":{"handle":"a"}}`, Nonce: [32]byte{1}},
		{UserID: 7, EntityType: "Track", EntityID: 123456789, Action: "Delete", Metadata: "", Nonce: [32]byte{0xff, 2, 3}},
		{UserID: 0, EntityType: "", EntityID: 0, Action: "", Metadata: "ünïcödé", Nonce: [32]byte{}},
	}
	for _, a := range tests {
		t.Run(a.EntityType+a.Action, func(t *testing.T) {
			got, err := contracts.Digest(big.NewInt(1337), contract, a)
			if err != nil {
				t.Fatal(err)
			}
			td := apitypes.TypedData{
				Types: apitypes.Types{
					"EIP712Domain": {
						{Name: "name", Type: "string"},
						{Name: "version", Type: "string"},
						{Name: "chainId", Type: "uint256"},
						{Name: "verifyingContract", Type: "address"},
					},
					"ManageEntity": {
						{Name: "userId", Type: "uint256"},
						{Name: "entityType", Type: "string"},
						{Name: "entityId", Type: "uint256"},
						{Name: "action", Type: "string"},
						{Name: "metadata", Type: "string"},
						{Name: "nonce", Type: "bytes32"},
					},
				},
				PrimaryType: "ManageEntity",
				Domain: apitypes.TypedDataDomain{
					Name:              "Entity Manager",
					Version:           "1",
					ChainId:           math.NewHexOrDecimal256(1337),
					VerifyingContract: contract.Hex(),
				},
				Message: apitypes.TypedDataMessage{
					"userId":     big.NewInt(a.UserID).String(),
					"entityType": a.EntityType,
					"entityId":   big.NewInt(a.EntityID).String(),
					"action":     a.Action,
					"metadata":   a.Metadata,
					"nonce":      hexutil.Encode(a.Nonce[:]),
				},
			}
			want, _, err := apitypes.TypedDataAndHash(td)
			if err != nil {
				t.Fatal(err)
			}
			if got != common.BytesToHash(want) {
				t.Errorf("Digest = %s, typed data hash = %x", got, want)
			}
		})
	}
}

func TestDigestRejectsBadInput(t *testing.T) {
	tests := []struct {
		name    string
		chainID *big.Int
		a       contracts.Action
	}{
		{"nil chain id", nil, contracts.Action{UserID: 1}},
		{"zero chain id", big.NewInt(0), contracts.Action{UserID: 1}},
		{"negative user", big.NewInt(1), contracts.Action{UserID: -1}},
		{"negative entity", big.NewInt(1), contracts.Action{EntityID: -5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := contracts.Digest(tt.chainID, common.Address{}, tt.a); err == nil {
				t.Error("Digest succeeded, want an error")
			}
		})
	}
}

// chain is a simulated backend with EntityManager deployed by a funded relayer.
type chain struct {
	backend  *simulated.Backend
	relayer  *bind.TransactOpts
	contract common.Address
	instance *bind.BoundContract
	chainID  *big.Int
}

func newChain(t *testing.T) *chain {
	t.Helper()
	relayerKey := mustKey(t)
	relayer := crypto.PubkeyToAddress(relayerKey.PublicKey)
	backend := simulated.NewBackend(types.GenesisAlloc{relayer: {Balance: new(big.Int).Lsh(big.NewInt(1), 100)}})
	t.Cleanup(func() { backend.Close() })
	client := backend.Client()
	chainID, err := client.ChainID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	opts := bind.NewKeyedTransactor(relayerKey, chainID)
	addr, tx, err := bind.DeployContract(opts, common.FromHex(contracts.EntityManagerMetaData.Bin), client, nil)
	if err != nil {
		t.Fatalf("deploying: %v", err)
	}
	backend.Commit()
	if _, err := bind.WaitDeployed(context.Background(), client, tx.Hash()); err != nil {
		t.Fatalf("waiting for deployment: %v", err)
	}
	return &chain{
		backend:  backend,
		relayer:  opts,
		contract: addr,
		instance: contracts.NewEntityManager().Instance(client, addr),
		chainID:  chainID,
	}
}

func mustKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// submit relays a with sig and returns the decoded event, or the error of
// sending (a revert surfaces as a gas estimation error).
func (c *chain) submit(t *testing.T, a contracts.Action, sig []byte) (*contracts.EntityManagerManageEntity, error) {
	t.Helper()
	data, err := contracts.PackManageEntity(a, sig)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := bind.Transact(c.instance, c.relayer, data)
	if err != nil {
		return nil, err
	}
	c.backend.Commit()
	receipt, err := bind.WaitMined(context.Background(), c.backend.Client(), tx.Hash())
	if err != nil {
		t.Fatal(err)
	}
	if receipt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("transaction failed: %+v", receipt)
	}
	if len(receipt.Logs) != 1 {
		t.Fatalf("got %d logs, want 1", len(receipt.Logs))
	}
	log := receipt.Logs[0]
	if len(log.Topics) != 1 || log.Topics[0] != contracts.ManageEntityTopic {
		t.Fatalf("log topics = %v, want only ManageEntityTopic", log.Topics)
	}
	ev, err := contracts.NewEntityManager().UnpackManageEntityEvent(log)
	if err != nil {
		t.Fatal(err)
	}
	return ev, nil
}

func TestDomainSeparatorMatchesContract(t *testing.T) {
	c := newChain(t)
	em := contracts.NewEntityManager()
	got, err := bind.Call(c.instance, nil, em.PackDomainSeparator(), em.UnpackDomainSeparator)
	if err != nil {
		t.Fatal(err)
	}
	want := crypto.Keccak256Hash(
		crypto.Keccak256([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")),
		crypto.Keccak256([]byte("Entity Manager")),
		crypto.Keccak256([]byte("1")),
		math.U256Bytes(new(big.Int).Set(c.chainID)),
		common.LeftPadBytes(c.contract.Bytes(), 32),
	)
	if common.Hash(got) != want {
		t.Errorf("domainSeparator() = %x, want %s", got, want)
	}
}

func TestManageEntityRecoversSigner(t *testing.T) {
	c := newChain(t)
	user := mustKey(t)
	a := contracts.Action{UserID: 42, EntityType: "Track", EntityID: 7, Action: "Create", Metadata: `{"cid":"x","data":{"title":"t"}}`, Nonce: [32]byte{9, 9}}
	sig, err := contracts.SignAction(user, c.chainID, c.contract, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(sig) != 65 || (sig[64] != 27 && sig[64] != 28) {
		t.Fatalf("signature %x is not 65 bytes with v 27/28", sig)
	}
	ev, err := c.submit(t, a, sig)
	if err != nil {
		t.Fatalf("submitting: %v", err)
	}
	if want := crypto.PubkeyToAddress(user.PublicKey); ev.Signer != want {
		t.Errorf("signer = %s, want %s", ev.Signer, want)
	}
	if ev.UserId.Int64() != a.UserID || ev.EntityId.Int64() != a.EntityID || ev.EntityType != a.EntityType || ev.Action != a.Action || ev.Metadata != a.Metadata {
		t.Errorf("event = %+v, want fields of %+v", ev, a)
	}

	t.Run("reused nonce reverts", func(t *testing.T) {
		again := a
		again.Action = "Update"
		sig, err := contracts.SignAction(user, c.chainID, c.contract, again)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.submit(t, again, sig)
		if err == nil || !strings.Contains(err.Error(), "nonce already used") {
			t.Errorf("submitting with a used nonce: err = %v, want a revert naming the nonce", err)
		}
	})

	t.Run("another key yields another signer", func(t *testing.T) {
		other := mustKey(t)
		b := a
		b.Nonce = [32]byte{1, 2, 3}
		sig, err := contracts.SignAction(other, c.chainID, c.contract, b)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := c.submit(t, b, sig)
		if err != nil {
			t.Fatalf("submitting: %v", err)
		}
		if want := crypto.PubkeyToAddress(other.PublicKey); ev.Signer != want {
			t.Errorf("signer = %s, want %s", ev.Signer, want)
		}
		if ev.Signer == crypto.PubkeyToAddress(user.PublicKey) {
			t.Error("a different key recovered to the user's address")
		}
	})

	t.Run("signature over other fields recovers someone else", func(t *testing.T) {
		b := a
		b.Nonce = [32]byte{4, 5, 6}
		sig, err := contracts.SignAction(user, c.chainID, c.contract, b)
		if err != nil {
			t.Fatal(err)
		}
		b.Metadata = "tampered"
		ev, err := c.submit(t, b, sig)
		if err != nil {
			// A tampered digest may also recover to no address at all.
			if !strings.Contains(err.Error(), "invalid signature") {
				t.Fatalf("submitting tampered action: %v", err)
			}
			return
		}
		if ev.Signer == crypto.PubkeyToAddress(user.PublicKey) {
			t.Error("tampered metadata still recovered to the signer")
		}
	})
}

func TestManageEntityRejectsBadSignatures(t *testing.T) {
	c := newChain(t)
	user := mustKey(t)
	a := contracts.Action{UserID: 1, EntityType: "User", EntityID: 1, Action: "Create", Nonce: [32]byte{7}}
	good, err := contracts.SignAction(user, c.chainID, c.contract, a)
	if err != nil {
		t.Fatal(err)
	}
	secp256k1N := crypto.S256().Params().N

	highS := append([]byte(nil), good...)
	s := new(big.Int).SetBytes(good[32:64])
	copy(highS[32:64], common.LeftPadBytes(new(big.Int).Sub(secp256k1N, s).Bytes(), 32))
	highS[64] = 27 + 28 - good[64] // flipping s flips the recovery id

	rawV := append([]byte(nil), good...)
	rawV[64] -= 27

	tests := []struct {
		name string
		sig  []byte
		want string
	}{
		{"short", good[:64], "65 bytes"},
		{"long", append(append([]byte(nil), good...), 0), "65 bytes"},
		{"high s", highS, "malleable"},
		{"v 0 or 1", rawV, "invalid signature v"},
		{"all zero", make([]byte, 65), "invalid signature v"},
		{"zero r and s", append(make([]byte, 64), 27), "invalid signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.submit(t, a, tt.sig)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a revert containing %q", err, tt.want)
			}
		})
	}

	// The good signature still works: the failed attempts did not burn the nonce.
	ev, err := c.submit(t, a, good)
	if err != nil {
		t.Fatalf("submitting the good signature: %v", err)
	}
	if want := crypto.PubkeyToAddress(user.PublicKey); ev.Signer != want {
		t.Errorf("signer = %s, want %s", ev.Signer, want)
	}
}
