package synth

import (
	"bytes"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/discovery-node/discovery/internal/contracts"
)

// TestEncodersMatchABIPacker checks the hand-written encoders against
// go-ethereum's packer on the contracts' own ABI.
func TestEncodersMatchABIPacker(t *testing.T) {
	em := contracts.NewEntityManager().GetABI()
	plays := contracts.NewPlays().GetABI()
	signer := common.HexToAddress("0x00112233445566778899aabbccddeeff00112233")
	for _, tc := range []struct {
		name       string
		userID     int64
		entityType string
		entityID   int64
		metadata   string
		action     string
	}{
		{"empty metadata", 1, "User", 2, "", "Follow"},
		{"31 bytes", 7, "Track", 9, strings.Repeat("a", 31), "Create"},
		{"32 bytes", 7, "Playlist", 9, strings.Repeat("b", 32), "Update"},
		{"33 bytes", 1 << 40, "Track", 1 << 50, strings.Repeat("c", 33), "Repost"},
		{"utf-8 and json", 3, "User", 3, `{"cid":"Qm","data":{"name":"Tromsø ✓"}}`, "Create"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := em.Events["ManageEntity"].Inputs.Pack(big.NewInt(tc.userID), signer, tc.entityType,
				big.NewInt(tc.entityID), tc.metadata, tc.action)
			if err != nil {
				t.Fatal(err)
			}
			got := appendManageEntity(nil, tc.userID, signer, tc.entityType, tc.entityID, []byte(tc.metadata), tc.action)
			if !bytes.Equal(got, want) {
				t.Fatalf("ManageEntity data:\n got %x\nwant %x", got, want)
			}
		})
	}
	for _, tc := range []struct {
		name        string
		track, user int64
		time        uint64
		verified    bool
	}{
		{"anonymous play", 5, 0, 1_700_000_000, true},
		{"play by a user", 1 << 33, 42, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := plays.Events["Play"].Inputs.Pack(big.NewInt(tc.track), big.NewInt(tc.user), new(big.Int).SetUint64(tc.time))
			if err != nil {
				t.Fatal(err)
			}
			if got := appendPlay(nil, tc.track, tc.user, tc.time); !bytes.Equal(got, want) {
				t.Fatalf("Play data:\n got %x\nwant %x", got, want)
			}
			want, err = em.Events["ManageIsVerified"].Inputs.Pack(big.NewInt(tc.user), tc.verified)
			if err != nil {
				t.Fatal(err)
			}
			if got := appendManageIsVerified(nil, tc.user, tc.verified); !bytes.Equal(got, want) {
				t.Fatalf("ManageIsVerified data:\n got %x\nwant %x", got, want)
			}
		})
	}
}
