#pragma once
// What tor answers to tumar's control commands (control-spec.txt 3.21,
// 3.24, 3.27, and 4.1.10 / 3.9 for bootstrap), read from a ControlReply.
// A failed command (status not 2yz) is kTorControlCommandFailed with tor's
// status and its words made printable; a success reply that is not shaped
// as the spec says is kTorControlMalformedReply naming the command. Lines
// and arguments the spec tells controllers to ignore (unknown InfoLines,
// unknown keywords) are ignored.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/tor/control_commands.hpp"
#include "core/tor/control_reply.hpp"
#include "core/tor/safecookie.hpp"

namespace tumar::tor {

// kTorControlCommandFailed unless the reply is a success (2yz: 250, and 251
// or 252 for ONION_CLIENT_AUTH_ADD). For TAKEOWNERSHIP, SETEVENTS,
// AUTHENTICATE, DEL_ONION, ONION_CLIENT_AUTH_ADD, SIGNAL.
[[nodiscard]] core::Result<void> expect_success(const ControlReply& reply, std::string_view command);

struct ProtocolInfo {
  std::vector<std::string> auth_methods;  // NULL, HASHEDPASSWORD, COOKIE, SAFECOOKIE, ...
  std::optional<std::string> cookie_file;
  std::optional<std::string> tor_version;
};
// 250-PROTOCOLINFO 1 / 250-AUTH METHODS=...[ COOKIEFILE="..."] / 250-VERSION Tor="..." / 250 OK
[[nodiscard]] core::Result<ProtocolInfo> parse_protocolinfo(const ControlReply& reply);
// The cookie file to read for SAFECOOKIE: kTorControlNoSafeCookie when tor
// does not offer it (tumar uses no other method), kTorControlNoCookieFile
// when it names no file.
[[nodiscard]] core::Result<std::string> safecookie_file(const ProtocolInfo& info);

// 250 AUTHCHALLENGE SERVERHASH=<64 hex> SERVERNONCE=<64 hex>
[[nodiscard]] core::Result<AuthChallenge> parse_authchallenge(const ControlReply& reply);

struct AddOnionReply {
  std::string service_id;                      // 56 base32 characters, no ".onion"
  std::optional<OnionServiceKey> private_key;  // only for ADD_ONION NEW:...
};
// 250-ServiceID=<id> [250-PrivateKey=ED25519-V3:<base64>] *(250-ClientAuthV3=...) 250 OK.
// By value: the reply, whose text holds the key in base64, is wiped when
// this returns; the key is decoded straight into locked memory.
[[nodiscard]] core::Result<AddOnionReply> parse_add_onion(ControlReply reply);

}  // namespace tumar::tor
