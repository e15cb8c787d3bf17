// Fuzz target: decode_invite, the first thing `tumar join` does with text a
// stranger may have sent. Input: one mode byte, then
//   mode 0x00:  the content of a code (everything but the checksum), which
//               this target checksums and base32-encodes first, behind the
//               demo prefix if its kind byte (the second) is odd, so the
//               fuzzer reaches the structure checks behind the checksum;
//   otherwise:  the bytes as pasted text (the mode byte included).
// Invariants: no crash; a refusal is kInvalidArgument with one of the six
// fixed sentences (so nothing from the input is ever echoed); an accepted
// code re-encodes to a canonical text that decodes to the same fields
// (kind included) and encodes to itself.
// Seeds: tests/fuzz/corpus/invite_code/.

#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "core/invite/invite_code.hpp"

namespace {

std::string as_code_text(const std::uint8_t* content, std::size_t size) {
  std::string binary(reinterpret_cast<const char*>(content), size);
  std::array<unsigned char, 32> sum{};
  crypto_generichash(sum.data(), sum.size(), content, size, nullptr, 0);
  binary.append(reinterpret_cast<const char*>(sum.data()), 4);
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  const bool demo = size >= 2 && (content[1] & 1) != 0;
  std::string text(demo ? tumar::invite::kDemoInvitePrefix : tumar::invite::kInvitePrefix);
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char b : binary) {
    buffer = ((buffer << 8) | b) & 0xFFFu;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text.push_back(kAlphabet[(buffer >> bits) & 31u]);
    }
  }
  if (bits > 0) text.push_back(kAlphabet[(buffer << (5 - bits)) & 31u]);
  return text;
}

bool same(const tumar::invite::InviteCode& a, const tumar::invite::InviteCode& b) {
  return a.kind == b.kind && a.network_id == b.network_id && a.inviter == b.inviter && a.address == b.address &&
         a.expires_at == b.expires_at && sodium_memcmp(a.secret.data(), b.secret.data(), 32) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tumar;
  static std::set<std::string> sentences;
  if (size == 0) return 0;
  const std::string text = data[0] == 0x00 ? as_code_text(data + 1, size - 1)
                                           : std::string(reinterpret_cast<const char*>(data), size);
  auto code = invite::decode_invite(text);
  if (!code) {
    if (code.error().code() != core::Errc::kInvalidArgument) std::abort();
    sentences.insert(code.error().describe());
    if (sentences.size() > 6) std::abort();  // a sentence built from the input
    return 0;
  }
  const std::string canonical = invite::encode_invite(*code);
  auto again = invite::decode_invite(canonical);
  if (!again || !same(*code, *again) || invite::encode_invite(*again) != canonical) std::abort();
  return 0;
}
