// Handshake and transport throughput, one core, everything in-process (no
// sockets). Prints a Markdown table and a machine-readable
// handshakes_per_s=<n> line.
//
//   * full XX handshakes/s: both sides run in this thread (messages 1-3,
//     identity proof encode + check, Split); one handshake is counted once.
//     Measured twice, in alternating slices so machine load hits both alike:
//     small secrets in the SecretArena (what tumar does), and every secret in
//     a sodium_malloc of its own (what it did before the arena).
//   * raw crypto_aead_chacha20poly1305_ietf_encrypt throughput.
//   * tumar Transport::seal (encrypt + 2-byte frame header into a reused
//     buffer) throughput, and its ratio to raw.
// "64 KiB messages": the largest Noise transport plaintext is 65519 bytes
// (65535 minus the 16-byte tag, spec §3), so both throughput rows use 65519.

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/secret_arena.hpp"
#include "core/crypto/sodium.hpp"
#include "core/identity/identity.hpp"
#include "core/noise/tumar_handshake.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using tumar::crypto::SecretArena;
using tumar::noise::TumarHandshake;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

constexpr std::size_t kMessageLen = tumar::noise::kMaxPlaintextLen;  // 65519
constexpr double kMinSeconds = 2.0;
constexpr int kHandshakeSlices = 10;  // per allocator, alternating

bool one_handshake(const tumar::identity::LocalIdentity& a, const tumar::identity::LocalIdentity& b,
                   tumar::crypto::RandomSource& rng, std::optional<tumar::noise::Transport>* keep = nullptr) {
  auto init = TumarHandshake::initiator(a);
  auto resp = TumarHandshake::responder(b);
  auto s1 = init.start(rng);
  if (!s1) return false;
  auto s2 = resp.receive(*s1->send, rng);
  if (!s2) return false;
  auto s3 = init.receive(*s2->send, rng);
  if (!s3) return false;
  auto s4 = resp.receive(*s3->send, rng);
  if (!s4) return false;
  if (keep != nullptr) *keep = std::move(*s3->established).into_transport();
  return true;
}

}  // namespace

int main() {
  tumar::crypto::ensure_sodium();
  tumar::crypto::SystemRandom rng;
  const auto alice = tumar::identity::LocalIdentity::generate(rng);
  const auto bob = tumar::identity::LocalIdentity::generate(rng);

  // Handshakes, arena on and off in alternating slices.
  for (const bool arena : {true, false}) {
    SecretArena::set_enabled(arena);
    for (int i = 0; i < 50; ++i) {
      if (!one_handshake(alice, bob, rng)) return 1;  // warm-up (and the arena's regions)
    }
  }
  std::size_t handshakes[2] = {0, 0};  // [0] arena, [1] sodium_malloc per secret
  double hs_seconds[2] = {0, 0};
  for (int slice = 0; slice < 2 * kHandshakeSlices; ++slice) {
    const int mode = slice % 2;
    SecretArena::set_enabled(mode == 0);
    const auto t0 = Clock::now();
    double seconds = 0;
    while ((seconds = seconds_since(t0)) < kMinSeconds / kHandshakeSlices) {
      for (int i = 0; i < 20; ++i) {
        if (!one_handshake(alice, bob, rng)) return 1;
      }
      handshakes[mode] += 20;
    }
    hs_seconds[mode] += seconds;
  }
  SecretArena::set_enabled(true);
  const double hs_per_s = static_cast<double>(handshakes[0]) / hs_seconds[0];
  const double hs_per_s_no_arena = static_cast<double>(handshakes[1]) / hs_seconds[1];

  // Raw AEAD.
  std::vector<std::uint8_t> plaintext(kMessageLen, 0x42);
  std::vector<std::uint8_t> ciphertext(kMessageLen + crypto_aead_chacha20poly1305_ietf_ABYTES);
  std::uint8_t key[crypto_aead_chacha20poly1305_ietf_KEYBYTES];
  std::uint8_t nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES] = {};
  randombytes_buf(key, sizeof key);
  std::size_t raw_messages = 0;
  auto t0 = Clock::now();
  double raw_seconds = 0;
  while ((raw_seconds = seconds_since(t0)) < kMinSeconds) {
    for (int i = 0; i < 256; ++i) {
      nonce[4] = static_cast<std::uint8_t>(raw_messages++);
      unsigned long long clen = 0;
      crypto_aead_chacha20poly1305_ietf_encrypt(ciphertext.data(), &clen, plaintext.data(), plaintext.size(), nullptr,
                                                0, nullptr, nonce, key);
    }
  }
  const double raw_mb_s = static_cast<double>(raw_messages * kMessageLen) / raw_seconds / 1e6;

  // Transport seal (encrypt + frame) into a reused buffer.
  std::optional<tumar::noise::Transport> transport;
  if (!one_handshake(alice, bob, rng, &transport)) return 1;
  std::vector<std::uint8_t> wire;
  wire.reserve(kMessageLen + 64);
  std::size_t sealed = 0;
  t0 = Clock::now();
  double seal_seconds = 0;
  while ((seal_seconds = seconds_since(t0)) < kMinSeconds) {
    for (int i = 0; i < 256; ++i) {
      wire.clear();
      if (!transport->seal(plaintext, wire)) return 1;
      ++sealed;
    }
  }
  const double seal_mb_s = static_cast<double>(sealed * kMessageLen) / seal_seconds / 1e6;

  std::printf("| measurement | result |\n|---|---|\n");
  std::printf("| full XX handshakes/s (both sides, one core) | %.0f |\n", hs_per_s);
  std::printf("| same, every secret in its own sodium_malloc (no arena) | %.0f |\n", hs_per_s_no_arena);
  std::printf("| arena / own sodium_malloc | %.2f |\n", hs_per_s / hs_per_s_no_arena);
  std::printf("| raw crypto_aead_chacha20poly1305_ietf, %zu-byte messages | %.0f MB/s |\n", kMessageLen, raw_mb_s);
  std::printf("| tumar Transport::seal (encrypt + frame), %zu-byte messages | %.0f MB/s |\n", kMessageLen, seal_mb_s);
  std::printf("| transport / raw | %.3f |\n", seal_mb_s / raw_mb_s);
  std::printf("\nhandshakes_per_s=%.0f\nhandshakes_per_s_no_arena=%.0f\n", hs_per_s, hs_per_s_no_arena);
  return hs_per_s >= 1 ? 0 : 1;
}
