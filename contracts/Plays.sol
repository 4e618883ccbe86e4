// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Plays
/// @notice Records that a listener played a track, so discovery nodes can
/// count plays (total and per day) for trending. Only the recorder — the
/// service that observed the stream — may record; it pays the gas, and the
/// event is the whole record.
contract Plays {
    address public immutable recorder;

    event Play(uint _trackId, uint _userId, uint _timestamp);

    error NotRecorder(address caller);

    constructor() {
        recorder = msg.sender;
    }

    /// @notice Records one play of `_trackId` by `_userId` (0 for an
    /// anonymous listener) at unix time `_timestamp`.
    function play(uint _trackId, uint _userId, uint _timestamp) external {
        if (msg.sender != recorder) revert NotRecorder(msg.sender);
        emit Play(_trackId, _userId, _timestamp);
    }

    /// @notice Records many plays in one transaction.
    function playBatch(uint[] calldata _trackIds, uint[] calldata _userIds, uint[] calldata _timestamps) external {
        if (msg.sender != recorder) revert NotRecorder(msg.sender);
        require(_trackIds.length == _userIds.length && _userIds.length == _timestamps.length, "length mismatch");
        for (uint i = 0; i < _trackIds.length; i++) {
            emit Play(_trackIds[i], _userIds[i], _timestamps[i]);
        }
    }
}
