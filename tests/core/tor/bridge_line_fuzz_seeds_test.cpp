// The committed seed corpus of the bridge_line fuzz target (tests/fuzz/
// corpus/bridge_line/): this test regenerates it, checks the files still
// match, and replays each through the target's checks
// (bridge_line_fuzz_drive.hpp), and checks each seed reaches the part of the
// parser it is there for. Rewrite:
//     TUMAR_WRITE_FUZZ_SEEDS=1 ./tumar_core_tests --gtest_filter='BridgeLineFuzzSeeds.*'

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "bridge_line_fuzz_drive.hpp"
#include "core/error_ids.hpp"
#include "support/fuzz_seeds.hpp"

namespace tumar::tor {
namespace {

using core::ErrorId;

void seed(const std::string& name, std::string_view text, std::optional<ErrorId> refused) {
  const std::vector<std::uint8_t> bytes(text.begin(), text.end());
  tumar::test::check_or_write_seed(tumar::test::fuzz_corpus("bridge_line") / name, bytes);
  fuzz::check_bridge_line(bytes);
  auto b = parse_bridge_line(text);
  if (refused) {
    ASSERT_FALSE(b) << name;
    EXPECT_EQ(b.error().id(), *refused) << name << ": " << b.error().describe();
  } else {
    EXPECT_TRUE(b) << name << ": " << b.error().describe();
  }
}

TEST(BridgeLineFuzzSeeds, SeedsAreCurrentAndReachWhatTheyAreFor) {
  seed("obfs4",
       "Bridge obfs4 192.0.2.44:443 4A1B2C3D4E5F60718293A4B5C6D7E8F901234567 "
       "cert=q3ZkTg0vYl8Rk2mWJd7xPz5Hc1sNbA9uEf4Ly6oQiVtG0wXr2hKjDnMpS7aUe3BcF1gHdZ iat-mode=0",
       std::nullopt);
  seed("snowflake",
       "snowflake 192.0.2.3:80 2B280B23E1107BB62ABFC40DDCC8824814F80A72 "
       "fingerprint=2B280B23E1107BB62ABFC40DDCC8824814F80A72 url=https://broker.example.net/ "
       "fronts=cdn.example.com,www.example.org ice=stun:stun.example.net:3478,stun:stun.example.org:3478 "
       "utls-imitate=hellorandomizedalpn",
       std::nullopt);
  seed("plain_ipv6", "  [2001:db8::7]:9001\t\t0123456789abcdef0123456789abcdef01234567  ", std::nullopt);
  seed("nbsp", "obfs4\xC2\xA0" "198.51.100.9:8443 cert=AbCd iat-mode=1", std::nullopt);
  seed("two_lines", "obfs4 192.0.2.1:1 cert=a iat-mode=0\nobfs4 192.0.2.2:2 cert=b iat-mode=0",
       ErrorId::kTorBridgeNewline);
  seed("webtunnel", "webtunnel [2001:db8::1]:443 url=https://example.com/path", ErrorId::kTorBridgeTransport);
  seed("no_cert", "obfs4 192.0.2.1:443 iat-mode=0", ErrorId::kTorBridgeMissingArgument);
  seed("short_fingerprint", "192.0.2.1:443 ABCDEF", ErrorId::kTorBridgeFingerprint);
  seed("octal_address", "192.0.2.010:443", ErrorId::kTorBridgeAddress);
  seed("comment", "192.0.2.1:443 x=1#y", ErrorId::kTorBridgeCharacter);
}

}  // namespace
}  // namespace tumar::tor
