#include "core/tor/control_commands.hpp"

#include <sodium.h>

#include <cstring>

#include "core/encoding/base32.hpp"
#include "core/error_ids.hpp"
#include "core/tor/onion_address.hpp"

namespace tumar::tor {

using core::Errc;
using core::ErrorId;

namespace {

constexpr std::string_view kCrlf = "\r\n";

// Printable ASCII that cannot end a command (CR, LF), split an argument
// (space), open a QuotedString or escape ('"', '\'), or start another Port
// target (','). Anything else, including any byte over 0x7E, is refused.
bool is_safe_argument(std::string_view text) noexcept {
  for (char c : text) {
    if (c <= ' ' || c > '~' || c == '"' || c == '\\' || c == ',') return false;
  }
  return true;
}

core::Result<void> check_service_id(std::string_view service_id) {
  if (!is_service_id(service_id)) {
    if (!is_safe_argument(service_id)) {
      return core::fail<ErrorId::kTorControlArgumentUnsafe>(Errc::kInvalidArgument, "onion_service_id");
    }
    return core::fail<ErrorId::kTorOnionAddressShape>(Errc::kInvalidArgument, service_id);
  }
  return {};
}

// The public part of ADD_ONION after the key: " Port=V,unix:P [ClientAuthV3=K]...".
core::Result<std::string> publication_arguments(const OnionPublication& p) {
  if (p.virtual_port == 0) return core::fail<ErrorId::kTorPortRange>(Errc::kInvalidArgument, p.virtual_port);
  const std::string& path = p.unix_socket_path;
  if (path.empty() || path.front() != '/' || path.size() > kMaxUnixPathLen || !is_safe_argument(path)) {
    return core::fail<ErrorId::kTorControlArgumentUnsafe>(Errc::kInvalidArgument, "unix_socket_path");
  }
  std::string out;
  // tor answers ClientAuthV3 without this flag with "512 No auth type
  // specified" (control_cmd.c, handle_control_add_onion), whatever 3.27's
  // last example shows; and the flag without a client is "512 No auth
  // clients specified".
  if (!p.authorized_clients.empty()) out += " Flags=V3Auth";
  out += " Port=" + std::to_string(p.virtual_port) + ",unix:" + path;
  for (const ClientAuthPublicKey& key : p.authorized_clients) {
    // rend-spec-v3 G.1.2: the key part only, base32 without padding.
    out += " ClientAuthV3=" + encoding::to_base32(key);
  }
  return out;
}

// Bytes a SecretBuffer can be written into, left to right.
class SecretWriter {
 public:
  explicit SecretWriter(std::size_t size) : buf_(size) {}
  void put(std::string_view text) {
    if (text.size() > buf_.size() - at_) core::misuse("SecretWriter: over the computed size");
    std::memcpy(buf_.data() + at_, text.data(), text.size());
    at_ += text.size();
  }
  // Base64 (original alphabet, padded) of `bytes`, written in place.
  void put_base64(std::span<const std::uint8_t> bytes) {
    const std::size_t len = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL);  // with NUL
    if (len > buf_.size() - at_) core::misuse("SecretWriter: base64 over the computed size");
    sodium_bin2base64(reinterpret_cast<char*>(buf_.data() + at_), len, bytes.data(), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    at_ += len - 1;  // the NUL is overwritten next, or cut by finish()
  }
  crypto::SecretBuffer finish() {
    buf_.truncate(at_);
    return std::move(buf_);
  }

 private:
  crypto::SecretBuffer buf_;
  std::size_t at_ = 0;
};

constexpr std::size_t base64_len(std::size_t bytes) { return (bytes + 2) / 3 * 4; }

}  // namespace

std::string protocolinfo_command() { return "PROTOCOLINFO 1\r\n"; }
std::string take_ownership_command() { return "TAKEOWNERSHIP\r\n"; }
std::string setevents_status_client_command() { return "SETEVENTS STATUS_CLIENT\r\n"; }
std::string getinfo_bootstrap_phase_command() { return "GETINFO status/bootstrap-phase\r\n"; }
std::string signal_shutdown_command() { return "SIGNAL SHUTDOWN\r\n"; }

core::Result<crypto::SecretBuffer> add_onion_new_command(const OnionPublication& publication) {
  TUMAR_TRY_ASSIGN(args, publication_arguments(publication));
  const std::string line = "ADD_ONION NEW:ED25519-V3" + args + std::string(kCrlf);
  return crypto::SecretBuffer::copy_of(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(line.data()), line.size()));
}

core::Result<crypto::SecretBuffer> add_onion_command(const OnionServiceKey& key, const OnionPublication& publication) {
  TUMAR_TRY_ASSIGN(args, publication_arguments(publication));
  constexpr std::string_view kHead = "ADD_ONION ED25519-V3:";
  // +1: sodium_bin2base64 writes a NUL, overwritten by what follows.
  SecretWriter w(kHead.size() + base64_len(kOnionKeyLen) + 1 + args.size() + kCrlf.size());
  w.put(kHead);
  w.put_base64(key.span());
  w.put(args);
  w.put(kCrlf);
  return w.finish();
}

core::Result<std::string> del_onion_command(std::string_view service_id) {
  TUMAR_TRY(check_service_id(service_id));
  return "DEL_ONION " + std::string(service_id) + std::string(kCrlf);
}

core::Result<crypto::SecretBuffer> onion_client_auth_add_command(std::string_view service_id,
                                                                 const ClientAuthPrivateKey& key) {
  TUMAR_TRY(check_service_id(service_id));
  constexpr std::string_view kHead = "ONION_CLIENT_AUTH_ADD ";
  constexpr std::string_view kKeyType = " x25519:";
  SecretWriter w(kHead.size() + service_id.size() + kKeyType.size() + base64_len(kX25519KeyLen) + 1 + kCrlf.size());
  w.put(kHead);
  w.put(service_id);
  w.put(kKeyType);
  w.put_base64(key.span());
  w.put(kCrlf);
  return w.finish();
}

core::Result<std::string> onion_client_auth_remove_command(std::string_view service_id) {
  TUMAR_TRY(check_service_id(service_id));
  return "ONION_CLIENT_AUTH_REMOVE " + std::string(service_id) + std::string(kCrlf);
}

}  // namespace tumar::tor
