#pragma once
// Direct messages end to end (docs/PROTOCOL.md, "Direct messages: in the
// network"): what `msg send` and `msg list` run.
//
//   send:    the newest session with the peer, or X3DH from their published
//            prekeys; DirectContent -> ratchet -> a DIRECT object; the
//            session, the object and the history row in one transaction.
//   receive: every DIRECT object whose tag is ours (for any epoch key we
//            hold) and not handled yet, oldest first: trial-decrypt the
//            header against our sessions, else accept an initial message
//            with our prekeys; for every message, on a new session or an
//            old one, the sender must still be a current member of that
//            network with the key they were admitted with.
//            One transaction per message, so one bad message changes
//            nothing and does not stop the others.
//
// Read receipts ride on the next message to that peer, or go alone from
// send_receipts() (called after `msg list` has shown messages).

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/direct/message_store.hpp"
#include "core/direct/prekey_keeper.hpp"
#include "core/direct/session_store.hpp"
#include "core/network/local_author.hpp"
#include "core/network/replica.hpp"

namespace tumar::direct {

// A message for which no session exists yet may be waiting for the initial
// message that starts its session (delivery order is not send order); it
// is retried until it is this old, then given up.
inline constexpr std::uint64_t kUnroutableGiveUpMs = 30ull * 24 * 3600 * 1000;

struct InboxReport {
  std::size_t received = 0;    // new messages with text
  std::size_t receipts = 0;    // receipts applied
  std::size_t unreadable = 0;  // refused for good (tampered, replayed, not from a member)
  std::size_t waiting = 0;     // no session yet; retried next time
};

class Messenger {
 public:
  Messenger(network::NetworkReplica& replica, const identity::LocalIdentity& me, crypto::RandomSource& rng)
      : replica_(replica), me_(me), rng_(rng), sessions_(replica.store().database()),
        messages_(replica.store().database()), prekeys_(replica, me, rng) {}

  core::Result<network::Written> send(const network::NetworkId& net, const identity::IdentityKey& peer,
                                      std::string_view text, std::uint64_t now_ms);
  core::Result<InboxReport> receive(std::uint64_t now_ms);
  // One receipt-only message to each peer whose messages we have shown but
  // not yet acknowledged.
  core::Result<std::vector<network::Written>> send_receipts(std::uint64_t now_ms);

  MessageStore& messages() noexcept { return messages_; }
  PrekeyKeeper& prekeys() noexcept { return prekeys_; }

 private:
  enum class Handled { kRead, kUnreadable, kWaiting };
  core::Result<Handled> handle(const network::NetworkId& net, const network::StoredObject& object,
                               std::uint64_t now_ms, InboxReport& report);
  core::Result<Handled> take_content(const network::NetworkId& net, const identity::IdentityKey& from,
                                     const crypto::SecretBuffer& plaintext, std::uint64_t now_ms,
                                     InboxReport& report);
  core::Result<network::Written> send_content(const network::NetworkId& net, const identity::IdentityKey& peer,
                                              std::string_view text, bool receipt_only, std::uint64_t now_ms);

  network::NetworkReplica& replica_;
  const identity::LocalIdentity& me_;
  crypto::RandomSource& rng_;
  SessionStore sessions_;
  MessageStore messages_;
  PrekeyKeeper prekeys_;
};

}  // namespace tumar::direct
