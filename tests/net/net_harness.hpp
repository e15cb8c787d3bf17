#pragma once
// Real nodes on real loopback sockets (127.0.0.1 only), for the integration
// tests: a node running on its own thread, and a raw client that can speak
// the protocol correctly or misbehave on purpose.

#include <gtest/gtest.h>
#include <poll.h>

#include <future>
#include <memory>
#include <thread>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/peers/peer_address.hpp"
#include "core/session/peer_session.hpp"
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "net/asio.hpp"
#include "net/node.hpp"

namespace tumar::net::test {

using Bytes = std::vector<std::uint8_t>;

inline session::Admission admit_all() {
  return [](const identity::VerifiedIdentity&, const std::optional<noise::PresentedInvite>&) -> core::Result<void> {
    return {};
  };
}

inline session::Admission admit_only(identity::IdentityKey key) {
  return [key](const identity::VerifiedIdentity& peer, const std::optional<noise::PresentedInvite>&)
             -> core::Result<void> {
    if (peer.identity().identity_key == key) return {};
    return core::fail(core::Errc::kRefused, "Not on the allow list.");
  };
}

inline identity::LocalIdentity fresh_identity() {
  crypto::SystemRandom rng;
  return identity::LocalIdentity::generate(rng);
}

// A node listening on 127.0.0.1:<free port>, run on its own thread.
class RunningNode {
 public:
  RunningNode(session::Admission admission, NodeOptions options = {}) : me_(fresh_identity()) {
    options.handle_signals = false;
    node_ = std::make_unique<Node>(me_, std::move(admission), options, rng_);
    auto bound = node_->listen(*peers::parse_listen_address("127.0.0.1:0"));
    if (!bound) throw std::runtime_error(bound.error().message());
    address_ = *peers::parse_peer_address(*bound);
    thread_ = std::thread([this] { node_->run(); });
  }
  ~RunningNode() {
    node_->stop();
    thread_.join();
  }

  const identity::LocalIdentity& identity() const { return me_; }
  const identity::IdentityKey& key() const { return me_.public_identity().identity_key; }
  const peers::PeerAddress& address() const { return address_; }

  // Read on the node's own thread: no data race with its event loop.
  ConnectionCounts counts() {
    std::promise<ConnectionCounts> p;
    asio::post(node_->io(), [&] { p.set_value(node_->peers().counts()); });
    return p.get_future().get();
  }
  std::size_t live() {
    std::promise<std::size_t> p;
    asio::post(node_->io(), [&] { p.set_value(node_->peers().live()); });
    return p.get_future().get();
  }

 private:
  crypto::SystemRandom rng_;
  identity::LocalIdentity me_;
  std::unique_ptr<Node> node_;
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
    session_.emplace(
        session::PeerSession::initiator(me, std::nullopt, std::nullopt, admit_all(), limits, session::Clock::now()));
    write(session_->start(rng_));
    std::uint8_t buf[4096];
    while (!session_->is_open()) {
      error_code ec;
      const std::size_t n = socket_.read_some(asio::buffer(buf), ec);
      if (ec) return false;
      write(session_->on_bytes(session::Clock::now(), std::span<const std::uint8_t>(buf, n), rng_));
      if (session_->is_closed()) return false;
    }
    return true;
  }

  // The bytes of one sealed message (after handshake()), not yet sent.
  Bytes seal(const proto::WireMessage& message) {
    Bytes out;
    if (!session_->send(message, out)) throw std::runtime_error("seal failed");
    return out;
  }

  // Sends a Ping and waits for the Pong: proof the server still serves us.
  bool ping_answered(std::uint64_t nonce, std::chrono::milliseconds within = std::chrono::seconds(10)) {
    proto::WireMessage ping;
    ping.mutable_ping()->set_nonce(nonce);
    send(seal(ping));
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
        if (m.has_pong() && m.pong().nonce() == nonce) return true;
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
