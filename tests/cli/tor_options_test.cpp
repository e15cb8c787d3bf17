// What `--torrc`, TUMAR_TORRC and the stored bridges come to in the torrc
// lines tumar hands tor, and which tor is run: in-process, with a real
// encrypted profile, and PATH pointed at a folder of fake programs.

#include "cli/tor_options.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "cli/error_text.hpp"
#include "core/crypto/random.hpp"
#include "core/error_ids.hpp"
#include "core/node/tor_settings.hpp"
#include "core/profile/profile.hpp"
#include "support/temp_dir.hpp"

namespace tumar::cli {
namespace {
namespace fs = std::filesystem;

const std::string kObfs4 =
    "obfs4 192.0.2.44:443 4A1B2C3D4E5F60718293A4B5C6D7E8F901234567 cert=Zm9vYmFyYmF6cXV4 iat-mode=0";
const std::string kSnowflake = "snowflake 192.0.2.3:80 2B280B23E1107BB62ABFC40DDCC8824814F80A72 url=https://b.example/";

// Sets an environment variable for one test and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class TorOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    profile::InitOptions o;
    o.display_name = "Madina";
    o.kdf = profile::kdf_limits_minimum_for_tests();
    const char* text = "passphrase for tor options";
    auto pass = crypto::SecretBuffer::copy_of(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text), std::strlen(text)));
    crypto::SystemRandom rng;
    auto created = profile::Profile::create(dir_ / "home", std::move(pass), o, rng);
    ASSERT_TRUE(created) << created.error().describe();
    prof_.emplace(std::move(*created));
    fs::create_directories(bin_);
  }

  void program(const std::string& name, bool executable = true) {
    const fs::path p = bin_ / name;
    std::ofstream(p) << "#!/bin/sh\nexit 0\n";
    ::chmod(p.c_str(), executable ? 0700 : 0600);
  }

  void add(const std::string& line) {
    auto b = tor::parse_bridge_line(line);
    ASSERT_TRUE(b) << b.error().describe();
    ASSERT_TRUE(node::add_bridges(prof_->database(), {*b}));
  }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

  test::TempDir dir_;
  fs::path bin_ = dir_ / "bin";
  std::optional<profile::Profile> prof_;
  ScopedEnv path_{"PATH", bin_.string()};
  ScopedEnv torrc_env_{"TUMAR_TORRC", std::nullopt};
};

TEST_F(TorOptionsTest, NothingToAddGivesNoLines) {
  auto t = user_torrc({}, prof_->database());
  ASSERT_TRUE(t) << t.error().describe();
  EXPECT_EQ(*t, "");
}

TEST_F(TorOptionsTest, StoredObfs4BridgesBringUseBridgesAndThePluginFromPath) {
  program("obfs4proxy");
  add(kObfs4);
  add("198.51.100.7:9001");
  auto t = user_torrc({}, prof_->database());
  ASSERT_TRUE(t) << error_text(t.error());
  EXPECT_EQ(*t, "UseBridges 1\nBridge " + kObfs4 + "\nBridge 198.51.100.7:9001\nClientTransportPlugin obfs4 exec " +
                    (bin_ / "obfs4proxy").string() + "\n");
}

TEST_F(TorOptionsTest, AMissingPluginSaysWhichPackageToInstall) {
  add(kObfs4);
  auto t = user_torrc({}, prof_->database());
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code(), core::Errc::kInvalidArgument);
  EXPECT_NE(error_text(t.error()).find("obfs4 bridges need obfs4proxy: sudo apt install obfs4proxy"), std::string::npos)
      << error_text(t.error());
  program("obfs4proxy", /*executable=*/false);
  EXPECT_FALSE(user_torrc({}, prof_->database()));
}

TEST_F(TorOptionsTest, SnowflakeUsesSnowflakeClient) {
  add(kSnowflake);
  auto missing = user_torrc({}, prof_->database());
  ASSERT_FALSE(missing);
  EXPECT_NE(error_text(missing.error()).find("sudo apt install snowflake-client"), std::string::npos);
  program("snowflake-client");
  auto t = user_torrc({}, prof_->database());
  ASSERT_TRUE(t) << error_text(t.error());
  EXPECT_NE(t->find("ClientTransportPlugin snowflake exec " + (bin_ / "snowflake-client").string() + "\n"),
            std::string::npos);
  EXPECT_EQ(t->find("obfs4"), std::string::npos);
}

TEST_F(TorOptionsTest, TheTorrcFileComesFirstAndItsOwnPluginLineIsKept) {
  add(kObfs4);
  const std::string file = write("torrc", "# test network\nTestingTorNetwork 1\nClientTransportPlugin obfs4 exec /opt/obfs4proxy");
  TorOptions opts;
  opts.torrc_file = file;
  auto t = user_torrc(opts, prof_->database());
  ASSERT_TRUE(t) << error_text(t.error());  // no obfs4proxy on PATH: the file names its own
  EXPECT_EQ(*t, "# test network\nTestingTorNetwork 1\nClientTransportPlugin obfs4 exec /opt/obfs4proxy\n"
                "UseBridges 1\nBridge " + kObfs4 + "\n");
}

TEST_F(TorOptionsTest, TheEnvironmentVariableIsUsedWhenNoOptionIsGiven) {
  const std::string env_file = write("env-torrc", "TestingTorNetwork 1\n");
  const std::string opt_file = write("opt-torrc", "UseBridges 0\n");
  {
    ScopedEnv env("TUMAR_TORRC", env_file);
    EXPECT_EQ(*user_torrc({}, prof_->database()), "TestingTorNetwork 1\n");
    TorOptions opts;
    opts.torrc_file = opt_file;
    EXPECT_EQ(*user_torrc(opts, prof_->database()), "UseBridges 0\n");
  }
  ScopedEnv empty("TUMAR_TORRC", "");
  EXPECT_EQ(*user_torrc({}, prof_->database()), "");
}

TEST_F(TorOptionsTest, AMissingOrOversizedFileIsNamed) {
  ScopedEnv env("TUMAR_TORRC", (dir_ / "nowhere").string());
  auto missing = user_torrc({}, prof_->database());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), core::Errc::kInvalidArgument);
  EXPECT_NE(error_text(missing.error()).find((dir_ / "nowhere").string()), std::string::npos);
  EXPECT_NE(error_text(missing.error()).find("TUMAR_TORRC"), std::string::npos);
  TorOptions opts;
  opts.torrc_file = write("big", std::string(kMaxUserTorrcBytes + 1, '#'));
  auto big = user_torrc(opts, prof_->database());
  ASSERT_FALSE(big);
  EXPECT_NE(error_text(big.error()).find("64 KiB"), std::string::npos);
  opts.torrc_file = dir_.path().string();
  EXPECT_FALSE(user_torrc(opts, prof_->database()));
}

TEST_F(TorOptionsTest, AFileThatWouldTakeBackTumarsOptionsIsRefusedWithItsLine) {
  TorOptions opts;
  opts.torrc_file = write("torrc", "UseBridges 1\nSocksPort 9050\n");
  auto t = user_torrc(opts, prof_->database());
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().id(), core::ErrorId::kTorTorrcOptionReserved);
  EXPECT_EQ(t.error().field("line"), "2");
}

TEST_F(TorOptionsTest, TorIsFoundOnPathOrGivenAsAnExecutable) {
  auto none = resolve_tor_binary({});
  ASSERT_FALSE(none);
  EXPECT_NE(error_text(none.error()).find("sudo apt install tor"), std::string::npos);
  EXPECT_NE(error_text(none.error()).find("--listen HOST:PORT"), std::string::npos);
  program("tor");
  auto found = resolve_tor_binary({});
  ASSERT_TRUE(found) << error_text(found.error());
  EXPECT_EQ(*found, (bin_ / "tor").string());

  TorOptions opts;
  opts.tor_binary = (bin_ / "tor").string();
  EXPECT_EQ(*resolve_tor_binary(opts), (bin_ / "tor").string());
  opts.tor_binary = (bin_ / "no-such-tor").string();
  EXPECT_FALSE(resolve_tor_binary(opts));
  program("not-executable", false);
  opts.tor_binary = (bin_ / "not-executable").string();
  EXPECT_FALSE(resolve_tor_binary(opts));
  opts.tor_binary = bin_.string();
  EXPECT_FALSE(resolve_tor_binary(opts));
}

}  // namespace
}  // namespace tumar::cli
