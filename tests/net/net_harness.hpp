#pragma once
// Real nodes on real loopback sockets (127.0.0.1 only), for the integration
// tests: a node running on its own thread, and a raw client that can speak
// the protocol correctly or misbehave on purpose.

#include <gtest/gtest.h>
#include <poll.h>

#include <future>
#include <memory>
#include <random>
#include <thread>

#include "cli/front_end_error.hpp"
#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/node/engine.hpp"
#include "core/peers/peer_address.hpp"
#include "core/session/peer_session.hpp"
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "core/network/network_test_support.hpp"
#include "net/asio.hpp"
#include "net/node_runner.hpp"
#include "net/tcp_transport.hpp"
#include "support/temp_dir.hpp"

namespace tumar::net::test {

using Bytes = std::vector<std::uint8_t>;

inline node::AdmissionPolicy admit_all() {
  return [](const identity::VerifiedIdentity&, const std::optional<noise::PresentedInvite>&,
            std::uint64_t) -> core::Result<std::vector<std::vector<std::uint8_t>>> { return {}; };
}

inline node::AdmissionPolicy admit_only(identity::IdentityKey key) {
  return [key](const identity::VerifiedIdentity& peer, const std::optional<noise::PresentedInvite>&,
               std::uint64_t) -> core::Result<std::vector<std::vector<std::uint8_t>>> {
    if (peer.identity().identity_key == key) return std::vector<std::vector<std::uint8_t>>{};
    return cli::fail(core::Errc::kRefused, "Not on the allow list.");
  };
}

// Someone with an identity and a database of their own (a node needs its
// store even when it shares no network with anyone).
class Person {
 public:
  Person() : person_(dir_ / "person.db", std::random_device{}()) {}
  const identity::LocalIdentity& me() const { return person_.me(); }
  const identity::IdentityKey& key() const { return person_.key(); }
  network::NetworkReplica& replica() { return person_.replica(); }
  crypto::RandomSource& rng() { return person_.rng(); }

 private:
  ::tumar::test::TempDir dir_;
  network::test::Node person_;
};

// One sync job over real TCP, as `tumar sync` runs it.
inline node::JobOutcome sync_once(Person& me, const peers::PeerAddress& to, std::optional<identity::IdentityKey> key,
                                  node::EngineOptions options = {}) {
  options.jobs.push_back(node::SyncJob{to, key, std::nullopt, std::nullopt, std::nullopt});
  crypto::SystemRandom rng;
  node::Engine engine(me.replica(), me.me(), rng, std::move(options));
  asio::io_context io(1);
  TcpTransport transport(io);
  NodeRunner runner(io, engine, transport, RunnerOptions{false, std::chrono::milliseconds(500)});
  runner.run();
  return engine.outcome(0);
}

// A serving node on 127.0.0.1:<free port>, run on its own thread.
class RunningNode {
 public:
  explicit RunningNode(node::AdmissionPolicy admission, node::EngineOptions options = {}) {
    options.serve = true;
    engine_ = std::make_unique<node::Engine>(me_.replica(), me_.me(), rng_, std::move(options), nullptr,
                                             std::move(admission));
    transport_ = std::make_unique<TcpTransport>(io_);
    auto bound = transport_->listen(*peers::parse_listen_address("127.0.0.1:0"));
    if (!bound) throw std::runtime_error(bound.error().describe());
    address_ = *peers::parse_peer_address(*bound);
    runner_ = std::make_unique<NodeRunner>(io_, *engine_, *transport_, RunnerOptions{false, std::chrono::milliseconds(500)});
    thread_ = std::thread([this] { runner_->run(); });
  }
  ~RunningNode() {
    runner_->stop();
    thread_.join();
  }

  const identity::LocalIdentity& identity() const { return me_.me(); }
  const identity::IdentityKey& key() const { return me_.key(); }
  const peers::PeerAddress& address() const { return address_; }

  // Read on the node's own thread: no data race with its event loop.
  node::EngineCounts counts() {
    std::promise<node::EngineCounts> p;
    asio::post(io_, [&] { p.set_value(engine_->counts()); });
    return p.get_future().get();
  }
  std::size_t live() {
    std::promise<std::size_t> p;
    asio::post(io_, [&] { p.set_value(engine_->live_connections()); });
    return p.get_future().get();
  }

 private:
  crypto::SystemRandom rng_;
  Person me_;
  asio::io_context io_{1};
  std::unique_ptr<node::Engine> engine_;
  std::unique_ptr<TcpTransport> transport_;
  std::unique_ptr<NodeRunner> runner_;
  peers::PeerAddress address_;
  std::thread thread_;
};

// A blocking client: connects, optionally completes the handshake with a
// core PeerSession, and can then send anything at all.
class RawClient {
 public:
  explicit RawClient(const peers::PeerAddress& to) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address(to.host), to.port));
  }

  void send(const Bytes& bytes) { asio::write(socket_, asio::buffer(bytes)); }

  // Waits up to `within` for the server to close the connection, discarding
  // whatever it sends first. False if it is still open.
  bool closed_by_peer(std::chrono::milliseconds within) {
    const auto end = std::chrono::steady_clock::now() + within;
    std::uint8_t buf[4096];
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd pfd{socket_.native_handle(), POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return false;
      error_code ec;
      socket_.read_some(asio::buffer(buf), ec);
      if (ec) return true;  // EOF or reset
    }
  }

  // Runs the XX handshake as initiator. Returns false if the server closed.
  bool handshake(const identity::LocalIdentity& me, session::SessionLimits limits = {}) {
    session_.emplace(session::PeerSession::initiator(me, std::nullopt, std::nullopt, limits, session::Clock::now()));
    write(session_->start(rng_));
    std::uint8_t buf[4096];
    while (!session_->is_open()) {
      error_code ec;
      const std::size_t n = socket_.read_some(asio::buffer(buf), ec);
      if (ec) return false;
      auto out = session_->on_bytes(session::Clock::now(), std::span<const std::uint8_t>(buf, n), rng_);
      write(out);
      if (out.admission) write(session_->admit(session::Clock::now(), rng_));  // whoever answers
      if (session_->is_closed()) return false;
    }
    return true;
  }

  // The bytes of one sealed message (after handshake()), not yet sent.
  Bytes seal(const session::WireMessage& message) {
    Bytes out;
    if (!session_->send(message, out)) throw std::runtime_error("seal failed");
    return out;
  }

  // Sends a Ping and waits for the Pong: proof the server still serves us.
  bool ping_answered(std::uint64_t nonce, std::chrono::milliseconds within = std::chrono::seconds(10)) {
    send(seal(session::Ping{nonce, {}}));
    const auto end = std::chrono::steady_clock::now() + within;
    std::uint8_t buf[4096];
    while (std::chrono::steady_clock::now() < end) {
      pollfd pfd{socket_.native_handle(), POLLIN, 0};
      if (::poll(&pfd, 1, 100) <= 0) continue;
      error_code ec;
      const std::size_t n = socket_.read_some(asio::buffer(buf), ec);
      if (ec) return false;
      auto out = session_->on_bytes(session::Clock::now(), std::span<const std::uint8_t>(buf, n), rng_);
      for (const auto& m : out.received) {
        const auto* pong = std::get_if<session::Pong>(&m);
        if (pong != nullptr && pong->nonce == nonce) return true;
      }
      if (out.closed) return false;
    }
    return false;
  }

  // Writes `bytes` over and over without ever reading, until the socket
  // stays full for `stall` or `cap` bytes have gone. Returns bytes written.
  std::size_t flood_without_reading(const Bytes& bytes, std::size_t cap, std::chrono::milliseconds stall) {
    socket_.non_blocking(true);
    std::size_t written = 0, offset = 0;
    auto last_progress = std::chrono::steady_clock::now();
    while (written < cap && std::chrono::steady_clock::now() - last_progress < stall) {
      error_code ec;
      const std::size_t n = socket_.write_some(asio::buffer(bytes.data() + offset, bytes.size() - offset), ec);
      if (ec == asio::error::would_block) {
        pollfd pfd{socket_.native_handle(), POLLOUT, 0};
        ::poll(&pfd, 1, 50);
        continue;
      }
      if (ec) break;
      written += n;
      offset = (offset + n) % bytes.size();
      last_progress = std::chrono::steady_clock::now();
    }
    socket_.non_blocking(false);
    return written;
  }

  void shutdown_send() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
  }

 private:
  void write(const session::SessionOutput& out) {
    if (!out.send.empty()) send(out.send);
  }

  asio::io_context io_;
  tcp::socket socket_;
  crypto::SystemRandom rng_;
  std::optional<session::PeerSession> session_;
};

}  // namespace tumar::net::test
