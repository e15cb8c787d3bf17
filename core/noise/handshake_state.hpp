#pragma once
// HandshakeState (Noise rev 34, §5.3), generic over the pattern table: it runs
// every one-way, fundamental and deferred pattern in patterns.hpp. tumar itself
// uses only XX (tumar_handshake.hpp); the others exist so the implementation is
// checked against the public test vectors as a whole.
//
// Failure behaviour: any failure while consuming a peer's message (short
// message, low-order point, failed authentication) gives one and the same
// error, wipes ck, h, k and the local ephemeral, and every later call returns
// that error again.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/error.hpp"
#include "core/noise/patterns.hpp"
#include "core/noise/primitives.hpp"
#include "core/noise/symmetric_state.hpp"

namespace tumar::noise {

enum class Role : std::uint8_t { kInitiator, kResponder };

struct HandshakeConfig {
  const Pattern* pattern = nullptr;
  Role role = Role::kInitiator;
  std::span<const std::uint8_t> prologue;
  std::optional<KeyPair> s;       // local static key pair
  std::optional<KeyPair> e;       // local ephemeral, only for an "e" pre-message
  std::optional<PublicKey> rs;    // remote static, from a pre-message
  std::optional<PublicKey> re;    // remote ephemeral, from a pre-message
};

// What a completed handshake leaves: transport ciphers oriented for this
// party, the handshake hash (§11.2, channel binding) and the peer's static key
// if the pattern transmitted or pre-shared one.
struct HandshakeResult {
  CipherState send;
  CipherState receive;
  std::array<std::uint8_t, kHashLen> handshake_hash{};
  std::optional<PublicKey> remote_static;
};

class HandshakeState {
 public:
  // Initialize(): protocol name from the pattern, MixHash(prologue), then the
  // pre-message keys (initiator's first). kInvalidArgument if a key the
  // pattern needs is missing.
  [[nodiscard]] static core::Result<HandshakeState> initialize(HandshakeConfig config);

  HandshakeState(HandshakeState&&) noexcept = default;
  HandshakeState& operator=(HandshakeState&&) noexcept = default;
  ~HandshakeState() = default;  // every secret member wipes itself

  bool is_complete() const noexcept { return next_message_ == pattern_->messages.size(); }
  // True when the next handshake message is ours to write.
  bool is_my_turn() const noexcept;
  std::size_t next_message() const noexcept { return next_message_; }
  Role role() const noexcept { return role_; }
  const std::optional<PublicKey>& remote_static() const noexcept { return rs_; }
  std::span<const std::uint8_t, kHashLen> handshake_hash() const noexcept { return symmetric_.handshake_hash(); }

  // Size of the message write_message() would produce for this payload size.
  std::size_t message_size(std::size_t payload_size) const noexcept;

  // WriteMessage(payload). Calling it out of turn aborts (a bug in tumar).
  // kLimit if the message would exceed 65535 bytes (nothing is changed then).
  [[nodiscard]] core::Result<std::vector<std::uint8_t>> write_message(std::span<const std::uint8_t> payload,
                                                                      crypto::RandomSource& rng);
  // ReadMessage(message) → payload. Calling it out of turn aborts.
  [[nodiscard]] core::Result<std::vector<std::uint8_t>> read_message(std::span<const std::uint8_t> message);

  // Split() after the last message; wipes the handshake secrets. Aborts if
  // the handshake is not complete.
  HandshakeResult finish() &&;

 private:
  explicit HandshakeState(HandshakeConfig& config);
  [[nodiscard]] bool mix_dh(Token token) noexcept;
  core::Result<std::vector<std::uint8_t>> fail_read();
  core::Result<std::vector<std::uint8_t>> failed() const;
  void clear() noexcept;

  const Pattern* pattern_;
  Role role_;
  SymmetricState symmetric_;
  std::optional<KeyPair> s_;
  std::optional<KeyPair> e_;
  std::optional<PublicKey> rs_;
  std::optional<PublicKey> re_;
  std::size_t next_message_ = 0;
  std::optional<core::Error> error_;
};

// "Noise_<pattern>_25519_ChaChaPoly_BLAKE2b".
std::string protocol_name(const Pattern& pattern);

}  // namespace tumar::noise
