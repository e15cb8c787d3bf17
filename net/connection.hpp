#pragma once
// One byte stream, moved (Asio's chat example, with every decision moved
// into core/node's engine). It reads and hands the bytes over; it writes
// what it is given; it closes when told, or reports that the peer did.
//
//   * Reads are at most kReadChunk bytes and go to the engine untouched;
//     the engine's session refuses an oversized length before buffering.
//   * The outbound queue keeps exactly one async_write in flight, and it is
//     bounded: while more than kMaxQueuedBytes wait to be written, nothing
//     more is read from the peer. A peer that sends requests but never reads
//     the answers stalls itself (and then meets the idle timeout) instead
//     of growing the node's memory.
//   * close_after_flush() writes what is queued (a Goodbye), then closes;
//     abort() closes at once and drops the queue.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "net/asio.hpp"
#include "net/transport.hpp"

namespace tumar::net {

inline constexpr std::size_t kMaxQueuedBytes = 4 * 1024 * 1024;
// Measured: 64 KiB reads beat 256 KiB ones for bulk (0.47x vs ~0.40x raw
// AEAD, docs/PERFORMANCE.md). The engine, not this buffer, bounds what a
// peer can make us hold.
inline constexpr std::size_t kReadChunk = 64 * 1024;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  struct Events {
    std::function<void(std::span<const std::uint8_t>)> bytes;  // read from the peer
    // The peer closed, or reading or writing failed (not after close/abort):
    // session.peer_closed, session.read_failed or session.write_failed.
    std::function<void(core::Error)> ended;
    std::function<void()> gone;              // the socket is closed: forget this connection
  };

  Connection(Stream stream, Events events);

  // Starts the read and write loops. Call once.
  void start();
  void write(std::vector<std::uint8_t> bytes);
  void close_after_flush();
  void abort();

 private:
  // `self` keeps the connection alive while the loop may still run.
  asio::awaitable<void> read_loop(std::shared_ptr<Connection> self);
  asio::awaitable<void> write_loop(std::shared_ptr<Connection> self);
  void end(core::Error how);
  void close_socket() noexcept;

  Stream stream_;
  Events events_;
  asio::steady_timer write_wakeup_;
  asio::steady_timer read_resume_;
  std::size_t queued_bytes_ = 0;
  std::deque<std::vector<std::uint8_t>> outbox_;
  bool closing_ = false;  // no more reads; flush, then close the socket
  bool socket_closed_ = false;
};

}  // namespace tumar::net
