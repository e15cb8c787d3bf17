#pragma once
// Running a core/node Engine over real TCP, for tests and bench programs:
// the same driver `tumar serve`, `sync` and `join` use (net::NodeRunner on
// net::TcpTransport), without signal handling. Header-only.
//
//   * run_engine(engine): drives an engine on this thread until it finishes
//     (every job ended, or it was stopped). For job engines
//     (EngineOptions::serve off): nothing listens.
//   * run_jobs(replica, me, rng, options): one-shot sync jobs (`tumar sync`
//     without the duties); returns each job's outcome, in job order.
//   * ServingEngine: a serving engine (EngineOptions::serve) listening on
//     127.0.0.1:0 (or another address) on a thread of its own. Bind first,
//     start() second, so that nodes can learn each other's addresses before
//     any of them dials. on_loop() runs code on the engine's thread (the
//     engine, its replica and its store are that thread's while it runs);
//     stop() stops it as Ctrl-C stops `tumar serve` and waits.
//   * unix_now_ms(): the wall clock as the driver gives it to the engine
//     (node::Now::wall_ms), for what a test writes next to a running node.
//   * describe(outcome): a job outcome as one line for a test's failure
//     message (the words users read are cli/commands/job_words.cpp's).

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/network/replica.hpp"
#include "core/node/engine.hpp"
#include "core/peers/peer_address.hpp"
#include "net/node_runner.hpp"
#include "net/tcp_transport.hpp"

namespace tumar::test {

inline std::uint64_t unix_now_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// Drives `engine` on TCP on the calling thread until it finishes. A
// serving engine (which only finishes when stopped or wiped) belongs in a
// ServingEngine instead.
inline void run_engine(node::Engine& engine, net::RunnerOptions options = {.handle_signals = false}) {
  net::asio::io_context io(1);
  net::TcpTransport transport(io);
  net::NodeRunner runner(io, engine, transport, options);
  runner.run();
}

// Runs options.jobs (serve is turned off) with the engine's default
// admission and returns every job's outcome, in the order of the jobs.
inline std::vector<node::JobOutcome> run_jobs(network::NetworkReplica& replica, const identity::LocalIdentity& me,
                                              crypto::RandomSource& rng, node::EngineOptions options) {
  options.serve = false;
  node::Engine engine(replica, me, rng, std::move(options));
  run_engine(engine);
  std::vector<node::JobOutcome> outcomes;
  outcomes.reserve(engine.job_count());
  for (std::size_t i = 0; i < engine.job_count(); ++i) outcomes.push_back(engine.outcome(i));
  return outcomes;
}

inline const char* job_failure_name(node::JobFailure failure) noexcept {
  using F = node::JobFailure;
  switch (failure) {
    case F::kNone: return "none";
    case F::kBadAddress: return "bad address";
    case F::kUnreachable: return "unreachable";
    case F::kNotFinished: return "not finished";
    case F::kWrongIdentity: return "wrong identity";
    case F::kJoinRefusedInHandshake: return "join refused in the handshake";
    case F::kInviteRefused: return "invite refused";
    case F::kNotAdmitted: return "not admitted";
    case F::kClosedInHandshake: return "closed in the handshake";
    case F::kLostDuringSync: return "lost during the sync";
    case F::kPeerStopping: return "peer stopping";
    case F::kTimeout: return "timeout";
    case F::kProtocol: return "protocol";
  }
  return "?";
}

// "synced with 127.0.0.1:7420" or "127.0.0.1:7420: not admitted (its cause's key and fields)".
inline std::string describe(const node::JobOutcome& outcome) {
  if (outcome.ok()) return "synced with " + outcome.address.to_string();
  std::string line = outcome.address.to_string() + ": " + job_failure_name(outcome.failure);
  if (outcome.cause) line += " (" + outcome.cause->describe() + ")";
  return line;
}

// A serving node on its own thread. `replica`, `me` and `rng` must outlive
// it and, once start() was called, belong to its thread until stop()
// returned: reach them through on_loop().
class ServingEngine {
 public:
  // Builds the engine (options.serve is turned on; `admission` empty: the
  // engine's default, network::NodeAdmission) and binds `listen`, so the
  // address is known before start(). Throws std::runtime_error if the
  // address cannot be bound.
  ServingEngine(network::NetworkReplica& replica, const identity::LocalIdentity& me, crypto::RandomSource& rng,
                node::EngineOptions options, node::AdmissionPolicy admission = {},
                const std::string& listen = "127.0.0.1:0", const profile::WipeWatch* watch = nullptr)
      : engine_(replica, me, rng, serving(std::move(options)), watch, std::move(admission)), transport_(io_) {
    auto where = peers::parse_listen_address(listen);
    if (!where) throw std::runtime_error("listen address " + listen + ": " + where.error().describe());
    auto bound_to = transport_.listen(*where);
    if (!bound_to) throw std::runtime_error("listen: " + bound_to.error().describe());
    bound_ = *bound_to;
    auto parsed = peers::parse_peer_address(bound_);
    if (!parsed) throw std::runtime_error("bound address " + bound_ + ": " + parsed.error().describe());
    address_ = *parsed;
    runner_.emplace(io_, engine_, transport_, net::RunnerOptions{.handle_signals = false});
  }

  ~ServingEngine() { stop(); }
  ServingEngine(const ServingEngine&) = delete;
  ServingEngine& operator=(const ServingEngine&) = delete;

  // Runs the event loop on a new thread; returns once the engine started
  // (its first dials asked for, its prekeys refreshed). Call once.
  void start() {
    {
      std::lock_guard lock(mutex_);
      if (state_ != State::kBound) throw std::logic_error("ServingEngine::start: called twice");
      state_ = State::kRunning;
    }
    auto ready = std::make_shared<std::promise<void>>();
    auto started = ready->get_future();
    thread_ = std::thread([this, ready] {
      bool told = false;
      auto tell = [&] {
        if (!told) ready->set_value();
        told = true;
      };
      runner_->run(tell);
      {
        std::lock_guard lock(mutex_);
        state_ = State::kEnded;
      }
      tell();  // the engine finished before it was ready (a wipe at once)
      // on_loop() calls posted just before the loop ended run here, on this
      // thread, so none of them waits for ever.
      io_.poll();
    });
    started.wait();
  }

  // "127.0.0.1:41234", and the same parsed: where peers reach this node.
  const std::string& bound() const noexcept { return bound_; }
  const peers::PeerAddress& address() const noexcept { return address_; }
  std::uint16_t port() const noexcept { return address_.port; }

  // Runs f on the engine's thread and returns what it returns (an
  // exception is rethrown here). Before start() and after the loop ended,
  // f runs on the calling thread: nothing else touches the engine then.
  template <typename F>
  auto on_loop(F f) -> std::invoke_result_t<F&> {
    using R = std::invoke_result_t<F&>;
    std::packaged_task<R()> task([&f]() -> R { return f(); });
    auto result = task.get_future();
    bool posted = false;
    {
      std::lock_guard lock(mutex_);
      if (state_ == State::kRunning) {
        net::asio::post(io_, [&task] { task(); });
        posted = true;
      }
    }
    if (!posted) task();
    return result.get();
  }

  // The engine: on its thread (on_loop) while it runs; anywhere once
  // stop() returned (counts, stop_reason).
  node::Engine& engine() noexcept { return engine_; }

  // Thread-safe: a front end's command (node::Engine::published, say), run
  // on the loop with the Actions it returns carried out.
  void submit(std::function<node::Actions(node::Now)> command) {
    if (thread_.joinable()) runner_->submit(std::move(command));
  }

  // Asks the engine to stop (Goodbye to every peer, finished within
  // EngineOptions::shutdown_grace) without waiting: stopping many nodes at
  // once takes one grace period, not one each.
  void request_stop() {
    if (thread_.joinable()) runner_->stop();
  }

  // request_stop(), then waits for the loop to end. Idempotent.
  void stop() {
    if (!thread_.joinable()) return;
    request_stop();
    thread_.join();
  }

 private:
  static node::EngineOptions serving(node::EngineOptions options) {
    options.serve = true;
    return options;
  }

  // Destroyed in reverse: the thread is joined (destructor) before the
  // runner goes, the runner before the transport and the io_context it
  // uses, and the engine last.
  node::Engine engine_;
  net::asio::io_context io_{1};
  net::TcpTransport transport_;
  std::optional<net::NodeRunner> runner_;
  std::string bound_;
  peers::PeerAddress address_;
  enum class State { kBound, kRunning, kEnded };
  std::mutex mutex_;
  State state_ = State::kBound;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace tumar::test
