#pragma once
// One TCP connection driving one core session::PeerSession (Asio's chat
// example, with its parsing moved into core/). The connection only moves
// bytes and runs the session's timer; every decision (framing, handshake,
// admission, limits, what to answer) is the session's.
//
//   * It owns its socket and runs on its own strand.
//   * Reads are at most kReadChunk bytes at a time and go to the session
//     untouched; the session refuses an oversized length before buffering.
//   * The outbound queue keeps exactly one async_write in flight, and it is
//     bounded: while more than kMaxQueuedBytes wait to be written, nothing
//     more is read from the peer. A peer that sends requests but never reads
//     the answers stalls itself (and then meets the idle timeout) instead
//     of growing the node's memory.
//   * A timer wakes the session at its deadline (handshake or idle).
//   * When the session closes, queued bytes (a Goodbye) are flushed, then the
//     socket is closed. After a failure nothing is queued: the peer sees a
//     plain close.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/session/connection_budget.hpp"
#include "core/session/peer_session.hpp"
#include "net/asio.hpp"

namespace tumar::net {

inline constexpr std::size_t kMaxQueuedBytes = 4 * 1024 * 1024;
// Measured: 64 KiB reads beat 256 KiB ones for bulk (0.47x vs ~0.40x raw
// AEAD, docs/PERFORMANCE.md). The session, not this buffer, bounds what a
// peer can make us hold.
inline constexpr std::size_t kReadChunk = 64 * 1024;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  struct Events {
    std::function<void(Connection&, const identity::PublicIdentity&)> admitted;
    std::function<void(Connection&, proto::WireMessage)> message;
    std::function<void(Connection&, const session::Closure&)> closed;
  };

  // `socket` must be bound to a strand executor (the listener and dialer do
  // this). `rng` must outlive the connection.
  static std::shared_ptr<Connection> create(tcp::socket socket, session::PeerSession session,
                                            std::optional<session::Ticket> ticket, Events events,
                                            crypto::RandomSource& rng);

  // Starts the read, write and timer loops. Call once.
  void start();

  // Queues a message (dispatched onto the strand). Ignored once closed.
  void send(proto::WireMessage message);

  // Closes from our side, politely (Goodbye) if open.
  void close(std::string detail);

  // Closes at once without a Goodbye: the panic path, where keys must go now.
  void abort();

  const std::string& remote() const noexcept { return remote_; }
  bool closed() const noexcept { return closed_; }
  const session::PeerSession& session() const noexcept { return session_; }

  Connection(tcp::socket socket, session::PeerSession session, std::optional<session::Ticket> ticket, Events events,
             crypto::RandomSource& rng);

 private:
  asio::awaitable<void> read_loop();
  asio::awaitable<void> write_loop();
  asio::awaitable<void> timer_loop();
  void apply(session::SessionOutput out);
  void close_socket() noexcept;

  tcp::socket socket_;
  session::PeerSession session_;
  std::optional<session::Ticket> ticket_;
  Events events_;
  crypto::RandomSource& rng_;
  std::string remote_;
  asio::steady_timer deadline_timer_;
  asio::steady_timer write_wakeup_;
  asio::steady_timer read_resume_;
  std::size_t queued_bytes_ = 0;
  session::Instant armed_deadline_ = session::Instant::max();
  std::deque<std::vector<std::uint8_t>> outbox_;
  bool closed_ = false;        // the session has closed; flush, then close the socket
  bool socket_closed_ = false;
};

}  // namespace tumar::net
