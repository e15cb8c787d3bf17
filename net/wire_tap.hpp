#pragma once
// The eavesdropper of `tumar demo`: a relay on 127.0.0.1 that sits between a
// dialling node and the node it means to reach, passes every byte on
// unchanged, and keeps a copy of what went each way. It shows a workshop
// exactly what an ISP or a state observer on the path captures. It decides
// nothing and parses nothing: the nodes at both ends cannot tell it is
// there (except by timing), which is the point of the lesson.
//
// Loopback only, by construction: it listens on 127.0.0.1 and forwards to
// 127.0.0.1, so it can never become an open relay for anyone else.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tumar::net {

// Bytes kept per direction; a demo step moves far less. Past it the tap still
// relays, it only stops copying.
inline constexpr std::size_t kMaxTapCapture = 4u << 20;

struct TapCapture {
  std::vector<std::uint8_t> from_dialler;  // dialler -> node
  std::vector<std::uint8_t> from_node;     // node -> dialler
  std::size_t connections = 0;
};

class WireTap {
 public:
  // Listens on 127.0.0.1 (a free port) and relays each connection to
  // 127.0.0.1:target_port, on a thread of its own. nullptr (and *error says
  // why) if it cannot listen.
  static std::unique_ptr<WireTap> start(std::uint16_t target_port, std::string* error);
  ~WireTap();  // stops the thread and closes every connection
  WireTap(const WireTap&) = delete;
  WireTap& operator=(const WireTap&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  // What passed since the last take (or since start), and forgets it: each
  // demo step shows its own traffic.
  TapCapture take();

  struct State;  // shared with the relay coroutines

 private:
  WireTap() = default;
  std::shared_ptr<State> state_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

}  // namespace tumar::net
