#include "core/tor/onion_address.hpp"

#include "core/error_ids.hpp"

namespace tumar::tor {
namespace {
// An address that is not one is shown cut to this, in case it is a whole paste.
constexpr std::size_t kMaxShownLen = 80;
}  // namespace

bool is_service_id(std::string_view text) noexcept {
  if (text.size() != kServiceIdLen || text.back() != 'd') return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

bool is_onion_host(std::string_view text) noexcept {
  return text.size() == kOnionHostLen && text.ends_with(kOnionSuffix) &&
         is_service_id(text.substr(0, kServiceIdLen));
}

core::Result<void> check_onion_host(std::string_view host) {
  if (!is_onion_host(host)) return core::fail<core::ErrorId::kTorOnionAddressShape>(core::Errc::kInvalidArgument, host.substr(0, kMaxShownLen));
  return {};
}

}  // namespace tumar::tor
