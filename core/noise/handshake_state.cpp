#include "core/noise/handshake_state.hpp"

#include <cstring>
#include <utility>

#include "core/error.hpp"
#include "core/error_ids.hpp"

namespace tumar::noise {

namespace {

constexpr std::size_t kStaticLenKeyed = kDhLen + kTagLen;  // "s" after a DH: encrypted

bool is_dh(Token t) noexcept { return t == Token::kEE || t == Token::kES || t == Token::kSE || t == Token::kSS; }

// Whether message i of the pattern is written by the initiator (§7.1:
// messages alternate, starting with the initiator).
bool written_by_initiator(std::size_t index) noexcept { return index % 2 == 0; }

// The size a message with `payload_size` bytes of payload has, given whether
// the cipher is keyed when the message starts.
std::size_t sized_message(const std::vector<Token>& tokens, bool keyed, std::size_t payload_size) noexcept {
  std::size_t size = 0;
  for (Token t : tokens) {
    if (t == Token::kE) size += kDhLen;
    else if (t == Token::kS) size += keyed ? kStaticLenKeyed : kDhLen;
    else if (is_dh(t)) keyed = true;
  }
  return size + payload_size + (keyed ? kTagLen : 0);
}

}  // namespace

std::string protocol_name(const Pattern& pattern) {
  std::string name = "Noise_";
  name += pattern.name;
  name += '_';
  name += kSuite;
  return name;
}

HandshakeState::HandshakeState(HandshakeConfig& config)
    : pattern_(config.pattern),
      role_(config.role),
      symmetric_(protocol_name(*config.pattern)),
      s_(std::move(config.s)),
      e_(std::move(config.e)),
      rs_(config.rs),
      re_(config.re) {}

core::Result<HandshakeState> HandshakeState::initialize(HandshakeConfig config) {
  if (config.pattern == nullptr) core::misuse("noise: HandshakeState::initialize without a pattern");
  HandshakeState hs(config);
  hs.symmetric_.mix_hash(config.prologue);

  // Pre-messages: the initiator's keys first, then the responder's (§5.3).
  const bool initiator = hs.role_ == Role::kInitiator;
  auto mix_premessage = [&hs](const std::vector<Token>& tokens, bool ours) -> bool {
    for (Token t : tokens) {
      if (t == Token::kS) {
        if (ours ? !hs.s_ : !hs.rs_) return false;
        hs.symmetric_.mix_hash(ours ? hs.s_->public_key : *hs.rs_);
      } else if (t == Token::kE) {
        if (ours ? !hs.e_ : !hs.re_) return false;
        hs.symmetric_.mix_hash(ours ? hs.e_->public_key : *hs.re_);
      } else {
        return false;  // only e and s may appear in a pre-message
      }
    }
    return true;
  };
  if (!mix_premessage(hs.pattern_->initiator_premessage, initiator) ||
      !mix_premessage(hs.pattern_->responder_premessage, !initiator)) {
    return core::fail<core::ErrorId::kNoisePremessageKeyMissing>(core::Errc::kInvalidArgument);
  }
  // A pattern that sends our static key, or uses it in a DH, needs one.
  for (std::size_t i = 0; i < hs.pattern_->messages.size(); ++i) {
    const bool ours = written_by_initiator(i) == initiator;
    for (Token t : hs.pattern_->messages[i]) {
      const bool needs_s = t == Token::kSS || (t == Token::kS && ours) || (t == Token::kSE && initiator) ||
                           (t == Token::kES && !initiator);
      if (needs_s && !hs.s_) {
        return core::fail<core::ErrorId::kNoiseStaticKeyMissing>(core::Errc::kInvalidArgument);
      }
    }
  }
  return hs;
}

bool HandshakeState::is_my_turn() const noexcept {
  return !is_complete() && written_by_initiator(next_message_) == (role_ == Role::kInitiator);
}

std::size_t HandshakeState::message_size(std::size_t payload_size) const noexcept {
  if (is_complete()) core::misuse("noise: message_size after the handshake");
  return sized_message(pattern_->messages[next_message_], symmetric_.has_key(), payload_size);
}

bool HandshakeState::mix_dh(Token token) noexcept {
  // Which local and remote key each DH token uses (§5.3): the first letter
  // is the initiator's key, the second the responder's.
  const bool initiator = role_ == Role::kInitiator;
  const std::optional<KeyPair>* local = nullptr;
  const std::optional<PublicKey>* remote = nullptr;
  switch (token) {
    case Token::kEE: local = &e_; remote = &re_; break;
    case Token::kES: local = initiator ? &e_ : &s_; remote = initiator ? &rs_ : &re_; break;
    case Token::kSE: local = initiator ? &s_ : &e_; remote = initiator ? &re_ : &rs_; break;
    case Token::kSS: local = &s_; remote = &rs_; break;
    default: core::misuse("noise: mix_dh on a non-DH token");
  }
  if (!local->has_value() || !remote->has_value()) core::misuse("noise: DH token before its keys are known");
  std::array<std::uint8_t, kDhLen> shared{};
  if (!dh((*local)->private_key, **remote, shared)) return false;
  symmetric_.mix_key(shared);
  crypto::wipe(shared);
  return true;
}

core::Result<std::vector<std::uint8_t>> HandshakeState::write_message(std::span<const std::uint8_t> payload,
                                                                        crypto::RandomSource& rng) {
  if (error_) return failed();
  if (!is_my_turn()) core::misuse("noise: write_message out of turn");
  const std::size_t size = message_size(payload.size());
  if (size > kMaxMessageLen) {
    return core::fail<core::ErrorId::kNoiseHandshakeTooLong>(core::Errc::kLimit);
  }
  std::vector<std::uint8_t> out(size);
  std::size_t at = 0;
  for (Token t : pattern_->messages[next_message_]) {
    if (t == Token::kE) {
      // e: generate, write in clear, MixHash(e.public_key)
      if (e_) core::misuse("noise: a second ephemeral key");
      e_ = KeyPair::generate(rng);
      std::memcpy(out.data() + at, e_->public_key.data(), kDhLen);
      symmetric_.mix_hash(e_->public_key);
      at += kDhLen;
    } else if (t == Token::kS) {
      // s: EncryptAndHash(s.public_key)
      const std::size_t n = symmetric_.encrypted_size(kDhLen);
      if (auto r = symmetric_.encrypt_and_hash(s_->public_key, std::span(out).subspan(at, n)); !r) {
        error_ = r.error();
        clear();
        return failed();
      }
      at += n;
    } else if (!mix_dh(t)) {  // ee, es, se, ss: MixKey(DH(...))
      return fail_read();     // the remote key came from the peer: same error as a bad message
    }
  }
  // payload: EncryptAndHash(payload)
  if (auto r = symmetric_.encrypt_and_hash(payload, std::span(out).subspan(at)); !r) {
    error_ = r.error();
    clear();
    return failed();
  }
  ++next_message_;
  return out;
}

core::Result<std::vector<std::uint8_t>> HandshakeState::read_message(std::span<const std::uint8_t> message) {
  if (error_) return failed();
  if (is_complete() || is_my_turn()) core::misuse("noise: read_message out of turn");
  const auto& tokens = pattern_->messages[next_message_];
  if (message.size() > kMaxMessageLen || message.size() < sized_message(tokens, symmetric_.has_key(), 0)) {
    return fail_read();
  }
  std::size_t at = 0;
  for (Token t : tokens) {
    if (t == Token::kE) {
      // e: re = next DHLEN bytes; MixHash(re)
      if (re_) core::misuse("noise: a second remote ephemeral key");
      PublicKey re{};
      std::memcpy(re.data(), message.data() + at, kDhLen);
      re_ = re;
      symmetric_.mix_hash(re);
      at += kDhLen;
    } else if (t == Token::kS) {
      // s: rs = DecryptAndHash(next DHLEN (+16 if keyed) bytes)
      if (rs_) core::misuse("noise: a second remote static key");
      const std::size_t n = symmetric_.encrypted_size(kDhLen);
      PublicKey rs{};
      if (!symmetric_.decrypt_and_hash(message.subspan(at, n), rs)) return fail_read();
      rs_ = rs;
      at += n;
    } else if (!mix_dh(t)) {  // ee, es, se, ss: MixKey(DH(...))
      return fail_read();
    }
  }
  // payload: DecryptAndHash(rest)
  const auto rest = message.subspan(at);
  std::vector<std::uint8_t> payload(rest.size() - (symmetric_.has_key() ? kTagLen : 0));
  if (!symmetric_.decrypt_and_hash(rest, payload)) return fail_read();
  ++next_message_;
  return payload;
}

HandshakeResult HandshakeState::finish() && {
  if (error_ || !is_complete()) core::misuse("noise: finish before the handshake completed");
  SplitCiphers split = symmetric_.split();
  HandshakeResult result;
  const bool initiator = role_ == Role::kInitiator;
  result.send = std::move(initiator ? split.c1 : split.c2);
  result.receive = std::move(initiator ? split.c2 : split.c1);
  std::memcpy(result.handshake_hash.data(), symmetric_.handshake_hash().data(), kHashLen);
  result.remote_static = rs_;
  clear();
  return result;
}

core::Result<std::vector<std::uint8_t>> HandshakeState::fail_read() {
  // One error for every way a peer's message can be bad (docs/PROTOCOL.md, "Error behaviour": every
  // consume failure looks the same).
  error_ = core::make_error<core::ErrorId::kNoiseHandshakeRejected>(core::Errc::kProtocol);
  clear();
  return failed();
}

core::Result<std::vector<std::uint8_t>> HandshakeState::failed() const { return tl::unexpected<core::Error>(*error_); }

void HandshakeState::clear() noexcept {
  symmetric_.clear();
  e_.reset();  // sodium_free wipes the private key
}

}  // namespace tumar::noise
