// The committed seed corpora of the tor-driver fuzz targets (tests/fuzz/
// corpus/{torrc,tor_supervision}/): this test regenerates them, checks the
// files still match, and replays each through the target's checks
// (tor_driver_fuzz_drive.hpp). Rewrite:
//     TUMAR_WRITE_FUZZ_SEEDS=1 ./tumar_core_tests --gtest_filter='TorDriverFuzzSeeds.*'

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "support/fuzz_seeds.hpp"
#include "tor_driver_fuzz_drive.hpp"

namespace tumar::tor {
namespace {

using Bytes = std::vector<std::uint8_t>;

void seed(const std::string& target, const std::string& name, const Bytes& bytes) {
  tumar::test::check_or_write_seed(tumar::test::fuzz_corpus(target) / name, bytes);
  if (target == "torrc") {
    fuzz::check_torrc(bytes);
  } else {
    fuzz::check_supervision(bytes);
  }
}

Bytes text(std::string_view s) { return {s.begin(), s.end()}; }

TEST(TorDriverFuzzSeeds, Torrc) {
  seed("torrc", "bridges",
       text("# from the lead\nUseBridges 1\nClientTransportPlugin obfs4 exec /usr/bin/obfs4proxy\n"
            "Bridge obfs4 127.0.0.1:5000 0123456789ABCDEF0123456789ABCDEF01234567 cert=abc iat-mode=0\n"));
  seed("torrc", "testnet",
       text("TestingTorNetwork 1\nDirAuthority a orport=5001 no-v2 v3ident=AB 127.0.0.1:7001 CD\n"
            "PathsNeededToBuildCircuits 0.67\nGeoIPFile \"\"\n"));
  seed("torrc", "reserved_abbreviation", text("UseBridges 1\ndatadir /tmp/elsewhere\n"));
  seed("torrc", "append_socks", text("+SocksPort 127.0.0.1:9050\n"));
  seed("torrc", "continuation", text("Bridge 127.0.0.1:1 \\\nControlPort 9051\n"));
  seed("torrc", "include", text("%include /etc/tor/torrc.d\n"));
  seed("torrc", "tab_and_cr", text("\tUseBridges\t1\r\n"));
}

TEST(TorDriverFuzzSeeds, TorSupervision) {
  // byte 0: max failures (% 8); then (event, clock step) pairs.
  seed("tor_supervision", "ready_then_killed", Bytes{0, 0, 0, 1, 100, 4, 200, 3, 10, 4, 50, 0, 1});
  seed("tor_supervision", "keeps_exiting_gives_up", Bytes{3, 0, 0, 3, 1, 4, 10, 0, 0, 3, 1, 4, 20, 0, 0, 3, 1});
  seed("tor_supervision", "stall", Bytes{0, 0, 0, 4, 255, 4, 255, 3, 1, 4, 50});
  seed("tor_supervision", "stop_while_waiting", Bytes{0, 0, 0, 3, 1, 5, 0, 4, 200});
}

}  // namespace
}  // namespace tumar::tor
