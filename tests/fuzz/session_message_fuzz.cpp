// Fuzz target: what a session does with authenticated plaintexts, i.e. the
// fragment reassembler and the strict WireMessage decoder, which no random
// wire bytes reach past the AEAD tag. Input: a sequence of plaintexts, each
// prefixed by its 2-byte big-endian length. Invariants: the reassembly
// buffer never exceeds its limit; a decoded message re-encodes to the
// same size and decodes again to the same message; errors are final for the
// session (the caller stops).
// Seeds: tests/fuzz/corpus/session_message/.

#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/session/fragment.hpp"
#include "core/session/wire_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tumar::session;
  constexpr std::size_t kLimit = 3 * kMaxFragmentChunk + 100;
  Reassembler reassembler(kLimit);
  std::span<const std::uint8_t> input(data, size);
  while (input.size() >= 2) {
    const std::size_t len = (std::size_t{input[0]} << 8) | input[1];
    input = input.subspan(2);
    const std::size_t take = len < input.size() ? len : input.size();
    auto message = reassembler.add(input.first(take));
    input = input.subspan(take);
    if (reassembler.buffered() > kLimit) std::abort();
    if (!message) return 0;
    if (!*message) continue;
    auto decoded = decode_wire(**message);
    if (!decoded) return 0;
    // Same size (nothing unknown, repeated or padded was let through), and
    // what we would send decodes again, to the same message.
    auto again = encode_wire(*decoded);
    if (again.size() != (*message)->size()) std::abort();
    auto redecoded = decode_wire(again);
    if (!redecoded || *redecoded != *decoded) std::abort();
  }
  return 0;
}
