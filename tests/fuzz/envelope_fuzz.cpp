// Fuzz target: arbitrary bytes as a signed envelope, the first thing every
// object from a peer goes through (core/network/envelope.hpp). Invariants:
// no crash; anything parse_envelope accepts is the canonical encoding of
// what it decoded (re-encoding the header and envelope gives the input
// back), is within the size limits, names a recipient only on a grant or a
// direct message (its tag) and a network id on everything but a genesis;
// its id is BLAKE2b-256 of the input; verify agrees with
// parse-then-verify.
// Seeds: tests/fuzz/corpus/envelope/ (written by NetworkFuzzSeeds.*).

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "core/network/envelope.hpp"
#include "core/network/object_limits.hpp"
#include "tumar/network.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tumar::network;
  std::span<const std::uint8_t> input(data, size);
  auto parsed = parse_envelope(input);
  auto verified = verify_envelope_bytes(input);
  if (!parsed) {
    if (verified) std::abort();
    return 0;
  }
  if (size > kMaxEnvelopeLen) std::abort();
  if (parsed->id() != object_id(input)) std::abort();
  if (!std::equal(parsed->bytes().begin(), parsed->bytes().end(), data, data + size)) std::abort();
  const Header& h = parsed->header();
  // A grant names its grantee, a direct message a recipient tag; nothing else names one.
  if ((h.kind == Kind::kEpochGrant || h.kind == Kind::kDirect) != h.recipient.has_value()) std::abort();
  if ((h.kind == Kind::kGenesis) == h.network_id.has_value()) std::abort();
  if (h.kind == Kind::kGenesis && (h.epoch != 0 || parsed->network() != parsed->id())) std::abort();
  if (h.epoch > INT64_MAX || h.timestamp_ms > INT64_MAX || h.seq > INT64_MAX) std::abort();
  // Only a direct message has no seq; a genesis is its founder's first.
  if ((h.kind == Kind::kDirect) != (h.seq == 0)) std::abort();
  if (h.kind == Kind::kGenesis && h.seq != 1) std::abort();
  if (carries_key_id(h.kind) != h.key_id.has_value()) std::abort();
  // Canonical: the envelope re-encodes to the input.
  tumar::proto::Envelope env;
  if (!env.ParseFromArray(data, static_cast<int>(size)) || env.SerializeAsString() != std::string(data, data + size)) {
    std::abort();
  }
  tumar::proto::EnvelopeHeader ph;
  if (!ph.ParseFromString(env.header()) || ph.SerializeAsString() != env.header()) std::abort();
  if (env.header().size() > kMaxHeaderLen || env.signature().size() != 64) std::abort();
  auto again = verify_envelope(std::move(*parsed));
  if (static_cast<bool>(again) != static_cast<bool>(verified)) std::abort();
  if (verified) {
    // Nothing opens under an all-zero key by accident (and opening never crashes).
    const tumar::crypto::Secret<32> zero;
    (void)verified->open(zero);
  }
  return 0;
}
