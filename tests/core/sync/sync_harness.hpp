#pragma once
// Nodes with in-memory replicas, linked by pairs of SyncSessions wired back
// to back, with a virtual clock. Every message crosses as bytes: encoded,
// held to the session's message limit, and decoded by the strict decoder,
// so a session that sends anything its peer would refuse fails the test.
// Delivery is one message at a time, round-robin, which interleaves the two
// directions the way a real connection does.
//
// A node floods every object one of its sessions accepted by calling push()
// on all its sessions, the one it came from included: the session's
// de-duplication, not the harness, must keep it from echoing.

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "core/session/wire_codec.hpp"
#include "core/sync/sync_session.hpp"
#include "sync_test_double.hpp"

namespace tumar::sync::test {

using session::WireMessage;
using ObjectsKind = session::Objects::Kind;

// Whether `m` holds a T.
template <typename T>
bool is(const WireMessage& m) {
  return std::holds_alternative<T>(m);
}

// Whether `m` is an Objects message of this kind.
inline bool is_objects(const WireMessage& m, ObjectsKind kind) {
  const auto* objects = std::get_if<session::Objects>(&m);
  return objects != nullptr && objects->kind == kind;
}

struct Node {
  explicit Node(std::uint8_t n) : key(peer_key(n)) {}
  identity::IdentityKey key;
  MemoryReplica replica;
  std::vector<NewObject> accepted;  // everything its sessions reported as new
};

struct Endpoint {
  Node* node = nullptr;
  Endpoint* peer = nullptr;
  std::optional<SyncSession> session;
  std::deque<WireMessage> inbox;
  std::optional<core::Error> error;
  std::vector<WireMessage> sent;  // what this side sent, in order
};

struct Link {
  Endpoint a;  // initiator
  Endpoint b;  // responder
  bool failed() const { return a.error || b.error; }
};

class Mesh {
 public:
  session::Instant now{};
  std::uint64_t unix_ms = 1'700'000'000'000;
  SyncLimits limits;
  // Called for every message a session sends, before it is delivered.
  std::function<void(const Endpoint& from, const WireMessage&)> on_send;
  // run() stops as soon as a sent message satisfies this (it is then in the
  // peer's inbox, undelivered); cleared when it fires.
  std::function<bool(const Endpoint& from, const WireMessage&)> stop_after;

  Node& add_node(std::uint8_t n) {
    nodes_.push_back(std::make_unique<Node>(n));
    return *nodes_.back();
  }

  // A connection dialled by `dialler` to `node`.
  Link& connect(Node& dialler, Node& node) {
    links_.push_back(std::make_unique<Link>());
    Link& l = *links_.back();
    l.a.node = &dialler;
    l.b.node = &node;
    l.a.peer = &l.b;
    l.b.peer = &l.a;
    l.a.session.emplace(dialler.replica, node.key, Role::kInitiator, limits);
    l.b.session.emplace(node.replica, dialler.key, Role::kResponder, limits);
    return l;
  }

  void start(Link& l) {
    handle(l.b, l.b.session->start(now));
    handle(l.a, l.a.session->start(now));
  }

  // Delivers until nothing is in flight. false if it did not settle.
  bool run(std::size_t max_steps = 10'000'000) {
    for (std::size_t step = 0; step < max_steps; ++step) {
      bool any = false;
      for (auto& l : links_) {
        for (Endpoint* e : {&l->a, &l->b}) {
          if (stopped_) {
            stopped_ = false;
            return true;
          }
          if (e->inbox.empty() || l->failed()) continue;
          any = true;
          WireMessage m = std::move(e->inbox.front());
          e->inbox.pop_front();
          handle(*e, e->session->on_message(m, now, unix_ms));
        }
      }
      if (!any) return true;
    }
    return false;
  }

  void tick(Link& l) {
    handle(l.a, l.a.session->on_tick(now));
    handle(l.b, l.b.session->on_tick(now));
  }

  // The node pushes a new object of its own on all its sessions.
  void publish(Node& node, const NetworkId& network, const Bytes& bytes) {
    node.replica.put(network, bytes);
    flood(node, network, bytes);
  }

  // Delivers a hand-made message to `to`, as if its peer had sent it.
  core::Result<SyncOutput> inject(Endpoint& to, const WireMessage& m) {
    return to.session->on_message(m, now, unix_ms);
  }

  void send(Endpoint& from, const WireMessage& m) {
    if (on_send) on_send(from, m);
    if (stop_after && stop_after(from, m)) {
      stopped_ = true;
      stop_after = nullptr;
    }
    from.sent.push_back(m);
    const auto bytes = session::encode_wire(m);
    ASSERT_LE(bytes.size(), session::kDefaultMaxMessageLen) << session::wire_kind(m);
    auto decoded = session::decode_wire(bytes);
    ASSERT_TRUE(decoded) << "the peer would refuse a " << session::wire_kind(m);
    from.peer->inbox.push_back(std::move(*decoded));
  }

 private:
  void handle(Endpoint& e, core::Result<SyncOutput> out) {
    if (!out) {
      e.error = out.error();
      return;
    }
    for (const auto& m : out->send) send(e, m);
    for (auto& o : out->accepted) {
      e.node->accepted.push_back(o);
      flood(*e.node, o.network, o.envelope);
    }
  }

  void flood(Node& node, const NetworkId& network, const Bytes& bytes) {
    for (auto& l : links_) {
      for (Endpoint* e : {&l->a, &l->b}) {
        if (e->node != &node || l->failed()) continue;
        auto msgs = e->session->push(network, bytes);
        if (!msgs) {
          e->error = msgs.error();
          continue;
        }
        for (const auto& m : *msgs) send(*e, m);
      }
    }
  }

  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::unique_ptr<Link>> links_;
  bool stopped_ = false;
};

}  // namespace tumar::sync::test
