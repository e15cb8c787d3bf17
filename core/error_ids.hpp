#pragma once
// Every error core/ reports, by a stable id, with the names of the public
// fields it carries. core/ says what happened in codes and fields; the words
// a person reads are made at the edge (cli/error_text.cpp for English), so
// they can be translated and core/ builds no sentences. A test checks that
// the front end words every id here and names exactly its fields.
//
// Ids are stable: a front end, a log or a translation may key on `key`.
// Fields hold public values only (sizes, versions, paths, the system's error
// text), never secret material. A field named `*_at` is a time in Unix
// seconds, which the front end shows as a date in its own words.

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace tumar::core {

enum class ErrorId : std::uint16_t {  // declared in core/error.hpp
  // Transitional: a sentence still made where the error is, its one field.
  kUnworded,

  // profile/: the profile directory, its files and the key file
  kProfileSimulatedCrash,
  kProfileCannotDo,
  kProfileInTheWay,
  kProfileCannotLock,
  kProfileNoSuchFile,
  kProfileSymlink,
  kProfileNotRegularFile,
  kProfileFileTooLarge,
  kProfileFileExists,
  kProfileFileReplaced,
  kProfileDiskErrorAfterChange,
  kProfileUnknownHardening,
  kProfileEmptyPassphrase,
  kProfileWrongPassphrase,
  kProfileHardeningOutOfRange,
  kProfileNotKeyFile,
  kProfileKeyFileVersion,
  kProfileKeyFileAlgorithm,
  kProfileKeyFileHeaderDamaged,
  kProfileKeyFileHardeningOutOfRange,
  kProfileKeyFileSize,
  kProfileDecoyNameTooLong,
  kProfileDecoyNameControl,
  kProfileKeyFileContentsDamaged,
  kProfileHardeningOutOfMemory,
  kProfileCannotInspect,
  kProfileHomeNotDirectory,
  kProfileCannotOpenDirectory,
  kProfileCannotCreateHome,
  kProfileCannotRestrictHome,
  kProfileDisplayNameEmpty,
  kProfileDisplayNameTooLong,
  kProfileDisplayNameControl,
  kProfileNoHome,
  kProfileExistsAt,
  kProfileDatabaseMissing,
  kProfileNoIdentity,
  kProfileIdentitySize,
  kProfileNone,
  kProfileNotWritable,
  kProfileNoSchemaVersion,
  kProfileNewerSchema,
  kProfileDuressSameAsPassphrase,

  // identity/
  kIdentityBindingUnsigned,
  kIdentityStoredKeyDamaged,
  kIdentityStoredNoiseKeyDamaged,
  kIdentityNoiseKeyUnusable,

  // peers/
  kPeersStoredAddressDamaged,
  kPeersStoredKeySize,
  kPeersOtherKey,
  kPeersAddressIpv6Brackets,
  kPeersAddressBadIpv6,
  kPeersAddressNoPort,
  kPeersAddressNoHost,
  kPeersAddressHostTooLong,
  kPeersAddressHostCharacters,
  kPeersAddressPortNotNumber,
  kPeersAddressPortRange,

  // invite/
  kInviteNotAnInvite,
  kInviteDamaged,
  kInviteMalformed,
  kInviteNewerVersion,
  kInviteOlderVersion,
  kInviteBadAddress,

  // session/
  kSessionNoFragmentFlag,
  kSessionUnknownFragmentFlag,
  kSessionShortFragment,
  kSessionMessageTooLong,
  kSessionMalformedMessage,
  kSessionNotOpen,
  kSessionOwnMessageTooLarge,

  // sync/
  kSyncTooManyRejected,
  kSyncTooManyRefusedNetworks,
  kSyncRoundsTooFast,

  // direct/
  kDirectStoredSessionDamaged,
  kDirectStoredRatchetDamaged,
  kDirectStoredPrekeyDamaged,
  kDirectPrekeyIdsUsedUp,
  kDirectEmptyMessage,
  kDirectToSelf,
  kDirectNotAMember,
  kDirectPeerNotAMember,
  kDirectNoPeerKeys,
  kDirectNoReceipt,
  kDirectStoredMessageDamaged,

  // store/
  kStoreOpenFailed,
  kStoreReserveFailed,
  kStoreCloseFailed,
  kStoreCommandFailed,
  kStorePrepareFailed,
  kStoreClearLogFailed,
  kStoreCheckpointFailed,
  kStoreBindFailed,
  kStoreStatementFailed,
  kStorePageTamperedDb,
  kStorePageTamperedJournal,
  kStorePageTamperedWal,
  kStoreStructureInconsistent,
  kStoreParameterRange,
  kStoreTransactionEnded,
  kStoreMemoryUnprotected,
  kStoreJournalMode,
  kStoreNoReservedSpace,
  kStoreClosed,
  kStoreEmptyStatement,
  kStoreLogNotCleared,
  kStoreNoUnixVfs,
  kStoreVfsRegister,
  kStoreCounterMax,

  // ratchet/
  kRatchetMessageTooLong,
  kRatchetBadPadding,
  kRatchetStoredSessionDamaged,
  kRatchetUndecryptable,
  kRatchetKeyAgreementFailed,
  kRatchetPrekeyUnsigned,
  kRatchetOneTimePrekeyMalformed,
  kRatchetStateDamaged,
  kRatchetTooFarAhead,
  kRatchetTooManySent,

  // reconcile/
  kReconcileAddAfterSeal,
  kReconcileInfiniteTimestamp,
  kReconcileIdSize,
  kReconcileAlreadySealed,
  kReconcileVarintLeadingZero,
  kReconcileVarintTooLarge,
  kReconcileVarintTruncated,
  kReconcileNotSealed,
  kReconcileFrameLimitRange,
  kReconcileServerAsClient,
  kReconcileClientAnswering,
  kReconcileInitiateOnce,
  kReconcileReplyBeforeInitiate,
  kReconcileMessageTooLarge,
  kReconcileNoVersion,
  kReconcileVersion,
  kReconcileRangesOutOfOrder,
  kReconcileRangePastInfinity,
  kReconcileTooManyIds,
  kReconcileAnswerTooLarge,
  kReconcileTruncated,
  kReconcilePrefixTooLong,
  kReconcileUnknownMode,

  // noise/
  kNoiseNonceExhausted,
  kNoiseNotAuthentic,
  kNoiseEmptyFrame,
  kNoiseFrameTooLong,
  kNoiseProofMalformed,
  kNoiseResponderSentInvite,
  kNoiseInitiatorAnnouncedKind,
  kNoiseProofOtherKey,
  kNoiseProofBadSignature,
  kNoisePremessageKeyMissing,
  kNoiseStaticKeyMissing,
  kNoiseHandshakeTooLong,
  kNoiseHandshakeRejected,
  kNoiseTransportRejected,
  kNoiseTransportTooLong,
  kNoiseClosed,

  // node/: what sync and join refuse before any connection
  kNodeNoPeers,
  kNodeNotOnAllowList,
  kNodeInviteExpired,
  kNodeOwnInvite,
  kNodeRealInviteDemoProfile,
  kNodeDemoInviteRealProfile,
  kNodeAlreadyMember,
  kNodeJoinedRealNetworkAsDemo,
  kNodeJoinedDemoNetworkAsReal,
  kNodeJoinIncomplete,

  // tor/: dialling through tor's SOCKS port, and tor's control connection
  kTorOnionAddressShape,
  kTorPortRange,
  kTorSocksIsolationLength,
  kTorSocksVersion,
  kTorSocksNoAcceptableMethod,
  kTorSocksUnofferedMethod,
  kTorSocksAuthVersion,
  kTorSocksAuthRefused,
  kTorSocksReservedByte,
  kTorSocksAddressType,
  kTorSocksEmptyBoundName,
  kTorSocksSpokeOutOfTurn,
  kTorSocksClosedEarly,
  kTorSocksGeneralFailure,
  kTorSocksNotAllowed,
  kTorSocksNetworkUnreachable,
  kTorSocksHostUnreachable,
  kTorSocksConnectionRefused,
  kTorSocksTtlExpired,
  kTorSocksCommandNotSupported,
  kTorSocksAddressTypeNotSupported,
  kTorOnionDescriptorNotFound,
  kTorOnionDescriptorInvalid,
  kTorOnionIntroFailed,
  kTorOnionRendezvousFailed,
  kTorOnionMissingClientAuth,
  kTorOnionWrongClientAuth,
  kTorOnionBadAddress,
  kTorOnionIntroTimedOut,
  kTorSocksUnknownReply,
  kTorControlLineTooLong,
  kTorControlReplyTooLarge,
  kTorControlMalformedLine,
  kTorControlBareNewline,
  kTorControlMixedStatus,
  kTorControlClosed,
  kTorControlArgumentUnsafe,
  kTorControlCommandFailed,
  kTorControlMalformedReply,
  kTorControlNoSafeCookie,
  kTorControlNoCookieFile,
  kTorControlCookieSize,
  kTorControlServerHashMismatch,

  kCount,
};

inline constexpr std::size_t kMaxErrorFields = 4;

struct ErrorSpec {
  ErrorId id;
  std::string_view key;
  std::array<std::string_view, kMaxErrorFields> fields{};

  constexpr std::size_t field_count() const noexcept {
    std::size_t n = 0;
    while (n < fields.size() && !fields[n].empty()) ++n;
    return n;
  }
};

// In the order of ErrorId (checked below).
inline constexpr std::array<ErrorSpec, static_cast<std::size_t>(ErrorId::kCount)> kErrorCatalog = {{
    {ErrorId::kUnworded, "unworded", {"sentence"}},

    {ErrorId::kProfileSimulatedCrash, "profile.simulated_crash", {"step"}},
    {ErrorId::kProfileCannotDo, "profile.cannot", {"step", "path", "reason"}},
    {ErrorId::kProfileInTheWay, "profile.in_the_way", {"path"}},
    {ErrorId::kProfileCannotLock, "profile.cannot_lock", {"path", "reason"}},
    {ErrorId::kProfileNoSuchFile, "profile.no_such_file", {"path"}},
    {ErrorId::kProfileSymlink, "profile.symlink", {"path"}},
    {ErrorId::kProfileNotRegularFile, "profile.not_regular_file", {"path"}},
    {ErrorId::kProfileFileTooLarge, "profile.file_too_large", {"path", "size", "limit"}},
    {ErrorId::kProfileFileExists, "profile.file_exists", {"path"}},
    {ErrorId::kProfileFileReplaced, "profile.file_replaced", {"path"}},
    {ErrorId::kProfileDiskErrorAfterChange, "profile.disk_error_after_change", {"path", "step", "reason"}},
    {ErrorId::kProfileUnknownHardening, "profile.unknown_hardening", {}},
    {ErrorId::kProfileEmptyPassphrase, "profile.empty_passphrase", {}},
    {ErrorId::kProfileWrongPassphrase, "profile.wrong_passphrase", {}},
    {ErrorId::kProfileHardeningOutOfRange, "profile.hardening_out_of_range", {}},
    {ErrorId::kProfileNotKeyFile, "profile.not_key_file", {}},
    {ErrorId::kProfileKeyFileVersion, "profile.key_file_version", {"version"}},
    {ErrorId::kProfileKeyFileAlgorithm, "profile.key_file_algorithm", {}},
    {ErrorId::kProfileKeyFileHeaderDamaged, "profile.key_file_header_damaged", {}},
    {ErrorId::kProfileKeyFileHardeningOutOfRange, "profile.key_file_hardening_out_of_range", {}},
    {ErrorId::kProfileKeyFileSize, "profile.key_file_size", {"size"}},
    {ErrorId::kProfileDecoyNameTooLong, "profile.decoy_name_too_long", {}},
    {ErrorId::kProfileDecoyNameControl, "profile.decoy_name_control", {}},
    {ErrorId::kProfileKeyFileContentsDamaged, "profile.key_file_contents_damaged", {}},
    {ErrorId::kProfileHardeningOutOfMemory, "profile.hardening_out_of_memory", {"mib"}},
    {ErrorId::kProfileCannotInspect, "profile.cannot_inspect", {"path", "reason"}},
    {ErrorId::kProfileHomeNotDirectory, "profile.home_not_directory", {"path"}},
    {ErrorId::kProfileCannotOpenDirectory, "profile.cannot_open_directory", {"path", "reason"}},
    {ErrorId::kProfileCannotCreateHome, "profile.cannot_create_home", {"path", "reason"}},
    {ErrorId::kProfileCannotRestrictHome, "profile.cannot_restrict_home", {"path", "reason"}},
    {ErrorId::kProfileDisplayNameEmpty, "profile.display_name_empty", {}},
    {ErrorId::kProfileDisplayNameTooLong, "profile.display_name_too_long", {}},
    {ErrorId::kProfileDisplayNameControl, "profile.display_name_control", {}},
    {ErrorId::kProfileNoHome, "profile.no_home", {}},
    {ErrorId::kProfileExistsAt, "profile.exists", {"path"}},
    {ErrorId::kProfileDatabaseMissing, "profile.database_missing", {"path"}},
    {ErrorId::kProfileNoIdentity, "profile.no_identity", {}},
    {ErrorId::kProfileIdentitySize, "profile.identity_size", {}},
    {ErrorId::kProfileNone, "profile.none", {"path"}},
    {ErrorId::kProfileNotWritable, "profile.not_writable", {"path"}},
    {ErrorId::kProfileNoSchemaVersion, "profile.no_schema_version", {}},
    {ErrorId::kProfileNewerSchema, "profile.newer_schema", {"version"}},
    {ErrorId::kProfileDuressSameAsPassphrase, "profile.duress_same_as_passphrase", {}},

    {ErrorId::kIdentityBindingUnsigned, "identity.binding_unsigned", {}},
    {ErrorId::kIdentityStoredKeyDamaged, "identity.stored_key_damaged", {}},
    {ErrorId::kIdentityStoredNoiseKeyDamaged, "identity.stored_noise_key_damaged", {}},
    {ErrorId::kIdentityNoiseKeyUnusable, "identity.noise_key_unusable", {}},

    {ErrorId::kPeersStoredAddressDamaged, "peers.stored_address_damaged", {}},
    {ErrorId::kPeersStoredKeySize, "peers.stored_key_size", {}},
    {ErrorId::kPeersOtherKey, "peers.other_key", {"address"}},
    {ErrorId::kPeersAddressIpv6Brackets, "peers.address_ipv6_brackets", {"text"}},
    {ErrorId::kPeersAddressBadIpv6, "peers.address_bad_ipv6", {"text"}},
    {ErrorId::kPeersAddressNoPort, "peers.address_no_port", {"text"}},
    {ErrorId::kPeersAddressNoHost, "peers.address_no_host", {"text"}},
    {ErrorId::kPeersAddressHostTooLong, "peers.address_host_too_long", {"text"}},
    {ErrorId::kPeersAddressHostCharacters, "peers.address_host_characters", {"text"}},
    {ErrorId::kPeersAddressPortNotNumber, "peers.address_port_not_number", {"text"}},
    {ErrorId::kPeersAddressPortRange, "peers.address_port_range", {"text"}},

    {ErrorId::kInviteNotAnInvite, "invite.not_an_invite", {}},
    {ErrorId::kInviteDamaged, "invite.damaged", {}},
    {ErrorId::kInviteMalformed, "invite.malformed", {}},
    {ErrorId::kInviteNewerVersion, "invite.newer_version", {}},
    {ErrorId::kInviteOlderVersion, "invite.older_version", {}},
    {ErrorId::kInviteBadAddress, "invite.bad_address", {}},

    {ErrorId::kSessionNoFragmentFlag, "session.no_fragment_flag", {}},
    {ErrorId::kSessionUnknownFragmentFlag, "session.unknown_fragment_flag", {}},
    {ErrorId::kSessionShortFragment, "session.short_fragment", {}},
    {ErrorId::kSessionMessageTooLong, "session.message_too_long", {"limit"}},
    {ErrorId::kSessionMalformedMessage, "session.malformed_message", {}},
    {ErrorId::kSessionNotOpen, "session.not_open", {}},
    {ErrorId::kSessionOwnMessageTooLarge, "session.own_message_too_large", {"size", "limit"}},

    {ErrorId::kSyncTooManyRejected, "sync.too_many_rejected", {}},
    {ErrorId::kSyncTooManyRefusedNetworks, "sync.too_many_refused_networks", {}},
    {ErrorId::kSyncRoundsTooFast, "sync.rounds_too_fast", {}},

    {ErrorId::kDirectStoredSessionDamaged, "direct.stored_session_damaged", {}},
    {ErrorId::kDirectStoredRatchetDamaged, "direct.stored_ratchet_damaged", {}},
    {ErrorId::kDirectStoredPrekeyDamaged, "direct.stored_prekey_damaged", {}},
    {ErrorId::kDirectPrekeyIdsUsedUp, "direct.prekey_ids_used_up", {}},
    {ErrorId::kDirectEmptyMessage, "direct.empty_message", {}},
    {ErrorId::kDirectToSelf, "direct.to_self", {}},
    {ErrorId::kDirectNotAMember, "direct.not_a_member", {}},
    {ErrorId::kDirectPeerNotAMember, "direct.peer_not_a_member", {}},
    {ErrorId::kDirectNoPeerKeys, "direct.no_peer_keys", {}},
    {ErrorId::kDirectNoReceipt, "direct.no_receipt", {}},
    {ErrorId::kDirectStoredMessageDamaged, "direct.stored_message_damaged", {}},

    {ErrorId::kStoreOpenFailed, "store.open_failed", {"reason"}},
    {ErrorId::kStoreReserveFailed, "store.reserve_failed", {"reason"}},
    {ErrorId::kStoreCloseFailed, "store.close_failed", {"reason"}},
    {ErrorId::kStoreCommandFailed, "store.command_failed", {"reason"}},
    {ErrorId::kStorePrepareFailed, "store.prepare_failed", {"reason"}},
    {ErrorId::kStoreClearLogFailed, "store.clear_log_failed", {"reason"}},
    {ErrorId::kStoreCheckpointFailed, "store.checkpoint_failed", {"reason"}},
    {ErrorId::kStoreBindFailed, "store.bind_failed", {"reason"}},
    {ErrorId::kStoreStatementFailed, "store.statement_failed", {"reason"}},
    {ErrorId::kStorePageTamperedDb, "store.page_tampered_db", {"page"}},
    {ErrorId::kStorePageTamperedJournal, "store.page_tampered_journal", {"page"}},
    {ErrorId::kStorePageTamperedWal, "store.page_tampered_wal", {"page"}},
    {ErrorId::kStoreStructureInconsistent, "store.structure_inconsistent", {}},
    {ErrorId::kStoreParameterRange, "store.parameter_range", {}},
    {ErrorId::kStoreTransactionEnded, "store.transaction_ended", {}},
    {ErrorId::kStoreMemoryUnprotected, "store.memory_unprotected", {}},
    {ErrorId::kStoreJournalMode, "store.journal_mode", {"mode"}},
    {ErrorId::kStoreNoReservedSpace, "store.no_reserved_space", {}},
    {ErrorId::kStoreClosed, "store.closed", {}},
    {ErrorId::kStoreEmptyStatement, "store.empty_statement", {}},
    {ErrorId::kStoreLogNotCleared, "store.log_not_cleared", {}},
    {ErrorId::kStoreNoUnixVfs, "store.no_unix_vfs", {}},
    {ErrorId::kStoreVfsRegister, "store.vfs_register", {}},
    {ErrorId::kStoreCounterMax, "store.counter_max", {}},

    {ErrorId::kRatchetMessageTooLong, "ratchet.message_too_long", {}},
    {ErrorId::kRatchetBadPadding, "ratchet.bad_padding", {}},
    {ErrorId::kRatchetStoredSessionDamaged, "ratchet.stored_session_damaged", {}},
    {ErrorId::kRatchetUndecryptable, "ratchet.undecryptable", {}},
    {ErrorId::kRatchetKeyAgreementFailed, "ratchet.key_agreement_failed", {}},
    {ErrorId::kRatchetPrekeyUnsigned, "ratchet.prekey_unsigned", {}},
    {ErrorId::kRatchetOneTimePrekeyMalformed, "ratchet.one_time_prekey_malformed", {}},
    {ErrorId::kRatchetStateDamaged, "ratchet.state_damaged", {}},
    {ErrorId::kRatchetTooFarAhead, "ratchet.too_far_ahead", {}},
    {ErrorId::kRatchetTooManySent, "ratchet.too_many_sent", {}},

    {ErrorId::kReconcileAddAfterSeal, "reconcile.add_after_seal", {}},
    {ErrorId::kReconcileInfiniteTimestamp, "reconcile.infinite_timestamp", {}},
    {ErrorId::kReconcileIdSize, "reconcile.id_size", {}},
    {ErrorId::kReconcileAlreadySealed, "reconcile.already_sealed", {}},
    {ErrorId::kReconcileVarintLeadingZero, "reconcile.varint_leading_zero", {}},
    {ErrorId::kReconcileVarintTooLarge, "reconcile.varint_too_large", {}},
    {ErrorId::kReconcileVarintTruncated, "reconcile.varint_truncated", {}},
    {ErrorId::kReconcileNotSealed, "reconcile.not_sealed", {}},
    {ErrorId::kReconcileFrameLimitRange, "reconcile.frame_limit_range", {}},
    {ErrorId::kReconcileServerAsClient, "reconcile.server_as_client", {}},
    {ErrorId::kReconcileClientAnswering, "reconcile.client_answering", {}},
    {ErrorId::kReconcileInitiateOnce, "reconcile.initiate_once", {}},
    {ErrorId::kReconcileReplyBeforeInitiate, "reconcile.reply_before_initiate", {}},
    {ErrorId::kReconcileMessageTooLarge, "reconcile.message_too_large", {}},
    {ErrorId::kReconcileNoVersion, "reconcile.no_version", {}},
    {ErrorId::kReconcileVersion, "reconcile.version", {"version"}},
    {ErrorId::kReconcileRangesOutOfOrder, "reconcile.ranges_out_of_order", {}},
    {ErrorId::kReconcileRangePastInfinity, "reconcile.range_past_infinity", {}},
    {ErrorId::kReconcileTooManyIds, "reconcile.too_many_ids", {}},
    {ErrorId::kReconcileAnswerTooLarge, "reconcile.answer_too_large", {}},
    {ErrorId::kReconcileTruncated, "reconcile.truncated", {}},
    {ErrorId::kReconcilePrefixTooLong, "reconcile.prefix_too_long", {}},
    {ErrorId::kReconcileUnknownMode, "reconcile.unknown_mode", {}},

    {ErrorId::kNoiseNonceExhausted, "noise.nonce_exhausted", {}},
    {ErrorId::kNoiseNotAuthentic, "noise.not_authentic", {}},
    {ErrorId::kNoiseEmptyFrame, "noise.empty_frame", {}},
    {ErrorId::kNoiseFrameTooLong, "noise.frame_too_long", {"size", "limit"}},
    {ErrorId::kNoiseProofMalformed, "noise.proof_malformed", {}},
    {ErrorId::kNoiseResponderSentInvite, "noise.responder_sent_invite", {}},
    {ErrorId::kNoiseInitiatorAnnouncedKind, "noise.initiator_announced_kind", {}},
    {ErrorId::kNoiseProofOtherKey, "noise.proof_other_key", {}},
    {ErrorId::kNoiseProofBadSignature, "noise.proof_bad_signature", {}},
    {ErrorId::kNoisePremessageKeyMissing, "noise.premessage_key_missing", {}},
    {ErrorId::kNoiseStaticKeyMissing, "noise.static_key_missing", {}},
    {ErrorId::kNoiseHandshakeTooLong, "noise.handshake_too_long", {}},
    {ErrorId::kNoiseHandshakeRejected, "noise.handshake_rejected", {}},
    {ErrorId::kNoiseTransportRejected, "noise.transport_rejected", {}},
    {ErrorId::kNoiseTransportTooLong, "noise.transport_too_long", {}},
    {ErrorId::kNoiseClosed, "noise.closed", {}},

    {ErrorId::kNodeNoPeers, "node.no_peers", {}},
    {ErrorId::kNodeNotOnAllowList, "node.not_on_allow_list", {"address"}},
    {ErrorId::kNodeInviteExpired, "node.invite_expired", {"expired_at"}},
    {ErrorId::kNodeOwnInvite, "node.own_invite", {}},
    {ErrorId::kNodeRealInviteDemoProfile, "node.real_invite_demo_profile", {}},
    {ErrorId::kNodeDemoInviteRealProfile, "node.demo_invite_real_profile", {}},
    {ErrorId::kNodeAlreadyMember, "node.already_member", {}},
    {ErrorId::kNodeJoinedRealNetworkAsDemo, "node.joined_real_network_as_demo", {}},
    {ErrorId::kNodeJoinedDemoNetworkAsReal, "node.joined_demo_network_as_real", {}},
    {ErrorId::kNodeJoinIncomplete, "node.join_incomplete", {}},

    {ErrorId::kTorOnionAddressShape, "tor.onion_address_shape", {"address"}},
    {ErrorId::kTorPortRange, "tor.port_range", {"port"}},
    {ErrorId::kTorSocksIsolationLength, "tor.socks_isolation_length", {}},
    {ErrorId::kTorSocksVersion, "tor.socks_version", {"version"}},
    {ErrorId::kTorSocksNoAcceptableMethod, "tor.socks_no_acceptable_method", {}},
    {ErrorId::kTorSocksUnofferedMethod, "tor.socks_unoffered_method", {"method"}},
    {ErrorId::kTorSocksAuthVersion, "tor.socks_auth_version", {"version"}},
    {ErrorId::kTorSocksAuthRefused, "tor.socks_auth_refused", {}},
    {ErrorId::kTorSocksReservedByte, "tor.socks_reserved_byte", {"value"}},
    {ErrorId::kTorSocksAddressType, "tor.socks_address_type", {"type"}},
    {ErrorId::kTorSocksEmptyBoundName, "tor.socks_empty_bound_name", {}},
    {ErrorId::kTorSocksSpokeOutOfTurn, "tor.socks_spoke_out_of_turn", {}},
    {ErrorId::kTorSocksClosedEarly, "tor.socks_closed_early", {}},
    {ErrorId::kTorSocksGeneralFailure, "tor.socks_general_failure", {}},
    {ErrorId::kTorSocksNotAllowed, "tor.socks_not_allowed", {}},
    {ErrorId::kTorSocksNetworkUnreachable, "tor.socks_network_unreachable", {}},
    {ErrorId::kTorSocksHostUnreachable, "tor.socks_host_unreachable", {}},
    {ErrorId::kTorSocksConnectionRefused, "tor.socks_connection_refused", {}},
    {ErrorId::kTorSocksTtlExpired, "tor.socks_ttl_expired", {}},
    {ErrorId::kTorSocksCommandNotSupported, "tor.socks_command_not_supported", {}},
    {ErrorId::kTorSocksAddressTypeNotSupported, "tor.socks_address_type_not_supported", {}},
    {ErrorId::kTorOnionDescriptorNotFound, "tor.onion_descriptor_not_found", {}},
    {ErrorId::kTorOnionDescriptorInvalid, "tor.onion_descriptor_invalid", {}},
    {ErrorId::kTorOnionIntroFailed, "tor.onion_intro_failed", {}},
    {ErrorId::kTorOnionRendezvousFailed, "tor.onion_rendezvous_failed", {}},
    {ErrorId::kTorOnionMissingClientAuth, "tor.onion_missing_client_auth", {}},
    {ErrorId::kTorOnionWrongClientAuth, "tor.onion_wrong_client_auth", {}},
    {ErrorId::kTorOnionBadAddress, "tor.onion_bad_address", {}},
    {ErrorId::kTorOnionIntroTimedOut, "tor.onion_intro_timed_out", {}},
    {ErrorId::kTorSocksUnknownReply, "tor.socks_unknown_reply", {"code"}},
    {ErrorId::kTorControlLineTooLong, "tor.control_line_too_long", {"limit"}},
    {ErrorId::kTorControlReplyTooLarge, "tor.control_reply_too_large", {"limit"}},
    {ErrorId::kTorControlMalformedLine, "tor.control_malformed_line", {}},
    {ErrorId::kTorControlBareNewline, "tor.control_bare_newline", {}},
    {ErrorId::kTorControlMixedStatus, "tor.control_mixed_status", {}},
    {ErrorId::kTorControlClosed, "tor.control_closed", {}},
    {ErrorId::kTorControlArgumentUnsafe, "tor.control_argument_unsafe", {"argument"}},
    {ErrorId::kTorControlCommandFailed, "tor.control_command_failed", {"command", "status", "text"}},
    {ErrorId::kTorControlMalformedReply, "tor.control_malformed_reply", {"command"}},
    {ErrorId::kTorControlNoSafeCookie, "tor.control_no_safe_cookie", {"methods"}},
    {ErrorId::kTorControlNoCookieFile, "tor.control_no_cookie_file", {}},
    {ErrorId::kTorControlCookieSize, "tor.control_cookie_size", {"size"}},
    {ErrorId::kTorControlServerHashMismatch, "tor.control_server_hash_mismatch", {}},
}};

constexpr const ErrorSpec& error_spec(ErrorId id) noexcept { return kErrorCatalog[static_cast<std::size_t>(id)]; }

namespace detail {
constexpr bool catalog_is_well_formed() {
  for (std::size_t i = 0; i < kErrorCatalog.size(); ++i) {
    const ErrorSpec& s = kErrorCatalog[i];
    if (static_cast<std::size_t>(s.id) != i || s.key.empty()) return false;
    for (std::size_t f = s.field_count(); f < s.fields.size(); ++f) {
      if (!s.fields[f].empty()) return false;  // a gap in the field names
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (kErrorCatalog[j].key == s.key) return false;
    }
  }
  return true;
}
}  // namespace detail
static_assert(detail::catalog_is_well_formed(), "kErrorCatalog: one entry per ErrorId, in order, unique keys");

// A field's value as text. Numbers in decimal; text as it is.
inline std::string field_value(std::string_view text) { return std::string(text); }
inline std::string field_value(const char* text) { return std::string(text); }
inline std::string field_value(std::string text) { return text; }
template <std::integral N>
std::string field_value(N number) {
  return std::to_string(number);
}

// An error with id `Id`, one value for each of its fields in catalog order:
//   return core::fail<core::ErrorId::kProfileNewerSchema>(core::Errc::kCorrupt, version);
template <ErrorId Id, typename... Values>
Error make_error(Errc code, Values&&... values) {
  static_assert(sizeof...(Values) == error_spec(Id).field_count(),
                "pass one value for each field core/error_ids.hpp names for this id");
  return Error(code, Id, std::vector<std::string>{field_value(std::forward<Values>(values))...});
}

template <ErrorId Id, typename... Values>
tl::unexpected<Error> fail(Errc code, Values&&... values) {
  return tl::unexpected<Error>(make_error<Id>(code, std::forward<Values>(values)...));
}

}  // namespace tumar::core
