#pragma once
// Two real profiles in one network, for fault tests on real processes: S
// (the sender, who founded the network and dials) and R (the receiver, a
// member who joined through S's invite and runs `tumar serve`). R listens
// on a port fixed for the whole test, so that S's allow list names it once
// and R can be restarted after a kill at the same address.

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "support/profile_probe.hpp"
#include "support/run_process.hpp"
#include "support/temp_dir.hpp"

namespace tumar::test {

class TwoNodes : public ::testing::Test {
 protected:
  static constexpr const char* kPass = "correct horse battery staple";
  static constexpr const char* kNet = "Shelters KZ";

  void SetUp() override {
    std::ofstream(pass_) << kPass << "\n";
    ASSERT_EQ(tumar(s_, {"init", "--name", "Saule", "--kdf", "interactive"}).exit_code, 0);
    ASSERT_EQ(tumar(r_, {"init", "--name", "Raushan", "--kdf", "interactive"}).exit_code, 0);
    ASSERT_EQ(tumar(s_, {"network", "create", kNet}).exit_code, 0);
    // R joins through S's invite: S's node runs only for that.
    std::optional<BackgroundProcess> s_node;
    ASSERT_FALSE(serve(s_, s_node, "127.0.0.1:0").empty());
    auto inv = tumar(s_, {"invite", "create", "--network", kNet, "--role", "member", "--json"});
    std::smatch m;
    ASSERT_TRUE(std::regex_search(inv.out, m, std::regex(R"re("code":"([^"]+)")re"))) << inv.out << inv.err;
    auto joined = tumar(r_, {"join", m[1]});
    ASSERT_EQ(joined.exit_code, 0) << joined.out << joined.err;
    ::kill(s_node->pid(), SIGTERM);
    ASSERT_TRUE(s_node->wait_exit(std::chrono::seconds(10)));

    auto who = tumar(r_, {"whoami", "--json"});
    ASSERT_TRUE(std::regex_search(who.out, m, std::regex(R"re("identity_key":"([0-9a-f]{64})")re"))) << who.out;
    r_key_ = m[1];
    r_port_ = free_port();
    ASSERT_NE(r_port_, 0);
    r_where_ = "127.0.0.1:" + std::to_string(r_port_);
  }

  ProcessResult tumar(const std::string& home, const std::vector<std::string>& args) {
    return run_process(argv(home, args));
  }

  std::vector<std::string> argv(const std::string& home, const std::vector<std::string>& args) const {
    std::vector<std::string> out{TUMAR_EXE, "--home", home, "--passphrase-file", pass_};
    out.insert(out.end(), args.begin(), args.end());
    return out;
  }

  // Starts `home`'s node on `listen`; returns the HOST:PORT it listens on.
  std::string serve(const std::string& home, std::optional<BackgroundProcess>& proc, const std::string& listen) {
    start_serving(home, proc, listen);
    return listening(*proc);
  }

  // The two halves of serve(), for a test that works on another profile
  // while the node unlocks its own.
  void start_serving(const std::string& home, std::optional<BackgroundProcess>& proc, const std::string& listen) {
    proc.reset();
    proc.emplace(argv(home, {"serve", "--listen", listen}), (dir_ / ("serve" + std::to_string(++serves_))).string());
  }

  static std::string listening(BackgroundProcess& proc) {
    if (!proc.wait_output("listening on", std::chrono::seconds(30))) return "";
    std::smatch m;
    const std::string out = proc.out();
    if (!std::regex_search(out, m, std::regex(R"(listening on (127\.0\.0\.1:[0-9]+))"))) return "";
    return m[1];
  }

  // A port nothing listens on now; R binds it at once (SO_REUSEADDR), and
  // keeps it across restarts.
  static std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      port = ntohs(a.sin_port);
    }
    ::close(fd);
    return port;
  }

  static std::uint64_t json_number(const std::string& json, const std::string& key) {
    std::smatch m;
    if (!std::regex_search(json, m, std::regex("\"" + key + "\":([0-9]+)"))) return 0;
    return std::stoull(m[1]);
  }

  ProfileLook look(const std::string& home) { return look_at(home, kPass, kNet); }

  TempDir dir_;
  std::string pass_ = (dir_ / "pass").string();
  std::string s_ = (dir_ / "sender").string();
  std::string r_ = (dir_ / "receiver").string();
  std::string r_key_;
  std::uint16_t r_port_ = 0;
  std::string r_where_;
  int serves_ = 0;
};

}  // namespace tumar::test
