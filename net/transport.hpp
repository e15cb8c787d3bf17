#pragma once
// How a node reaches and is reached: the one thing a new transport (TCP,
// net/tcp_transport.hpp; Tor, net/tor/tor_transport.hpp) implements, as one
// file in net/. A transport opens byte streams and nothing else: no framing, no
// handshake, no decision (core/node's engine makes every one).

#include <chrono>
#include <string>

#include <boost/asio/generic/stream_protocol.hpp>

#include "core/peers/peer_address.hpp"
#include "net/asio.hpp"
#include "net/net_error.hpp"

namespace tumar::net {

// A connected byte stream: a TCP or a Unix-domain socket alike.
using Stream = asio::generic::stream_protocol::socket;

struct Inbound {
  Stream stream;
  std::string remote_ip;  // the connection budget counts per address ("" when there is none, as on a Unix socket)
  std::string label;      // "127.0.0.1:41234", for the debug log
};

struct Outbound {
  Stream stream;
  std::string label;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Binds now, so a port in use is reported before the node runs. Returns
  // where it listens: for TCP what to tell peers ("127.0.0.1:41234" for port
  // 0); for Tor the Unix socket tor forwards to ("unix:PATH"), the onion
  // address peers dial coming from tor. kAddress on failure.
  virtual Result<std::string> listen(const peers::PeerAddress& address) = 0;
  virtual bool listening() const noexcept = 0;
  // The next inbound stream; kAddress once the listener is closed.
  virtual asio::awaitable<Result<Inbound>> accept() = 0;
  virtual void close_listener() noexcept = 0;

  // Opens a stream to `address` within `timeout` (resolving included), or
  // kAddress / kUnreachable with a sentence.
  virtual asio::awaitable<Result<Outbound>> dial(const peers::PeerAddress& address,
                                                 std::chrono::milliseconds timeout) = 0;
};

}  // namespace tumar::net
