// Fuzz target: a sync session's entry points (on_message, push) fed
// decoded WireMessages from fuzz bytes, as a responder and as an initiator
// over small in-memory replicas; and a differential mode that syncs two
// replicas built from the bytes and checks the result against the naive
// union. Input format: tests/core/sync/sync_fuzz_setup.hpp. Invariants: no
// crash; everything a session sends passes the peer's strict decoder within
// the message limit; an error is final (the next call returns it again);
// a differential run converges to the union with no error.
// Seeds: tests/fuzz/corpus/sync_session/.

#include <cstdint>
#include <cstdlib>
#include <set>
#include <span>

#include "core/sync/sync_fuzz_setup.hpp"

namespace {

using namespace tumar;
using namespace tumar::sync;

void feed(std::span<const std::uint8_t> input, Role role) {
  fuzz::MemoryReplica replica;
  if (role == Role::kInitiator) {
    fuzz::fill_dialler(replica);
  } else {
    fuzz::fill_node(replica);
  }
  const auto& peer = role == Role::kInitiator ? fuzz::node_key() : fuzz::dialler_key();
  SyncSession session(replica, peer, role, fuzz::limits());
  session::Instant now{};
  auto started = session.start(now);
  if (!started) std::abort();  // the replica does not fail here
  fuzz::check_sendable(started->send);
  std::uint64_t pushes = 0;
  while (input.size() >= 2) {
    const std::size_t len = (std::size_t{input[0]} << 8) | input[1];
    input = input.subspan(2);
    const std::size_t take = len < input.size() ? len : input.size();
    const auto record = input.first(take);
    input = input.subspan(take);
    now += std::chrono::seconds(1);
    if (take == 0) {
      const auto net = test::network_id(static_cast<std::uint8_t>(1 + pushes % 3));
      auto pushed = session.push(net, test::envelope(net, 1000 + pushes, 5000 + pushes, 48));
      ++pushes;
      if (!pushed) return;
      fuzz::check_sendable(*pushed);
      continue;
    }
    auto message = session::decode_wire(record);
    if (!message) continue;  // the session would have closed; other records still exercise it
    auto out = session.on_message(*message, now, 1);
    if (!out) {
      auto again = session.on_tick(now);
      if (again || again.error().describe() != out.error().describe()) std::abort();
      return;
    }
    fuzz::check_sendable(out->send);
  }
}

void differential(std::span<const std::uint8_t> input) {
  if (input.empty()) return;
  SyncLimits limits = fuzz::limits();
  limits.want_batch = 1 + input[0] % kMaxWantIds;
  input = input.subspan(1);
  fuzz::MemoryReplica a, b;
  const NetworkId nets[2] = {test::network_id(1), test::network_id(2)};
  for (const auto& n : nets) {
    a.join(n, {fuzz::node_key()});
    b.join(n, {fuzz::dialler_key()});
  }
  // At most 128 items: the shapes of the two sets matter here, not their
  // size, and small runs keep the target fast.
  for (int items = 0; items < 128 && input.size() >= 4; ++items, input = input.subspan(4)) {
    const auto& net = nets[input[0] >> 7];
    const int side = (input[0] & 0x7F) % 3;
    const auto e = test::envelope(net, 1 + input[1], (std::uint64_t{input[2]} << 8) | input[3], 48);
    if (side != 2) a.put(net, e);
    if (side != 1) b.put(net, e);
  }
  std::set<ObjectId> want[2];
  for (int i = 0; i < 2; ++i) {
    want[i] = a.ids(nets[i]);
    const auto theirs = b.ids(nets[i]);
    want[i].insert(theirs.begin(), theirs.end());
  }
  SyncSession dialler(a, fuzz::node_key(), Role::kInitiator, limits);
  SyncSession node(b, fuzz::dialler_key(), Role::kResponder, limits);
  if (!fuzz::run_pair(dialler, node)) std::abort();
  if (!dialler.round_complete() || !node.round_complete()) std::abort();
  for (int i = 0; i < 2; ++i) {
    if (a.ids(nets[i]) != want[i] || b.ids(nets[i]) != want[i]) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> input(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: feed(input, Role::kResponder); break;
    case 1: feed(input, Role::kInitiator); break;
    default: differential(input); break;
  }
  return 0;
}
