// Package contracts holds the Go side of our contracts: the bindings abigen
// generates from contracts/EntityManager.sol and contracts/Plays.sol, and the EIP-712
// signing a user does so that a relayer can submit an action on the user's
// behalf. The development chain, the seeder and the tests all sign through
// here, so a change to the contract's typed data has exactly one Go twin.
//
// The generated files are committed, so building needs only Go; regenerate
// them after changing the contract.
package contracts

//go:generate ../../script/gen-contracts
