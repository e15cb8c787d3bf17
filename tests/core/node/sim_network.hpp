#pragma once
// A network of node engines with no sockets and a virtual clock (the
// c-toxcore habit: the real code against doubles for clock, randomness and
// network). Each simulated person has their own database, replica and
// author (network_test_support.hpp) and, while "up", a node::Engine. The
// simulator plays every driver's part: it turns Dials into pipes between
// engines, carries Sends with a fixed latency and in order, delivers closes,
// and calls tick() at each engine's deadline. Partitions cut pipes and fail
// dials across the cut; a crash drops an engine without a goodbye and a
// restart makes a new one on the same database.
//
// Deterministic: one seed drives every choice and every engine's
// randomness, events at the same instant run in the order they were
// scheduled, and trace() digests everything that happened, so the same
// seed gives the same run (checked by a test).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/error_ids.hpp"
#include "core/node/engine.hpp"
#include "tests/core/network/network_test_support.hpp"

namespace tumar::node::test {

using namespace std::chrono_literals;

// TUMAR_TEST_SEED, or `fallback`; printed, so a failure can be replayed.
inline std::uint64_t test_seed(std::uint64_t fallback) {
  std::uint64_t seed = fallback;
  if (const char* env = std::getenv("TUMAR_TEST_SEED"); env != nullptr && *env != '\0') {
    seed = std::strtoull(env, nullptr, 10);
  }
  std::printf("seed %llu (replay with TUMAR_TEST_SEED=%llu)\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed));
  return seed;
}

class SimNet {
 public:
  static constexpr auto kLatency = 5ms;

  SimNet(std::filesystem::path dir, std::uint64_t seed) : dir_(std::move(dir)), seed_(seed), choice_(seed) {}

  ~SimNet() {
    // Engines (and their sessions) before the databases they use.
    for (auto& n : nodes_) n.engine.reset();
  }

  // A new person (not yet running). Returns its index.
  std::size_t add_person() {
    const std::size_t i = nodes_.size();
    Sim n;
    n.person = std::make_unique<network::test::Node>(dir_ / ("p" + std::to_string(i) + ".db"), seed_ * 1000 + i);
    n.address = *peers::parse_peer_address("127.0.0.1:" + std::to_string(7000 + i));
    nodes_.push_back(std::move(n));
    return i;
  }

  network::test::Node& person(std::size_t i) { return *nodes_.at(i).person; }
  const peers::PeerAddress& address(std::size_t i) const { return nodes_.at(i).address; }
  // Running: started, not crashed, not finished. A finished engine is kept
  // (engine(i)) so that a test can read its outcomes.
  bool up(std::size_t i) const { return nodes_.at(i).engine != nullptr && !nodes_.at(i).finished; }
  Engine& engine(std::size_t i) { return *nodes_.at(i).engine; }
  std::size_t size() const { return nodes_.size(); }
  Now now() const { return Now{t0_ + elapsed_, network::test::kT0 + static_cast<std::uint64_t>(elapsed_.count())}; }
  std::uint64_t wall_ms() const { return now().wall_ms; }

  // Starts person i's engine (serving unless options say otherwise).
  void start(std::size_t i, EngineOptions options = serving()) {
    Sim& n = nodes_.at(i);
    ASSERT_FALSE(up(i)) << "node " << i << " is already up";
    n.engine.reset();
    n.finished = false;
    ++n.incarnation;
    n.rng = std::make_unique<crypto::DeterministicRandom>(seed_ * 7919 + i * 131 + n.incarnation);
    n.engine = std::make_unique<Engine>(n.person->replica(), n.person->me(), *n.rng, std::move(options));
    n.deadline.reset();
    apply(i, n.engine->start(now()));
  }

  // The engine stops dead: no goodbye, its peers see the connections drop.
  void crash(std::size_t i) {
    Sim& n = nodes_.at(i);
    if (!up(i)) return;
    for (auto it = pipes_.begin(); it != pipes_.end();) {
      if (it->first.node == i) {
        schedule_close(it->second, "The peer's process died.");
        pipes_.erase(it->second);
        it = pipes_.erase(it);
      } else {
        ++it;
      }
    }
    n.engine.reset();
    n.deadline.reset();
    note("crash", i);
  }

  // The front end's stop: Goodbyes, then the engine finishes.
  void stop(std::size_t i) { apply(i, nodes_.at(i).engine->stop(now())); }

  // Cuts every pipe between the two sides; dials across fail until heal().
  void partition(const std::set<std::size_t>& side) {
    side_ = side;
    for (auto it = pipes_.begin(); it != pipes_.end();) {
      if (across(it->first.node, it->second.node)) {
        schedule_close(it->first, "The route is gone.");
        schedule_close(it->second, "The route is gone.");
        pipes_.erase(it->second);
        it = pipes_.erase(it);
      } else {
        ++it;
      }
    }
    note("partition", side.size());
  }
  void heal() {
    side_.clear();
    note("heal", 0);
  }

  // Runs events and deadlines until `d` of virtual time has passed.
  void run_for(std::chrono::milliseconds d) {
    const auto until = elapsed_ + d;
    while (true) {
      std::optional<std::chrono::milliseconds> next;
      if (!events_.empty()) next = events_.top().at;
      std::optional<std::size_t> due_node;
      for (std::size_t i = 0; i < nodes_.size(); ++i) {
        const auto& dl = nodes_[i].deadline;
        if (!dl || !up(i)) continue;
        const auto at = std::chrono::ceil<std::chrono::milliseconds>(*dl - t0_);
        if (!next || at < *next) {
          next = at;
          due_node = i;
        }
      }
      if (!next || *next > until) break;
      elapsed_ = std::max(elapsed_, *next);
      if (due_node) {
        Sim& n = nodes_[*due_node];
        n.deadline.reset();
        apply(*due_node, n.engine->tick(now()));
        continue;
      }
      Event e = events_.top();
      events_.pop();
      run(e);
    }
    elapsed_ = until;
  }

  // Everything that happened, digested: equal for equal seeds.
  std::uint64_t trace() const { return trace_; }
  // With keep_log(), every event also as a line, so that two runs that
  // should be equal can be compared event by event to find where they part.
  void keep_log() { keep_log_ = true; }
  const std::vector<std::string>& log() const { return log_; }
  std::size_t pipes() const { return pipes_.size() / 2; }

  static EngineOptions serving() {
    EngineOptions o;
    o.serve = true;
    return o;
  }

 private:
  struct End {
    std::size_t node = 0;
    ConnId conn = 0;
    bool operator<(const End& o) const { return node != o.node ? node < o.node : conn < o.conn; }
    bool operator==(const End& o) const { return node == o.node && conn == o.conn; }
  };

  struct Sim {
    std::unique_ptr<network::test::Node> person;
    std::unique_ptr<crypto::DeterministicRandom> rng;
    std::unique_ptr<Engine> engine;
    peers::PeerAddress address;
    std::optional<Instant> deadline;
    std::uint64_t incarnation = 0;
    bool finished = false;
  };

  enum class Kind { kBytes, kClose, kConnected, kDialFailed };
  struct Event {
    std::chrono::milliseconds at{};
    std::uint64_t seq = 0;
    Kind kind = Kind::kBytes;
    End to;
    std::uint64_t incarnation = 0;
    std::vector<std::uint8_t> bytes;
    std::string text;
    bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  void note(const char* what, std::uint64_t a, std::uint64_t b = 0) {
    if (keep_log_) {
      log_.push_back(std::to_string(elapsed_.count()) + " ms " + what + " " + std::to_string(a) + " " +
                     std::to_string(b));
    }
    // FNV-1a over the event names and numbers.
    for (const char* p = what; *p != '\0'; ++p) trace_ = (trace_ ^ static_cast<std::uint8_t>(*p)) * 1099511628211ull;
    for (std::uint64_t v : {a, b, static_cast<std::uint64_t>(elapsed_.count())}) {
      trace_ = (trace_ ^ v) * 1099511628211ull;
    }
  }

  bool across(std::size_t a, std::size_t b) const {
    if (side_.empty()) return false;
    return side_.count(a) != side_.count(b);
  }

  void push(Event e) {
    e.seq = ++seq_;
    events_.push(std::move(e));
  }

  void schedule_close(const End& to, std::string why) {
    Event e;
    e.at = elapsed_ + kLatency;
    e.kind = Kind::kClose;
    e.to = to;
    e.incarnation = nodes_[to.node].incarnation;
    e.text = std::move(why);
    push(std::move(e));
  }

  void run(const Event& e) {
    Sim& n = nodes_[e.to.node];
    if (!up(e.to.node) || n.incarnation != e.incarnation) return;  // sent to an engine that died since
    switch (e.kind) {
      case Kind::kBytes:
        note("bytes", e.to.node, e.bytes.size());
        return apply(e.to.node, n.engine->bytes_in(now(), e.to.conn, e.bytes));
      case Kind::kClose:
        note("close", e.to.node);
        return apply(e.to.node, n.engine->closed(now(), e.to.conn, core::make_error<core::ErrorId::kSessionPeerClosed>(core::Errc::kProtocol)));
      case Kind::kConnected:
        note("connected", e.to.node);
        return apply(e.to.node, n.engine->connected(now(), e.to.conn, e.text));
      case Kind::kDialFailed:
        note("dial failed", e.to.node);
        return apply(e.to.node, n.engine->dial_failed(now(), e.to.conn, DialError{DialFailure::kUnreachable, e.text, std::nullopt}));
    }
  }

  void apply(std::size_t i, Actions a) {
    Sim& n = nodes_[i];
    for (const auto& d : a.dials) dial(i, d);
    for (auto& s : a.sends) {
      auto it = pipes_.find(End{i, s.conn});
      if (it == pipes_.end()) continue;  // already cut: the bytes are lost, as on a real network
      if (keep_log_) {
        std::uint64_t h = 1469598103934665603ull;
        for (std::uint8_t b : s.bytes) h = (h ^ b) * 1099511628211ull;
        note("send", i * 1000 + it->second.node, h);
      }
      Event e;
      e.at = elapsed_ + kLatency;
      e.kind = Kind::kBytes;
      e.to = it->second;
      e.incarnation = nodes_[it->second.node].incarnation;
      e.bytes = std::move(s.bytes);
      push(std::move(e));
    }
    for (const auto& c : a.closes) {
      auto it = pipes_.find(End{i, c.conn});
      if (it == pipes_.end()) continue;
      // Bytes already written arrive first (same latency, earlier seq).
      schedule_close(it->second, c.how == CloseHow::kAbort ? "Reset by the peer." : "The peer closed the connection.");
      pipes_.erase(it->second);
      pipes_.erase(it);
    }
    if (a.finished) {
      n.finished = true;
      n.deadline.reset();
      note("finished", i);
      return;
    }
    n.deadline = a.deadline;
  }

  void dial(std::size_t from, const Dial& d) {
    note("dial", from, d.address.port);
    std::optional<std::size_t> target;
    for (std::size_t j = 0; j < nodes_.size(); ++j) {
      if (nodes_[j].address.to_string() == d.address.to_string()) target = j;
    }
    Event e;
    e.at = elapsed_ + kLatency;
    e.to = End{from, d.conn};
    e.incarnation = nodes_[from].incarnation;
    if (!target || !up(*target) || across(from, *target) || *target == from) {
      e.kind = Kind::kDialFailed;
      e.text = "Connection refused";
      return push(std::move(e));
    }
    // Each simulated person has an address of their own for the connection
    // budget (the real ones are all 127.0.0.1, one per test machine).
    auto [their_conn, actions] =
        nodes_[*target].engine->accepted(now(), "person-" + std::to_string(from), nodes_[from].address.to_string());
    pipes_[End{from, d.conn}] = End{*target, their_conn};
    pipes_[End{*target, their_conn}] = End{from, d.conn};
    apply(*target, std::move(actions));
    e.kind = Kind::kConnected;
    e.text = d.address.to_string();
    push(std::move(e));
  }

  std::filesystem::path dir_;
  std::uint64_t seed_;
  std::mt19937_64 choice_;
  std::vector<Sim> nodes_;
  std::map<End, End> pipes_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  std::uint64_t seq_ = 0;
  std::set<std::size_t> side_;
  const Instant t0_{std::chrono::hours(1)};
  std::chrono::milliseconds elapsed_{0};
  std::uint64_t trace_ = 1469598103934665603ull;
  bool keep_log_ = false;
  std::vector<std::string> log_;

 public:
  std::mt19937_64& choice() { return choice_; }
};

}  // namespace tumar::node::test
