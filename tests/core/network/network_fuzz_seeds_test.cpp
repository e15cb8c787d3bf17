// The committed seeds of the envelope and network_object fuzz targets are
// real objects of the fuzz world (network_fuzz_setup.hpp); this test
// regenerates them and checks the files still match, so a protocol change
// cannot leave stale seeds. It also checks each seed does what it is there
// for (accepted, rejected by a rule...). Rewrite:
//     TUMAR_WRITE_FUZZ_SEEDS=1 ./tumar_core_tests --gtest_filter='NetworkFuzzSeeds.*'

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/store/statement.hpp"
#include "network_fuzz_setup.hpp"
#include "tumar/network.pb.h"
#include "support/fuzz_seeds.hpp"

namespace tumar::network {
namespace {

using test::Bytes;
namespace fs = std::filesystem;

fs::path corpus(const std::string& name) { return tumar::test::fuzz_corpus(name); }

void check_or_write(const fs::path& path, const Bytes& bytes) { tumar::test::check_or_write_seed(path, bytes); }

std::string bytes_str(const auto& a) { return std::string(a.begin(), a.end()); }

// Ingests `env` into the world in a transaction that is rolled back, as the target does.
sync::IngestOutcome outcome_in_world(const Bytes& env) {
  const fuzz::World& w = fuzz::world();
  auto txn = store::Transaction::begin(w.a->db());
  EXPECT_TRUE(txn);
  NetworkReplica replica(w.a->db(), w.a->me());
  auto r = replica.ingest_in_transaction(std::vector<Bytes>{env}, fuzz::kNow);
  EXPECT_TRUE(r);
  EXPECT_TRUE(txn->rollback());
  return r ? r->front().outcome : sync::IngestOutcome::kRejected;
}

TEST(NetworkFuzzSeeds, TheWorldIsDeterministic) {
  // The seeds name the world's network id, so the world must come out the
  // same in every process.
  const fuzz::World& w = fuzz::world();
  auto genesis = w.a->store().envelope(w.net);
  ASSERT_TRUE(genesis && *genesis);
  check_or_write(corpus("envelope") / "genesis", **genesis);
}

TEST(NetworkFuzzSeeds, EnvelopeSeedsAreCurrent) {
  const fuzz::World& w = fuzz::world();
  auto note = w.a->store().envelope(w.note);
  ASSERT_TRUE(note && *note);
  check_or_write(corpus("envelope") / "note", **note);
  // A grant whose sealed box is random bytes: it parses and verifies, but
  // opens for no one (real boxes are not reproducible).
  proto::EnvelopeHeader h;
  h.set_version(kEnvelopeVersion);
  h.set_network_id(bytes_str(w.net));
  h.set_author(bytes_str(w.l.public_identity().identity_key));
  h.set_kind(proto::EPOCH_GRANT);
  h.set_timestamp_ms(fuzz::kNow);
  h.set_recipient(bytes_str(w.a->key()));
  h.set_seq(1'000);
  auto ids = w.a->store().started_key_ids(w.net, 0);
  ASSERT_TRUE(ids && ids->size() == 1);
  h.set_key_id(std::string(ids->front().begin(), ids->front().end()));
  const std::string header = h.SerializeAsString();
  std::string box(80, '\0');
  crypto::DeterministicRandom rng(1);
  rng.fill(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(box.data()), box.size()));
  Bytes message(kSignatureContext, kSignatureContext + sizeof(kSignatureContext) - 1);
  for (int shift : {24, 16, 8, 0}) message.push_back(static_cast<std::uint8_t>(header.size() >> shift));
  message.insert(message.end(), header.begin(), header.end());
  message.insert(message.end(), box.begin(), box.end());
  const auto sig = w.l.sign(message);
  proto::Envelope e;
  e.set_header(header);
  e.set_ciphertext(box);
  e.set_signature(bytes_str(sig));
  const std::string encoded = e.SerializeAsString();
  const Bytes grant(encoded.begin(), encoded.end());
  ASSERT_TRUE(verify_envelope_bytes(grant));
  // A grant to A that does not open: stored like any grant (every other
  // replica stores it), but it gives A nothing.
  EXPECT_EQ(outcome_in_world(grant), sync::IngestOutcome::kAccepted);
  check_or_write(corpus("envelope") / "sealed", grant);
}

TEST(NetworkFuzzSeeds, NetworkObjectSeedsAreCurrent) {
  const fuzz::World& w = fuzz::world();
  const std::uint16_t now_clock = 30'000;  // fuzz::structured_envelope's offset for kNow
  auto structured = [&](const char* name, std::uint8_t who, Kind kind, const std::string& payload,
                        sync::IngestOutcome want) {
    Bytes seed{1, who, static_cast<std::uint8_t>(static_cast<int>(kind) - 1), 0, now_clock >> 8, now_clock & 0xFF};
    seed.insert(seed.end(), payload.begin(), payload.end());
    crypto::DeterministicRandom rng(seed.size());  // as the target seeds it
    const Bytes env = fuzz::structured_envelope(who, seed[2], 0, now_clock, test::bytes_of(payload), rng);
    EXPECT_EQ(outcome_in_world(env), want) << name;
    check_or_write(corpus("network_object") / name, seed);
  };
  using sync::IngestOutcome;
  constexpr std::uint8_t kA = 0, kL = 1, kM = 2, kX = 3;
  structured("note_by_member", kM, Kind::kNote, test::note_payload("Bus", "Route 12"), IngestOutcome::kAccepted);
  structured("revision_by_lead", kL, Kind::kNote, test::note_payload("Shelter", "2 beds", w.note, 1),
             IngestOutcome::kAccepted);
  structured("revision_by_member", kM, Kind::kNote, test::note_payload("Shelter", "0 beds", w.note, 1),
             IngestOutcome::kRejected);
  structured("note_by_outsider", kX, Kind::kNote, test::note_payload("Trap", "x"), IngestOutcome::kPending);
  proto::MemberProfile p;
  p.set_lamport(1);
  p.set_display_name("Dana");
  p.add_languages("kk");
  structured("profile", kM, Kind::kProfile, p.SerializeAsString(), IngestOutcome::kAccepted);
  proto::Broadcast b;
  b.set_priority(proto::URGENT);
  b.set_text("Avoid Abay st.");
  structured("broadcast_by_lead", kL, Kind::kBroadcast, b.SerializeAsString(), IngestOutcome::kAccepted);
  structured("broadcast_by_member", kM, Kind::kBroadcast, b.SerializeAsString(), IngestOutcome::kRejected);
  proto::Admission adm;
  const auto& x = w.x.public_identity();
  adm.mutable_member()->set_identity_key(bytes_str(x.identity_key));
  adm.mutable_member()->set_noise_static_key(bytes_str(x.noise_key));
  adm.mutable_member()->set_binding_signature(bytes_str(x.binding_signature));
  adm.set_role(proto::LEAD);
  structured("admission", kL, Kind::kAdmission, adm.SerializeAsString(), IngestOutcome::kAccepted);
  proto::Removal rm;
  rm.set_member(bytes_str(w.m.public_identity().identity_key));
  structured("removal", kL, Kind::kRemoval, rm.SerializeAsString(), IngestOutcome::kAccepted);
  rm.set_member(bytes_str(w.a->key()));
  structured("removal_of_founder", kL, Kind::kRemoval, rm.SerializeAsString(), IngestOutcome::kRejected);
  structured("grant", kL, Kind::kEpochGrant,
             test::grant_payload(w.net, w.a->key(), {{0, &w.key}}).SerializeAsString(), IngestOutcome::kAccepted);
  proto::PrekeyBundle pk;
  pk.set_lamport(1);
  pk.set_signed_prekey_id(1);
  pk.set_signed_prekey(std::string(32, 'k'));
  pk.set_signed_prekey_signature(std::string(64, 's'));
  structured("prekeys_by_member", kM, Kind::kPrekeys, pk.SerializeAsString(), IngestOutcome::kAccepted);
  structured("prekeys_by_outsider", kX, Kind::kPrekeys, pk.SerializeAsString(), IngestOutcome::kPending);
  proto::DirectPayload dm;
  dm.set_ratchet_message(std::string(337, 'r'));
  structured("direct_from_anyone", kX, Kind::kDirect, dm.SerializeAsString(), IngestOutcome::kAccepted);
  structured("direct_empty", kM, Kind::kDirect, "", IngestOutcome::kRejected);
  proto::Genesis g;
  g.set_name("Another");
  structured("genesis", kA, Kind::kGenesis, g.SerializeAsString(), IngestOutcome::kRejected);

  // Even mode: a sequence of envelopes — M writes after L removes M.
  crypto::DeterministicRandom rng(5);
  rm.set_member(bytes_str(w.m.public_identity().identity_key));
  const std::uint64_t t = fuzz::kNow - test::kMinute;
  const Bytes removal = test::craft(w.l, w.net, Kind::kRemoval, 0, t, test::bytes_of(rm.SerializeAsString()), w.key, rng);
  const Bytes late = test::craft(w.m, w.net, Kind::kNote, 0, t + 1, test::bytes_of(test::note_payload("Late", "x")),
                                 w.key, rng);
  Bytes seed{0};
  for (const Bytes* e : {&late, &removal}) {
    seed.push_back(static_cast<std::uint8_t>(e->size() >> 8));
    seed.push_back(static_cast<std::uint8_t>(e->size() & 0xFF));
    seed.insert(seed.end(), e->begin(), e->end());
  }
  check_or_write(corpus("network_object") / "late_then_removal", seed);
}

}  // namespace
}  // namespace tumar::network
