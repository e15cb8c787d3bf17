// The command lines tumar writes to tor, byte for byte, and every way an
// argument could smuggle a second command or keyword in, refused.

#include "core/tor/control_commands.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error_ids.hpp"
#include "tor_test_util.hpp"

namespace tumar::tor {
namespace {

using core::ErrorId;
using test::text_of;

const std::string kServiceId = std::string(55, 'b') + "d";

OnionPublication publication() {
  OnionPublication p;
  p.virtual_port = 7000;
  p.unix_socket_path = "/home/ana/.tumar/tor/node.sock";
  return p;
}

TEST(ControlCommands, FixedCommandsAreExact) {
  EXPECT_EQ(protocolinfo_command(), "PROTOCOLINFO 1\r\n");
  EXPECT_EQ(take_ownership_command(), "TAKEOWNERSHIP\r\n");
  EXPECT_EQ(setevents_status_client_command(), "SETEVENTS STATUS_CLIENT\r\n");
  EXPECT_EQ(getinfo_bootstrap_phase_command(), "GETINFO status/bootstrap-phase\r\n");
  EXPECT_EQ(signal_shutdown_command(), "SIGNAL SHUTDOWN\r\n");
}

TEST(ControlCommands, AddOnionNewAsksForAV3KeyAndKeepsIt) {
  OnionPublication p = publication();
  ClientAuthPublicKey k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i);
  p.authorized_clients = {k, k};
  auto line = add_onion_new_command(p);
  ASSERT_TRUE(line);
  // No Flags=DiscardPK: tor's answer carries the key, for the encrypted store.
  // V3Auth with the keys: tor refuses ClientAuthV3 without it.
  EXPECT_EQ(text_of(line->span()),
            "ADD_ONION NEW:ED25519-V3 Flags=V3Auth Port=7000,unix:/home/ana/.tumar/tor/node.sock"
            " ClientAuthV3=aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq"
            " ClientAuthV3=aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq\r\n");
}

TEST(ControlCommands, AddOnionWithAKeyWritesItInBase64InLockedMemory) {
  std::array<std::uint8_t, kOnionKeyLen> raw{};
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(i);
  const auto key = OnionServiceKey::copy_of(raw);
  auto line = add_onion_command(key, publication());
  ASSERT_TRUE(line);
  // Python: base64.b64encode(bytes(range(64)))
  EXPECT_EQ(text_of(line->span()),
            "ADD_ONION ED25519-V3:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+"
            "Pw== Port=7000,unix:/home/ana/.tumar/tor/node.sock\r\n");
}

TEST(ControlCommands, OnionClientAuthAddIsEphemeral) {
  std::array<std::uint8_t, kX25519KeyLen> raw{};
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(100 + i);
  auto line = onion_client_auth_add_command(kServiceId, ClientAuthPrivateKey::copy_of(raw));
  ASSERT_TRUE(line);
  EXPECT_EQ(text_of(line->span()),
            "ONION_CLIENT_AUTH_ADD " + kServiceId + " x25519:ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=\r\n");
}

TEST(ControlCommands, OnionClientAuthRemoveTakesAServiceId) {
  auto line = onion_client_auth_remove_command(kServiceId);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "ONION_CLIENT_AUTH_REMOVE " + kServiceId + "\r\n");
}

TEST(ControlCommands, DelOnionTakesAServiceId) {
  auto line = del_onion_command(kServiceId);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "DEL_ONION " + kServiceId + "\r\n");
}

TEST(ControlCommands, RefusesInjectionInEveryArgument) {
  for (const std::string& path :
       {std::string("/a\r\nSIGNAL SHUTDOWN"), std::string("/a\nb"), std::string("/a b"), std::string("/a\"b"),
        std::string("/a\\b"), std::string("/a,9050"), std::string("/a\tb"), std::string("/a\x7f"),
        std::string("/caf\xc3\xa9"), std::string("relative/path"), std::string(),
        "/" + std::string(kMaxUnixPathLen, 'a')}) {
    OnionPublication p = publication();
    p.unix_socket_path = path;
    auto line = add_onion_new_command(p);
    ASSERT_FALSE(line) << path;
    EXPECT_EQ(line.error().id(), ErrorId::kTorControlArgumentUnsafe);
    EXPECT_EQ(line.error().field("argument"), "unix_socket_path");
  }
  OnionPublication longest = publication();
  longest.unix_socket_path = "/" + std::string(kMaxUnixPathLen - 1, 'a');
  EXPECT_TRUE(add_onion_new_command(longest));
  OnionPublication no_port = publication();
  no_port.virtual_port = 0;
  auto e = add_onion_new_command(no_port);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().id(), ErrorId::kTorPortRange);

  for (const std::string& id : {kServiceId + "\r\nSIGNAL SHUTDOWN", kServiceId + " Flags=Permanent",
                                std::string("\"") + kServiceId}) {
    auto d = del_onion_command(id);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().id(), ErrorId::kTorControlArgumentUnsafe);
    auto a = onion_client_auth_add_command(id, ClientAuthPrivateKey{});
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().id(), ErrorId::kTorControlArgumentUnsafe);
    auto r = onion_client_auth_remove_command(id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().id(), ErrorId::kTorControlArgumentUnsafe);
  }
  for (const std::string& id : {kServiceId + ".onion", std::string(56, 'b'), std::string("abc")}) {
    auto d = del_onion_command(id);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().id(), ErrorId::kTorOnionAddressShape);
  }
}

}  // namespace
}  // namespace tumar::tor
