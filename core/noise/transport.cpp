#include "core/noise/transport.hpp"

#include <utility>

#include "core/error_ids.hpp"
#include "core/noise/frame.hpp"

namespace tumar::noise {

namespace {

core::Error rejected() {
  return core::make_error<core::ErrorId::kNoiseTransportRejected>(core::Errc::kProtocol);
}

}  // namespace

Transport::Transport(CipherState send, CipherState receive) noexcept
    : send_(std::move(send)), receive_(std::move(receive)) {}

core::Error Transport::poison(core::Error error) noexcept {
  error_ = error;
  send_.clear();
  receive_.clear();
  return error;
}

core::Result<void> Transport::seal(std::span<const std::uint8_t> plaintext, std::vector<std::uint8_t>& out) {
  if (error_) return tl::unexpected<core::Error>(*error_);
  if (plaintext.size() > kMaxPlaintextLen) {
    return core::fail<core::ErrorId::kNoiseTransportTooLong>(core::Errc::kLimit);
  }
  const std::size_t body = plaintext.size() + kTagLen;
  const std::size_t start = out.size();
  out.resize(start + kFrameHeaderLen + body);
  out[start] = static_cast<std::uint8_t>(body >> 8);
  out[start + 1] = static_cast<std::uint8_t>(body & 0xFF);
  auto r = send_.encrypt_with_ad({}, plaintext, std::span(out).subspan(start + kFrameHeaderLen, body));
  if (!r) {
    out.resize(start);
    return tl::unexpected<core::Error>(poison(r.error()));
  }
  if (send_.nonce() % kRekeyInterval == 0) send_.rekey();  // §11.3, after every kRekeyInterval messages
  return {};
}

core::Result<std::vector<std::uint8_t>> Transport::open(std::span<const std::uint8_t> message) {
  std::vector<std::uint8_t> plaintext;
  if (auto r = open_into(message, plaintext); !r) return tl::unexpected<core::Error>(r.error());
  return plaintext;
}

core::Result<void> Transport::open_into(std::span<const std::uint8_t> message, std::vector<std::uint8_t>& plaintext) {
  if (error_) return tl::unexpected<core::Error>(*error_);
  if (message.size() < kTagLen || message.size() > kMaxMessageLen) {
    return tl::unexpected<core::Error>(poison(rejected()));
  }
  plaintext.resize(message.size() - kTagLen);
  auto r = receive_.decrypt_with_ad({}, message, plaintext);
  if (!r) {
    plaintext.clear();  // no unauthenticated byte stays behind
    return tl::unexpected<core::Error>(poison(r.error().code() == core::Errc::kLimit ? r.error() : rejected()));
  }
  if (receive_.nonce() % kRekeyInterval == 0) receive_.rekey();  // same rule as the sender
  return {};
}

void Transport::close() noexcept {
  if (!error_) error_ = core::make_error<core::ErrorId::kNoiseClosed>(core::Errc::kProtocol);
  send_.clear();
  receive_.clear();
}

}  // namespace tumar::noise
