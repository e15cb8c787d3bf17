// The transport issue's benchmark, every figure from one run on this
// machine, side by side:
//
//   1. raw libsodium crypto_aead_chacha20poly1305_ietf_encrypt, one core,
//      64 KiB (65536-byte) messages: the ceiling;
//   2. tumar over loopback, 64 KiB session messages: a client PeerSession
//      on a net::Connection sends Pings padded so each WireMessage is 65536
//      bytes (two Noise frames: the largest plaintext is 65519), a real
//      node (a serving node::Engine on net::NodeRunner and TCP, admitting
//      everyone) on another thread decrypts, reassembles, decodes and
//      answers each with a Pong; up to kWindow messages in flight. Payload
//      bytes / wall time;
//   3. the same with 100-byte session messages: messages per second;
//   4. handshakes per second: full XX handshakes with identity proofs and
//      admission, (a) both sides in one thread, no sockets — the CPU cost —
//      and (b) over loopback, TCP connect + handshake + one Ping/Pong round
//      + close, eight at a time (the same client sessions, eight per event
//      loop).
//
// Prints a Markdown table, then key=value lines for scripts.

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/error_ids.hpp"
#include "core/crypto/sodium.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"
#include "core/node/engine.hpp"
#include "core/peers/peer_address.hpp"
#include "core/profile/schema.hpp"
#include "core/session/peer_session.hpp"
#include "core/session/wire_codec.hpp"
#include "core/store/database.hpp"
#include "net/connection.hpp"
#include "net/tcp_transport.hpp"
#include "support/run_engine.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace tumar;
using Clock = std::chrono::steady_clock;

constexpr double kMinSeconds = 2.0;
constexpr std::size_t kBulkMessageLen = 64 * 1024;
constexpr std::size_t kSmallMessageLen = 100;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The node's admission: everyone (the transport is under test, not the gate).
node::AdmissionPolicy admit_all() {
  return [](const identity::VerifiedIdentity&, const std::optional<noise::PresentedInvite>&,
            std::uint64_t) -> core::Result<std::vector<std::vector<std::uint8_t>>> { return {}; };
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
session::WireMessage ping_of_size(std::size_t len) {
  session::Ping ping{1, {}};
  std::size_t padding = len;
  for (int i = 0; i < 8; ++i) {  // converge: the length prefixes depend on the padding's size
    ping.padding.assign(padding, 'p');
    const std::size_t size = session::encode_wire(ping).size();
    if (size == len) break;
    padding = padding + len - size;
  }
  if (session::encode_wire(ping).size() != len) std::abort();
  return ping;
}

struct StreamResult {
  double seconds = 0;
  std::uint64_t messages = 0;
};

// The client side: one PeerSession on one net::Connection, driven directly
// (what net::Connection did itself before the node engine). It admits the
// responder it reached, as a dialler does; `admitted` and `message` run on
// the event loop.
class Client {
 public:
  struct Events {
    std::function<void(Client&)> admitted;
    std::function<void(Client&, session::WireMessage)> message;
  };

  Client(const identity::LocalIdentity& me, std::optional<identity::IdentityKey> expected, crypto::RandomSource& rng,
         Events events)
      : session_(session::PeerSession::initiator(me, expected, std::nullopt, {}, session::Clock::now())),
        rng_(rng),
        events_(std::move(events)) {}

  // Dials `to` and starts the handshake (a coroutine on `transport`'s loop).
  void dial(net::asio::io_context& io, net::Transport& transport, const peers::PeerAddress& to) {
    net::asio::co_spawn(
        io,
        [this, &transport, to]() -> net::asio::awaitable<void> {
          auto out = co_await transport.dial(to, std::chrono::seconds(10));
          if (!out) std::abort();
          net::Connection::Events events;
          events.bytes = [this](std::span<const std::uint8_t> bytes) {
            apply(session_.on_bytes(session::Clock::now(), bytes, rng_));
          };
          events.ended = [this](core::Error how) { apply(session_.on_peer_closed(std::move(how))); };
          connection_ = std::make_shared<net::Connection>(std::move(out->stream), std::move(events));
          connection_->start();
          apply(session_.start(rng_));
        },
        net::asio::detached);
  }

  // By value, as net::Connection::send took it before the node engine: the
  // client's cost per message stays what it was.
  void send(session::WireMessage message) {
    std::vector<std::uint8_t> bytes;
    if (!session_.send(message, bytes)) std::abort();
    connection_->write(std::move(bytes));
  }

  // Goodbye, then the socket closes once it is written.
  void close() { apply(session_.close()); }

  bool closed_cleanly() const noexcept { return clean_; }

 private:
  void apply(session::SessionOutput out) {
    if (!out.send.empty()) connection_->write(std::move(out.send));
    if (out.admission) return apply(session_.admit(session::Clock::now(), rng_));
    if (out.admitted && events_.admitted) events_.admitted(*this);
    for (auto& m : out.received) {
      if (session_.is_closed()) break;
      if (events_.message) events_.message(*this, std::move(m));
    }
    if (out.closed) {
      clean_ = out.closed->reason == session::CloseReason::kLocal;
      connection_->close_after_flush();
    }
  }

  session::PeerSession session_;
  crypto::RandomSource& rng_;
  Events events_;
  std::shared_ptr<net::Connection> connection_;
  bool clean_ = false;
};

// Sends `total` messages of `len` bytes to the node at `to`, keeping
// `window` in flight, over one real connection. Times from admission to the
// last Pong.
StreamResult stream(const identity::LocalIdentity& me, const peers::PeerAddress& to, std::size_t len,
                    std::uint64_t total, std::uint64_t window) {
  crypto::SystemRandom rng;
  StreamResult result;
  net::asio::io_context io(1);
  net::TcpTransport transport(io);
  const session::WireMessage ping = ping_of_size(len);
  std::uint64_t sent = 0, answered = 0;
  Clock::time_point t0;
  Client::Events events;
  events.admitted = [&](Client& c) {
    t0 = Clock::now();
    for (; sent < window && sent < total; ++sent) c.send(ping);
  };
  events.message = [&](Client& c, session::WireMessage) {
    ++answered;
    if (sent < total) {
      c.send(ping);
      ++sent;
    }
    if (answered == total) {
      result.seconds = seconds_since(t0);
      result.messages = total;
      c.close();
    }
  };
  Client client(me, std::nullopt, rng, std::move(events));
  client.dial(io, transport, to);
  io.run();
  return result;
}

double memory_handshakes_per_s(const identity::LocalIdentity& a, const identity::LocalIdentity& b) {
  crypto::SystemRandom rng;
  std::uint64_t n = 0;
  const auto t0 = Clock::now();
  while (seconds_since(t0) < kMinSeconds) {
    const session::Instant now{};
    auto x = session::PeerSession::initiator(a, b.public_identity().identity_key, std::nullopt, {}, now);
    auto y = session::PeerSession::responder(b, {}, now);
    auto m1 = x.start(rng).send;
    auto m2 = y.on_bytes(now, m1, rng).send;
    // Each side is asked whether to admit the other, and admits it.
    if (!x.on_bytes(now, m2, rng).admission) std::abort();
    auto m3 = x.admit(now, rng).send;
    if (!y.on_bytes(now, m3, rng).admission) std::abort();
    if (!y.admit(now, rng).admitted) std::abort();
    ++n;
  }
  return static_cast<double>(n) / seconds_since(t0);
}

// Eight at a time: dial, handshake (pinned key), one Ping answered by its
// Pong, Goodbye and close; a new event loop for each eight.
double loopback_handshakes_per_s(const identity::LocalIdentity& me, const peers::PeerAddress& to,
                                 const identity::IdentityKey& key) {
  crypto::SystemRandom rng;
  std::uint64_t n = 0;
  const auto t0 = Clock::now();
  while (seconds_since(t0) < kMinSeconds) {
    net::asio::io_context io(1);
    net::TcpTransport transport(io);
    std::vector<std::unique_ptr<Client>> clients;
    std::vector<std::uint64_t> nonces(8);
    std::size_t rounds = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      rng.fill(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&nonces[i]), sizeof nonces[i]));
      Client::Events events;
      events.admitted = [&, i](Client& c) {
        c.send(session::Ping{nonces[i], {}});
      };
      events.message = [&, i](Client& c, session::WireMessage m) {
        const auto* pong = std::get_if<session::Pong>(&m);
        if (pong == nullptr || pong->nonce != nonces[i]) return;
        ++rounds;
        c.close();
      };
      clients.push_back(std::make_unique<Client>(me, key, rng, std::move(events)));
      clients.back()->dial(io, transport, to);
    }
    io.run();
    if (rounds != clients.size()) std::abort();
    for (const auto& c : clients) {
      if (!c->closed_cleanly()) std::abort();
    }
    n += rounds;
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

  // The node: a serving engine on its own thread, with a store as `tumar
  // serve` has one (it holds no network: no sync has anything to say).
  const test::TempDir scratch;
  auto opened = store::Database::open(scratch / "node.db", crypto::Secret<32>::random(), store::DbId{});
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().describe().c_str());
    return 1;
  }
  store::Database db(std::move(*opened));
  if (auto m = profile::migrate(db); !m) {
    std::fprintf(stderr, "%s\n", m.error().describe().c_str());
    return 1;
  }
  network::NetworkReplica replica(db, server);
  crypto::SystemRandom node_rng;
  node::EngineOptions options;
  options.connection_limits.max_connections = 256;
  options.connection_limits.max_per_address = 256;
  std::optional<test::ServingEngine> node;
  node.emplace(replica, server, node_rng, std::move(options), admit_all());
  const auto address = node->address();
  node->start();

  if (bulk_only) {
    const auto r = stream(client, address, kBulkMessageLen, 30000, 16);
    std::printf("bulk_mb_s=%.0f\n", static_cast<double>(r.messages * kBulkMessageLen) / r.seconds / 1e6);
    node.reset();
    return 0;
  }
  const double raw = raw_aead_mb_per_s();
  // Warm up, then measure; counts sized for about two seconds on this machine.
  (void)stream(client, address, kBulkMessageLen, 2000, 16);
  const auto bulk = stream(client, address, kBulkMessageLen, 30000, 16);
  const auto small = stream(client, address, kSmallMessageLen, 400000, 64);
  const double hs_memory = memory_handshakes_per_s(client, server);
  const double hs_loopback = loopback_handshakes_per_s(client, address, server.public_identity().identity_key);

  node.reset();

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
