// The direct-message issue's benchmark: 200-byte messages encrypted and
// decrypted per second through the Double Ratchet on one core (goal >=
// 50,000/s), every figure from one run on this machine, side by side:
//
//   1. raw libsodium crypto_aead_xchacha20poly1305_ietf encrypt + decrypt of
//      200 bytes: the ceiling;
//   2. one direction: Alice encrypts, Bob decrypts, all in one receiving
//      chain (symmetric-key ratchet only);
//   3. ping-pong: the direction changes every message, so each message
//      carries a new ratchet key (a DH ratchet step: two X25519 per message);
//   4. the ceiling for 3: X25519 operations per second / 3;
//   5. ping-pong with the session stored and loaded around every message
//      (encode_session / decode_session), as the store will do.
//
// Each message is padded to the 256-byte bucket, header-encrypted and
// authenticated. Prints a Markdown table, then key=value lines for scripts.

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/sodium.hpp"
#include "core/identity/identity.hpp"
#include "core/ratchet/direct_message.hpp"
#include "core/ratchet/session_codec.hpp"

namespace {

using namespace tumar;
using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

constexpr double kMinSeconds = 2.0;
constexpr std::size_t kMessageLen = 200;
constexpr std::uint64_t kNow = 1'700'000'000'000;  // the time sessions decrypt at

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double raw_aead_per_s() {
  std::vector<std::uint8_t> key(crypto_aead_xchacha20poly1305_ietf_KEYBYTES, 7);
  std::vector<std::uint8_t> nonce(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, 0);
  std::vector<std::uint8_t> in(kMessageLen, 1), ct(kMessageLen + 16), back(kMessageLen);
  std::uint64_t n = 0;
  const auto t0 = Clock::now();
  while (seconds_since(t0) < kMinSeconds) {
    for (int i = 0; i < 256; ++i, ++n) {
      randombytes_buf(nonce.data(), nonce.size());  // the ratchet's headers draw a nonce too
      unsigned long long len = 0;
      crypto_aead_xchacha20poly1305_ietf_encrypt(ct.data(), &len, in.data(), in.size(), nullptr, 0, nullptr,
                                                 nonce.data(), key.data());
      if (crypto_aead_xchacha20poly1305_ietf_decrypt(back.data(), &len, nullptr, ct.data(), ct.size(), nullptr, 0,
                                                     nonce.data(), key.data()) != 0) {
        std::abort();
      }
    }
  }
  return static_cast<double>(n) / seconds_since(t0);
}

// X25519 operations per second: a DH ratchet step per message costs three
// (our new key's public half, DH on send, DH on receipt), so this / 3 is the
// ceiling for ping-pong whatever the rest costs.
double x25519_per_s() {
  std::vector<std::uint8_t> sk(32, 9), pk(32), out(32);
  crypto_scalarmult_base(pk.data(), sk.data());
  std::uint64_t n = 0;
  const auto t0 = Clock::now();
  while (seconds_since(t0) < kMinSeconds) {
    for (int i = 0; i < 64; ++i, ++n) {
      if (crypto_scalarmult(out.data(), sk.data(), pk.data()) != 0) std::abort();
      sk[0] = out[0];
    }
  }
  return static_cast<double>(n) / seconds_since(t0);
}

struct Pair {
  ratchet::RatchetSession alice;
  ratchet::RatchetSession bob;
};

Pair make_pair(crypto::RandomSource& rng) {
  auto a_id = identity::LocalIdentity::generate(rng);
  auto b_id = identity::LocalIdentity::generate(rng);
  std::vector<ratchet::SignedPrekeyPair> spks;
  spks.push_back(ratchet::generate_signed_prekey(b_id, 1, rng));
  auto opks = ratchet::generate_one_time_prekeys(1, 1, rng);
  ratchet::PrekeyBundle bundle{b_id.public_identity(), spks[0].pub, opks[0].pub};
  auto alice = *ratchet::start_session(a_id, *ratchet::verify_bundle(bundle), rng);
  const Bytes ad = {'n'};
  auto first = *alice.encrypt(Bytes(kMessageLen, 'x'), ad, rng);
  auto bob = std::move(ratchet::accept_initial(b_id, spks, opks, first, ad, kNow)->session);
  if (!alice.decrypt(*bob.encrypt(Bytes(kMessageLen, 'y'), ad, rng), ad, kNow)) std::abort();
  return {std::move(alice), std::move(bob)};
}

// mode 0: one direction; 1: ping-pong; 2: ping-pong, stored and loaded each time.
double ratchet_per_s(int mode) {
  crypto::SystemRandom rng;
  Pair p = make_pair(rng);
  const Bytes pt(kMessageLen, 'm'), ad = {'n'};
  std::uint64_t n = 0;
  const auto t0 = Clock::now();
  while (seconds_since(t0) < kMinSeconds) {
    for (int i = 0; i < 64; ++i, ++n) {
      const bool reverse = mode != 0 && (n % 2 == 1);
      auto& from = reverse ? p.bob : p.alice;
      auto& to = reverse ? p.alice : p.bob;
      auto m = from.encrypt(pt, ad, rng);
      auto back = to.decrypt(*m, ad, kNow);
      if (!back || back->size() != kMessageLen) std::abort();
      if (mode == 2) {
        from = *ratchet::decode_session(ratchet::encode_session(from).span());
        to = *ratchet::decode_session(ratchet::encode_session(to).span());
      }
    }
  }
  return static_cast<double>(n) / seconds_since(t0);
}

}  // namespace

int main() {
  crypto::ensure_sodium();
  const double raw = raw_aead_per_s();
  const double one_way = ratchet_per_s(0);
  const double ping_pong = ratchet_per_s(1);
  const double stored = ratchet_per_s(2);
  const double x25519 = x25519_per_s();
  std::printf("| 200-byte messages, one core, encrypt + decrypt | per second | vs raw AEAD | goal 50,000/s |\n");
  std::printf("|---|---:|---:|---|\n");
  std::printf("| raw XChaCha20-Poly1305 (libsodium) | %.0f | 1.00 | |\n", raw);
  std::printf("| ratchet, one direction (symmetric chain) | %.0f | %.3f | %s |\n", one_way, one_way / raw,
              one_way >= 50000 ? "met" : "NOT met");
  std::printf("| ratchet, ping-pong (DH step every message) | %.0f | %.3f | %s |\n", ping_pong, ping_pong / raw,
              ping_pong >= 50000 ? "met" : "NOT met");
  std::printf("| ratchet, ping-pong, store + load both sessions each message | %.0f | %.3f | |\n", stored,
              stored / raw);
  std::printf("| ceiling for ping-pong: X25519 (libsodium) / 3 | %.0f | %.3f | |\n", x25519 / 3, x25519 / 3 / raw);
  std::printf("\nx25519_per_s=%.0f\n", x25519);
  std::printf("raw_aead_per_s=%.0f\none_way_per_s=%.0f\nping_pong_per_s=%.0f\nping_pong_stored_per_s=%.0f\n", raw,
              one_way, ping_pong, stored);
  return 0;
}
