#pragma once
// One connection to one peer, from the first handshake byte to the close
// (docs/PROTOCOL.md, "Sessions"). Sans-I/O: the driver (net/connection)
// hands in bytes read from the socket and the current time, and gets back
// bytes to write, what happened, and when to call again. It reads no clock,
// draws no randomness of its own and never touches a socket, so every limit
// below is tested with a virtual clock and no network.
//
//   Handshaking ──(message 3 done, peer admitted)──> Open ──> Closed
//        └──────────(any failure, timeout, refusal)─────────────┘
//
// What it enforces:
//   * frames during the handshake are at most kMaxHandshakeFrameLen bytes;
//     transport frames at most limits.max_frame_len, from the length field
//     alone (never clamped);
//   * the handshake finishes within limits.handshake_timeout;
//   * admission: after the handshake proves who the peer is, the session
//     stops and asks (SessionOutput::admission); its owner answers with
//     admit() or refuse(). Nothing is decided or written inside the session
//     (it stays sans-I/O): the owner (core/node's engine) consults the
//     store. Until admitted, not a single transport byte is sent or read;
//     the initiator asks before it writes message 3, so a refused responder
//     never learns who dialled;
//   * any failed decryption (garbage, bad tag, truncated, replayed or
//     reordered message) closes the session: the Noise nonce is the message
//     counter, so a replayed or reordered message fails authentication;
//   * reassembled messages are at most limits.max_message_len bytes;
//   * no bytes from the peer for limits.idle_timeout closes it.
//
// Every failure looks the same to the peer: the connection just closes. The
// reason is in SessionOutput::closed for the driver's debug log.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "core/identity/identity.hpp"
#include "core/noise/frame.hpp"
#include "core/noise/transport.hpp"
#include "core/noise/tumar_handshake.hpp"
#include "core/session/fragment.hpp"
#include "core/session/session_limits.hpp"
#include "core/session/wire_message.hpp"

namespace tumar::session {

enum class CloseReason {
  kLocal,             // we closed it (sync done, node stopping)
  kPeerGoodbye,       // the peer said Goodbye
  kPeerClosed,        // the peer closed the TCP connection
  kHandshakeTimeout,  // the handshake did not finish in time
  kIdleTimeout,       // nothing from the peer for too long
  kNotAdmitted,       // the peer's identity is not welcome here
  kProtocol,          // malformed, forged, replayed or reordered input
  kLimit,             // an oversized frame or message, or nonce exhaustion
};

const char* close_reason_name(CloseReason reason) noexcept;

struct Closure {
  CloseReason reason;
  // The error behind the reason (a failed handshake step, the frame that was
  // malformed, how the stream ended); none for a timeout, a Goodbye or a
  // close of our own. Never sent to the peer; the front end words it.
  std::optional<core::Error> cause;
};

// The handshake proved who the peer is; may it use this node? `invite` is
// the invite proof the initiator presented in message 3 (responder side
// only; always nullopt on the initiator). It is unverified: only whoever
// holds the invite's secret can check it (invite::verify_invite_proof).
struct AdmissionRequest {
  identity::VerifiedIdentity peer;
  std::optional<noise::PresentedInvite> invite;
};

struct SessionOutput {
  std::vector<std::uint8_t> send;                  // write these bytes, in order
  std::optional<AdmissionRequest> admission;        // answer with admit() or refuse() before anything else
  std::optional<identity::PublicIdentity> admitted;  // the handshake finished and the peer was admitted
  std::vector<WireMessage> received;               // messages for the application (never Ping or Goodbye)
  std::optional<Closure> closed;                   // write `send`, then close the socket
};

enum class Role { kInitiator, kResponder };

class PeerSession {
 public:
  // expected_responder pins the identity the dialer means to reach, and
  // invite is presented to it in message 3 (see TumarHandshake::initiator).
  // `me` need not outlive the session.
  static PeerSession initiator(const identity::LocalIdentity& me, std::optional<identity::IdentityKey> expected_responder,
                               std::optional<noise::InviteCredential> invite, const SessionLimits& limits,
                               Instant now);
  // kind: the kind of profile this node runs, announced in message 2 so
  // that a joiner of the other kind closes before it shows who it is.
  static PeerSession responder(const identity::LocalIdentity& me, const SessionLimits& limits, Instant now,
                               noise::ProfileKind kind = noise::ProfileKind::kReal);

  PeerSession(PeerSession&&) noexcept = default;
  PeerSession& operator=(PeerSession&&) noexcept = default;

  // Initiator: message 1. Responder: nothing. Call once, first.
  SessionOutput start(crypto::RandomSource& rng);

  // Bytes read from the socket, in any chunking. While an admission
  // question is open, bytes are held (at most limits.max_frame_len + 2 of
  // them: more is a peer that did not wait, kLimit) and read once admitted.
  SessionOutput on_bytes(Instant now, std::span<const std::uint8_t> bytes, crypto::RandomSource& rng);

  // The answer to SessionOutput::admission: let the peer in (writes message
  // 3 on the initiator, opens the transport, reads any held bytes), or turn
  // it away (kNotAdmitted; nothing written: the peer sees a plain close).
  // Ignored when no question is open.
  SessionOutput admit(Instant now, crypto::RandomSource& rng);
  SessionOutput refuse(core::Error why);
  bool awaiting_admission() const noexcept;

  // The peer closed its side (EOF) or the socket failed.
  SessionOutput on_peer_closed(core::Error how);

  // Time passed; closes the session if a deadline is past.
  SessionOutput on_tick(Instant now);

  // Queues one message (Open only; otherwise kProtocol, nothing changes).
  // kLimit if the message exceeds the peer's limit, which we assume equals
  // ours (nothing changes), or if the send nonce is spent: then the
  // transport is dead and the caller must close().
  [[nodiscard]] core::Result<void> send(const WireMessage& message, std::vector<std::uint8_t>& out);

  // Closes from our side: says Goodbye if Open, wipes the keys.
  SessionOutput close(std::optional<core::Error> why = std::nullopt);

  // When on_tick must next be called; nullopt once closed.
  std::optional<Instant> deadline() const noexcept;

  Role role() const noexcept { return role_; }
  bool is_open() const noexcept;
  bool is_closed() const noexcept;
  // The admitted peer, once Open (and after, for the record).
  const std::optional<identity::PublicIdentity>& peer() const noexcept { return peer_; }
  // "handshaking", "open", "closed": for logs.
  const char* state_name() const noexcept;

  // Counters for logs and benchmarks.
  std::uint64_t messages_sent() const noexcept { return messages_sent_; }
  std::uint64_t messages_received() const noexcept { return messages_received_; }

 private:
  struct Handshaking {
    noise::TumarHandshake handshake;
    noise::FrameDecoder decoder{kMaxHandshakeFrameLen};
  };
  struct Open {
    noise::Transport transport;
    noise::FrameDecoder decoder;
    Reassembler reassembler;
    std::vector<std::uint8_t> plaintext;  // reused: decryption allocates nothing per message
  };
  struct AwaitingAdmission {
    noise::Established established;
    std::optional<std::vector<std::uint8_t>> message3;  // initiator: written only once admitted
    std::vector<std::uint8_t> held;                     // bytes that arrived meanwhile
  };
  struct Closed {
    CloseReason reason;
  };
  using State = std::variant<Handshaking, AwaitingAdmission, Open, Closed>;

  PeerSession(Role role, State state, const SessionLimits& limits, Instant now);

  void handshake_bytes(Handshaking& hs, Instant now, std::span<const std::uint8_t>& bytes,
                       crypto::RandomSource& rng, SessionOutput& out);
  void open_bytes(Open& open, std::span<const std::uint8_t>& bytes, SessionOutput& out);
  void handle_message(Open& open, std::span<const std::uint8_t> bytes, SessionOutput& out);
  void fail(CloseReason reason, std::optional<core::Error> cause, SessionOutput& out);
  static CloseReason reason_for(const core::Error& error) noexcept;

  Role role_;
  State state_;
  SessionLimits limits_;
  Instant handshake_deadline_;
  Instant last_heard_;
  std::optional<identity::PublicIdentity> peer_;
  std::uint64_t messages_sent_ = 0;
  std::uint64_t messages_received_ = 0;
};

}  // namespace tumar::session
