#include "core/session/peer_session.hpp"

#include <cstdlib>
#include <utility>

#include "core/error_ids.hpp"
#include "core/session/wire_codec.hpp"

namespace tumar::session {

const char* close_reason_name(CloseReason reason) noexcept {
  switch (reason) {
    case CloseReason::kLocal: return "closed locally";
    case CloseReason::kPeerGoodbye: return "peer said goodbye";
    case CloseReason::kPeerClosed: return "peer closed the connection";
    case CloseReason::kHandshakeTimeout: return "handshake timed out";
    case CloseReason::kIdleTimeout: return "idle timeout";
    case CloseReason::kNotAdmitted: return "peer not admitted";
    case CloseReason::kProtocol: return "protocol violation";
    case CloseReason::kLimit: return "limit exceeded";
  }
  return "?";
}

void check_limits(const SessionLimits& limits) {
  const bool ok = limits.handshake_timeout.count() > 0 && limits.idle_timeout.count() > 0 &&
                  limits.max_frame_len >= 2 * noise::kTagLen && limits.max_frame_len <= noise::kMaxMessageLen &&
                  limits.max_message_len >= 1024 && limits.max_message_len <= kHardMaxMessageLen;
  if (!ok) core::misuse("session: nonsensical SessionLimits");  // a configuration bug, not peer input
}

PeerSession::PeerSession(Role role, State state, const SessionLimits& limits, Instant now)
    : role_(role),
      state_(std::move(state)),
      limits_(limits),
      handshake_deadline_(now + limits.handshake_timeout),
      last_heard_(now) {
  check_limits(limits_);
}

PeerSession PeerSession::initiator(const identity::LocalIdentity& me,
                                   std::optional<identity::IdentityKey> expected_responder,
                                   std::optional<noise::InviteCredential> invite, const SessionLimits& limits,
                                   Instant now) {
  return PeerSession(Role::kInitiator,
                     Handshaking{noise::TumarHandshake::initiator(me, expected_responder, std::move(invite))}, limits,
                     now);
}

PeerSession PeerSession::responder(const identity::LocalIdentity& me, const SessionLimits& limits, Instant now,
                                   noise::ProfileKind kind) {
  return PeerSession(Role::kResponder, Handshaking{noise::TumarHandshake::responder(me, kind)}, limits, now);
}

bool PeerSession::is_open() const noexcept { return std::holds_alternative<Open>(state_); }
bool PeerSession::is_closed() const noexcept { return std::holds_alternative<Closed>(state_); }

bool PeerSession::awaiting_admission() const noexcept { return std::holds_alternative<AwaitingAdmission>(state_); }

const char* PeerSession::state_name() const noexcept {
  if (std::holds_alternative<Handshaking>(state_) || awaiting_admission()) return "handshaking";
  if (is_open()) return "open";
  return "closed";
}

std::optional<Instant> PeerSession::deadline() const noexcept {
  if (std::holds_alternative<Handshaking>(state_) || awaiting_admission()) return handshake_deadline_;
  if (is_open()) return last_heard_ + limits_.idle_timeout;
  return std::nullopt;
}

CloseReason PeerSession::reason_for(const core::Error& error) noexcept {
  switch (error.code()) {
    case core::Errc::kLimit: return CloseReason::kLimit;
    case core::Errc::kRefused: return CloseReason::kNotAdmitted;
    default: return CloseReason::kProtocol;
  }
}

void PeerSession::fail(CloseReason reason, std::optional<core::Error> cause, SessionOutput& out) {
  // Replacing the state destroys the handshake or transport, whose
  // CipherStates wipe their keys. Nothing is written: to the peer, every
  // failure is the same silent close.
  state_ = Closed{reason};
  out.send.clear();
  out.closed = Closure{reason, std::move(cause)};
}

SessionOutput PeerSession::start(crypto::RandomSource& rng) {
  SessionOutput out;
  auto* hs = std::get_if<Handshaking>(&state_);
  if (hs == nullptr || role_ != Role::kInitiator) return out;
  auto step = hs->handshake.start(rng);
  if (!step) {
    fail(reason_for(step.error()), step.error(), out);
    return out;
  }
  if (step->send) noise::append_frame(*step->send, out.send);
  return out;
}

SessionOutput PeerSession::on_bytes(Instant now, std::span<const std::uint8_t> bytes, crypto::RandomSource& rng) {
  SessionOutput out;
  while (!bytes.empty() && !out.closed) {
    if (auto* hs = std::get_if<Handshaking>(&state_)) {
      handshake_bytes(*hs, now, bytes, rng, out);
    } else if (auto* waiting = std::get_if<AwaitingAdmission>(&state_)) {
      // The owner has not answered yet (it answers before the next read, so
      // this holds at most one read's worth): keep the bytes for admit().
      if (waiting->held.size() + bytes.size() > limits_.max_frame_len + 2) {
        fail(CloseReason::kLimit, core::make_error<core::ErrorId::kSessionSentBeforeAdmitted>(core::Errc::kLimit), out);
        break;
      }
      waiting->held.insert(waiting->held.end(), bytes.begin(), bytes.end());
      break;
    } else if (auto* open = std::get_if<Open>(&state_)) {
      const std::uint64_t before = open->transport.received();
      open_bytes(*open, bytes, out);
      // Only whole authenticated messages count as hearing from the peer: a
      // byte dribbled every few minutes must not keep a slot alive.
      if (is_open() && std::get<Open>(state_).transport.received() != before) last_heard_ = now;
    } else {
      break;  // closed: later bytes are ignored
    }
  }
  return out;
}

void PeerSession::handshake_bytes(Handshaking& hs, Instant now, std::span<const std::uint8_t>& bytes,
                                  crypto::RandomSource& rng, SessionOutput& out) {
  auto frame = hs.decoder.next(bytes);
  if (!frame) return fail(reason_for(frame.error()), frame.error(), out);
  if (!*frame) return;  // need more bytes

  auto step = hs.handshake.receive(**frame, rng);
  if (!step) return fail(reason_for(step.error()), step.error(), out);

  if (!step->established) {
    if (step->send) noise::append_frame(*step->send, out.send);
    return;
  }
  // The peer has proven its identity. Admission comes before message 3 is
  // written (initiator) and before any transport byte (both sides): ask,
  // and hold whatever else this read brought until the answer.
  AdmissionRequest question{step->established->peer(), step->established->presented_invite()};
  AwaitingAdmission waiting{std::move(*step->established), std::move(step->send), {}};
  waiting.held.assign(bytes.begin(), bytes.end());
  bytes = {};
  state_ = std::move(waiting);
  out.admission = std::move(question);
  (void)now;
}

SessionOutput PeerSession::admit(Instant now, crypto::RandomSource& rng) {
  SessionOutput out;
  auto* waiting = std::get_if<AwaitingAdmission>(&state_);
  if (waiting == nullptr) return out;
  const identity::PublicIdentity who = waiting->established.peer().identity();
  if (waiting->message3) noise::append_frame(*waiting->message3, out.send);
  std::vector<std::uint8_t> held = std::move(waiting->held);
  noise::Transport transport = std::move(waiting->established).into_transport();
  state_ = Open{std::move(transport), noise::FrameDecoder(limits_.max_frame_len), Reassembler(limits_.max_message_len),
                {}};
  peer_ = who;
  out.admitted = who;
  last_heard_ = now;
  if (!held.empty()) {
    SessionOutput more = on_bytes(now, held, rng);
    out.send.insert(out.send.end(), more.send.begin(), more.send.end());
    for (auto& m : more.received) out.received.push_back(std::move(m));
    if (more.closed) {
      out.send = std::move(more.send);
      out.closed = std::move(more.closed);
    }
  }
  return out;
}

SessionOutput PeerSession::refuse(core::Error why) {
  SessionOutput out;
  if (!awaiting_admission()) return out;
  fail(CloseReason::kNotAdmitted, std::move(why), out);
  return out;
}

void PeerSession::open_bytes(Open& open, std::span<const std::uint8_t>& bytes, SessionOutput& out) {
  // Views all the way: the frame is a view into `bytes` (or the decoder's
  // buffer), decrypted into a reused buffer, and a one-fragment message is
  // a view into that. Each is consumed before the next call.
  auto frame = open.decoder.next_view(bytes);
  if (!frame) return fail(reason_for(frame.error()), frame.error(), out);
  if (!*frame) return;

  // A tampered, truncated, replayed or reordered message fails here: the
  // receive nonce is the count of messages so far, so a message out of its
  // place decrypts under the wrong nonce and its tag does not verify.
  if (auto opened = open.transport.open_into(**frame, open.plaintext); !opened) {
    return fail(reason_for(opened.error()), opened.error(), out);
  }

  auto message = open.reassembler.add_view(open.plaintext);
  if (!message) return fail(reason_for(message.error()), message.error(), out);
  if (*message) handle_message(open, **message, out);
}

void PeerSession::handle_message(Open& open, std::span<const std::uint8_t> bytes, SessionOutput& out) {
  auto message = decode_wire(bytes);
  if (!message) return fail(CloseReason::kProtocol, message.error(), out);
  ++messages_received_;
  if (const auto* ping = std::get_if<Ping>(&*message)) {
    if (auto r = send(Pong{ping->nonce}, out.send); !r) return fail(reason_for(r.error()), r.error(), out);
    return;
  }
  if (std::holds_alternative<Goodbye>(*message)) {
    open.transport.close();
    state_ = Closed{CloseReason::kPeerGoodbye};
    out.closed = Closure{CloseReason::kPeerGoodbye, std::nullopt};
    return;
  }
  out.received.push_back(std::move(*message));
}

core::Result<void> PeerSession::send(const WireMessage& message, std::vector<std::uint8_t>& out) {
  auto* open = std::get_if<Open>(&state_);
  if (open == nullptr) return core::fail<core::ErrorId::kSessionNotOpen>(core::Errc::kProtocol);
  // One spare byte in front for the fragment flag: the message is sealed
  // where it was encoded, never copied (see for_each_fragment_in_place).
  std::vector<std::uint8_t> buffer = encode_wire(message, kFragmentHeaderLen);
  const std::size_t size = buffer.size() - kFragmentHeaderLen;
  if (size > limits_.max_message_len) {
    return core::fail<core::ErrorId::kSessionOwnMessageTooLarge>(core::Errc::kLimit, size, limits_.max_message_len);
  }
  core::Result<void> sealed;
  const std::size_t rollback = out.size();
  for_each_fragment_in_place(buffer, [&](std::span<const std::uint8_t> fragment) {
    if (sealed) sealed = open->transport.seal(fragment, out);
  });
  if (!sealed) {
    // Nonce exhaustion: the transport is dead. The caller must close(),
    // which reports the closure like any other.
    out.resize(rollback);
    return sealed;
  }
  ++messages_sent_;
  return {};
}

SessionOutput PeerSession::close(std::optional<core::Error> why) {
  SessionOutput out;
  if (is_closed()) return out;
  if (is_open()) {
    (void)send(Goodbye{}, out.send);  // best effort: we close either way
  }
  state_ = Closed{CloseReason::kLocal};
  out.closed = Closure{CloseReason::kLocal, std::move(why)};
  return out;
}

SessionOutput PeerSession::on_peer_closed(core::Error how) {
  SessionOutput out;
  if (is_closed()) return out;
  state_ = Closed{CloseReason::kPeerClosed};
  out.closed = Closure{CloseReason::kPeerClosed, std::move(how)};
  return out;
}

SessionOutput PeerSession::on_tick(Instant now) {
  SessionOutput out;
  if ((std::holds_alternative<Handshaking>(state_) || awaiting_admission()) && now >= handshake_deadline_) {
    fail(CloseReason::kHandshakeTimeout, std::nullopt, out);
  } else if (is_open() && now >= last_heard_ + limits_.idle_timeout) {
    fail(CloseReason::kIdleTimeout, std::nullopt, out);
  }
  return out;
}

}  // namespace tumar::session
