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

// EntityManagerMetaData contains all meta data concerning the EntityManager contract.
var EntityManagerMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotVerifier\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"_userId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"_signer\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"_entityType\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"_entityId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"_metadata\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"_action\",\"type\":\"string\"}],\"name\":\"ManageEntity\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"_userId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"_isVerified\",\"type\":\"bool\"}],\"name\":\"ManageIsVerified\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"domainSeparator\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"_userId\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"_entityType\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"_entityId\",\"type\":\"uint256\"},{\"internalType\":\"string\",\"name\":\"_action\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"_metadata\",\"type\":\"string\"},{\"internalType\":\"bytes32\",\"name\":\"_nonce\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"_subjectSig\",\"type\":\"bytes\"}],\"name\":\"manageEntity\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"_userId\",\"type\":\"uint256\"},{\"internalType\":\"bool\",\"name\":\"_isVerified\",\"type\":\"bool\"}],\"name\":\"manageIsVerified\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"name\":\"usedNonces\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"verifier\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "EntityManager",
	Bin: "0x60a080604052346029573360805261077b908161002e823960805181818161052d01526105b40152f35b5f80fdfe6080806040526004361015610012575f80fd5b5f3560e01c9081632b7ac3f3146105a2575080638009a3af1461050d578063d622c72d146100a7578063f698da25146100855763feb6172414610053575f80fd5b34610081576020366003190112610081576004355f525f602052602060ff60405f2054166040519015158152f35b5f80fd5b34610081575f36600319011261008157602061009f610667565b604051908152f35b346100815760e03660031901126100815760043560243567ffffffffffffffff8111610081576100db9036906004016105e3565b916044359260643567ffffffffffffffff8111610081576101009036906004016105e3565b60843567ffffffffffffffff8111610081576101209036906004016105e3565b95909660a43560c43567ffffffffffffffff8111610081576101469036906004016105e3565b91805f525f60205260ff60405f2054166104be57805f525f60205260405f20600160ff1982541617905561017b3689876106ff565b602081519101209061018e36888a6106ff565b60208151910120906101a28d8d36916106ff565b602081519101206040519260208401947fee6e031e9e3f074cd8655d4e241d518b183a671123caebb696d760db64f7c4bf86528d6040860152606085015287608085015260a084015260c083015260e082015260e0815261020561010082610631565b519020610210610667565b9060405190602082019261190160f01b8452602283015260428201526042815261023b606282610631565b51902060418303610467578260201161008157813591836040116100815760208101359360401015610453576040013560f81c907f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a084116103fa57601b821480156103f0575b156103a0576020935f93608093604051938452868401526040830152606082015282805260015afa15610395575f516001600160a01b0316968715610351577f772d62d21cc8467a14127f11ab2c094d32e5b521433cefba5a7312fc464d88b49861032b61033e9461034c986040519b8c9b8c5260208c015260c060408c015260c08b0191610611565b9260608901528783036080890152610611565b9184830360a0860152610611565b0390a1005b606460405162461bcd60e51b815260206004820152602060248201527f456e746974794d616e616765723a20696e76616c6964207369676e61747572656044820152fd5b6040513d5f823e3d90fd5b60405162461bcd60e51b815260206004820152602260248201527f456e746974794d616e616765723a20696e76616c6964207369676e6174757265604482015261103b60f11b6064820152608490fd5b50601c82146102a1565b60405162461bcd60e51b815260206004820152602b60248201527f456e746974794d616e616765723a206d616c6c6561626c65207369676e61747560448201526a726520286869676820732960a81b6064820152608490fd5b634e487b7160e01b5f52603260045260245ffd5b60405162461bcd60e51b815260206004820152602960248201527f456e746974794d616e616765723a207369676e6174757265206d75737420626560448201526820363520627974657360b81b6064820152608490fd5b60405162461bcd60e51b815260206004820152602160248201527f456e746974794d616e616765723a206e6f6e636520616c7265616479207573656044820152601960fa1b6064820152608490fd5b3461008157604036600319011261008157602435801515809103610081577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316330361058f5760407ffb248912b777b85e53adcf3feae8ccabfc321b7e6d8eeefb0faaaee4af0b67709181519060043582526020820152a1005b633f6b527560e21b5f523360045260245ffd5b34610081575f366003190112610081577f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03168152602090f35b9181601f840112156100815782359167ffffffffffffffff8311610081576020838186019501011161008157565b908060209392818452848401375f828201840152601f01601f1916010190565b90601f8019910116810190811067ffffffffffffffff82111761065357604052565b634e487b7160e01b5f52604160045260245ffd5b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527fe8dadf93fde8b4f9d33748e7609de325c430800cbb0c915ecbd9a75c57e7c9c760408201527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a082015260a081526106f960c082610631565b51902090565b92919267ffffffffffffffff82116106535760405191610729601f8201601f191660200184610631565b829481845281830111610081578281602093845f96013701015256fea26469706673582212204454354cd94e2456503f20d9666da3ea42d63896ec727767aaa40b97122cc5ac64736f6c634300081e0033",
}

// EntityManager is an auto generated Go binding around an Ethereum contract.
type EntityManager struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *EntityManager) GetABI() abi.ABI {
	return c.abi
}

// NewEntityManager creates a new instance of EntityManager.
func NewEntityManager() *EntityManager {
	parsed, err := EntityManagerMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &EntityManager{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *EntityManager) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (entityManager *EntityManager) PackDomainSeparator() []byte {
	enc, err := entityManager.abi.Pack("domainSeparator")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (entityManager *EntityManager) TryPackDomainSeparator() ([]byte, error) {
	return entityManager.abi.Pack("domainSeparator")
}

// UnpackDomainSeparator is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf698da25.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (entityManager *EntityManager) UnpackDomainSeparator(data []byte) ([32]byte, error) {
	out, err := entityManager.abi.Unpack("domainSeparator", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackManageEntity is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd622c72d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function manageEntity(uint256 _userId, string _entityType, uint256 _entityId, string _action, string _metadata, bytes32 _nonce, bytes _subjectSig) returns()
func (entityManager *EntityManager) PackManageEntity(userId *big.Int, entityType string, entityId *big.Int, action string, metadata string, nonce [32]byte, subjectSig []byte) []byte {
	enc, err := entityManager.abi.Pack("manageEntity", userId, entityType, entityId, action, metadata, nonce, subjectSig)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackManageEntity is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd622c72d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function manageEntity(uint256 _userId, string _entityType, uint256 _entityId, string _action, string _metadata, bytes32 _nonce, bytes _subjectSig) returns()
func (entityManager *EntityManager) TryPackManageEntity(userId *big.Int, entityType string, entityId *big.Int, action string, metadata string, nonce [32]byte, subjectSig []byte) ([]byte, error) {
	return entityManager.abi.Pack("manageEntity", userId, entityType, entityId, action, metadata, nonce, subjectSig)
}

// PackManageIsVerified is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8009a3af.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function manageIsVerified(uint256 _userId, bool _isVerified) returns()
func (entityManager *EntityManager) PackManageIsVerified(userId *big.Int, isVerified bool) []byte {
	enc, err := entityManager.abi.Pack("manageIsVerified", userId, isVerified)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackManageIsVerified is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8009a3af.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function manageIsVerified(uint256 _userId, bool _isVerified) returns()
func (entityManager *EntityManager) TryPackManageIsVerified(userId *big.Int, isVerified bool) ([]byte, error) {
	return entityManager.abi.Pack("manageIsVerified", userId, isVerified)
}

// PackUsedNonces is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfeb61724.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function usedNonces(bytes32 ) view returns(bool)
func (entityManager *EntityManager) PackUsedNonces(arg0 [32]byte) []byte {
	enc, err := entityManager.abi.Pack("usedNonces", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUsedNonces is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfeb61724.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function usedNonces(bytes32 ) view returns(bool)
func (entityManager *EntityManager) TryPackUsedNonces(arg0 [32]byte) ([]byte, error) {
	return entityManager.abi.Pack("usedNonces", arg0)
}

// UnpackUsedNonces is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfeb61724.
//
// Solidity: function usedNonces(bytes32 ) view returns(bool)
func (entityManager *EntityManager) UnpackUsedNonces(data []byte) (bool, error) {
	out, err := entityManager.abi.Unpack("usedNonces", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackVerifier is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2b7ac3f3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function verifier() view returns(address)
func (entityManager *EntityManager) PackVerifier() []byte {
	enc, err := entityManager.abi.Pack("verifier")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVerifier is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2b7ac3f3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function verifier() view returns(address)
func (entityManager *EntityManager) TryPackVerifier() ([]byte, error) {
	return entityManager.abi.Pack("verifier")
}

// UnpackVerifier is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2b7ac3f3.
//
// Solidity: function verifier() view returns(address)
func (entityManager *EntityManager) UnpackVerifier(data []byte) (common.Address, error) {
	out, err := entityManager.abi.Unpack("verifier", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// EntityManagerManageEntity represents a ManageEntity event raised by the EntityManager contract.
type EntityManagerManageEntity struct {
	UserId     *big.Int
	Signer     common.Address
	EntityType string
	EntityId   *big.Int
	Metadata   string
	Action     string
	Raw        *types.Log // Blockchain specific contextual infos
}

const EntityManagerManageEntityEventName = "ManageEntity"

// ContractEventName returns the user-defined event name.
func (EntityManagerManageEntity) ContractEventName() string {
	return EntityManagerManageEntityEventName
}

// UnpackManageEntityEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ManageEntity(uint256 _userId, address _signer, string _entityType, uint256 _entityId, string _metadata, string _action)
func (entityManager *EntityManager) UnpackManageEntityEvent(log *types.Log) (*EntityManagerManageEntity, error) {
	event := "ManageEntity"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != entityManager.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EntityManagerManageEntity)
	if len(log.Data) > 0 {
		if err := entityManager.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range entityManager.abi.Events[event].Inputs {
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

// EntityManagerManageIsVerified represents a ManageIsVerified event raised by the EntityManager contract.
type EntityManagerManageIsVerified struct {
	UserId     *big.Int
	IsVerified bool
	Raw        *types.Log // Blockchain specific contextual infos
}

const EntityManagerManageIsVerifiedEventName = "ManageIsVerified"

// ContractEventName returns the user-defined event name.
func (EntityManagerManageIsVerified) ContractEventName() string {
	return EntityManagerManageIsVerifiedEventName
}

// UnpackManageIsVerifiedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ManageIsVerified(uint256 _userId, bool _isVerified)
func (entityManager *EntityManager) UnpackManageIsVerifiedEvent(log *types.Log) (*EntityManagerManageIsVerified, error) {
	event := "ManageIsVerified"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != entityManager.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EntityManagerManageIsVerified)
	if len(log.Data) > 0 {
		if err := entityManager.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range entityManager.abi.Events[event].Inputs {
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
func (entityManager *EntityManager) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], entityManager.abi.Errors["NotVerifier"].ID.Bytes()[:4]) {
		return entityManager.UnpackNotVerifierError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// EntityManagerNotVerifier represents a NotVerifier error raised by the EntityManager contract.
type EntityManagerNotVerifier struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotVerifier(address caller)
func EntityManagerNotVerifierErrorID() common.Hash {
	return common.HexToHash("0xfdad49d4d8abc0def2ccf8ba986dcbd23ea142aa289dd977f311e49829432145")
}

// UnpackNotVerifierError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotVerifier(address caller)
func (entityManager *EntityManager) UnpackNotVerifierError(raw []byte) (*EntityManagerNotVerifier, error) {
	out := new(EntityManagerNotVerifier)
	if err := entityManager.abi.UnpackIntoInterface(out, "NotVerifier", raw); err != nil {
		return nil, err
	}
	return out, nil
}

//lint:file-ignore ST1005 abigen writes capitalised error strings
