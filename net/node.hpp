#pragma once
// A running node: the event loop of `tumar serve`. For now it watches for a
// panic wipe and for SIGINT/SIGTERM; the transport (listener, dialer, peers)
// plugs into the same io_context.

#include <chrono>
#include <functional>

#include "core/profile/wipe_watch.hpp"

namespace tumar::net {

enum class StopReason { kSignal, kWiped };

struct NodeOptions {
  // Well under the 1 s the panic promise allows, cheap (two stat calls).
  std::chrono::milliseconds wipe_poll_interval{250};
};

// Runs until a signal or until `watch` reports the profile wiped.
// `on_ready` runs once the loop is up (the CLI prints there).
StopReason run_node(const profile::WipeWatch& watch, const NodeOptions& options,
                    const std::function<void()>& on_ready);

}  // namespace tumar::net
