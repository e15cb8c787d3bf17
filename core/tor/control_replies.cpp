#include "core/tor/control_replies.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "core/encoding/hex.hpp"
#include "core/error_ids.hpp"
#include "core/tor/control_tokens.hpp"
#include "core/tor/onion_address.hpp"

namespace tumar::tor {

using core::Errc;
using core::ErrorId;

namespace {

tl::unexpected<core::Error> malformed(std::string_view command) {
  return core::fail<ErrorId::kTorControlMalformedReply>(Errc::kProtocol, command);
}

template <std::size_t N>
bool hex_exactly(std::string_view text, std::array<std::uint8_t, N>& out) {
  if (text.size() != 2 * N) return false;
  auto bytes = encoding::from_hex(text);
  if (!bytes) return false;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return true;
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (true) {
    const std::size_t comma = text.find(',', at);
    out.emplace_back(text.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
    if (comma == std::string_view::npos) return out;
    at = comma + 1;
  }
}

}  // namespace

core::Result<void> expect_success(const ControlReply& reply, std::string_view command) {
  if (reply.is_success()) return {};
  return core::fail<ErrorId::kTorControlCommandFailed>(Errc::kRefused, command, reply.status,
                                                       printable(reply.end_text()));
}

core::Result<ProtocolInfo> parse_protocolinfo(const ControlReply& reply) {
  constexpr std::string_view kCommand = "PROTOCOLINFO";
  TUMAR_TRY(expect_success(reply, kCommand));
  // 3.21: "250-PROTOCOLINFO" SP PIVERSION first, "250 OK" last.
  if (reply.lines.size() < 2 || reply.lines.front().text != "PROTOCOLINFO 1" || reply.end_text() != "OK") {
    return malformed(kCommand);
  }
  ProtocolInfo info;
  bool have_auth = false;
  for (std::size_t i = 1; i + 1 < reply.lines.size(); ++i) {
    const ReplyLine& line = reply.lines[i];
    if (line.separator != '-') return malformed(kCommand);
    // "Controllers MUST ignore InfoLines with keywords they do not recognize":
    // only AUTH and VERSION lines are read further.
    const std::string_view keyword = std::string_view(line.text).substr(0, line.text.find(' '));
    if (keyword != "AUTH" && keyword != "VERSION") continue;
    auto tokens = split_control_tokens(line.text);
    if (!tokens) return malformed(kCommand);
    if (keyword == "AUTH") {
      const ControlToken* methods = find_token(*tokens, "METHODS");
      if (have_auth || methods == nullptr || methods->value.empty()) return malformed(kCommand);
      have_auth = true;
      info.auth_methods = split_commas(methods->value);
      if (const ControlToken* file = find_token(*tokens, "COOKIEFILE")) {
        if (file->value.empty()) return malformed(kCommand);
        info.cookie_file = file->value;
      }
    } else if (keyword == "VERSION") {
      if (const ControlToken* tor = find_token(*tokens, "Tor")) info.tor_version = printable(tor->value);
    }  // other InfoLines: "controllers MUST ignore" them
  }
  if (!have_auth) return malformed(kCommand);
  return info;
}

core::Result<std::string> safecookie_file(const ProtocolInfo& info) {
  bool offered = false;
  std::string methods;
  for (const std::string& m : info.auth_methods) {
    offered = offered || m == "SAFECOOKIE";
    methods += (methods.empty() ? "" : ",") + m;
  }
  if (!offered) return core::fail<ErrorId::kTorControlNoSafeCookie>(Errc::kRefused, printable(methods));
  if (!info.cookie_file) return core::fail<ErrorId::kTorControlNoCookieFile>(Errc::kProtocol);
  return *info.cookie_file;
}

core::Result<AuthChallenge> parse_authchallenge(const ControlReply& reply) {
  constexpr std::string_view kCommand = "AUTHCHALLENGE";
  TUMAR_TRY(expect_success(reply, kCommand));
  // 3.24: one line, "250 AUTHCHALLENGE SERVERHASH=... SERVERNONCE=...".
  if (reply.lines.size() != 1) return malformed(kCommand);
  auto tokens = split_control_tokens(reply.lines.front().text);
  if (!tokens || tokens->size() != 3 || (*tokens)[0].key != kCommand || (*tokens)[0].has_value) {
    return malformed(kCommand);
  }
  const ControlToken* hash = find_token(*tokens, "SERVERHASH");
  const ControlToken* nonce = find_token(*tokens, "SERVERNONCE");
  AuthChallenge out;
  if (hash == nullptr || nonce == nullptr || !hex_exactly(hash->value, out.server_hash) ||
      !hex_exactly(nonce->value, out.server_nonce)) {
    return malformed(kCommand);
  }
  return out;
}

core::Result<AddOnionReply> parse_add_onion(ControlReply reply) {
  constexpr std::string_view kCommand = "ADD_ONION";
  TUMAR_TRY(expect_success(reply, kCommand));
  if (reply.lines.size() < 2 || reply.end_text() != "OK") return malformed(kCommand);
  AddOnionReply out;
  for (std::size_t i = 0; i + 1 < reply.lines.size(); ++i) {
    const ReplyLine& line = reply.lines[i];
    if (line.separator != '-') return malformed(kCommand);
    const std::string_view text = line.text;
    const std::size_t eq = text.find('=');
    if (eq == std::string_view::npos) return malformed(kCommand);
    const std::string_view key = text.substr(0, eq);
    const std::string_view value = text.substr(eq + 1);
    if (key == "ServiceID") {
      if (!out.service_id.empty() || !is_service_id(value)) return malformed(kCommand);
      out.service_id = std::string(value);
    } else if (key == "PrivateKey") {
      // 3.27: "ED25519-V3:" base64(32-byte scalar | 32-byte PRF secret).
      constexpr std::string_view kType = "ED25519-V3:";
      if (out.private_key || !value.starts_with(kType)) return malformed(kCommand);
      const std::string_view blob = value.substr(kType.size());
      OnionServiceKey key_out;
      std::size_t decoded = 0;
      const char* end = nullptr;
      const int rc = sodium_base642bin(key_out.data(), kOnionKeyLen, blob.data(), blob.size(), nullptr, &decoded,
                                       &end, sodium_base64_VARIANT_ORIGINAL);
      if (rc != 0 || decoded != kOnionKeyLen || end != blob.data() + blob.size()) return malformed(kCommand);
      out.private_key = std::move(key_out);
    }  // ClientAuthV3= echoes and anything newer: not needed
  }
  if (out.service_id.empty()) return malformed(kCommand);
  return out;
}

}  // namespace tumar::tor
