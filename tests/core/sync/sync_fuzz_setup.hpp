#pragma once
// Fixed replicas and a back-to-back runner for the sync_session fuzz target
// and the test that writes its seed corpus: a recorded message stream from
// one side is then valid input for the target's other side. No gtest here:
// the fuzz target links tumar_core only.
//
// Target input: one mode byte, then
//   mode % 3 == 0: messages to a responder (the node), each as a 2-byte
//                  big-endian length and a WireMessage; an empty record
//                  pushes a fresh object instead;
//   mode % 3 == 1: the same, to an initiator (the dialler) that has started;
//   mode % 3 == 2: a differential run: a limits byte, then 4-byte items
//                  (side/network, timestamp, 2-byte seed) that build two
//                  replicas, synced back to back and checked against the
//                  naive union.

#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <vector>

#include "core/session/session_limits.hpp"
#include "core/session/wire_codec.hpp"
#include "core/sync/sync_session.hpp"
#include "sync_test_double.hpp"

namespace tumar::sync::fuzz {

using test::Bytes;
using test::MemoryReplica;

inline const identity::IdentityKey& dialler_key() {
  static const auto k = test::peer_key(1);
  return k;
}
inline const identity::IdentityKey& node_key() {
  static const auto k = test::peer_key(2);
  return k;
}

inline SyncLimits limits() {
  SyncLimits l;
  l.want_batch = 4;
  l.max_rejected = 8;
  l.max_refused = 4;
  l.seen_capacity = 64;
  return l;
}

// Networks 1 and 2 shared; the node refuses network 3; each side holds
// objects the other lacks, one of which the replica will reject, and one
// that waits for another.
inline void fill_dialler(MemoryReplica& r) {
  const auto n1 = test::network_id(1), n2 = test::network_id(2), n3 = test::network_id(3);
  r.join(n1, {node_key()});
  r.join(n2, {node_key()});
  r.join(n3, {node_key()});
  for (std::uint64_t i = 0; i < 12; ++i) r.put(n1, test::envelope(n1, 100 + i * 3, i, 48));
  for (std::uint64_t i = 0; i < 3; ++i) r.put(n2, test::envelope(n2, 50 + i, 40 + i, 48));
  r.put(n3, test::envelope(n3, 7, 99, 48));
}

inline void fill_node(MemoryReplica& r) {
  const auto n1 = test::network_id(1), n2 = test::network_id(2), n3 = test::network_id(3);
  r.join(n1, {dialler_key()});
  r.join(n2, {dialler_key()});
  r.join(n3, {});
  for (std::uint64_t i = 6; i < 20; ++i) r.put(n1, test::envelope(n1, 100 + i * 3, i, 48));
  const Bytes dependency = test::envelope(n1, 500, 77, 48);
  r.put(n1, test::dependent_envelope(n1, 400, test::id_of(dependency)));
  r.put(n1, dependency);
  r.put(n1, test::envelope(n1, 0xFF00'0000'0000'0001ull, 5, 48));  // rejected by the dialler
  r.put(n3, test::envelope(n3, 8, 98, 48));
}

// Every message a session sends must be one its peer's strict decoder
// accepts, within the session's message limit.
inline void check_sendable(const std::vector<session::WireMessage>& messages) {
  for (const auto& m : messages) {
    const auto bytes = session::encode_wire(m);
    if (bytes.size() > session::kDefaultMaxMessageLen || !session::decode_wire(bytes)) std::abort();
  }
}

// Runs two sessions back to back until nothing is in flight. `seen` (if
// set) observes every message with its direction (true: dialler to node).
// Returns false if either side failed or it did not settle.
inline bool run_pair(SyncSession& dialler, SyncSession& node,
                     const std::function<void(bool, const session::WireMessage&)>& seen = nullptr) {
  std::deque<session::WireMessage> to_node, to_dialler;
  const session::Instant now{};
  auto take = [&](core::Result<SyncOutput> out, std::deque<session::WireMessage>& queue, bool from_dialler) {
    if (!out) return false;
    check_sendable(out->send);
    for (auto& m : out->send) {
      if (seen) seen(from_dialler, m);
      queue.push_back(std::move(m));
    }
    return true;
  };
  if (!take(node.start(now), to_dialler, false) || !take(dialler.start(now), to_node, true)) return false;
  for (std::size_t steps = 0; steps < 1'000'000; ++steps) {
    if (to_node.empty() && to_dialler.empty()) return true;
    if (!to_node.empty()) {
      auto m = std::move(to_node.front());
      to_node.pop_front();
      if (!take(node.on_message(m, now, 1), to_dialler, false)) return false;
    }
    if (!to_dialler.empty()) {
      auto m = std::move(to_dialler.front());
      to_dialler.pop_front();
      if (!take(dialler.on_message(m, now, 1), to_node, true)) return false;
    }
  }
  return false;
}

}  // namespace tumar::sync::fuzz
