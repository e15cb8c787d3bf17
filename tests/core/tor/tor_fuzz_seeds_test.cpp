// The committed seed corpora of the tor fuzz targets (tests/fuzz/corpus/
// {socks5_client,tor_control}/): this test regenerates them, checks the
// files still match, and replays each through the target's own checks
// (tor_fuzz_drive.hpp), checking it does what it is there for. Rewrite:
//     TUMAR_WRITE_FUZZ_SEEDS=1 ./tumar_core_tests --gtest_filter='TorFuzzSeeds.*'

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tor_fuzz_drive.hpp"
#include "support/fuzz_seeds.hpp"

namespace tumar::tor {
namespace {

using fuzz::Bytes;
using fuzz::SocksKind;
namespace fs = std::filesystem;

using tumar::test::check_or_write_seed;
fs::path corpus(std::string_view target) { return tumar::test::fuzz_corpus(target); }

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes text(std::string_view s) { return {s.begin(), s.end()}; }

const Bytes kReplyIpv4 = {0x05, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0};

void socks_seed(const std::string& name, const Bytes& input, SocksKind kind, core::ErrorId error = {}) {
  check_or_write_seed(corpus("socks5_client") / name, input);
  fuzz::check_socks(input);  // aborts if the client and the reference disagree
  const fuzz::SocksOutcome got = fuzz::run_socks(input);
  EXPECT_EQ(got.kind, kind) << name;
  if (kind == SocksKind::kFailed) {
    EXPECT_EQ(got.error, error) << name;
  }
}

TEST(TorFuzzSeeds, Socks5ClientSeedsAreCurrent) {
  // Byte 0: bit 0 isolation, bit 1 IPv4; byte 1: chunk size - 1.
  socks_seed("connect_onion", cat({{0x00, 0x01}, {0x05, 0x00}, kReplyIpv4}), SocksKind::kConnected);
  socks_seed("connect_isolated_one_byte_at_a_time",
             cat({{0x01, 0x00}, {0x05, 0x02}, {0x01, 0x00}, {0x05, 0x00, 0x00, 0x03, 3, 'a', 'b', 'c', 0, 80}, {0xAA}}),
             SocksKind::kConnected);
  socks_seed("connect_ipv4_bound_ipv6",
             cat({{0x02, 0x01}, {0x05, 0x00}, {0x05, 0x00, 0x00, 0x04}, Bytes(16, 0), {0x1F, 0x90}}),
             SocksKind::kConnected);
  Bytes missing_auth = kReplyIpv4;
  missing_auth[1] = 0xF4;
  socks_seed("onion_missing_client_auth", cat({{0x00, 0x01}, {0x05, 0x00}, missing_auth}), SocksKind::kFailed,
             core::ErrorId::kTorOnionMissingClientAuth);
  socks_seed("no_acceptable_method", {0x00, 0x00, 0x05, 0xFF}, SocksKind::kFailed,
             core::ErrorId::kTorSocksNoAcceptableMethod);
  socks_seed("spoke_out_of_turn", cat({{0x00, 0xFF}, {0x05, 0x00}, kReplyIpv4}), SocksKind::kFailed,
             core::ErrorId::kTorSocksSpokeOutOfTurn);
  socks_seed("auth_refused", {0x01, 0x01, 0x05, 0x02, 0x01, 0x01}, SocksKind::kFailed,
             core::ErrorId::kTorSocksAuthRefused);
}

void control_seed(const std::string& name, std::uint8_t chunk, std::uint8_t limits, std::string_view stream,
                  std::size_t replies, std::optional<core::ErrorId> error = std::nullopt) {
  const Bytes input = cat({{chunk, limits}, text(stream)});
  check_or_write_seed(corpus("tor_control") / name, input);
  fuzz::check_control(input);  // aborts if chunked and whole disagree, or a parser breaks a rule
  const fuzz::ControlOutcome got =
      fuzz::run_control(std::span<const std::uint8_t>(input).subspan(2), 1, fuzz::fuzz_limits(limits), false);
  EXPECT_EQ(got.replies.size(), replies) << name;
  EXPECT_EQ(got.error, error) << name;
}

TEST(TorFuzzSeeds, TorControlSeedsAreCurrent) {
  const std::string id = std::string(55, 'q') + "d";
  control_seed("protocolinfo", 6, 0,
               "250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE=\"/t/control_auth_cookie\"\r\n"
               "250-VERSION Tor=\"0.4.7.16\"\r\n250 OK\r\n",
               1);
  control_seed("authchallenge", 255, 0,
               "250 AUTHCHALLENGE SERVERHASH=" + std::string(64, 'A') + " SERVERNONCE=" + std::string(64, '5') +
                   "\r\n",
               1);
  control_seed("add_onion_with_key", 10, 0,
               "250-ServiceID=" + id + "\r\n250-PrivateKey=ED25519-V3:" + std::string(86, 'A') + "==\r\n250 OK\r\n",
               1);
  control_seed("events_and_getinfo_data", 2, 0,
               "650 STATUS_CLIENT NOTICE BOOTSTRAP PROGRESS=50 TAG=loading_descriptors SUMMARY=\"Loading relay "
               "descriptors\"\r\n"
               "650 STATUS_CLIENT WARN BOOTSTRAP PROGRESS=5 TAG=conn SUMMARY=\"Connecting\" WARNING=\"No route\" "
               "REASON=NOROUTE COUNT=10 RECOMMENDATION=warn\r\n"
               "250+desc/name/moria=\r\n..stuffed\r\n.\r\n250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=100 "
               "TAG=done SUMMARY=\"Done\"\r\n250 OK\r\n",
               3);
  control_seed("failure_reply", 0, 0, "512 Tor is in anonymous hidden service mode\r\n", 1);
  control_seed("bare_newline", 3, 0, "250-a\r\n250 OK\n", 0, core::ErrorId::kTorControlBareNewline);
  control_seed("line_too_long_small_limits", 15, 1, "250 " + std::string(80, 'x') + "\r\n", 0,
               core::ErrorId::kTorControlLineTooLong);
  control_seed("injected_path", 0, 0, "/tmp/a\r\nSIGNAL SHUTDOWN\r\n", 0, core::ErrorId::kTorControlMalformedLine);
}

}  // namespace
}  // namespace tumar::tor
