// The transport issue's benchmark, every figure from one run on this
// machine, side by side:
//
//   1. raw libsodium crypto_aead_chacha20poly1305_ietf_encrypt, one core,
//      64 KiB (65536-byte) messages: the ceiling;
//   2. tumar over loopback, 64 KiB session messages: a client Connection
//      sends Pings padded so each WireMessage is 65536 bytes (two Noise
//      frames: the largest plaintext is 65519), a real node on another
//      thread decrypts, reassembles, decodes and answers each with a Pong;
//      up to kWindow messages in flight. Payload bytes / wall time;
//   3. the same with 100-byte session messages: messages per second;
//   4. handshakes per second: full XX handshakes with identity proofs and
//      admission, (a) both sides in one thread, no sockets — the CPU cost —
//      and (b) over loopback, TCP connect + handshake + one Ping/Pong round
//      + close, eight at a time (run_sync).
//
// Prints a Markdown table, then key=value lines for scripts.

#include <sodium.h>

#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/sodium.hpp"
#include "core/identity/identity.hpp"
#include "core/peers/peer_address.hpp"
#include "core/session/peer_session.hpp"
#include "core/session/wire_codec.hpp"
#include "net/dialer.hpp"
#include "net/node.hpp"
#include "net/peer_manager.hpp"
#include "net/sync_client.hpp"

namespace {

using namespace tumar;
using Clock = std::chrono::steady_clock;

constexpr double kMinSeconds = 2.0;
constexpr std::size_t kBulkMessageLen = 64 * 1024;
constexpr std::size_t kSmallMessageLen = 100;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

session::Admission admit_all() {
  return [](const identity::VerifiedIdentity&, const std::optional<noise::PresentedInvite>&) -> core::Result<void> {
    return {};
  };
}

double raw_aead_mb_per_s() {
  std::vector<std::uint8_t> key(crypto_aead_chacha20poly1305_ietf_KEYBYTES, 7);
  std::vector<std::uint8_t> nonce(crypto_aead_chacha20poly1305_ietf_NPUBBYTES, 0);
  std::vector<std::uint8_t> in(kBulkMessageLen, 1), out(kBulkMessageLen + 16);
  std::size_t bytes = 0;
  const auto t0 = Clock::now();
  std::uint64_t n = 0;
  while (seconds_since(t0) < kMinSeconds) {
    for (int i = 0; i < 64; ++i, ++n) {
      std::memcpy(nonce.data() + 4, &n, sizeof n);
      unsigned long long len = 0;
      crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &len, in.data(), in.size(), nullptr, 0, nullptr,
                                                nonce.data(), key.data());
      bytes += in.size();
    }
  }
  return static_cast<double>(bytes) / seconds_since(t0) / 1e6;
}

// A Ping whose encoding is exactly `len` bytes.
proto::WireMessage ping_of_size(std::size_t len) {
  proto::WireMessage m;
  m.mutable_ping()->set_nonce(1);
  std::size_t padding = len;
  for (int i = 0; i < 8; ++i) {  // converge: the length prefixes depend on the padding's size
    m.mutable_ping()->set_padding(std::string(padding, 'p'));
    const std::size_t size = m.ByteSizeLong();
    if (size == len) break;
    padding = padding + len - size;
  }
  if (m.ByteSizeLong() != len) std::abort();
  return m;
}

struct StreamResult {
  double seconds = 0;
  std::uint64_t messages = 0;
};

// Sends `total` messages of `len` bytes to the node at `to`, keeping
// `window` in flight, over one real connection. Times from admission to the
// last Pong.
StreamResult stream(const identity::LocalIdentity& me, const peers::PeerAddress& to, std::size_t len,
                    std::uint64_t total, std::uint64_t window) {
  crypto::SystemRandom rng;
  net::PeerManager manager({}, rng);
  StreamResult result;
  {
    net::asio::io_context io(1);
    const proto::WireMessage ping = ping_of_size(len);
    auto state = std::make_shared<std::pair<std::uint64_t, std::uint64_t>>(0, 0);  // sent, answered
    Clock::time_point t0;
    net::asio::co_spawn(
        io,
        [&]() -> net::asio::awaitable<void> {
          auto socket = co_await net::dial(io, to, std::chrono::seconds(10));
          if (!socket) std::abort();
          net::Connection::Events events;
          events.admitted = [&, state](net::Connection& c, const identity::PublicIdentity&) {
            t0 = Clock::now();
            for (; state->first < window && state->first < total; ++state->first) c.send(ping);
          };
          events.message = [&, state](net::Connection& c, proto::WireMessage) {
            ++state->second;
            if (state->first < total) {
              c.send(ping);
              ++state->first;
            }
            if (state->second == total) {
              result.seconds = seconds_since(t0);
              result.messages = total;
              c.close("done");
            }
          };
          auto session =
              session::PeerSession::initiator(me, std::nullopt, std::nullopt, admit_all(), {}, session::Clock::now());
          manager.adopt(std::move(*socket), std::move(session), std::nullopt, std::move(events));
        },
        net::asio::detached);
    io.run();
  }
  return result;
}

double memory_handshakes_per_s(const identity::LocalIdentity& a, const identity::LocalIdentity& b) {
  crypto::SystemRandom rng;
  std::uint64_t n = 0;
  const auto t0 = Clock::now();
  while (seconds_since(t0) < kMinSeconds) {
    const session::Instant now{};
    auto x = session::PeerSession::initiator(a, b.public_identity().identity_key, std::nullopt, admit_all(), {}, now);
    auto y = session::PeerSession::responder(b, admit_all(), {}, now);
    auto m1 = x.start(rng).send;
    auto m2 = y.on_bytes(now, m1, rng).send;
    auto m3 = x.on_bytes(now, m2, rng).send;
    if (!y.on_bytes(now, m3, rng).admitted) std::abort();
    ++n;
  }
  return static_cast<double>(n) / seconds_since(t0);
}

double loopback_handshakes_per_s(const identity::LocalIdentity& me, const peers::PeerAddress& to,
                                 const identity::IdentityKey& key) {
  crypto::SystemRandom rng;
  std::uint64_t n = 0;
  const auto t0 = Clock::now();
  std::vector<net::SyncTarget> eight(8, net::SyncTarget{to, key});
  while (seconds_since(t0) < kMinSeconds) {
    for (const auto& o : net::run_sync(me, eight, {}, rng)) {
      if (!o.result) std::abort();
      ++n;
    }
  }
  return static_cast<double>(n) / seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  // `tumar_transport_bench bulk`: only the 64 KiB stream, for profiling.
  const bool bulk_only = argc > 1 && std::string(argv[1]) == "bulk";
  crypto::ensure_sodium();
  crypto::SystemRandom rng;
  const auto client = identity::LocalIdentity::generate(rng);
  const auto server = identity::LocalIdentity::generate(rng);

  net::NodeOptions options;
  options.handle_signals = false;
  options.connection_limits.max_connections = 256;
  options.connection_limits.max_per_address = 256;
  net::Node node(server, admit_all(), options, rng);
  auto bound = node.listen(*peers::parse_listen_address("127.0.0.1:0"));
  if (!bound) {
    std::fprintf(stderr, "%s\n", bound.error().message().c_str());
    return 1;
  }
  const auto address = *peers::parse_peer_address(*bound);
  std::thread node_thread([&] { node.run(); });

  if (bulk_only) {
    const auto r = stream(client, address, kBulkMessageLen, 30000, 16);
    std::printf("bulk_mb_s=%.0f\n", static_cast<double>(r.messages * kBulkMessageLen) / r.seconds / 1e6);
    node.stop();
    node_thread.join();
    return 0;
  }
  const double raw = raw_aead_mb_per_s();
  // Warm up, then measure; counts sized for about two seconds on this machine.
  (void)stream(client, address, kBulkMessageLen, 2000, 16);
  const auto bulk = stream(client, address, kBulkMessageLen, 30000, 16);
  const auto small = stream(client, address, kSmallMessageLen, 400000, 64);
  const double hs_memory = memory_handshakes_per_s(client, server);
  const double hs_loopback = loopback_handshakes_per_s(client, address, server.public_identity().identity_key);

  node.stop();
  node_thread.join();

  const double bulk_mb = static_cast<double>(bulk.messages * kBulkMessageLen) / bulk.seconds / 1e6;
  const double small_rate = static_cast<double>(small.messages) / small.seconds;
  std::printf("| measurement | figure | goal |\n|---|---|---|\n");
  std::printf("| raw ChaCha20-Poly1305 (libsodium), 64 KiB, one core | %.0f MB/s | - |\n", raw);
  std::printf("| tumar over loopback, 64 KiB messages | %.0f MB/s (%.2f x raw) | >= 0.5 x raw |\n", bulk_mb,
              bulk_mb / raw);
  std::printf("| tumar over loopback, 100-byte messages | %.0f messages/s | - |\n", small_rate);
  std::printf("| XX handshakes, in memory, both sides one thread | %.0f /s | >= 2,000 /s |\n", hs_memory);
  std::printf("| connect + handshake + round + close, loopback, 8 at a time | %.0f /s | - |\n", hs_loopback);
  std::printf("raw_aead_mb_s=%.0f\nbulk_mb_s=%.0f\nbulk_ratio=%.2f\nsmall_msgs_s=%.0f\nhandshakes_s=%.0f\n"
              "loopback_handshakes_s=%.0f\n",
              raw, bulk_mb, bulk_mb / raw, small_rate, hs_memory, hs_loopback);
  return 0;
}
