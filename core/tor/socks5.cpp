#include "core/tor/socks5.hpp"

#include <algorithm>
#include <utility>

#include "core/error_ids.hpp"
#include "core/tor/onion_address.hpp"

namespace tumar::tor {

using core::Errc;
using core::ErrorId;
using core::make_error;

core::Error socks_reply_error(std::uint8_t code) {
  switch (static_cast<SocksReply>(code)) {
    case SocksReply::kSucceeded: break;  // not a failure
    case SocksReply::kGeneralFailure: return make_error<ErrorId::kTorSocksGeneralFailure>(Errc::kRefused);
    case SocksReply::kNotAllowed: return make_error<ErrorId::kTorSocksNotAllowed>(Errc::kRefused);
    case SocksReply::kNetworkUnreachable: return make_error<ErrorId::kTorSocksNetworkUnreachable>(Errc::kRefused);
    case SocksReply::kHostUnreachable: return make_error<ErrorId::kTorSocksHostUnreachable>(Errc::kRefused);
    case SocksReply::kConnectionRefused: return make_error<ErrorId::kTorSocksConnectionRefused>(Errc::kRefused);
    case SocksReply::kTtlExpired: return make_error<ErrorId::kTorSocksTtlExpired>(Errc::kRefused);
    case SocksReply::kCommandNotSupported: return make_error<ErrorId::kTorSocksCommandNotSupported>(Errc::kRefused);
    case SocksReply::kAddressTypeNotSupported:
      return make_error<ErrorId::kTorSocksAddressTypeNotSupported>(Errc::kRefused);
    case SocksReply::kOnionDescriptorNotFound: return make_error<ErrorId::kTorOnionDescriptorNotFound>(Errc::kRefused);
    case SocksReply::kOnionDescriptorInvalid: return make_error<ErrorId::kTorOnionDescriptorInvalid>(Errc::kRefused);
    case SocksReply::kOnionIntroFailed: return make_error<ErrorId::kTorOnionIntroFailed>(Errc::kRefused);
    case SocksReply::kOnionRendezvousFailed: return make_error<ErrorId::kTorOnionRendezvousFailed>(Errc::kRefused);
    case SocksReply::kOnionMissingClientAuth: return make_error<ErrorId::kTorOnionMissingClientAuth>(Errc::kRefused);
    case SocksReply::kOnionWrongClientAuth: return make_error<ErrorId::kTorOnionWrongClientAuth>(Errc::kRefused);
    case SocksReply::kOnionBadAddress: return make_error<ErrorId::kTorOnionBadAddress>(Errc::kRefused);
    case SocksReply::kOnionIntroTimedOut: return make_error<ErrorId::kTorOnionIntroTimedOut>(Errc::kRefused);
  }
  return make_error<ErrorId::kTorSocksUnknownReply>(Errc::kRefused, code);
}

core::Result<SocksTarget> SocksTarget::onion(std::string_view host, std::uint32_t port) {
  TUMAR_TRY(check_onion_host(host));
  if (port == 0 || port > 0xFFFF) return core::fail<ErrorId::kTorPortRange>(Errc::kInvalidArgument, port);
  return SocksTarget(std::string(host), static_cast<std::uint16_t>(port));
}

core::Result<SocksTarget> SocksTarget::ipv4(std::array<std::uint8_t, 4> address, std::uint32_t port) {
  if (port == 0 || port > 0xFFFF) return core::fail<ErrorId::kTorPortRange>(Errc::kInvalidArgument, port);
  return SocksTarget(address, static_cast<std::uint16_t>(port));
}

std::vector<std::uint8_t> SocksTarget::connect_request() const {
  // RFC 1928 section 4: VER CMD RSV ATYP DST.ADDR DST.PORT
  std::vector<std::uint8_t> out{kSocksVersion, kSocksCmdConnect, 0x00};
  if (const auto* name = std::get_if<std::string>(&host_)) {
    static_assert(kOnionHostLen <= kSocksMaxNameLen);
    out.push_back(kSocksAtypDomain);
    out.push_back(static_cast<std::uint8_t>(name->size()));
    out.insert(out.end(), name->begin(), name->end());
  } else {
    const auto& a = std::get<std::array<std::uint8_t, 4>>(host_);
    out.push_back(kSocksAtypIpv4);
    out.insert(out.end(), a.begin(), a.end());
  }
  out.push_back(static_cast<std::uint8_t>(port_ >> 8));
  out.push_back(static_cast<std::uint8_t>(port_ & 0xFF));
  return out;
}

core::Result<SocksIsolation> SocksIsolation::make(std::string username, std::string password) {
  // RFC 1929: ULEN and PLEN are 1..255.
  if (username.empty() || username.size() > kSocksMaxNameLen || password.empty() ||
      password.size() > kSocksMaxNameLen) {
    return core::fail<ErrorId::kTorSocksIsolationLength>(Errc::kInvalidArgument);
  }
  return SocksIsolation(std::move(username), std::move(password));
}

Socks5Client::Socks5Client(SocksTarget target, std::optional<SocksIsolation> isolation)
    : target_(std::move(target)), isolation_(std::move(isolation)) {}

std::vector<std::uint8_t> Socks5Client::start() {
  if (state_ != State::kIdle) core::misuse("Socks5Client::start: called twice");
  state_ = State::kAwaitingMethod;
  // RFC 1928 section 3: VER NMETHODS METHODS; one method, so the proxy's
  // choice has one right answer.
  return {kSocksVersion, 0x01, isolation_ ? kSocksMethodUserPass : kSocksMethodNoAuth};
}

tl::unexpected<core::Error> Socks5Client::fail(core::Error error) {
  state_ = State::kFailed;
  error_ = error;
  return tl::unexpected<core::Error>(std::move(error));
}

bool Socks5Client::fill(std::span<const std::uint8_t>& input, std::size_t want) {
  if (have_ >= want) return true;  // an earlier call got this far
  const std::size_t take = std::min(want - have_, input.size());
  std::copy_n(input.begin(), take, buf_.begin() + static_cast<std::ptrdiff_t>(have_));
  have_ += take;
  input = input.subspan(take);
  return have_ == want;
}

core::Result<SocksStep> Socks5Client::receive(std::span<const std::uint8_t>& input) {
  switch (state_) {
    case State::kIdle: core::misuse("Socks5Client::receive: before start()");
    case State::kConnected: core::misuse("Socks5Client::receive: the stream is already open");
    case State::kFailed: return tl::unexpected<core::Error>(*error_);
    case State::kAwaitingMethod: return on_method(input);
    case State::kAwaitingAuth: return on_auth(input);
    case State::kAwaitingReply: return on_reply(input);
  }
  core::misuse("Socks5Client::receive: unknown state");
}

core::Result<SocksStep> Socks5Client::on_method(std::span<const std::uint8_t>& input) {
  // RFC 1928 section 3: VER METHOD
  if (!fill(input, 2)) return SocksStep{};
  have_ = 0;
  if (buf_[0] != kSocksVersion) return fail(make_error<ErrorId::kTorSocksVersion>(Errc::kProtocol, buf_[0]));
  const std::uint8_t offered = isolation_ ? kSocksMethodUserPass : kSocksMethodNoAuth;
  if (buf_[1] == kSocksNoAcceptableMethod) {
    return fail(make_error<ErrorId::kTorSocksNoAcceptableMethod>(Errc::kRefused));
  }
  if (buf_[1] != offered) return fail(make_error<ErrorId::kTorSocksUnofferedMethod>(Errc::kProtocol, buf_[1]));
  // Nothing more may come before the next request is even written.
  if (!input.empty()) return fail(make_error<ErrorId::kTorSocksSpokeOutOfTurn>(Errc::kProtocol));
  SocksStep step;
  if (isolation_) {
    // RFC 1929 section 2: VER ULEN UNAME PLEN PASSWD
    const std::string& u = isolation_->username();
    const std::string& p = isolation_->password();
    step.send.push_back(kSocksAuthVersion);
    step.send.push_back(static_cast<std::uint8_t>(u.size()));
    step.send.insert(step.send.end(), u.begin(), u.end());
    step.send.push_back(static_cast<std::uint8_t>(p.size()));
    step.send.insert(step.send.end(), p.begin(), p.end());
    state_ = State::kAwaitingAuth;
  } else {
    step.send = target_.connect_request();
    state_ = State::kAwaitingReply;
  }
  return step;
}

core::Result<SocksStep> Socks5Client::on_auth(std::span<const std::uint8_t>& input) {
  // RFC 1929 section 2: VER STATUS, 0x00 is success.
  if (!fill(input, 2)) return SocksStep{};
  have_ = 0;
  if (buf_[0] != kSocksAuthVersion) return fail(make_error<ErrorId::kTorSocksAuthVersion>(Errc::kProtocol, buf_[0]));
  if (buf_[1] != 0x00) return fail(make_error<ErrorId::kTorSocksAuthRefused>(Errc::kRefused));
  if (!input.empty()) return fail(make_error<ErrorId::kTorSocksSpokeOutOfTurn>(Errc::kProtocol));
  state_ = State::kAwaitingReply;
  return SocksStep{target_.connect_request(), false};
}

core::Result<SocksStep> Socks5Client::on_reply(std::span<const std::uint8_t>& input) {
  // RFC 1928 section 6: VER REP RSV ATYP BND.ADDR BND.PORT. The header is
  // checked as soon as it is in, and the reply is read whole (never past
  // its own end) before a failure code is reported.
  if (have_ < kSocksReplyHeaderLen) {
    if (!fill(input, kSocksReplyHeaderLen)) return SocksStep{};
    if (buf_[0] != kSocksVersion) return fail(make_error<ErrorId::kTorSocksVersion>(Errc::kProtocol, buf_[0]));
    if (buf_[2] != 0x00) return fail(make_error<ErrorId::kTorSocksReservedByte>(Errc::kProtocol, buf_[2]));
    const std::uint8_t atyp = buf_[3];
    if (atyp != kSocksAtypIpv4 && atyp != kSocksAtypDomain && atyp != kSocksAtypIpv6) {
      return fail(make_error<ErrorId::kTorSocksAddressType>(Errc::kProtocol, atyp));
    }
  }
  std::size_t address_len = 0;
  switch (buf_[3]) {
    case kSocksAtypIpv4: address_len = 4; break;
    case kSocksAtypIpv6: address_len = 16; break;
    default:  // kSocksAtypDomain: a length byte, then that many bytes
      if (!fill(input, kSocksReplyHeaderLen + 1)) return SocksStep{};
      if (buf_[kSocksReplyHeaderLen] == 0) return fail(make_error<ErrorId::kTorSocksEmptyBoundName>(Errc::kProtocol));
      address_len = 1 + std::size_t{buf_[kSocksReplyHeaderLen]};
      break;
  }
  const std::size_t total = kSocksReplyHeaderLen + address_len + 2;
  if (!fill(input, total)) return SocksStep{};
  have_ = 0;
  const std::uint8_t rep = buf_[1];
  if (rep != static_cast<std::uint8_t>(SocksReply::kSucceeded)) {
    failed_reply_ = rep;
    return fail(socks_reply_error(rep));
  }
  // What follows in `input` is the stream's: left for the caller.
  state_ = State::kConnected;
  return SocksStep{{}, true};
}

std::size_t Socks5Client::bytes_wanted() const noexcept {
  switch (state_) {
    case State::kIdle:
    case State::kConnected:
    case State::kFailed: return 0;
    case State::kAwaitingMethod:
    case State::kAwaitingAuth: return 2 - have_;  // VER METHOD; VER STATUS
    case State::kAwaitingReply: break;
  }
  // The header first, then the ATYP decides: a name's length byte, and then
  // the rest of the address and the port.
  if (have_ < kSocksReplyHeaderLen) return kSocksReplyHeaderLen - have_;
  std::size_t address_len = 0;
  switch (buf_[3]) {
    case kSocksAtypIpv4: address_len = 4; break;
    case kSocksAtypIpv6: address_len = 16; break;
    default:
      if (have_ == kSocksReplyHeaderLen) return 1;
      address_len = 1 + std::size_t{buf_[kSocksReplyHeaderLen]};
      break;
  }
  return kSocksReplyHeaderLen + address_len + 2 - have_;
}

core::Error Socks5Client::closed() {
  if (error_) return *error_;
  if (state_ == State::kConnected) core::misuse("Socks5Client::closed: the stream is open; the driver owns its close");
  state_ = State::kFailed;
  error_ = make_error<ErrorId::kTorSocksClosedEarly>(Errc::kProtocol);
  return *error_;
}

}  // namespace tumar::tor
