// Fuzz target: the direct-message receive paths and the stored-session
// decoder (core/ratchet). Input: byte 0 picks the path, the rest is the
// message or the stored state.
//   0: Bob's session decrypts it        1: Alice's session decrypts it
//   2: accept_initial (Bob's prekeys)   3: decode_session, then use the result
// Invariants: nothing crashes; a refused message leaves the session's stored
// bytes unchanged; route_message agrees with recognizes(); a decoded state
// re-encodes to the input (a version-1 state to the same as version 2) and
// can encrypt without aborting.
// The sessions are deterministic (fixed seeds), so seeds made by
//   TUMAR_RATCHET_WRITE_SEEDS=dir ./ratchet_decrypt_fuzz -runs=0
// are valid messages for them: tests/fuzz/corpus/ratchet_decrypt/. There,
// seed6 and seed7 are the stored states as version 1 wrote them (kept for
// the upgrade path), seed8 and seed9 the same states as version 2.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/crypto/random.hpp"
#include "core/identity/identity.hpp"
#include "core/ratchet/direct_message.hpp"
#include "core/ratchet/padding.hpp"
#include "core/ratchet/session_codec.hpp"
#include "tumar/ratchet.pb.h"

namespace {

using namespace tumar;
using Bytes = std::vector<std::uint8_t>;

const Bytes kAd = {'n', 'e', 't'};
const std::uint64_t kNow = 1'700'000'000'000;  // skipped keys are stamped with it

Bytes snapshot(const ratchet::RatchetSession& s) {
  const auto b = ratchet::encode_session(s);
  return Bytes(b.data(), b.data() + b.size());
}

struct World {
  World()
      : rng(99),
        alice(identity::LocalIdentity::generate(rng)),
        bob(identity::LocalIdentity::generate(rng)) {
    spks.push_back(ratchet::generate_signed_prekey(bob, 1, rng));
    opks = ratchet::generate_one_time_prekeys(10, 2, rng);
    ratchet::PrekeyBundle bundle{bob.public_identity(), spks[0].pub, opks[0].pub};
    auto a = *ratchet::start_session(alice, *ratchet::verify_bundle(bundle), rng);
    auto enc = [&](ratchet::RatchetSession& s, const char* text, std::size_t size = 0) {
      Bytes pt(text, text + std::string(text).size());
      pt.resize(std::max(pt.size(), size), 'x');
      return *s.encrypt(pt, kAd, rng);
    };
    auto m0 = enc(a, "hello");
    seeds.push_back({2, m0});
    auto b = std::move(ratchet::accept_initial(bob, spks, opks, m0, kAd, kNow)->session);
    seeds.push_back({0, enc(a, "initial again")});  // Alice has not heard back: another initial message
    auto r = enc(b, "reply");
    (void)*a.decrypt(r, kAd, kNow);
    (void)*b.decrypt(enc(a, "ack"), kAd, kNow);
    auto skipped = enc(a, "skipped");
    (void)*b.decrypt(enc(a, "later"), kAd, kNow);
    alice_state = snapshot(a);
    bob_state = snapshot(b);
    seeds.push_back({0, skipped});                     // a stored skipped key
    seeds.push_back({0, enc(a, "current chain")});     // the current chain
    seeds.push_back({0, enc(a, "far ahead", 1000)});   // another bucket
    seeds.push_back({1, enc(b, "new ratchet key")});   // a DH ratchet step for Alice
    seeds.push_back({3, alice_state});
    seeds.push_back({3, bob_state});
  }
  crypto::DeterministicRandom rng;
  identity::LocalIdentity alice, bob;
  std::vector<ratchet::SignedPrekeyPair> spks;
  std::vector<ratchet::OneTimePrekeyPair> opks;
  Bytes alice_state, bob_state;
  std::vector<std::pair<std::uint8_t, Bytes>> seeds;
};

World& world() {
  static World w;
  return w;
}

void receive(const Bytes& stored, std::span<const std::uint8_t> message) {
  auto session = *ratchet::decode_session(stored);
  const ratchet::RatchetSession* list[] = {&session};
  const auto route = ratchet::route_message(list, message);
  const bool recognized = session.recognizes(message);
  if (route && route->route == ratchet::Route::kSession && !recognized) std::abort();
  if (recognized && (!route || route->route != ratchet::Route::kSession)) std::abort();
  const auto result = session.decrypt(message, kAd, kNow);
  if (!result && snapshot(session) != stored) std::abort();  // refused must mean unchanged
  if (result && !recognized) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("TUMAR_RATCHET_WRITE_SEEDS")) {
    int i = 0;
    for (const auto& [mode, bytes] : world().seeds) {
      const std::string path = std::string(dir) + "/seed" + std::to_string(i++);
      if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fputc(mode, f);
        std::fwrite(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
      }
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  World& w = world();
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: receive(w.bob_state, rest); break;
    case 1: receive(w.alice_state, rest); break;
    case 2: {
      auto accepted = ratchet::accept_initial(w.bob, w.spks, w.opks, rest, kAd, kNow);
      if (accepted && accepted->plaintext.size() > ratchet::kMaxPlaintextSize) std::abort();
      break;
    }
    default: {
      auto session = ratchet::decode_session(rest);
      if (!session) break;
      const Bytes again = snapshot(*session);
      // Exactly the bytes read, except that a version-1 state (skipped keys
      // without times) is written back as version 2; that is then exact.
      const bool same = again.size() == rest.size() && std::equal(again.begin(), again.end(), rest.begin());
      if (!same) {
        proto::RatchetSessionState m;
        if (!m.ParseFromArray(rest.data(), static_cast<int>(rest.size())) ||
            m.version() != ratchet::kUnstampedSessionStateVersion) {
          std::abort();
        }
        auto upgraded = ratchet::decode_session(again);
        if (!upgraded || snapshot(*upgraded) != again) std::abort();
      }
      crypto::DeterministicRandom rng(size);
      const Bytes pt = {'p'};
      (void)session->encrypt(pt, kAd, rng);  // may refuse a damaged state; must not abort
      break;
    }
  }
  return 0;
}
