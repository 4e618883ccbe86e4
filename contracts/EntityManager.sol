// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title EntityManager
/// @notice One entry point for every action of every user of the content
/// protocol. Users only sign (EIP-712); a relayer submits the transaction and
/// pays gas. The contract proves who signed and that the signature is used
/// once; whether that signer may act for the user is decided by the indexer,
/// which knows the users' wallets and grants.
///
/// The deployer is the verifier: the one account that may mark users
/// verified directly, without a signed action.
contract EntityManager {
    /// @notice Emitted for every accepted action. No argument is indexed so
    /// the indexer reads the whole action from the data field.
    event ManageEntity(
        uint _userId,
        address _signer,
        string _entityType,
        uint _entityId,
        string _metadata,
        string _action
    );

    /// @notice Emitted when the verifier sets a user's verified badge.
    event ManageIsVerified(uint _userId, bool _isVerified);

    /// @notice The account that may call manageIsVerified: the deployer.
    address public immutable verifier;

    error NotVerifier(address caller);

    constructor() {
        verifier = msg.sender;
    }

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("Entity Manager");
    bytes32 private constant VERSION_HASH = keccak256("1");
    bytes32 private constant MANAGE_ENTITY_TYPEHASH =
        keccak256(
            "ManageEntity(uint256 userId,string entityType,uint256 entityId,string action,string metadata,bytes32 nonce)"
        );

    /// @dev Upper bound of s for non-malleable signatures (secp256k1n / 2).
    uint256 private constant HALF_N =
        0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @notice Nonces already consumed; a signed action can be relayed once.
    mapping(bytes32 => bool) public usedNonces;

    /// @notice Relays one signed action and emits it for the indexer.
    function manageEntity(
        uint _userId,
        string calldata _entityType,
        uint _entityId,
        string calldata _action,
        string calldata _metadata,
        bytes32 _nonce,
        bytes calldata _subjectSig
    ) external {
        require(!usedNonces[_nonce], "EntityManager: nonce already used");
        usedNonces[_nonce] = true;
        bytes32 digest = _digest(_userId, _entityType, _entityId, _action, _metadata, _nonce);
        address signer = _recover(digest, _subjectSig);
        emit ManageEntity(_userId, signer, _entityType, _entityId, _metadata, _action);
    }

    /// @notice Sets a user's verified badge. Only the verifier may; the
    /// indexer applies it to the user if the user exists.
    function manageIsVerified(uint _userId, bool _isVerified) external {
        if (msg.sender != verifier) revert NotVerifier(msg.sender);
        emit ManageIsVerified(_userId, _isVerified);
    }

    /// @notice The EIP-712 domain separator of this deployment.
    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    function _digest(
        uint _userId,
        string calldata _entityType,
        uint _entityId,
        string calldata _action,
        string calldata _metadata,
        bytes32 _nonce
    ) private view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                MANAGE_ENTITY_TYPEHASH,
                _userId,
                keccak256(bytes(_entityType)),
                _entityId,
                keccak256(bytes(_action)),
                keccak256(bytes(_metadata)),
                _nonce
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    function _recover(bytes32 digest, bytes calldata sig) private pure returns (address) {
        require(sig.length == 65, "EntityManager: signature must be 65 bytes");
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        require(uint256(s) <= HALF_N, "EntityManager: malleable signature (high s)");
        require(v == 27 || v == 28, "EntityManager: invalid signature v");
        address signer = ecrecover(digest, v, r, s);
        require(signer != address(0), "EntityManager: invalid signature");
        return signer;
    }
}
