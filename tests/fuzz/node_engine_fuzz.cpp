// Fuzz target: a serving node engine driven by fuzz bytes as its driver
// would drive it — connections accepted, bytes read on them in any
// chunking, connections closing, time passing, stop — with no sockets.
// Input: a sequence of [op][arg][len][bytes...] records (below).
// Invariants: no crash; the engine never writes to, or closes twice, a
// connection it did not accept or already closed; a deadline it returns is
// never in the past of the time it was given; once finished it stays
// finished and asks for nothing more; stop finishes within the grace.
// Seeds: tests/fuzz/corpus/node_engine/.

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>

#include <unistd.h>

#include "core/crypto/random.hpp"
#include "core/error_ids.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"
#include "core/node/engine.hpp"
#include "core/profile/schema.hpp"
#include "core/store/database.hpp"

namespace {

using namespace tumar;

// One node for the whole run: its store holds nothing a fuzz input could
// change (no network, no allow list), so reusing it keeps inputs independent.
struct Fixture {
  Fixture() : me(identity::LocalIdentity::generate(rng)) {
    const auto path = std::filesystem::temp_directory_path() / ("tumar-node-fuzz-" + std::to_string(getpid()) + ".db");
    std::filesystem::remove(path);
    auto opened = store::Database::open_plain(path);
    if (!opened) std::abort();
    db.emplace(std::move(*opened));
    if (!profile::migrate(*db)) std::abort();
    replica.emplace(*db, me);
  }
  crypto::DeterministicRandom rng{3};
  identity::LocalIdentity me;
  std::optional<store::Database> db;
  std::optional<network::NetworkReplica> replica;
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

struct Check {
  std::set<node::ConnId> open;
  bool finished = false;

  void apply(const node::Actions& a, node::Instant now) {
    if (finished && (!a.sends.empty() || !a.dials.empty())) std::abort();
    for (const auto& s : a.sends) {
      if (!open.count(s.conn) || s.bytes.empty()) std::abort();
    }
    for (const auto& c : a.closes) {
      if (!open.erase(c.conn)) std::abort();  // unknown, or closed twice
    }
    if (a.deadline && *a.deadline < now) std::abort();
    if (a.finished) finished = true;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Fixture& f = fixture();
  crypto::DeterministicRandom rng(11);
  node::EngineOptions options;
  options.serve = true;
  options.connection_limits.max_connections = 4;
  options.connection_limits.max_per_address = 3;
  options.session_limits.max_message_len = 64 * 1024;
  options.session_limits.max_frame_len = 16 * 1024;
  const auto grace = options.shutdown_grace;
  node::Engine engine(*f.replica, f.me, rng, std::move(options));
  node::Now now{node::Instant{} + std::chrono::hours(1), 1'700'000'000'000};
  Check check;
  check.apply(engine.start(now), now.mono);
  std::vector<node::ConnId> conns;

  std::span<const std::uint8_t> input(data, size);
  while (input.size() >= 3 && !check.finished) {
    const std::uint8_t op = input[0] % 5;
    const std::uint8_t arg = input[1];
    const std::size_t len = input[2];
    input = input.subspan(3);
    const std::size_t take = len < input.size() ? len : input.size();
    const auto bytes = input.first(take);
    input = input.subspan(take);
    switch (op) {
      case 0: {  // someone connects, from one of three addresses
        auto [id, actions] = engine.accepted(now, "10.0.0." + std::to_string(arg % 3), "fuzz");
        check.open.insert(id);
        conns.push_back(id);
        check.apply(actions, now.mono);
        break;
      }
      case 1:  // bytes on a connection (maybe one already closed: the engine ignores them)
        if (!conns.empty()) check.apply(engine.bytes_in(now, conns[arg % conns.size()], bytes), now.mono);
        break;
      case 2:  // the peer closes
        if (!conns.empty()) {
          const node::ConnId id = conns[arg % conns.size()];
          const bool was_open = check.open.count(id) != 0;
          auto actions = engine.closed(now, id, core::make_error<core::ErrorId::kSessionPeerClosed>(core::Errc::kProtocol));
          // The driver knows the socket is gone; the engine's Close for it is the bookkeeping echo.
          check.apply(actions, now.mono);
          if (was_open) check.open.erase(id);
        }
        break;
      case 3:  // time passes: up to 65 s, in ms
        now.mono += std::chrono::milliseconds(arg * 256 + (len & 0xFF));
        now.wall_ms += static_cast<std::uint64_t>(arg) * 256;
        check.apply(engine.tick(now), now.mono);
        break;
      case 4:  // the user stops the node
        check.apply(engine.stop(now), now.mono);
        break;
    }
  }
  if (!check.finished) {
    // A stop always ends the engine within its grace.
    check.apply(engine.stop(now), now.mono);
    now.mono += grace;
    check.apply(engine.tick(now), now.mono);
    if (!check.finished) std::abort();
  }
  return 0;
}
