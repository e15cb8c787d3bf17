#include "cli/error_text.hpp"

#include <charconv>
#include <utility>

#include "cli/dates.hpp"
#include "core/error_ids.hpp"

namespace tumar::cli {
namespace {

using core::ErrorId;

// One template per id core/ reports. Fields in braces are filled from the
// error; core/error_ids.hpp names each id's fields (a test checks the match).
constexpr std::pair<ErrorId, std::string_view> kEnglish[] = {
    {ErrorId::kFrontEndSentence, "{sentence}"},

    // profile/
    {ErrorId::kProfileSimulatedCrash, "Simulated crash (test) before: {step}."},
    {ErrorId::kProfileCannotDo, "Cannot {step} {path}: {reason}."},
    {ErrorId::kProfileInTheWay, "Something that is not a file is in the way at {path}; move it away and retry."},
    {ErrorId::kProfileCannotLock, "Cannot lock the directory {path}: {reason}."},
    {ErrorId::kProfileNoSuchFile, "There is no file {path}."},
    {ErrorId::kProfileSymlink, "{path} is a symbolic link; tumar does not follow links for its files."},
    {ErrorId::kProfileNotRegularFile, "{path} is not a regular file."},
    {ErrorId::kProfileFileTooLarge, "{path} is {size} bytes, more than the {limit} expected."},
    {ErrorId::kProfileFileExists, "{path} already exists; nothing was overwritten."},
    {ErrorId::kProfileFileReplaced, "{path} was removed or replaced while it was being changed."},
    {ErrorId::kProfileDiskErrorAfterChange,
     "The change to {path} was made, but the disk reported an error afterwards ({step}: {reason})."},
    {ErrorId::kProfileUnknownHardening,
     "Unknown passphrase hardening level; use interactive, moderate or sensitive."},
    {ErrorId::kProfileEmptyPassphrase, "The passphrase is empty."},
    {ErrorId::kProfileWrongPassphrase, "The passphrase is wrong."},
    {ErrorId::kProfileHardeningOutOfRange, "The passphrase-hardening settings are outside the safe range."},
    {ErrorId::kProfileNotKeyFile, "This is not a tumar key file."},
    {ErrorId::kProfileKeyFileVersion,
     "The key file has format version {version}; this tumar reads version 1 only. A newer tumar may have written "
     "it."},
    {ErrorId::kProfileKeyFileAlgorithm, "The key file names a key-derivation algorithm tumar does not use."},
    {ErrorId::kProfileKeyFileHeaderDamaged, "The key file header is damaged."},
    {ErrorId::kProfileKeyFileHardeningOutOfRange,
     "The key file asks for passphrase-hardening settings outside the safe range; it is damaged or was tampered "
     "with."},
    {ErrorId::kProfileKeyFileSize,
     "The key file has {size} bytes instead of 384; it is damaged or not a tumar key file."},
    {ErrorId::kProfileDecoyNameTooLong, "The decoy display name is longer than 78 bytes."},
    {ErrorId::kProfileDecoyNameControl, "The decoy display name contains a control character."},
    {ErrorId::kProfileKeyFileContentsDamaged, "The key file opened but its contents are damaged."},
    {ErrorId::kProfileHardeningOutOfMemory,
     "Not enough memory to harden the passphrase (the key file asks for {mib} MiB); close other programs and "
     "retry."},
    {ErrorId::kProfileCannotInspect, "Cannot inspect {path}: {reason}."},
    {ErrorId::kProfileHomeNotDirectory, "{path} is not a directory; nothing was wiped."},
    {ErrorId::kProfileAlreadyServing,
     "A node is already running on this profile (`tumar serve`): one node per profile. Stop it first, or see it with `tumar status`."},
    {ErrorId::kProfileServeLockFailed, "tumar could not lock {path}: {reason}."},
    {ErrorId::kProfileCannotOpenDirectory, "Cannot open the directory {path}: {reason}."},
    {ErrorId::kProfileCannotCreateHome, "Cannot create the profile directory {path}: {reason}."},
    {ErrorId::kProfileCannotRestrictHome, "Cannot restrict the profile directory {path}: {reason}."},
    {ErrorId::kProfileDisplayNameEmpty, "The display name is empty."},
    {ErrorId::kProfileDisplayNameTooLong, "The display name is longer than 78 bytes."},
    {ErrorId::kProfileDisplayNameControl, "The display name contains a control character."},
    {ErrorId::kProfileNoHome, "No home directory is known; pass --home DIR."},
    {ErrorId::kProfileExistsAt, "A profile already exists at {path}; nothing was changed."},
    {ErrorId::kProfileDatabaseMissing, "The profile's key file opened, but its database is missing from {path}."},
    {ErrorId::kProfileNoIdentity, "The profile database holds no identity."},
    {ErrorId::kProfileIdentitySize, "The stored identity has the wrong size."},
    {ErrorId::kProfileNone, "There is no tumar profile at {path}. Create one with: tumar init"},
    {ErrorId::kProfileNotWritable, "The profile at {path} cannot be written; check its permissions."},
    {ErrorId::kProfileNoSchemaVersion, "The profile database has no schema version."},
    {ErrorId::kProfileNewerSchema,
     "This profile was written by a newer tumar (schema {version}); update tumar to open it."},
    {ErrorId::kProfileDuressSameAsPassphrase, "The duress passphrase must differ from your passphrase."},

    // identity/
    {ErrorId::kIdentityBindingUnsigned, "The peer's Noise key is not signed by its identity key."},
    {ErrorId::kIdentityStoredKeyDamaged, "The stored identity key is damaged."},
    {ErrorId::kIdentityStoredNoiseKeyDamaged, "The stored Noise key is damaged."},
    {ErrorId::kIdentityNoiseKeyUnusable,
     "That member's Noise key cannot receive keys (it is not a usable X25519 key); nothing was sent to them."},

    // peers/
    {ErrorId::kPeersStoredAddressDamaged, "The allow list holds an address tumar cannot read."},
    {ErrorId::kPeersStoredKeySize, "The allow list holds a key of the wrong size."},
    {ErrorId::kPeersOtherKey,
     "{address} is already recorded with a different key. If the peer really has a new key, run `tumar peer remove {address}` first, then add it again."},
    {ErrorId::kPeersAddressIpv6Brackets,
     "\"{text}\" is not a peer address (an IPv6 address needs [brackets] and a port); write HOST:PORT, for example 127.0.0.1:7000."},
    {ErrorId::kPeersAddressBadIpv6,
     "\"{text}\" is not a peer address (bad IPv6 address); write HOST:PORT, for example 127.0.0.1:7000."},
    {ErrorId::kPeersAddressNoPort,
     "\"{text}\" is not a peer address (no port); write HOST:PORT, for example 127.0.0.1:7000."},
    {ErrorId::kPeersAddressNoHost,
     "\"{text}\" is not a peer address (no host); write HOST:PORT, for example 127.0.0.1:7000."},
    {ErrorId::kPeersAddressHostTooLong,
     "\"{text}\" is not a peer address (host name too long); write HOST:PORT, for example 127.0.0.1:7000."},
    {ErrorId::kPeersAddressHostCharacters,
     "\"{text}\" is not a peer address (the host has characters a host name cannot have); write HOST:PORT, for example 127.0.0.1:7000."},
    {ErrorId::kPeersAddressPortNotNumber,
     "\"{text}\" is not a peer address (the port must be a number); write HOST:PORT, for example 127.0.0.1:7000."},
    {ErrorId::kPeersAddressPortRange,
     "\"{text}\" is not a peer address (the port must be 1 to 65535); write HOST:PORT, for example 127.0.0.1:7000."},

    // invite/
    {ErrorId::kInviteNotAnInvite, "This is not a tumar invite: an invite code starts with \"tumar-invite-\"."},
    {ErrorId::kInviteDamaged,
     "This invite code is damaged: a character is wrong, missing or extra. Copy it again, or ask for it to be sent again."},
    {ErrorId::kInviteMalformed, "This invite code is malformed (it is not one tumar makes); ask for a new invite."},
    {ErrorId::kInviteNewerVersion, "This invite was made by a newer version of tumar; update tumar, then join again."},
    {ErrorId::kInviteOlderVersion,
     "This invite was made by an older version of tumar, which does not say whether it is for a training network; ask for a new invite."},
    {ErrorId::kInviteBadAddress,
     "This invite names an address tumar cannot use for the inviter's node; ask for a new invite."},

    // session/
    {ErrorId::kSessionNoFragmentFlag, "The peer sent a transport message with no fragment flag."},
    {ErrorId::kSessionUnknownFragmentFlag, "The peer sent an unknown fragment flag."},
    {ErrorId::kSessionShortFragment, "The peer sent a short fragment that was not the last one."},
    {ErrorId::kSessionMessageTooLong, "The peer sent a message over the limit of {limit} bytes."},
    {ErrorId::kSessionMalformedMessage, "The peer sent a malformed session message."},
    {ErrorId::kSessionNotOpen, "The connection is not open."},
    {ErrorId::kSessionOwnMessageTooLarge, "A message of {size} bytes is over the limit of {limit} bytes."},
    {ErrorId::kSessionSentBeforeAdmitted, "The peer sent more than a frame before it was admitted."},
    {ErrorId::kSessionPeerClosed, "The peer closed the connection."},
    {ErrorId::kSessionReadFailed, "Reading from the connection failed: {system}"},
    {ErrorId::kSessionWriteFailed, "Writing to the connection failed: {system}"},

    // sync/
    {ErrorId::kSyncTooManyRejected, "The peer sent too many objects that were rejected."},
    {ErrorId::kSyncTooManyRefusedNetworks, "The dialler asked about too many networks it may not sync."},
    {ErrorId::kSyncRoundsTooFast, "The dialler started rounds of one network faster than the node allows."},

    // direct/
    {ErrorId::kDirectStoredSessionDamaged, "A stored session is damaged."},
    {ErrorId::kDirectStoredRatchetDamaged, "A stored direct-message session is damaged."},
    {ErrorId::kDirectStoredPrekeyDamaged, "A stored prekey is damaged."},
    {ErrorId::kDirectPrekeyIdsUsedUp, "This profile has used up its prekey ids."},
    {ErrorId::kDirectEmptyMessage, "The message is empty; write something to send."},
    {ErrorId::kDirectToSelf, "That is you; choose another member."},
    {ErrorId::kDirectNotAMember, "You are not a member of this network (any more)."},
    {ErrorId::kDirectPeerNotAMember, "They are not a member of this network (any more); nothing was sent."},
    {ErrorId::kDirectNoPeerKeys,
     "They have not published their keys for direct messages yet (a node publishes them when it next runs `tumar sync` or `tumar serve`). Sync, then try again."},
    {ErrorId::kDirectNoReceipt, "No receipt to send."},
    {ErrorId::kDirectStoredMessageDamaged, "A stored message is damaged."},

    // store/
    {ErrorId::kStoreOpenFailed, "Opening the database failed: {reason}."},
    {ErrorId::kStoreReserveFailed, "Reserving space for page authentication failed: {reason}."},
    {ErrorId::kStoreCloseFailed, "Closing the database failed: {reason}."},
    {ErrorId::kStoreCommandFailed, "A database command failed: {reason}."},
    {ErrorId::kStorePrepareFailed, "Preparing a database statement failed: {reason}."},
    {ErrorId::kStoreClearLogFailed, "Clearing the database's log failed: {reason}."},
    {ErrorId::kStoreCheckpointFailed, "Checkpointing the database failed: {reason}."},
    {ErrorId::kStoreBindFailed, "Binding a statement parameter failed: {reason}."},
    {ErrorId::kStoreStatementFailed, "A database statement failed: {reason}."},
    {ErrorId::kStorePageTamperedDb,
     "The profile's database failed its integrity check (page {page} of the database file was altered or is not from this profile). Nothing was read from it."},
    {ErrorId::kStorePageTamperedJournal,
     "The profile's database failed its integrity check (page {page} in the rollback journal was altered or is not from this profile). Nothing was read from it."},
    {ErrorId::kStorePageTamperedWal,
     "The profile's database failed its integrity check (page {page} in the write-ahead log was altered or is not from this profile). Nothing was read from it."},
    {ErrorId::kStoreStructureInconsistent,
     "The profile's database failed its integrity check (its structure is inconsistent). Nothing was read from it."},
    {ErrorId::kStoreParameterRange, "A statement parameter index is out of range."},
    {ErrorId::kStoreTransactionEnded, "The transaction has already ended."},
    {ErrorId::kStoreMemoryUnprotected,
     "SQLite was started before tumar could protect its memory; the database was not opened."},
    {ErrorId::kStoreJournalMode, "The database could not be switched to journal mode {mode}."},
    {ErrorId::kStoreNoReservedSpace, "The profile's database does not reserve space for authentication."},
    {ErrorId::kStoreClosed, "The database is closed."},
    {ErrorId::kStoreEmptyStatement, "The SQL statement is empty."},
    {ErrorId::kStoreLogNotCleared,
     "The change is saved, but another tumar process kept the profile busy, so older encrypted copies of what it removed are still in the database's log. They are cleared the next time tumar removes something, or when the last tumar process using the profile stops."},
    {ErrorId::kStoreNoUnixVfs, "SQLite's unix file layer is not available."},
    {ErrorId::kStoreVfsRegister, "The encrypted file layer could not be registered with SQLite."},
    {ErrorId::kStoreCounterMax, "A counter reached its largest value (2^63-1); nothing was changed."},

    // ratchet/
    {ErrorId::kRatchetMessageTooLong, "The message is too long to send (at most 16383 bytes)."},
    {ErrorId::kRatchetBadPadding, "The message's padding is malformed."},
    {ErrorId::kRatchetStoredSessionDamaged, "A stored conversation is damaged and cannot be opened."},
    {ErrorId::kRatchetUndecryptable, "The message could not be decrypted."},
    {ErrorId::kRatchetKeyAgreementFailed, "The key agreement with this contact failed."},
    {ErrorId::kRatchetPrekeyUnsigned, "The contact's signed prekey is not signed by their identity key."},
    {ErrorId::kRatchetOneTimePrekeyMalformed, "The contact's one-time prekey is malformed."},
    {ErrorId::kRatchetStateDamaged, "This conversation's stored state is damaged; start a new one."},
    {ErrorId::kRatchetTooFarAhead, "The message is too far ahead of the conversation to be read."},
    {ErrorId::kRatchetTooManySent, "This conversation has sent too many messages; start a new one."},

    // reconcile/
    {ErrorId::kReconcileAddAfterSeal, "Items cannot be added once the set is sealed."},
    {ErrorId::kReconcileInfiniteTimestamp,
     "An item cannot have the timestamp 2^64-1: the protocol reserves it for infinity."},
    {ErrorId::kReconcileIdSize, "An item id must be exactly 32 bytes."},
    {ErrorId::kReconcileAlreadySealed, "The set is already sealed."},
    {ErrorId::kReconcileVarintLeadingZero, "A reconciliation message holds a number with a leading zero digit."},
    {ErrorId::kReconcileVarintTooLarge, "A reconciliation message holds a number larger than 64 bits."},
    {ErrorId::kReconcileVarintTruncated, "A reconciliation message ends in the middle of a number."},
    {ErrorId::kReconcileNotSealed, "The item set must be sealed before reconciliation."},
    {ErrorId::kReconcileFrameLimitRange,
     "The reconciliation frame size limit must be 0 (none) or between 4096 bytes and 64 MiB."},
    {ErrorId::kReconcileServerAsClient, "A reconciliation server cannot act as a client."},
    {ErrorId::kReconcileClientAnswering, "A reconciliation client cannot answer queries."},
    {ErrorId::kReconcileInitiateOnce, "Reconciliation can be initiated only once, by a client."},
    {ErrorId::kReconcileReplyBeforeInitiate, "A reconciliation reply can only be handled after initiate()."},
    {ErrorId::kReconcileMessageTooLarge, "A reconciliation message is larger than 64 MiB."},
    {ErrorId::kReconcileNoVersion, "A message does not start with a Negentropy protocol version byte."},
    {ErrorId::kReconcileVersion, "The reconciliation peer answered in Negentropy protocol version {version}, not 1."},
    {ErrorId::kReconcileRangesOutOfOrder, "A reconciliation message lists its ranges out of order."},
    {ErrorId::kReconcileRangePastInfinity, "A reconciliation message has a range ending past infinity."},
    {ErrorId::kReconcileTooManyIds, "A reconciliation message lists more ids than it holds."},
    {ErrorId::kReconcileAnswerTooLarge,
     "A reconciliation answer would exceed 64 MiB; set a frame size limit to split it over rounds."},
    {ErrorId::kReconcileTruncated, "A reconciliation message ends too early."},
    {ErrorId::kReconcilePrefixTooLong, "A reconciliation message holds a bound with an id prefix over 32 bytes."},
    {ErrorId::kReconcileUnknownMode, "A reconciliation message holds a range of unknown mode."},

    // noise/
    {ErrorId::kNoiseNonceExhausted, "This connection has used all of its message numbers; reconnect to continue."},
    {ErrorId::kNoiseNotAuthentic, "A message from the peer was rejected as not authentic."},
    {ErrorId::kNoiseEmptyFrame, "The peer sent an empty frame; the connection is closed."},
    {ErrorId::kNoiseFrameTooLong,
     "The peer announced a frame of {size} bytes, over the limit of {limit} bytes; the connection is closed."},
    {ErrorId::kNoiseProofMalformed, "The peer's identity proof is malformed."},
    {ErrorId::kNoiseResponderSentInvite, "The responder sent an invite, which only a joining initiator may do."},
    {ErrorId::kNoiseInitiatorAnnouncedKind,
     "The initiator announced a profile kind, which only a responder does in its payload."},
    {ErrorId::kNoiseProofOtherKey, "The peer's identity proof is for a different handshake key; the peer is refused."},
    {ErrorId::kNoiseProofBadSignature, "The peer's identity proof has an invalid signature; the peer is refused."},
    {ErrorId::kNoisePremessageKeyMissing, "A key the handshake pattern needs before it starts is missing."},
    {ErrorId::kNoiseStaticKeyMissing, "The handshake pattern needs a static key and none was given."},
    {ErrorId::kNoiseHandshakeTooLong, "A handshake message would exceed the Noise limit of 65535 bytes."},
    {ErrorId::kNoiseHandshakeRejected, "The peer's handshake message was rejected."},
    {ErrorId::kNoiseTransportRejected,
     "A message from the peer was rejected (altered, replayed, out of order or cut short); the connection is closed."},
    {ErrorId::kNoiseTransportTooLong, "A message is larger than 65519 bytes and cannot be sent in one piece."},
    {ErrorId::kNoiseClosed, "The connection is closed."},

    // node/
    {ErrorId::kNodeNoPeers,
     "There is no one to sync with: no peer on your allow list, and no member of your networks has said where "
     "their node can be reached. A member who runs `tumar serve` can publish it with: tumar profile set --address "
     "HOST:PORT. Or add a peer with: tumar peer add HOST:PORT --key KEY"},
    {ErrorId::kNodeNotOnAllowList,
     "{address} is not on your allow list, and no member of your networks said their node is there. Add it "
     "first: tumar peer add {address} --key KEY"},
    {ErrorId::kNodeInviteExpired, "This invite expired on {expired_at}. Ask whoever sent it for a new one."},
    {ErrorId::kNodeOwnInvite, "This is your own invite; give it to the person you invite."},
    {ErrorId::kNodeRealInviteDemoProfile,
     "This invite is for a real network, and this is a demo (training) profile: a demo profile never joins a real network. Nothing was sent, and the invite is still unused; join from your real profile."},
    {ErrorId::kNodeDemoInviteRealProfile,
     "This invite is for a training (demo) network, and a real profile never joins one. Nothing was sent, and the invite is still unused; use a profile made with `tumar init --demo` to practise."},
    {ErrorId::kNodeAlreadyMember, "You are already a member of this network."},
    {ErrorId::kNodeJoinedRealNetworkAsDemo,
     "This invite is for a real network, and this is a demo profile: nothing was kept. Join it from your real profile."},
    {ErrorId::kNodeJoinedDemoNetworkAsReal,
     "This invite is for a training (demo) network, and a real profile never joins one: nothing was kept. Use a profile made with `tumar init --demo` to practise."},
    {ErrorId::kNodeJoinIncomplete,
     "Connected and admitted, but the network did not arrive completely; run `tumar sync` to finish."},
    // tor/
    {ErrorId::kTorOnionAddressShape,
     "{address} is not a v3 onion address (56 letters a-z and digits 2-7, then .onion). Check the address you were given; nothing was sent."},
    {ErrorId::kTorPortRange,
     "Port {port} is outside 1 to 65535; nothing was sent."},
    {ErrorId::kTorSocksIsolationLength,
     "The stream-isolation name given to tor's SOCKS port must be 1 to 255 bytes (a bug in tumar); nothing was sent."},
    {ErrorId::kTorSocksVersion,
     "Tor's SOCKS port answered in SOCKS version {version}, not 5: what listens there is not tor. Check the SOCKS port tumar was given."},
    {ErrorId::kTorSocksNoAcceptableMethod,
     "Tor's SOCKS port accepted none of the ways tumar offered to connect; check that the SOCKS port is tor's own and that tor is up to date."},
    {ErrorId::kTorSocksUnofferedMethod,
     "Tor's SOCKS port chose a connection method tumar did not offer ({method}): what listens there is not tor, or it is broken. The connection is closed."},
    {ErrorId::kTorSocksAuthVersion,
     "Tor's SOCKS port answered the stream-isolation step in version {version}, not 1: what listens there is not tor. The connection is closed."},
    {ErrorId::kTorSocksAuthRefused,
     "Tor's SOCKS port refused tumar's stream-isolation name; check that the SOCKS port is tor's own. The connection is closed."},
    {ErrorId::kTorSocksReservedByte,
     "Tor's SOCKS port sent a malformed reply (reserved byte {value}, not 0): what listens there is not tor, or it is broken. The connection is closed."},
    {ErrorId::kTorSocksAddressType,
     "Tor's SOCKS port sent a reply with an unknown address type {type}: what listens there is not tor, or it is broken. The connection is closed."},
    {ErrorId::kTorSocksEmptyBoundName,
     "Tor's SOCKS port sent a reply with an empty host name: what listens there is not tor, or it is broken. The connection is closed."},
    {ErrorId::kTorSocksSpokeOutOfTurn,
     "Tor's SOCKS port sent bytes before tumar asked anything of it: what listens there is not tor, or it is broken. The connection is closed."},
    {ErrorId::kTorSocksClosedEarly,
     "Tor's SOCKS port closed the connection before it answered; tor may have stopped. tumar restarts it; try again in a minute."},
    {ErrorId::kTorSocksGeneralFailure,
     "Tor could not make the connection (general failure). Tor may still be starting or has lost the network: check your connection and try again in a minute."},
    {ErrorId::kTorSocksNotAllowed,
     "Tor's rules do not allow this connection; check the torrc lines you added (TUMAR_TORRC or --torrc)."},
    {ErrorId::kTorSocksNetworkUnreachable,
     "Tor cannot reach the network; check your internet connection, or add bridges if Tor is blocked where you are: tumar tor bridges add LINE"},
    {ErrorId::kTorSocksHostUnreachable,
     "Tor could not reach that host; it may be offline. Try again later."},
    {ErrorId::kTorSocksConnectionRefused,
     "The member's tor answered, but nothing accepted the connection behind it: their tumar is not running right now. Try again later."},
    {ErrorId::kTorSocksTtlExpired,
     "The connection through Tor took too long and was given up; the network is slow or the member is offline. Try again in a minute."},
    {ErrorId::kTorSocksCommandNotSupported,
     "Tor's SOCKS port does not support the CONNECT command: what listens there is not tor, or it is misconfigured."},
    {ErrorId::kTorSocksAddressTypeNotSupported,
     "Tor's SOCKS port does not accept this kind of address; check the address, and that the SOCKS port is tor's own."},
    {ErrorId::kTorOnionDescriptorNotFound,
     "The member's onion service is not reachable now: it has not been published recently, so the member is probably offline. Try again when they are online."},
    {ErrorId::kTorOnionDescriptorInvalid,
     "The member's onion service published something tor could not read or verify; the address may be wrong, or the member must restart tumar. Try again later."},
    {ErrorId::kTorOnionIntroFailed,
     "Tor found the member's onion service but could not get an introduction: the member went offline or restarted. Try again in a few minutes."},
    {ErrorId::kTorOnionRendezvousFailed,
     "Tor could not complete the meeting circuit with the member's onion service; the network is slow or the member just went offline. Try again in a minute."},
    {ErrorId::kTorOnionMissingClientAuth,
     "You are not authorised by that member's node: tor has no client key for it. Sync with the network to receive the member list, or ask the member to check that you are still a member."},
    {ErrorId::kTorOnionWrongClientAuth,
     "That member's node no longer accepts your key: your access was revoked, or your profile is out of date. Sync with another member, or ask the network's lead."},
    {ErrorId::kTorOnionBadAddress,
     "Tor says this onion address is not valid (its checksum or version is wrong); it was probably mistyped. Ask for the address again."},
    {ErrorId::kTorOnionIntroTimedOut,
     "The member's onion service did not answer its introduction in time; the member is probably offline or on a very slow link. Try again later."},
    {ErrorId::kTorSocksUnknownReply,
     "Tor could not make the connection and gave reply code {code}, which this tumar does not know; try again later, and update tumar if it keeps happening."},
    {ErrorId::kTorControlLineTooLong,
     "Tor's control connection sent a line longer than {limit} bytes; the connection is closed and tor will be restarted."},
    {ErrorId::kTorControlReplyTooLarge,
     "Tor's control connection sent a reply larger than {limit} bytes; the connection is closed and tor will be restarted."},
    {ErrorId::kTorControlMalformedLine,
     "Tor's control connection sent a line that is not a control-protocol reply: what listens there is not tor, or it is broken. The connection is closed."},
    {ErrorId::kTorControlBareNewline,
     "Tor's control connection ended a line without a carriage return, which tor never does: what listens there is not tor. The connection is closed."},
    {ErrorId::kTorControlMixedStatus,
     "Tor's control connection mixed status codes inside one reply: what listens there is not tor, or it is broken. The connection is closed."},
    {ErrorId::kTorControlClosed,
     "Tor closed its control connection; tor has stopped or crashed. tumar restarts it."},
    {ErrorId::kTorControlArgumentUnsafe,
     "The {argument} for a tor control command holds a character that is not allowed there (a space, quote, backslash, comma or line break); nothing was sent."},
    {ErrorId::kTorControlCommandFailed,
     "Tor refused {command} with status {status}: {text}"},
    {ErrorId::kTorControlMalformedReply,
     "Tor's reply to {command} is not what the control protocol specifies; tor may be too old or not tor at all. The connection is closed."},
    {ErrorId::kTorControlNoSafeCookie,
     "Tor's control port does not offer SAFECOOKIE authentication (it offers: {methods}); tumar only uses SAFECOOKIE, so it did not authenticate. Check that the control socket is the tor tumar started."},
    {ErrorId::kTorControlNoCookieFile,
     "Tor's control port offers SAFECOOKIE but names no cookie file; tumar cannot authenticate. Check the tor that runs at that control socket."},
    {ErrorId::kTorControlCookieSize,
     "Tor's authentication cookie file has {size} bytes instead of 32; it is damaged or not tor's cookie. tumar restarts tor, which writes a new one."},
    {ErrorId::kTorControlServerHashMismatch,
     "The control port did not prove that it knows tor's authentication cookie: it is not the tor tumar started. tumar did not authenticate and sent it nothing secret."},
    {ErrorId::kTorTorrcPathUnsafe,
     "The {argument} for tor's configuration must be an absolute path without spaces, quotes, backslashes, commas or '#' (a bug in tumar, or a profile folder with such a name); tor was not started."},
    {ErrorId::kTorTorrcLineUnsafe,
     "Line {line} of the torrc lines you added holds a character tor's configuration cannot take there (a control character, or a backslash at the end); tor was not started. Check the file given with --torrc or TUMAR_TORRC."},
    {ErrorId::kTorTorrcOptionReserved,
     "Line {line} of the torrc lines you added sets {option}, which tumar sets itself to keep you safe (where tor listens, its data and its control socket); tor was not started. Remove that line; bridge and DirAuthority lines are fine."},
    {ErrorId::kTorSpawnFailed,
     "tumar could not start tor ({binary}): {reason}. Check that tor is installed (apt install tor) or give its path with --tor-binary."},
    {ErrorId::kTorDataDirFailed,
     "tumar could not prepare tor's folder {path}: {reason}."},
    {ErrorId::kTorBootstrapTimedOut,
     "Tor did not connect to the Tor network within {seconds} seconds (it got to {progress}%: {summary}). If Tor is blocked where you are, add bridges (`tumar tor bridges add LINE`) and try again."},
    {ErrorId::kTransportDirectTcpOff,
     "tumar did not connect to {address}: this profile connects to others only through Tor, and that address is not an onion address. To connect to it directly, give it to this command yourself (`tumar sync {address}`) or allow direct connections (`tumar tor direct-tcp on`)."},
    {ErrorId::kTransportOnionNeedsTor,
     "{address} is an onion address, reached only through Tor, and this command runs without Tor."},
    {ErrorId::kTorControlConnectFailed,
     "tumar could not reach tor's control socket {path}: {reason}. tor may have failed to start; tumar restarts it."},
    {ErrorId::kTorControlTimedOut,
     "Tor did not answer {command} in time; the control connection is closed and tor will be restarted."},
    {ErrorId::kTorControlUnsolicitedReply,
     "Tor's control connection sent a reply to a command tumar never sent: what listens there is not tor, or it is broken. The connection is closed."},
    {ErrorId::kTorCookieUnreadable,
     "tumar could not read tor's authentication cookie {path}: {reason}. tumar restarts tor, which writes a new one."},
    {ErrorId::kTorGaveUp,
     "Tor failed {attempts} times in a row, so tumar stopped restarting it. Check your connection and the torrc lines you added, then start tumar again."},
    // Bridges (core/tor/bridge_line, core/node/tor_settings).
    {ErrorId::kTorBridgeEmpty,
     "The bridge line is empty. Paste the whole line you were given, for example: obfs4 192.0.2.7:443 FINGERPRINT cert=... iat-mode=0"},
    {ErrorId::kTorBridgeTooLong,
     "The bridge line is {length} characters long, more than the {limit} a bridge line can be; check that only one line was pasted."},
    {ErrorId::kTorBridgeNewline,
     "The bridge line holds a line break: that is two lines in one. Add each bridge line separately, or put them in a file and use --file."},
    {ErrorId::kTorBridgeCharacter,
     "The bridge line has a character at position {position} that cannot be in a bridge line (a control character, a quote, a backslash, '#', or a letter outside plain ASCII). Copy the line again from where you got it."},
    {ErrorId::kTorBridgeTransport,
     "The bridge line starts with \"{transport}\", which is not a transport tumar can use: tumar runs obfs4 and snowflake bridges, and plain bridges that start with their IP:PORT. Ask for an obfs4 or snowflake bridge."},
    {ErrorId::kTorBridgeAddress,
     "The bridge line has \"{address}\" where the bridge's address should be: an IPv4 address and port such as 192.0.2.7:443, or an IPv6 address in brackets such as [2001:db8::7]:443."},
    {ErrorId::kTorBridgeFingerprint,
     "The bridge line has \"{fingerprint}\" after the address, where the bridge's fingerprint goes: a fingerprint is 40 characters 0-9 and A-F. Copy the line again; part of it may be missing."},
    {ErrorId::kTorBridgeArgument,
     "The bridge line has \"{word}\" where only key=value settings (such as cert=... or iat-mode=0) can be. Copy the line again; it may be cut or joined with other text."},
    {ErrorId::kTorBridgeMissingArgument,
     "The {transport} bridge line has no {key}= setting, which {transport} bridges need. Copy the whole line again: it ends with cert=... iat-mode=..."},
    {ErrorId::kTorBridgeTooMany,
     "Your profile can keep at most {limit} bridges; nothing was added. Remove some with `tumar tor bridges remove N` first."},
    {ErrorId::kTorBridgeNoSuchNumber,
     "There is no bridge number {number}: you have {count}. See `tumar tor bridges list`."},
    {ErrorId::kTorBridgeNotStored,
     "That bridge is not in your list; nothing was removed. See `tumar tor bridges list` and remove it by its number."},
    {ErrorId::kPayloadProfileOnionClientKey,
     "The profile's onion client key must be empty or 32 bytes, not all zero."},
    {ErrorId::kTorStoredKeyDamaged,
     "The Tor key \"{name}\" stored in your profile is damaged (it has the wrong size). Restore the profile from a backup."},
    // noise/
    {ErrorId::kNoiseStartAsResponder,
     "Handshake misuse: expected message 1 from the initiator (a responder does not send first), got a request to start."},
    {ErrorId::kNoiseStartWhenComplete,
     "Handshake misuse: expected nothing more (the handshake is complete), got a request to start."},
    {ErrorId::kNoiseStartAgain,
     "Handshake misuse: expected the peer's next message (the handshake was already started), got a request to start."},
    {ErrorId::kNoisePeerSentFirst,
     "Handshake failed: expected to send message 1 first, but the peer sent first (got a {size}-byte message)."},
    {ErrorId::kNoiseAfterComplete,
     "Handshake failed: expected no more handshake messages (the handshake is complete), got a {size}-byte message."},
    {ErrorId::kNoiseMessage1Size,
     "Handshake failed: expected message 1 (exactly {expected} bytes: the initiator's ephemeral key), got a {size}-byte message."},
    {ErrorId::kNoiseMessage2Size,
     "Handshake failed: expected message 2 ({min} to {max} bytes: ephemeral key, static key, identity proof), got a {size}-byte message."},
    {ErrorId::kNoiseMessage3Size,
     "Handshake failed: expected message 3 ({min} to {max} bytes: static key, identity proof), got a {size}-byte message."},
    {ErrorId::kNoiseMessageRejected,
     "Handshake failed: message {message} from the peer was rejected (not authentic or malformed)."},
    {ErrorId::kNoiseOtherIdentity,
     "The peer answered with a different identity than the one dialled; the connection was closed before revealing who we are."},
    {ErrorId::kNoiseInviterRealJoinerDemo,
     "The inviter's node runs a real profile and this is a demo (training) profile; the connection was closed before revealing who we are."},
    {ErrorId::kNoiseInviterDemoJoinerReal,
     "The inviter's node runs a demo (training) profile and this is a real profile; the connection was closed before revealing who we are."},

    // profile/
    {ErrorId::kProfileCannotWatch, "Cannot watch the profile database {path}: {reason}."},
    {ErrorId::kProfileWipeIncomplete, "Could not {step} {path}: {reason}. Check that the key file is gone."},
    {ErrorId::kProfileWipeIncompleteKeyDestroyed,
     "Could not {step} {path}: {reason}. The key file was destroyed, so the data can no longer be decrypted."},

    // sync/
    {ErrorId::kSyncObjectOfOtherNetwork, "The peer sent an object of another network."},
    {ErrorId::kSyncBeforeStart, "A sync message arrived before sync started."},
    {ErrorId::kSyncDiallerSentNodeMessage, "The dialler sent a sync message only a node sends."},
    {ErrorId::kSyncDiallerSecondRound, "The dialler started a second round while one was running."},
    {ErrorId::kSyncDiallerAskedOutsideRound, "The dialler asked for objects outside a round."},
    {ErrorId::kSyncDiallerPushedUnsynced, "The dialler pushed objects of a network it has not synced."},
    {ErrorId::kSyncDiallerObjectsOutsideRound, "The dialler sent objects outside a round."},
    {ErrorId::kSyncDiallerSentNodeObjects, "The dialler sent objects only a node sends."},
    {ErrorId::kSyncDiallerEndedNoRound, "The dialler ended a round that was not running."},
    {ErrorId::kSyncNodeSentDiallerMessage, "The node sent a sync message only a dialler sends."},
    {ErrorId::kSyncUnaskedReply, "The peer sent a reconciliation reply nobody asked for."},
    {ErrorId::kSyncRefusedAtWrongMoment, "The peer refused a network at the wrong moment."},
    {ErrorId::kSyncObjectsOfUnsyncedNetwork, "The peer sent objects of a network this session does not sync."},
    {ErrorId::kSyncPeerPushedUnsynced, "The peer pushed objects of a network it has not synced."},
    {ErrorId::kSyncUnaskedObjects, "The peer sent objects nobody asked for."},
    {ErrorId::kSyncTooManyObjects, "The peer answered with more objects than were asked for."},
    {ErrorId::kSyncUnaskedObject, "The peer sent an object that was not asked for."},
    {ErrorId::kSyncNodeSentDiallerObjects, "The node sent objects only a dialler sends."},
    {ErrorId::kSyncUnsentAcknowledged, "The peer acknowledged objects nobody sent."},
    {ErrorId::kSyncPeerStoppedAnswering, "The peer stopped answering sync requests."},

    // network/
    {ErrorId::kEnvelopeTooLarge, "The object is larger than the 64 KiB limit."},
    {ErrorId::kEnvelopeNotCanonical, "The object is not a canonically encoded envelope."},
    {ErrorId::kEnvelopeHeaderTooLong, "The object's header is too long."},
    {ErrorId::kEnvelopeHeaderNotCanonical, "The object's header is not canonically encoded."},
    {ErrorId::kEnvelopeUnknownVersion, "The object has an unknown version."},
    {ErrorId::kEnvelopeUnknownKind, "The object has an unknown kind."},
    {ErrorId::kEnvelopeCounterRange, "The object's epoch, timestamp or sequence number is out of range."},
    {ErrorId::kEnvelopeSeqNotAllowed, "The object's sequence number is missing or not allowed."},
    {ErrorId::kEnvelopeGenesisSeq, "A genesis object must be its founder's first (seq 1)."},
    {ErrorId::kEnvelopeKeyIdMalformed, "The object's key id is malformed."},
    {ErrorId::kEnvelopeKeyIdNotAllowed, "Only a genesis, an epoch start or a grant names a key id."},
    {ErrorId::kEnvelopeAuthorMalformed, "The object's author key is malformed."},
    {ErrorId::kEnvelopeGenesisNetwork, "A genesis object must have no network id and epoch 0."},
    {ErrorId::kEnvelopeNetworkIdMalformed, "The object's network id is malformed."},
    {ErrorId::kEnvelopeRecipientMalformed, "The object's recipient is malformed."},
    {ErrorId::kEnvelopeRecipientNotAllowed, "Only a grant or a direct message names a recipient."},
    {ErrorId::kEnvelopeCiphertextShort, "The object's ciphertext is too short."},
    {ErrorId::kEnvelopeSignatureMalformed, "The object's signature is malformed."},
    {ErrorId::kEnvelopeSignatureInvalid, "The object's signature does not verify."},

    // network/
    {ErrorId::kPayloadMalformed, "The {part} is malformed."},
    {ErrorId::kPayloadNotCanonical, "The {part} is not canonically encoded."},
    {ErrorId::kPayloadTooManyEntries, "Too many {part} (at most {limit})."},
    {ErrorId::kPayloadEmptyEntry, "An empty entry in {part}."},
    {ErrorId::kPayloadTextTooLong, "The {part} is too long (at most {limit} bytes)."},
    {ErrorId::kPayloadTextNotUtf8, "The {part} is not valid UTF-8 text."},
    {ErrorId::kPayloadTextControl, "The {part} contains control characters."},
    {ErrorId::kPayloadTextBidi, "The {part} contains characters that reverse the direction of the text."},
    {ErrorId::kPayloadNetworkNoName, "The network has no name."},
    {ErrorId::kPayloadGenesisNoFounder, "The genesis names no founder."},
    {ErrorId::kPayloadAdmissionNoMember, "The admission names no member."},
    {ErrorId::kPayloadAdmissionRole, "The admission has an unknown role."},
    {ErrorId::kPayloadRemovalKey, "The removal's key is malformed."},
    {ErrorId::kPayloadRemovalSeq, "The removal's last seq is out of range."},
    {ErrorId::kPayloadEpochNoReason, "The epoch start gives no reason."},
    {ErrorId::kPayloadEpochRemoval, "The epoch start's removal is malformed."},
    {ErrorId::kPayloadProfileClock, "The profile's clock is out of range."},
    {ErrorId::kPayloadProfileNoName, "The profile has no display name."},
    {ErrorId::kPayloadProfileAddress,
     "The profile's addresses must be at most {limit}, each HOST:PORT once (for example 192.168.1.20:7420)."},
    {ErrorId::kPayloadNoteRoot, "The note's root id is malformed."},
    {ErrorId::kPayloadNoteClock, "The note's clock is out of range."},
    {ErrorId::kPayloadNoteClockRoot, "A new note has clock 0 and a revision a later one."},
    {ErrorId::kPayloadNoteNoTitle, "The note has no title."},
    {ErrorId::kPayloadNoteVerifiedLater, "The note says it was verified on a day after it was written."},
    {ErrorId::kPayloadNoteClockAhead, "The note's revision clock is ahead of the time it was written."},
    {ErrorId::kPayloadBroadcastPriority, "The broadcast has an unknown priority."},
    {ErrorId::kPayloadBroadcastExpiry, "The broadcast's expiry is out of range."},
    {ErrorId::kPayloadBroadcastEmpty, "The broadcast is empty."},
    {ErrorId::kPayloadSignedPrekey, "The prekey bundle's signed prekey is malformed."},
    {ErrorId::kPayloadTooManyPrekeys, "The prekey bundle has too many one-time prekeys."},
    {ErrorId::kPayloadOneTimePrekey, "A one-time prekey in the bundle is malformed."},
    {ErrorId::kPayloadPrekeyOrder, "The bundle's one-time prekeys are not ordered by member."},
    {ErrorId::kPayloadDirectSize, "The direct message's size is out of range."},
    {ErrorId::kPayloadDirectContent, "The direct message's content is malformed."},
    {ErrorId::kPayloadDirectReceipts, "The direct message carries too many receipts."},
    {ErrorId::kPayloadDirectReceipt, "A receipt in the message is malformed."},
    {ErrorId::kPayloadDirectEmpty, "The direct message is empty."},
    {ErrorId::kPayloadGrantMalformed, "The grant is malformed."},
    {ErrorId::kPayloadGrantKeyCount, "The grant holds no keys, or too many."},
    {ErrorId::kPayloadGrantKey, "A granted key is malformed."},

    // network/
    {ErrorId::kNetworkHistoryPending,
     "This node has not yet received the network's history it needs ({reason}). Sync with a member, then try again."},
    {ErrorId::kNetworkRefused, "Refused: {reason}."},
    {ErrorId::kNetworkNotAMember, "You are not a member of this network (any more)."},
    {ErrorId::kNetworkLeadOnly, "Only a lead of this network can do that; ask one of its leads."},
    {ErrorId::kNetworkSeqExhausted,
     "You have written the largest number of objects one person can write in this network."},
    {ErrorId::kNetworkNameEmpty, "Give the network a name."},
    {ErrorId::kNetworkNameTaken, "You already have a network called \"{name}\"; choose another name."},
    {ErrorId::kNetworkDemoNeedsDemoProfile,
     "A demo network can only be created in a demo profile (`tumar init --demo`)."},
    {ErrorId::kNetworkDemoProfileOnlyDemo, "This is a demo profile: it can only create demo networks."},
    {ErrorId::kNetworkNoCurrentKey, "This node holds no key for the network's current epoch."},
    {ErrorId::kNetworkNoKey, "This node holds no key for the network."},
    {ErrorId::kNetworkMemberKeysMismatch, "That member's keys do not match."},
    {ErrorId::kNetworkNotAMemberPerson, "That person is not a member of this network."},
    {ErrorId::kNetworkAlreadyRemoved, "That member was already removed."},
    {ErrorId::kNetworkRemoveSelf, "You cannot remove yourself; ask another lead."},
    {ErrorId::kNetworkLastEpochRemoval, "The network has reached its last epoch; no removal can start another."},
    {ErrorId::kNetworkLastEpochRekey, "The network has reached its last epoch; no new key can be started."},
    {ErrorId::kNetworkNewKeyNotArrived,
     "A lead changed the network's key and the new one has not reached this device yet; sync with a member, then try again."},
    {ErrorId::kNetworkKeyNotYetHeld, "This node does not hold the network's key yet; sync with a member first."},
    {ErrorId::kNetworkProfileClockMax, "Your profile's revision clock is at its largest value."},
    {ErrorId::kNetworkNoSuchNote, "No such note."},
    {ErrorId::kNetworkNoteClockMax, "The note's revision clock is at its largest value."},
    {ErrorId::kNetworkNoteClockAhead,
     "The note's newest revision carries a clock ahead of this computer's; edit it again in {minutes} minutes."},
    {ErrorId::kNetworkPrekeyClockMax, "Your prekeys' revision clock is at its largest value."},
    {ErrorId::kNetworkStrangerRefused,
     "Identity {fingerprint} is not a member of any network this node is in, and not on its allow list."},
    {ErrorId::kNetworkUnknownInvite, "An unknown invite was presented."},
    {ErrorId::kNetworkInviteProofInvalid, "An invite proof did not verify (wrong secret, or replayed)."},
    {ErrorId::kNetworkInviteNetworkGone, "An invite to a network this node no longer holds was presented."},
    {ErrorId::kNetworkDemoJoinerRealNetwork,
     "A demo profile presented an invite to a real network; it was refused and the invite is still unused."},
    {ErrorId::kNetworkRealJoinerDemoNetwork,
     "A real profile presented an invite to a demo network; it was refused and the invite is still unused."},
    {ErrorId::kNetworkInviteUsed, "An invite that was already used was presented."},
    {ErrorId::kNetworkInviteExpired, "An expired invite was presented."},
    {ErrorId::kNetworkStoredDamaged, "The profile database holds a damaged {part}."},
    {ErrorId::kNetworkNoteIdPrefix,
     "A note is named by at least 4 hex digits of its id, as `tumar note list` shows them."},
    {ErrorId::kNetworkNoNoteWithPrefix, "No note has an id starting with {prefix}."},
    {ErrorId::kNetworkSeveralNotes, "{prefix} matches several notes; give more of the id:{matches}"},
    {ErrorId::kNetworkSearchEmpty, "Give at least one word to search for."},
    {ErrorId::kNetworkNoSuchNetwork, "No network called \"{name}\". Run `tumar network list` to see yours."},
    {ErrorId::kNetworkSeveralNetworks, "\"{name}\" matches several networks; give more of the id:{matches}"},

    // network/: why an object was rejected or held; words that fit inside a
    // sentence ("Refused: {reason}.", a log line).
    {ErrorId::kObjectStampedInFuture, "stamped more than 10 minutes in the future"},
    {ErrorId::kObjectAuthorAdmissionMissing, "its author's admission has not arrived"},
    {ErrorId::kObjectAuthorNotYetAdmitted, "its author was not yet admitted in that epoch"},
    {ErrorId::kObjectAuthorRemovedBeforeEpoch, "its author was removed before that epoch"},
    {ErrorId::kObjectAuthorRemovedPastSeq, "its author was removed before writing it (its seq is past the removal's)"},
    {ErrorId::kObjectLeadOnlyKind, "only a lead may write {kind}"},
    {ErrorId::kObjectAuthorRemovedBeforeWriting, "its author was removed before writing it"},
    {ErrorId::kObjectSeqUsedThrice, "its author used its seq more than twice"},
    {ErrorId::kObjectReusesGenesisSeq, "it reuses the seq of the network's genesis"},
    {ErrorId::kObjectNoEpochAfterLargest, "no epoch can follow the largest"},
    {ErrorId::kObjectPreviousEpochNotStarted, "the epoch it follows has not started here yet"},
    {ErrorId::kObjectNoKeyForPreviousEpoch, "we hold no key for the epoch it follows"},
    {ErrorId::kObjectFollowedRemovalMissing, "the removal it follows has not arrived"},
    {ErrorId::kObjectFollowedRemovalNotAuthors, "it names a removal that is not its author's in the epoch it follows"},
    {ErrorId::kObjectGrantedEpochNotStarted, "the epoch it grants has not started here yet"},
    {ErrorId::kObjectGrantedKeyUnnamed, "no start of its epoch names its key"},
    {ErrorId::kObjectOtherNetwork, "it belongs to a network we are not in"},
    {ErrorId::kObjectGenesisMissing, "the network's genesis has not arrived"},
    {ErrorId::kObjectNoGenesisKey, "no key for the genesis yet"},
    {ErrorId::kObjectGenesisOtherKey, "the genesis names another key than the one sealing it"},
    {ErrorId::kObjectFounderNotAuthor, "the genesis founder is not its author"},
    {ErrorId::kObjectFounderBindingInvalid, "the founder's Noise key binding does not verify"},
    {ErrorId::kObjectDemoNetworkRealProfile, "a demo network, and this is a real profile"},
    {ErrorId::kObjectRealNetworkDemoProfile, "a real network, and this is a demo profile"},
    {ErrorId::kObjectDirectExpired, "a direct message past its lifetime"},
    {ErrorId::kObjectNoNetworkKey, "we hold no key for the network yet"},
    {ErrorId::kObjectNoEpochKey, "we hold no key for its epoch yet"},
    {ErrorId::kObjectDirectEpochTooOld, "a direct message under an epoch key two removals old"},
    {ErrorId::kObjectEpochKeyDoesNotOpen, "the epoch key does not open it"},
    {ErrorId::kObjectNoKeyOpens, "we hold no key that opens it (epoch {epoch})"},
    {ErrorId::kObjectAdmittedBindingInvalid, "the admitted key's binding does not verify"},
    {ErrorId::kObjectFounderRemoval, "the founder cannot be removed"},
    {ErrorId::kObjectRemovedAdmissionMissing, "the removed member's admission has not arrived"},
    {ErrorId::kObjectRevisedNoteMissing, "the note it revises has not arrived"},
    {ErrorId::kObjectRevisesNonNote, "it revises something that is not a note of this network"},
    {ErrorId::kObjectNoteReviserNotAllowed, "only the note's author or a lead may revise it"},
    {ErrorId::kObjectUnexpectedKind, "unexpected kind"},
};

// The words for the keys core/ puts in a `part` field (payload.*,
// network.stored_damaged): which part of an object, or which row of the
// profile database, an error is about. A key not listed is its own word.
constexpr std::pair<std::string_view, std::string_view> kParts[] = {
    {"network_name", "network name"},
    {"display_name", "display name"},
    {"epoch_start", "epoch start"},
    {"prekey_bundle", "prekey bundle"},
    {"direct_message", "direct message"},
    {"direct_content", "direct message's content"},
    {"member_row", "member row"},
    {"network_row", "network row"},
    {"object_row", "object row"},
    {"object_id", "object id"},
    {"epoch_key", "epoch key"},
    {"key_id", "key id"},
    {"equivocation_row", "equivocation row"},
};

// The words for the keys core/ puts in a `step` field (profile.cannot,
// profile.wipe_incomplete, ...): what it was doing to a file when the system
// said no. Each reads after "Cannot" / "Could not".
constexpr std::pair<std::string_view, std::string_view> kSteps[] = {
    {"create_temp", "create the temporary file"},
    {"write_temp", "write the temporary file"},
    {"sync_temp", "sync the temporary file"},
    {"rename_into_place", "rename the temporary file into place"},
    {"sync_directory", "sync the directory"},
    {"overwrite_old", "overwrite the old file"},
    {"sync_overwritten_old", "sync the overwritten old file"},
    {"remove_leftover_temp", "remove the leftover temporary file"},
    {"sync_directory_holding", "sync the directory holding"},
    {"replace", "put the new version in place of"},
    {"destroy_key_file", "destroy the key file"},
    {"remove_directory", "remove the directory"},
};

// The words for the object kinds core/ puts in a `kind` field
// (network/object_types.hpp, kind_name), each with its article.
constexpr std::pair<std::string_view, std::string_view> kKinds[] = {
    {"genesis", "a network's genesis"},
    {"admission", "an admission"},
    {"profile", "a profile"},
    {"removal", "a removal"},
    {"epoch_grant", "an epoch grant"},
    {"note", "a note"},
    {"broadcast", "a broadcast"},
    {"prekeys", "a prekey bundle"},
    {"direct", "a direct message"},
    {"epoch_start", "an epoch start"},
};

// The words for the keys in tor.control_argument_unsafe's `argument`.
constexpr std::pair<std::string_view, std::string_view> kArguments[] = {
    {"onion_service_id", "onion service id"},
    {"unix_socket_path", "Unix socket path"},
    {"data_directory", "data directory"},
    {"control_socket", "control socket path"},
    {"socks_socket", "SOCKS socket path"},
    {"cookie_file", "cookie file path"},
    {"client_onion_auth_dir", "client authorisation directory"},
};

template <std::size_t N>
std::string_view key_words(const std::pair<std::string_view, std::string_view> (&table)[N], std::string_view key) {
  for (const auto& [k, words] : table) {
    if (k == key) return words;
  }
  return key;  // a key not listed is its own word ("open", "read", "wipe")
}

// Where English words a count of one differently: the template used when
// `field` is 1.
struct OneTemplate {
  ErrorId id;
  std::string_view field;
  std::string_view text;
};
constexpr OneTemplate kEnglishOne[] = {
    {ErrorId::kNetworkNoteClockAhead, "minutes",
     "The note's newest revision carries a clock ahead of this computer's; edit it again in {minutes} minute."},
};

}  // namespace

std::optional<std::string_view> english_template(ErrorId id) {
  for (const auto& [key, text] : kEnglish) {
    if (key == id) return text;
  }
  return std::nullopt;
}

std::vector<std::string_view> template_fields(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::size_t open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
    const std::size_t close = text.find('}', open);
    if (close == std::string_view::npos) break;
    out.push_back(text.substr(open + 1, close - open - 1));
  }
  return out;
}

namespace {

// The last second of 9999, the last year cli/dates.hpp formats.
constexpr std::uint64_t kMaxYearSeconds = 253'402'300'799;

// A `*_at` field (core/error_ids.hpp): Unix seconds, shown as a UTC minute;
// anything else as it is.
std::string as_date(std::string_view unix_seconds) {
  std::uint64_t s = 0;
  const auto [end, ec] = std::from_chars(unix_seconds.data(), unix_seconds.data() + unix_seconds.size(), s);
  if (ec != std::errc() || end != unix_seconds.data() + unix_seconds.size() || s > kMaxYearSeconds) {
    return std::string(unix_seconds);
  }
  return format_time(s * 1000);
}

}  // namespace

std::string error_text(const core::Error& error) {
  auto text = english_template(error.id());
  if (!text) return error.describe();  // the test keeps this from happening
  for (const OneTemplate& one : kEnglishOne) {
    if (one.id == error.id() && error.field(one.field) == "1") text = one.text;
  }
  std::string out;
  std::size_t at = 0;
  for (std::size_t open = text->find('{'); open != std::string_view::npos; open = text->find('{', at)) {
    const std::size_t close = text->find('}', open);
    if (close == std::string_view::npos) break;
    out.append(text->substr(at, open - at));
    const std::string_view name = text->substr(open + 1, close - open - 1);
    const auto value = error.field(name);
    if (!value) {
      out.append(text->substr(open, close - open + 1));
    } else if (name == "reason" && error.cause() != nullptr) {
      // The reason is another error (network.refused, network.history_pending:
      // core/error.hpp, because()): its own words, wherever it came from.
      out.append(error_text(*error.cause()));
    } else if (name == "part") {
      out.append(key_words(kParts, *value));
    } else if (name == "step") {
      out.append(key_words(kSteps, *value));
    } else if (name == "kind") {
      out.append(key_words(kKinds, *value));
    } else if (name == "argument") {
      out.append(key_words(kArguments, *value));
    } else if (name.ends_with("_at")) {
      out.append(as_date(*value));
    } else {
      out.append(*value);
    }
    at = close + 1;
    // A value that is a whole sentence ("The note has no title.") before a
    // template's own full stop: one full stop, not two.
    if (out.ends_with('.') && at < text->size() && (*text)[at] == '.') ++at;
  }
  out.append(text->substr(at));
  return out;
}

}  // namespace tumar::cli
