#include "net/connection.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>

#include "core/log/log.hpp"

namespace tumar::net {
namespace {

// One gather write takes queued messages up to this many bytes (or one
// larger message): many small messages then cost one system call, while a
// bulk stream still goes out in pieces the receiver can start on at once
// (measured: 1 MiB gathers were slower for 64 KiB messages than 64 KiB ones).
constexpr std::size_t kMaxGather = 64 * 1024;

std::string describe(const tcp::socket& socket) {
  error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return "unknown peer";
  const auto address = ep.address().to_string();
  return (ep.address().is_v6() ? "[" + address + "]" : address) + ":" + std::to_string(ep.port());
}

}  // namespace

std::shared_ptr<Connection> Connection::create(tcp::socket socket, session::PeerSession session,
                                               std::optional<session::Ticket> ticket, Events events,
                                               crypto::RandomSource& rng) {
  return std::make_shared<Connection>(std::move(socket), std::move(session), std::move(ticket), std::move(events),
                                      rng);
}

Connection::Connection(tcp::socket socket, session::PeerSession session, std::optional<session::Ticket> ticket,
                       Events events, crypto::RandomSource& rng)
    : socket_(std::move(socket)),
      session_(std::move(session)),
      ticket_(std::move(ticket)),
      events_(std::move(events)),
      rng_(rng),
      remote_(describe(socket_)),
      deadline_timer_(socket_.get_executor()),
      write_wakeup_(socket_.get_executor()),
      read_resume_(socket_.get_executor()) {}

void Connection::start() {
  auto self = shared_from_this();
  // Small, latency-bound messages (handshake, pings) must not wait for Nagle.
  error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  asio::dispatch(socket_.get_executor(), [self] {
    self->apply(self->session_.start(self->rng_));
    auto done = [](const char* what) {
      return [what](std::exception_ptr e) { log_coroutine_exit(what, e); };
    };
    asio::co_spawn(self->socket_.get_executor(), self->read_loop(), done("connection reader"));
    asio::co_spawn(self->socket_.get_executor(), self->write_loop(), done("connection writer"));
    asio::co_spawn(self->socket_.get_executor(), self->timer_loop(), done("connection timer"));
  });
}

void Connection::send(proto::WireMessage message) {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this(), m = std::move(message)] {
    if (self->closed_) return;
    std::vector<std::uint8_t> bytes;
    if (auto sent = self->session_.send(m, bytes); !sent) {
      // Our own message over the limit, or the nonce space spent: a local
      // condition, but the session cannot go on either way.
      self->apply(self->session_.close("Could not send: " + sent.error().message()));
      return;
    }
    session::SessionOutput out;
    out.send = std::move(bytes);
    self->apply(std::move(out));
  });
}

void Connection::close(std::string detail) {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this(), d = std::move(detail)]() mutable {
    self->apply(self->session_.close(std::move(d)));
  });
}

void Connection::abort() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    auto out = self->session_.close("Stopped at once.");  // wipes the session keys
    out.send.clear();
    self->outbox_.clear();
    self->apply(std::move(out));
    self->close_socket();
  });
}

void Connection::apply(session::SessionOutput out) {
  if (!out.send.empty() && !socket_closed_) {
    queued_bytes_ += out.send.size();
    outbox_.push_back(std::move(out.send));
    write_wakeup_.cancel();
  }
  if (out.admitted && events_.admitted) events_.admitted(*this, *out.admitted);
  for (auto& message : out.received) {
    if (closed_) break;
    if (events_.message) events_.message(*this, std::move(message));
  }
  // A handshake that just finished moves the deadline from "handshake
  // timeout" to "idle timeout", which may be sooner: wake the timer to re-arm.
  if (auto next = session_.deadline(); next && *next < armed_deadline_) deadline_timer_.cancel();
  if (out.closed && !closed_) {
    closed_ = true;
    if (log::enabled(log::Level::kDebug)) {
      log::debug(remote_ + ": " + session::close_reason_name(out.closed->reason) + ": " + out.closed->detail);
    }
    write_wakeup_.cancel();
    deadline_timer_.cancel();
    read_resume_.cancel();
    if (events_.closed) events_.closed(*this, *out.closed);
  }
}

asio::awaitable<void> Connection::read_loop() {
  auto self = shared_from_this();
  // Not zero-filled: only the n bytes a read wrote are ever looked at.
  auto buffer = std::make_unique_for_overwrite<std::uint8_t[]>(kReadChunk);
  while (!closed_) {
    // Backpressure: read no more while our answers pile up unread.
    while (queued_bytes_ > kMaxQueuedBytes && !closed_) {
      error_code ignored;
      read_resume_.expires_at(asio::steady_timer::time_point::max());
      co_await read_resume_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (closed_) break;
    error_code ec;
    const std::size_t n =
        co_await socket_.async_read_some(asio::buffer(buffer.get(), kReadChunk), asio::redirect_error(asio::use_awaitable, ec));
    if (closed_) break;
    if (ec) {
      apply(session_.on_peer_closed(ec == asio::error::eof ? "The peer closed the connection."
                                                           : "Reading failed: " + ec.message()));
      break;
    }
    apply(session_.on_bytes(session::Clock::now(), std::span<const std::uint8_t>(buffer.get(), n), rng_));
  }
}

asio::awaitable<void> Connection::write_loop() {
  auto self = shared_from_this();
  while (true) {
    // Exactly one async_write in flight: the next starts when this one ends.
    // It takes everything queued so far as one gather write, so a burst of
    // small messages costs one system call, not one each.
    while (!outbox_.empty() && !socket_closed_) {
      std::vector<std::vector<std::uint8_t>> writing;
      writing.reserve(outbox_.size());
      std::size_t gathered = 0;
      while (!outbox_.empty() && (writing.empty() || gathered + outbox_.front().size() <= kMaxGather)) {
        gathered += outbox_.front().size();
        writing.push_back(std::move(outbox_.front()));
        outbox_.pop_front();
      }
      std::vector<asio::const_buffer> buffers;
      buffers.reserve(writing.size());
      for (const auto& b : writing) buffers.emplace_back(b.data(), b.size());
      error_code ec;
      const std::size_t written =
          co_await asio::async_write(socket_, buffers, asio::redirect_error(asio::use_awaitable, ec));
      queued_bytes_ -= std::min(queued_bytes_, written);
      read_resume_.cancel();
      if (ec) {
        outbox_.clear();
        apply(session_.on_peer_closed("Writing failed: " + ec.message()));
        break;
      }
    }
    if (closed_ || socket_closed_) {
      close_socket();
      co_return;
    }
    error_code ec;
    write_wakeup_.expires_at(asio::steady_timer::time_point::max());
    co_await write_wakeup_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Connection::timer_loop() {
  auto self = shared_from_this();
  while (!closed_) {
    const auto deadline = session_.deadline();
    if (!deadline) break;
    armed_deadline_ = *deadline;
    deadline_timer_.expires_at(*deadline);
    error_code ec;
    co_await deadline_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    armed_deadline_ = session::Instant::max();
    if (closed_) break;
    if (ec) continue;  // woken early to re-arm
    apply(session_.on_tick(session::Clock::now()));
  }
}

void Connection::close_socket() noexcept {
  if (socket_closed_) return;
  socket_closed_ = true;
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  deadline_timer_.cancel();
  write_wakeup_.cancel();
  read_resume_.cancel();
  ticket_.reset();  // the slot is free as soon as the socket is
}

}  // namespace tumar::net
