#pragma once
// Opens a profile in the test's own process while no tumar process holds
// it, to look at what a node left on disk (after a SIGKILL, say) or to give
// it many objects fast: writing hundreds of notes through `tumar note add`
// would cost one process and one passphrase unlock each.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/crypto/secret.hpp"
#include "core/network/local_author.hpp"
#include "core/network/replica.hpp"
#include "core/profile/profile.hpp"
#include "core/reconcile/item.hpp"

namespace tumar::test {

struct ProfileLook {
  std::string integrity;                   // PRAGMA integrity_check's first row: "ok" when sound
  std::uint64_t discarded_wal_frames = 0;  // the WAL tail the open threw away
  std::vector<reconcile::Item> items;      // the network's objects, in (timestamp, id) order
};

// Unlocks `home`, runs `body(profile, replica, network id)`; false (with a
// test failure) if the profile or the network cannot be opened.
template <typename Body>
bool with_profile(const std::string& home, const std::string& passphrase, const std::string& network, Body body) {
  crypto::SystemRandom rng;
  auto pass = crypto::SecretBuffer::copy_of(
      {reinterpret_cast<const std::uint8_t*>(passphrase.data()), passphrase.size()});
  auto prof = profile::Profile::unlock(home, pass, rng);
  if (!prof) {
    ADD_FAILURE() << home << ": " << prof.error().describe();
    return false;
  }
  network::NetworkReplica replica(prof->database(), prof->identity());
  auto net = replica.store().resolve(network);
  if (!net) {
    ADD_FAILURE() << home << ": " << net.error().describe();
    return false;
  }
  body(*prof, replica, net->id, rng);
  return true;
}

inline ProfileLook look_at(const std::string& home, const std::string& passphrase, const std::string& network) {
  ProfileLook look;
  with_profile(home, passphrase, network,
               [&](profile::Profile& prof, network::NetworkReplica& replica, const network::NetworkId& net,
                   crypto::RandomSource&) {
                 look.discarded_wal_frames = prof.discarded_wal_frames();
                 auto st = prof.database().prepare("PRAGMA integrity_check");
                 if (!st) {
                   look.integrity = "prepare: " + st.error().describe();
                 } else if (auto row = st->step(); !row || !*row) {
                   look.integrity = row ? "no row" : "step: " + row.error().describe();
                 } else {
                   look.integrity = st->column_text(0);
                 }
                 auto items = replica.store().items(net);
                 if (!items) {
                   ADD_FAILURE() << home << ": " << items.error().describe();
                   return;
                 }
                 look.items = std::move(*items);
               });
  return look;
}

// Writes `count` notes of about `body_bytes` each as the profile's own
// identity (which must be allowed to write in `network`). Returns the
// network's objects as they were before: a test that needs both pays for
// one passphrase unlock, not two.
inline std::vector<reconcile::Item> add_notes(const std::string& home, const std::string& passphrase, const std::string& network,
                      int count, std::size_t body_bytes, int first_number) {
  std::vector<reconcile::Item> before;
  with_profile(home, passphrase, network,
               [&](profile::Profile& prof, network::NetworkReplica& replica, const network::NetworkId& net,
                   crypto::RandomSource& rng) {
                 auto items = replica.store().items(net);
                 if (!items) {
                   ADD_FAILURE() << home << ": " << items.error().describe();
                   return;
                 }
                 before = std::move(*items);
                 network::LocalAuthor me(replica, prof.identity(), rng);
                 const auto now = static_cast<std::uint64_t>(
                     std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
                 for (int i = 0; i < count; ++i) {
                   network::NoteFields note;
                   note.title = "Shelter " + std::to_string(first_number + i);
                   note.body = std::string(body_bytes, static_cast<char>('a' + (first_number + i) % 26));
                   auto w = me.add_note(net, note, now);
                   if (!w) {
                     ADD_FAILURE() << "note " << first_number + i << ": " << w.error().describe();
                     return;
                   }
                 }
               });
  return before;
}

}  // namespace tumar::test
