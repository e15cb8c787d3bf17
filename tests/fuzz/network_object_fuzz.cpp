// Fuzz target: objects from a peer into a replica that belongs to a real
// network (tests/core/network/network_fuzz_setup.hpp says what is in it
// and how an input is laid out). Each input runs in a transaction that is
// rolled back, against a fresh replica, so inputs do not affect each other.
// Invariants: no crash and no storage error; an accepted object is stored
// (or kept as evidence of an equivocation) and a second copy is a duplicate; a rejected or pending one is not
// stored; afterwards the founder is still an unremoved lead, and every
// projection (directory, notes, broadcasts) still reads back.
// Seeds: tests/fuzz/corpus/network_object/ (written by NetworkFuzzSeeds.*).

#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "core/network/network_fuzz_setup.hpp"
#include "core/store/statement.hpp"

namespace {

using namespace tumar;
using namespace tumar::network;

void check(NetworkReplica& replica, std::span<const std::uint8_t> env, const sync::IngestResult& r) {
  auto stored = replica.store().has_object(object_id(env));
  if (!stored) std::abort();
  // An object that shares its author's seq with a stored one is accepted as
  // evidence of the equivocation, and kept as that instead (replica.cpp).
  auto evidence = replica.store().has_evidence(object_id(env));
  if (!evidence) std::abort();
  switch (r.outcome) {
    case sync::IngestOutcome::kAccepted: {
      if (*stored == *evidence) std::abort();
      auto again = replica.ingest_in_transaction(std::vector<std::vector<std::uint8_t>>{{env.begin(), env.end()}},
                                                 fuzz::kNow);
      if (!again || again->front().outcome != sync::IngestOutcome::kDuplicate) std::abort();
      break;
    }
    case sync::IngestOutcome::kRejected:
    case sync::IngestOutcome::kPending:
      if (*stored || *evidence) std::abort();
      break;
    case sync::IngestOutcome::kDuplicate:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const fuzz::World& w = fuzz::world();
  store::Database& db = w.a->db();
  auto txn = store::Transaction::begin(db);
  if (!txn) std::abort();
  NetworkReplica replica(db, w.a->me());
  crypto::DeterministicRandom rng(size);
  std::span<const std::uint8_t> input(data + 1, size - 1);

  std::vector<std::vector<std::uint8_t>> envelopes;
  if ((data[0] & 1) == 0) {
    while (input.size() >= 2) {
      const std::size_t len = (std::size_t{input[0]} << 8) | input[1];
      input = input.subspan(2);
      const std::size_t take = len < input.size() ? len : input.size();
      envelopes.emplace_back(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(take));
      input = input.subspan(take);
    }
  } else {
    if (input.size() < 5) return 0;
    const std::uint16_t clock = static_cast<std::uint16_t>((input[3] << 8) | input[4]);
    envelopes.push_back(fuzz::structured_envelope(input[0], input[1], input[2], clock, input.subspan(5), rng));
  }
  for (const auto& env : envelopes) {
    auto r = replica.ingest_in_transaction(std::vector<std::vector<std::uint8_t>>{env}, fuzz::kNow);
    if (!r) std::abort();
    check(replica, env, r->front());
  }
  auto founder = replica.directory().member(w.net, w.a->key());
  if (!founder || !*founder || (*founder)->role != Role::kLead || (*founder)->removed()) std::abort();
  if (!replica.directory().entries(w.net) || !replica.library().notes(w.net) ||
      !replica.library().broadcasts(w.net) || !replica.store().items(w.net)) {
    std::abort();
  }
  if (!txn->rollback()) std::abort();
  return 0;
}
