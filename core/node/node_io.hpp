#pragma once
// The vocabulary between the node engine (core/node/engine.hpp) and whoever
// drives it: a driver that moves bytes (net/ today: TCP; Tor and files
// next) and a front end that asks and shows (cli/ today; a web interface
// next). Everything here is plain data: no sockets, no clocks, no protobuf.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/identity/identity.hpp"
#include "core/peers/peer_address.hpp"
#include "core/session/session_limits.hpp"

namespace tumar::node {

using Instant = session::Instant;

// Both clocks, read once by the driver per event: `mono` for timeouts
// (never goes back), `wall_ms` (unix milliseconds) for what is stored and
// signed. Tests pass a virtual clock for both.
struct Now {
  Instant mono{};
  std::uint64_t wall_ms = 0;
};

// One connection, for as long as it lives; never reused within a run.
using ConnId = std::uint64_t;

// Write these bytes to the connection, in order after earlier ones.
struct Send {
  ConnId conn = 0;
  std::vector<std::uint8_t> bytes;
};

// Open a connection to `address`, giving up after `timeout`. The driver
// answers with Engine::connected(conn, ...) or Engine::dial_failed(conn, ...).
struct Dial {
  ConnId conn = 0;
  peers::PeerAddress address;
  std::chrono::milliseconds timeout{0};
};

// Why a Dial failed, as facts; the front end words it
// (cli/commands/net_errors.cpp) with the address dialled.
enum class DialFailure {
  kAddress,      // the host name does not resolve
  kTimedOut,     // nothing answered within the Dial's timeout
  kUnreachable,  // refused, no route: `system` is the system's error text
  kStopping,     // the node was stopping when the connection came up
  kClosed,       // the connection ended before the engine took it: `system` is how (a debug fact)
};

struct DialError {
  DialFailure why = DialFailure::kUnreachable;
  std::string system;  // the operating system's error text, if it gave one; public
  // core's error behind it, when there is one (a SOCKS reply from tor, an
  // address tor may not be asked for): the front end words it.
  std::optional<core::Error> cause;
};

enum class CloseHow {
  kFlush,  // write what is queued (a Goodbye), then close
  kAbort,  // close now, drop what is queued (panic: keys must go now)
};

struct Close {
  ConnId conn = 0;
  CloseHow how = CloseHow::kFlush;
};

// What a front end shows a person. The words are the front end's: a notice
// carries facts only.
struct Notice {
  enum class Kind {
    kNewEpoch,    // we started a new epoch after two concurrent removals; `text` = the network's name
    kJobFinished, // a sync job ended; `job` = its index, see Engine::outcome(job)
    kProgress,    // objects moved in a sync job (Engine::progress() has the totals)
    kWiped,       // the profile was wiped: every connection dropped, the engine finished
    kPeerAdmitted,  // a handshake ended with both sides admitted; `peer` = who (for `tumar status`)
    // EngineOptions::onion_clients: who may reach this node's onion service
    // now (`keys`, sorted), every duty tick; the Tor driver publishes the
    // service again when that differs from what it published.
    kOnionClients,
  };
  Kind kind;
  std::string text;
  std::size_t job = 0;
  identity::IdentityKey peer{};
  std::vector<std::array<std::uint8_t, 32>> keys;
};

// Everything one call to the engine asks of its driver, in order.
struct Actions {
  std::vector<Dial> dials;
  std::vector<Send> sends;
  std::vector<Close> closes;
  std::vector<Notice> notices;
  // Call Engine::tick at (or soon after) this instant; nullopt: no timer.
  std::optional<Instant> deadline;
  // Nothing is left to do: every job ended, or the node stopped. The driver
  // flushes what is queued and returns.
  bool finished = false;
};

}  // namespace tumar::node
