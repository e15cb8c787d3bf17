#include "core/node/engine.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "core/direct/expiry.hpp"
#include "core/log/log.hpp"
#include "core/network/envelope.hpp"
#include "core/network/local_author.hpp"
#include "core/node/node_status.hpp"
#include "core/node/onion_clients.hpp"
#include "core/network/node_admission.hpp"
#include "core/network/replica.hpp"
#include "core/node/job_failure.hpp"
#include "core/node/onion_keys.hpp"
#include "core/node/prekey_schedule.hpp"
#include "core/node/sync_targets.hpp"
#include "core/node/rekey_duty.hpp"
#include "core/peers/peer_store.hpp"
#include "core/profile/wipe_watch.hpp"
#include "core/session/peer_session.hpp"
#include "core/sync/joining_replica.hpp"
#include "core/sync/sync_session.hpp"

namespace tumar::node {

namespace {

void append(Actions& out, ConnId conn, std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  // Consecutive writes to one connection become one Send: a burst of small
  // messages then costs the driver one queue entry (and one system call).
  if (!out.sends.empty() && out.sends.back().conn == conn) {
    out.sends.back().bytes.insert(out.sends.back().bytes.end(), bytes.begin(), bytes.end());
    return;
  }
  out.sends.push_back(Send{conn, std::vector<std::uint8_t>(bytes.begin(), bytes.end())});
}

void add(sync::SyncProgress& total, const sync::SyncProgress& p) {
  total.objects_received += p.objects_received;
  total.bytes_received += p.bytes_received;
  total.objects_sent += p.objects_sent;
  total.bytes_sent += p.bytes_sent;
  total.objects_acknowledged += p.objects_acknowledged;
  total.accepted += p.accepted;
  total.duplicates += p.duplicates;
  total.pending += p.pending;
  total.rejected += p.rejected;
  total.rounds_completed += p.rounds_completed;
  total.objects_to_fetch += p.objects_to_fetch;
  total.objects_to_send += p.objects_to_send;
}

std::optional<Instant> earlier(std::optional<Instant> a, std::optional<Instant> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

struct Engine::Impl {
  struct Link {
    ConnId id = 0;
    bool inbound = false;
    std::string label;  // "127.0.0.1:41234", for the debug log
    std::optional<session::PeerSession> session;
    std::optional<session::Ticket> ticket;
    std::optional<sync::SyncSession> sync;
    std::optional<identity::IdentityKey> peer;  // once admitted
    std::optional<std::size_t> job;
    std::optional<std::string> redial_address;  // a serve dial: free the address when it ends
    bool dead = false;
  };

  struct Job {
    SyncJob job;
    JobOutcome outcome;
    std::unique_ptr<sync::JoiningReplica> joining;
    std::optional<ConnId> conn;
    // The responder decides admission only after our message 3, so being
    // open does not yet mean we were let in: a Ping answered by the
    // matching Pong is the proof (without it, a refused sync with nothing to
    // exchange would look like success).
    std::uint64_t ping_nonce = 0;
    bool answered = false;
    bool heard = false;  // any message after the handshake: we were admitted
    bool presented_invite = false;  // presented an invite (the credential itself is gone into the session)
    bool done = false;
    Instant started{};
  };

  struct PendingDial {
    peers::PeerAddress address;
    std::optional<identity::IdentityKey> key;
    std::optional<std::size_t> job;
  };

  Impl(network::NetworkReplica& r, const identity::LocalIdentity& m, crypto::RandomSource& g, EngineOptions o,
       const profile::WipeWatch* w, AdmissionPolicy a)
      : replica(r), me(m), rng(g), options(std::move(o)), watch(w), admission(std::move(a)),
        budget(options.connection_limits), prekeys(0) {
    session::check_limits(options.session_limits);
    sync::check_limits(options.sync_limits);
    if (!admission) {
      gate = std::make_unique<network::NodeAdmission>(replica, me, rng);
      admission = [this](const identity::VerifiedIdentity& peer, const std::optional<noise::PresentedInvite>& invite,
                         std::uint64_t now_ms) { return gate->admit(peer, invite, now_ms); };
    }
    for (auto& j : options.jobs) {
      auto state = std::make_unique<Job>();
      state->outcome.address = j.address;
      state->job = std::move(j);
      jobs.push_back(std::move(state));
    }
    options.jobs.clear();
  }

  ~Impl() {
    // Sessions (and their keys) go before the budget their tickets point at.
    links.clear();
  }

  network::NetworkReplica& replica;
  const identity::LocalIdentity& me;
  crypto::RandomSource& rng;
  EngineOptions options;
  const profile::WipeWatch* watch;
  AdmissionPolicy admission;
  std::unique_ptr<network::NodeAdmission> gate;
  session::ConnectionBudget budget;
  PrekeyRefreshSchedule prekeys;

  Now now;
  Actions out;
  bool progress_noted = false;
  EngineCounts counts;
  StopReason stop_reason = StopReason::kNone;
  bool started = false;
  bool finished = false;
  std::optional<Instant> stopping_until;

  ConnId next_id = 1;
  std::map<ConnId, std::unique_ptr<Link>> links;
  std::map<ConnId, PendingDial> dials;
  std::set<std::string> dialling;  // serve: addresses dialled, connecting or connected
  std::vector<std::unique_ptr<Job>> jobs;

  std::int64_t last_rowid = 0;
  Instant next_poll{}, next_redial{}, next_duty{}, next_expiry{}, next_wipe{};

  // --- entry points -------------------------------------------------------

  Actions take() {
    // Links that ended are dropped here, after every handler that might
    // still hold a reference to them has returned.
    for (auto it = links.begin(); it != links.end();) {
      if (it->second->dead) {
        it = links.erase(it);
      } else {
        ++it;
      }
    }
    check_finished();
    Actions result = std::move(out);
    out = Actions{};
    progress_noted = false;
    result.finished = finished;
    if (!finished) result.deadline = deadline();
    return result;
  }

  std::optional<Instant> deadline() const {
    std::optional<Instant> next;
    for (const auto& [id, link] : links) {
      if (link->dead) continue;
      if (link->session) next = earlier(next, link->session->deadline());
      if (link->sync) next = earlier(next, link->sync->deadline());
    }
    if (options.serve && !stopping_until) {
      next = earlier(next, next_poll);
      next = earlier(next, next_redial);
      next = earlier(next, next_duty);
      next = earlier(next, next_expiry);
      if (watch != nullptr) next = earlier(next, next_wipe);
    }
    if (stopping_until) next = earlier(next, *stopping_until);
    return next;
  }

  void check_finished() {
    if (finished) return;
    if (stopping_until) {
      if (links.empty() || now.mono >= *stopping_until) {
        abort_all();
        finished = true;
        if (stop_reason == StopReason::kNone) stop_reason = StopReason::kStopped;
      }
      return;
    }
    if (!options.serve && started && links.empty() && dials.empty() &&
        std::all_of(jobs.begin(), jobs.end(), [](const auto& j) { return j->done; })) {
      finished = true;
      stop_reason = StopReason::kJobsDone;
    }
  }

  void start() {
    started = true;
    if (watch != nullptr && watch->wiped()) {
      // Wiped before the node even started (a panic between unlock and serve).
      finished = true;
      stop_reason = StopReason::kWiped;
      out.notices.push_back(Notice{Notice::Kind::kWiped, {}, 0, {}, {}});
      return;
    }
    if (options.duties_before_jobs) {
      (void)refresh_prekeys(replica, me, rng, now.wall_ms);
      expire_direct();
      rekey();
    }
    if (options.serve) {
      auto last = replica.store().last_rowid();
      last_rowid = last ? *last : 0;
      // What `serve` always did first: fresh prekeys, expired messages gone.
      (void)refresh_prekeys(replica, me, rng, now.wall_ms);
      prekeys = PrekeyRefreshSchedule(now.wall_ms);
      expire_direct();
      next_poll = now.mono + options.local_poll;
      next_duty = now.mono + options.duty_tick;
      next_expiry = now.mono + options.direct_expiry;
      next_wipe = now.mono + options.wipe_poll;
      redial();
      next_redial = now.mono + options.redial;
    }
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const ConnId id = next_id++;
      jobs[i]->started = now.mono;
      dials[id] = PendingDial{jobs[i]->job.address, jobs[i]->job.identity_key, i};
      out.dials.push_back(Dial{id, jobs[i]->job.address, options.dial_timeout});
    }
  }

  ConnId accepted(const std::string& remote_ip, std::string label) {
    const ConnId id = next_id++;
    if (stopping_until || !options.serve) {
      out.closes.push_back(Close{id, CloseHow::kAbort});
      return id;
    }
    auto ticket = budget.try_acquire(remote_ip);
    if (!ticket) {
      // The cheapest refusal there is: before a single byte is read.
      ++counts.over_budget;
      log::debug(label + ": refused before the handshake: connection limit reached.");
      out.closes.push_back(Close{id, CloseHow::kAbort});
      return id;
    }
    ++counts.accepted;
    auto link = std::make_unique<Link>();
    link->id = id;
    link->inbound = true;
    link->label = std::move(label);
    link->ticket = std::move(ticket);
    link->session.emplace(
        session::PeerSession::responder(me, options.session_limits, now.mono, options.profile_kind));
    log::debug(link->label + ": accepted; handshake started.");
    links[id] = std::move(link);
    return id;
  }

  void connected(ConnId conn, std::string label) {
    auto it = dials.find(conn);
    if (it == dials.end() || stopping_until) {
      out.closes.push_back(Close{conn, CloseHow::kAbort});
      if (it != dials.end()) dial_failed(conn, DialError{DialFailure::kStopping, {}, std::nullopt});
      return;
    }
    PendingDial pending = std::move(it->second);
    dials.erase(it);
    auto link = std::make_unique<Link>();
    link->id = conn;
    link->label = std::move(label);
    std::optional<noise::InviteCredential> invite;
    if (pending.job) {
      Job& job = *jobs[*pending.job];
      job.conn = conn;
      link->job = pending.job;
      invite = std::move(job.job.invite);
      job.job.invite.reset();
      // Remembered to explain a refusal: a join is refused differently.
      job.presented_invite = invite.has_value();
    } else {
      link->redial_address = pending.address.to_string();
    }
    link->session.emplace(session::PeerSession::initiator(me, pending.key, std::move(invite),
                                                          options.session_limits, now.mono));
    log::debug(link->label + ": dialled; handshake started.");
    Link& l = *link;
    links[conn] = std::move(link);
    handle(l, l.session->start(rng));
  }

  void dial_failed(ConnId conn, DialError error) {
    auto it = dials.find(conn);
    if (it == dials.end()) return;
    PendingDial pending = std::move(it->second);
    dials.erase(it);
    if (pending.job) {
      Job& job = *jobs[*pending.job];
      if (!job.done) job.outcome.dial = error;
      finish_job(job, error.why == DialFailure::kAddress ? JobFailure::kBadAddress : JobFailure::kUnreachable,
                 std::nullopt);
    } else {
      dialling.erase(pending.address.to_string());
      log::debug(pending.address.to_string() + ": dial failed (" + std::to_string(static_cast<int>(error.why)) +
                 ") " + error.system);
    }
  }

  void bytes_in(ConnId conn, std::span<const std::uint8_t> bytes) {
    Link* link = find(conn);
    if (link == nullptr || !link->session) return;
    handle(*link, link->session->on_bytes(now.mono, bytes, rng));
  }

  void closed(ConnId conn, core::Error how) {
    if (dials.count(conn)) {
      return dial_failed(conn, DialError{DialFailure::kClosed, std::string(how.field("system").value_or("")), std::nullopt});
    }
    Link* link = find(conn);
    if (link == nullptr || !link->session) return;
    handle(*link, link->session->on_peer_closed(std::move(how)));
  }

  void tick() {
    std::vector<ConnId> ids;
    ids.reserve(links.size());
    for (const auto& [id, link] : links) ids.push_back(id);
    for (ConnId id : ids) {
      Link* link = find(id);
      if (link == nullptr) continue;
      if (auto d = link->session->deadline(); d && *d <= now.mono) handle(*link, link->session->on_tick(now.mono));
      link = find(id);
      if (link == nullptr || !link->sync) continue;
      if (auto d = link->sync->deadline(); d && *d <= now.mono) deliver(*link, link->sync->on_tick(now.mono));
    }
    if (options.serve && !stopping_until) serve_duties();
  }

  void stop() {
    if (finished) return;
    if (stopping_until) {
      // A second Ctrl-C: stop now.
      abort_all();
      finished = true;
      stop_reason = StopReason::kStopped;
      return;
    }
    stopping_until = now.mono + options.shutdown_grace;
    for (auto& [conn, pending] : dials) {
      out.closes.push_back(Close{conn, CloseHow::kAbort});
      if (pending.job) finish_job(*jobs[*pending.job], JobFailure::kNotFinished, std::nullopt);
    }
    dials.clear();
    std::vector<ConnId> ids;
    for (const auto& [id, link] : links) ids.push_back(id);
    for (ConnId id : ids) {
      if (Link* link = find(id)) close_link(*link, std::nullopt);
    }
  }

  // --- sessions -----------------------------------------------------------

  Link* find(ConnId conn) {
    auto it = links.find(conn);
    if (it == links.end() || it->second->dead) return nullptr;
    return it->second.get();
  }

  void handle(Link& link, session::SessionOutput step) {
    if (link.dead) return;
    append(out, link.id, step.send);
    if (step.admission) return answer_admission(link, std::move(*step.admission));
    if (step.admitted) on_admitted(link, *step.admitted);
    // Every message the peer sent before it closed counts, also when its
    // Goodbye came in the same read: a joiner pushes its profile and prekeys
    // and says goodbye at once, and those were dropped. Stop only when
    // handling one made us close the link.
    for (auto& message : step.received) {
      if (link.dead) break;
      on_message(link, std::move(message));
    }
    if (step.closed) on_session_closed(link, *step.closed);
  }

  void answer_admission(Link& link, session::AdmissionRequest question) {
    if (!link.inbound) {
      // The dialler admits whoever proved the identity it pinned (the
      // handshake refused anyone else before message 3), or, unpinned, the
      // first identity seen there (trust on first use, reported).
      return handle(link, link.session->admit(now.mono, rng));
    }
    auto decided = admission(question.peer, question.invite, now.wall_ms);
    if (!decided) {
      log::debug(link.label + ": not admitted: " + decided.error().describe());
      return handle(link, link.session->refuse(decided.error()));
    }
    handle(link, link.session->admit(now.mono, rng));
    // What an invite admission wrote (the newcomer's admission, the keys
    // granted) goes to everyone else now; the newcomer gets it in its sync.
    if (!decided->empty()) flood(*decided, link.id);
  }

  void on_admitted(Link& link, const identity::PublicIdentity& who) {
    ++counts.admitted;
    ++counts.sessions;
    link.peer = who.identity_key;
    // When each peer was last reached, for `tumar status`. A failure (the
    // database busy with another command) only costs that one entry.
    if (auto r = record_reached(replica.store().database(), who.identity_key, now.wall_ms / 1000); !r) {
      log::debug("could not record reaching a peer: " + r.error().describe());
    }
    out.notices.push_back(Notice{Notice::Kind::kPeerAdmitted, {}, 0, who.identity_key, {}});
    // The fingerprint costs 5200 hashes: only build the line if it is wanted.
    if (log::enabled(log::Level::kDebug)) {
      log::debug(link.label + ": handshake complete; admitted " + identity::fingerprint(who.identity_key) + ".");
    }
    if (link.job) {
      Job& job = *jobs[*link.job];
      job.outcome.peer = who;
      sync::Replica* view = &replica;
      if (job.job.network) {
        job.joining = std::make_unique<sync::JoiningReplica>(replica, *job.job.network);
        view = job.joining.get();
      }
      rng.fill(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&job.ping_nonce), sizeof job.ping_nonce));
      send_wire(link, session::Ping{job.ping_nonce, {}});
      if (link.dead) return;
      link.sync.emplace(*view, who.identity_key, sync::Role::kInitiator, options.sync_limits);
    } else {
      link.sync.emplace(replica, who.identity_key, link.inbound ? sync::Role::kResponder : sync::Role::kInitiator,
                        options.sync_limits);
    }
    deliver(link, link.sync->start(now.mono));
  }

  void on_message(Link& link, session::WireMessage message) {
    if (!link.sync) return;
    if (link.job) {
      Job& job = *jobs[*link.job];
      job.heard = true;
      if (job.done) return;
      if (const auto* pong = std::get_if<session::Pong>(&message)) {
        if (pong->nonce == job.ping_nonce) job.answered = true;
        return job_round_check(link);
      }
    }
    deliver(link, link.sync->on_message(message, now.mono, now.wall_ms));
  }

  void deliver(Link& link, core::Result<sync::SyncOutput> result) {
    if (link.dead) return;
    if (!result) {
      // The peer broke the sync protocol (or our store failed): the reason
      // goes to the debug log only; the peer just sees the connection close.
      log::debug(link.label + ": sync failed: " + result.error().describe());
      if (link.job) finish_job(*jobs[*link.job], JobFailure::kProtocol, result.error());
      return close_link(link, result.error());
    }
    for (const auto& m : result->send) {
      send_wire(link, m);
      if (link.dead) return;
    }
    if (!result->accepted.empty()) {
      std::vector<std::vector<std::uint8_t>> fresh;
      fresh.reserve(result->accepted.size());
      for (auto& o : result->accepted) fresh.push_back(std::move(o.envelope));
      flood(fresh, link.id);
    }
    if (link.job) {
      if (!progress_noted) {
        out.notices.push_back(Notice{Notice::Kind::kProgress, {}, *link.job, {}, {}});
        progress_noted = true;
      }
      job_round_check(link);
    }
  }

  void send_wire(Link& link, const session::WireMessage& message) {
    if (link.dead || !link.session) return;
    std::vector<std::uint8_t> bytes;
    if (auto sent = link.session->send(message, bytes); !sent) {
      // Our own message over the limit, or the nonce space spent: a local
      // condition, but the session cannot go on either way.
      return handle(link, link.session->close(sent.error()));
    }
    append(out, link.id, bytes);
  }

  void close_link(Link& link, std::optional<core::Error> why) {
    if (link.dead) return;
    handle(link, link.session->close(std::move(why)));
  }

  void on_session_closed(Link& link, const session::Closure& closure) {
    if (link.dead) return;
    using R = session::CloseReason;
    if (closure.reason == R::kProtocol || closure.reason == R::kLimit || closure.reason == R::kNotAdmitted ||
        closure.reason == R::kHandshakeTimeout) {
      ++counts.closed_by_limit_or_protocol;
    }
    if (log::enabled(log::Level::kDebug)) {
      log::debug(link.label + ": " + session::close_reason_name(closure.reason) +
                 (closure.cause ? ": " + closure.cause->describe() : std::string()));
    }
    if (link.sync) {
      const auto& p = link.sync->progress();
      counts.objects_received += p.objects_received;
      counts.objects_accepted += p.accepted;
      counts.objects_rejected += p.rejected;
    }
    if (link.job) {
      Job& job = *jobs[*link.job];
      if (link.sync) job.outcome.progress = link.sync->progress();
      if (!job.done && closure.reason != R::kLocal) {
        const bool was_open = link.session->peer().has_value();
        auto failure = explain_close(closure.reason, job.presented_invite, was_open, job.heard);
        finish_job(job, failure, closure.cause);
      }
    }
    if (link.redial_address) dialling.erase(*link.redial_address);
    out.closes.push_back(Close{link.id, CloseHow::kFlush});
    link.dead = true;
    link.ticket.reset();  // the slot is free as soon as the socket is
  }

  void abort_all() {
    for (auto& [id, link] : links) {
      if (link->dead) continue;
      // Destroying the session wipes its keys; nothing more is written.
      link->session.reset();
      link->sync.reset();
      link->dead = true;
      link->ticket.reset();
      if (link->redial_address) dialling.erase(*link->redial_address);
      if (link->job && !jobs[*link->job]->done) finish_job(*jobs[*link->job], JobFailure::kNotFinished, std::nullopt);
      out.closes.push_back(Close{id, CloseHow::kAbort});
    }
    for (auto& [conn, pending] : dials) {
      out.closes.push_back(Close{conn, CloseHow::kAbort});
      if (pending.job) finish_job(*jobs[*pending.job], JobFailure::kNotFinished, std::nullopt);
    }
    dials.clear();
  }

  // --- flooding -----------------------------------------------------------

  void flood(const std::vector<std::vector<std::uint8_t>>& envelopes, ConnId except = 0) {
    for (const auto& env : envelopes) {
      auto parsed = network::parse_envelope(env);
      if (!parsed) continue;
      std::vector<ConnId> ids;
      for (const auto& [id, link] : links) {
        if (id != except && !link->dead && link->sync) ids.push_back(id);
      }
      for (ConnId id : ids) {
        Link* link = find(id);
        if (link == nullptr || !link->sync) continue;
        auto msgs = link->sync->push(parsed->network(), env);
        if (!msgs) {
          close_link(*link, msgs.error());
          continue;
        }
        if (!msgs->empty()) ++counts.objects_pushed;
        for (const auto& m : *msgs) send_wire(*link, m);
      }
    }
  }

  // --- jobs ---------------------------------------------------------------


  void job_round_check(Link& link) {
    Job& job = *jobs[*link.job];
    if (job.done || !job.answered || !link.sync || !link.sync->round_complete()) return;
    if (job.job.publish_name && job.job.network) {
      // Once the network has arrived, the joiner publishes its directory
      // entry (its display name) and pushes it before saying goodbye.
      network::LocalAuthor author(replica, me, rng);
      network::ProfileFields fields;
      fields.display_name = *job.job.publish_name;
      // With our onion client key, so the lead authorises it at its next
      // publication, before the invite's derived key stops being listed
      // (docs/PROTOCOL.md, "Onion client authorisation").
      if (auto key = profile_client_key(replica.store(), rng); key) {
        fields.onion_client_key = *key;
      } else {
        log::debug("no onion client key for the joiner's profile: " + key.error().describe());
      }
      auto written = author.set_profile(*job.job.network, fields, now.wall_ms);
      if (written) {
        for (const auto& env : written->envelopes) {
          auto parsed = network::parse_envelope(env);
          if (!parsed) continue;
          auto msgs = link.sync->push(parsed->network(), env);
          if (msgs) {
            for (const auto& m : *msgs) send_wire(link, m);
          }
        }
      } else {
        log::debug("could not publish the joiner's profile: " + written.error().describe());
      }
      // And its first prekey bundle, on the same connection: until a member's
      // bundle is out, nobody can write to her (issue 19: a message must be
      // able to wait for a newcomer at any member's node before her first sync).
      for (const auto& env : refresh_prekeys(replica, me, rng, now.wall_ms)) {
        auto parsed = network::parse_envelope(env);
        if (!parsed || parsed->network() != *job.job.network) continue;
        auto msgs = link.sync->push(parsed->network(), env);
        if (msgs) {
          for (const auto& m : *msgs) send_wire(link, m);
        }
      }
    }
    job.outcome.progress = link.sync->progress();
    finish_job(job, JobFailure::kNone, {});
    close_link(link, std::nullopt);
  }

  void finish_job(Job& job, JobFailure failure, std::optional<core::Error> cause) {
    if (job.done) return;
    job.done = true;
    job.outcome.failure = failure;
    job.outcome.cause = std::move(cause);
    job.outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now.mono - job.started);
    if (!job.job.network) remember_peer(job);
    std::size_t index = 0;
    for (; index < jobs.size(); ++index) {
      if (jobs[index].get() == &job) break;
    }
    out.notices.push_back(Notice{Notice::Kind::kJobFinished, {}, index, {}, {}});
  }

  // A sync job's peer on the allow list: trust on first use (from now on
  // this address must prove this key), and when it was last synced. A
  // failure to write is logged; the sync itself happened.
  void remember_peer(Job& job) {
    peers::PeerStore store(replica.store().database());
    if (!job.job.identity_key && job.outcome.peer) {
      if (auto r = store.record_key(job.outcome.address, job.outcome.peer->identity_key); r) {
        job.outcome.key_recorded = true;
      } else {
        log::warn("could not record the key of " + job.outcome.address.to_string() + ": " + r.error().describe());
      }
    }
    if (job.outcome.ok()) {
      if (auto r = store.mark_synced(job.outcome.address, static_cast<std::int64_t>(now.wall_ms / 1000)); !r) {
        log::debug("could not record the sync time: " + r.error().describe());
      }
    }
  }

  // --- serving duties -----------------------------------------------------

  void serve_duties() {
    if (watch != nullptr && now.mono >= next_wipe) {
      next_wipe = now.mono + options.wipe_poll;
      if (watch->wiped()) {
        // The profile is gone: drop every session key now, say nothing to peers.
        abort_all();
        finished = true;
        stop_reason = StopReason::kWiped;
        out.notices.push_back(Notice{Notice::Kind::kWiped, {}, 0, {}, {}});
        return;
      }
    }
    if (now.mono >= next_poll) {
      next_poll = now.mono + options.local_poll;
      poll_store();
    }
    if (now.mono >= next_redial) {
      next_redial = now.mono + options.redial;
      redial();
    }
    if (now.mono >= next_duty) {
      next_duty = now.mono + options.duty_tick;
      rekey();
      flood(serve_prekey_tick(prekeys, replica, me, rng, now.wall_ms));
      if (options.onion_clients) tell_onion_clients();
    }
    if (now.mono >= next_expiry) {
      next_expiry = now.mono + options.direct_expiry;
      expire_direct();
    }
  }

  void tell_onion_clients() {
    // The directory, the invites and their expiry decide it (core/node/onion_clients.hpp).
    auto clients = authorized_onion_clients(replica, me.public_identity().identity_key, now.wall_ms);
    if (!clients) {
      log::debug("could not list the onion service's clients: " + clients.error().describe());
      return;
    }
    Notice n{Notice::Kind::kOnionClients, {}, 0, {}, {}};
    n.keys.assign(clients->begin(), clients->end());
    out.notices.push_back(std::move(n));
  }

  void rekey() {
    auto rekeyed = rekey_exposed_networks(replica, me, rng, now.wall_ms);
    for (auto& name : rekeyed.networks) out.notices.push_back(Notice{Notice::Kind::kNewEpoch, std::move(name), 0, {}, {}});
    if (!rekeyed.envelopes.empty()) flood(rekeyed.envelopes);
  }

  void expire_direct() {
    // Direct messages and skipped keys past their lifetime (core/direct/expiry.hpp).
    // A failure (the database busy with another command) is retried next time.
    auto r = direct::expire_direct_metadata(replica.store(), me.public_identity().identity_key, now.wall_ms);
    if (!r) log::debug(r.error().describe());
  }

  void poll_store() {
    // Objects other processes (`tumar note add` ...) stored since last time.
    // Ones this node received from peers show up here too; the sessions'
    // de-duplication keeps them from being sent twice to the same peer.
    while (true) {
      auto fresh = replica.store().envelopes_after(last_rowid, 256);
      if (!fresh) {
        log::warn("Reading new objects failed: " + fresh.error().describe());
        return;
      }
      if (fresh->empty()) return;
      std::vector<std::vector<std::uint8_t>> envs;
      for (auto& [rowid, env] : *fresh) {
        last_rowid = std::max(last_rowid, rowid);
        envs.push_back(std::move(env));
      }
      flood(envs);
      if (fresh->size() < 256) return;
    }
  }

  void redial() {
    // Keep a connection to every peer this profile knows by address (those
    // it joined through, `tumar peer add`, and members who published where
    // their node is): that is how a chain of nodes, each knowing only its
    // neighbour, stays one connected network, and how members pass on what
    // they write without the lead online.
    auto known = dialable_peers(replica.store().database(), me.public_identity().identity_key);
    if (!known) return;
    for (const auto& p : *known) {
      const std::string where = p.address.to_string();
      if (dialling.count(where)) continue;
      bool connected = false;
      for (const auto& [id, link] : links) {
        if (!link->dead && p.identity_key && link->peer == *p.identity_key) connected = true;
      }
      if (connected) continue;
      dialling.insert(where);
      const ConnId id = next_id++;
      dials[id] = PendingDial{p.address, p.identity_key, std::nullopt};
      out.dials.push_back(Dial{id, p.address, options.dial_timeout});
    }
  }
};

Engine::Engine(network::NetworkReplica& replica, const identity::LocalIdentity& me, crypto::RandomSource& rng,
               EngineOptions options, const profile::WipeWatch* watch, AdmissionPolicy admission)
    : impl_(std::make_unique<Impl>(replica, me, rng, std::move(options), watch, std::move(admission))) {}

Engine::~Engine() = default;

Actions Engine::start(Now now) {
  impl_->now = now;
  if (!impl_->started) impl_->start();
  return impl_->take();
}

std::pair<ConnId, Actions> Engine::accepted(Now now, const std::string& remote_ip, std::string label) {
  impl_->now = now;
  const ConnId id = impl_->accepted(remote_ip, std::move(label));
  return {id, impl_->take()};
}

Actions Engine::connected(Now now, ConnId conn, std::string label) {
  impl_->now = now;
  if (!impl_->finished) impl_->connected(conn, std::move(label));
  else impl_->out.closes.push_back(Close{conn, CloseHow::kAbort});
  return impl_->take();
}

Actions Engine::dial_failed(Now now, ConnId conn, DialError error) {
  impl_->now = now;
  impl_->dial_failed(conn, std::move(error));
  return impl_->take();
}

Actions Engine::bytes_in(Now now, ConnId conn, std::span<const std::uint8_t> bytes) {
  impl_->now = now;
  if (!impl_->finished) impl_->bytes_in(conn, bytes);
  return impl_->take();
}

Actions Engine::closed(Now now, ConnId conn, core::Error how) {
  impl_->now = now;
  impl_->closed(conn, std::move(how));
  return impl_->take();
}

Actions Engine::tick(Now now) {
  impl_->now = now;
  if (!impl_->finished) impl_->tick();
  return impl_->take();
}

Actions Engine::published(Now now, const std::vector<std::vector<std::uint8_t>>& envelopes) {
  impl_->now = now;
  if (!impl_->finished) impl_->flood(envelopes);
  return impl_->take();
}

Actions Engine::stop(Now now) {
  impl_->now = now;
  impl_->stop();
  return impl_->take();
}

const EngineCounts& Engine::counts() const noexcept { return impl_->counts; }

std::size_t Engine::live_connections() const noexcept {
  std::size_t n = 0;
  for (const auto& [id, link] : impl_->links) n += link->dead ? 0 : 1;
  return n;
}

StopReason Engine::stop_reason() const noexcept { return impl_->stop_reason; }

const JobOutcome& Engine::outcome(std::size_t job) const { return impl_->jobs.at(job)->outcome; }

std::size_t Engine::job_count() const noexcept { return impl_->jobs.size(); }

sync::SyncProgress Engine::progress() const {
  sync::SyncProgress total;
  for (const auto& j : impl_->jobs) {
    if (j->conn) {
      auto it = impl_->links.find(*j->conn);
      if (it != impl_->links.end() && it->second->sync && !it->second->dead) {
        add(total, it->second->sync->progress());
        continue;
      }
    }
    add(total, j->outcome.progress);
  }
  return total;
}

}  // namespace tumar::node
