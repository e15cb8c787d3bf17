#pragma once
// The commands tumar sends on tor's control connection (control-spec.txt
// section 3; docs/PROTOCOL.md, "Tor: SOCKS5 and the control connection").
// Each builder returns one whole command line, CRLF included. An argument
// that comes from outside tumar's constants (a path, a service id) is
// checked first: a CR, LF, space, quote, backslash or comma in it is
// refused (kTorControlArgumentUnsafe), so no argument can end a command,
// start another or add a keyword.
//
// A command that carries a secret (ADD_ONION with the service's key,
// ONION_CLIENT_AUTH_ADD with a client-auth private key) is built in a
// SecretBuffer, never in a std::string; the driver writes it from there.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/secret.hpp"
#include "core/error.hpp"

namespace tumar::tor {

// ED25519-V3 KeyBlob: the 32-byte secret scalar and 32-byte PRF secret
// (control-spec 3.27), which is what tor hands back for NEW:ED25519-V3.
inline constexpr std::size_t kOnionKeyLen = 64;
using OnionServiceKey = crypto::Secret<kOnionKeyLen>;
inline constexpr std::size_t kX25519KeyLen = 32;
using ClientAuthPublicKey = std::array<std::uint8_t, kX25519KeyLen>;
using ClientAuthPrivateKey = crypto::Secret<kX25519KeyLen>;
// The longest Unix socket path (sockaddr_un's sun_path, less its NUL).
inline constexpr std::size_t kMaxUnixPathLen = 107;

std::string protocolinfo_command();                // PROTOCOLINFO 1
std::string take_ownership_command();              // TAKEOWNERSHIP
std::string setevents_status_client_command();     // SETEVENTS STATUS_CLIENT
std::string getinfo_bootstrap_phase_command();     // GETINFO status/bootstrap-phase
std::string signal_shutdown_command();             // SIGNAL SHUTDOWN

// What ADD_ONION publishes: the service's virtual port, forwarded to a Unix
// socket (an absolute path of 1..kMaxUnixPathLen safe characters), reachable
// only by the listed v3 client-auth keys (none: anyone who knows the address).
struct OnionPublication {
  std::uint16_t virtual_port = 0;  // 1..65535
  std::string unix_socket_path;
  std::vector<ClientAuthPublicKey> authorized_clients;
};

// ADD_ONION NEW:ED25519-V3 [Flags=V3Auth] Port=V,unix:P [ClientAuthV3=K ...]: tor makes the
// key and returns it once (no DiscardPK), for the encrypted store.
[[nodiscard]] core::Result<crypto::SecretBuffer> add_onion_new_command(const OnionPublication& publication);
// ADD_ONION ED25519-V3:<base64 key> ...: publishes the key kept in the store.
[[nodiscard]] core::Result<crypto::SecretBuffer> add_onion_command(const OnionServiceKey& key,
                                                                   const OnionPublication& publication);
// DEL_ONION <service id>
[[nodiscard]] core::Result<std::string> del_onion_command(std::string_view service_id);
// ONION_CLIENT_AUTH_ADD <service id> x25519:<base64 key>: the key this node
// uses to reach that member's onion service. Ephemeral (no Permanent flag):
// tor writes nothing to disk.
[[nodiscard]] core::Result<crypto::SecretBuffer> onion_client_auth_add_command(std::string_view service_id,
                                                                               const ClientAuthPrivateKey& key);
// ONION_CLIENT_AUTH_REMOVE <service id>: forget that key (the member left).
[[nodiscard]] core::Result<std::string> onion_client_auth_remove_command(std::string_view service_id);

}  // namespace tumar::tor
