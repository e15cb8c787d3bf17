#include "cli/qr_code.hpp"

#include <qrencode.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <span>

#include "core/crypto/secret.hpp"

namespace tumar::cli {
namespace {

constexpr int kQuietZone = 4;  // modules of light border on every side (ISO/IEC 18004)
constexpr std::string_view kColours = "\x1b[97;40m";  // bright white glyphs on black
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kUpper = "\xE2\x96\x80";  // ▀ upper half light
constexpr std::string_view kLower = "\xE2\x96\x84";  // ▄ lower half light
constexpr std::string_view kFull = "\xE2\x96\x88";   // █ both light

struct QrFree {
  void operator()(QRcode* qr) const noexcept {
    // The modules spell the text (an invite's secret): wipe them first.
    crypto::wipe(std::span(qr->data, static_cast<std::size_t>(qr->width) * static_cast<std::size_t>(qr->width)));
    QRcode_free(qr);
  }
};

}  // namespace

std::optional<std::string> terminal_qr(std::string_view text) {
  if (text.empty() || text.find('\0') != std::string_view::npos) return std::nullopt;
  std::string z(text);  // libqrencode wants a NUL-terminated string
  std::unique_ptr<QRcode, QrFree> qr(QRcode_encodeString(z.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
  crypto::wipe(std::span(reinterpret_cast<std::uint8_t*>(z.data()), z.size()));
  if (!qr || qr->width <= 0) return std::nullopt;

  const int width = qr->width;
  const int size = width + 2 * kQuietZone;
  auto light = [&](int x, int y) {
    x -= kQuietZone;
    y -= kQuietZone;
    if (x < 0 || y < 0 || x >= width || y >= width) return true;  // quiet zone
    return (qr->data[y * width + x] & 1) == 0;                     // bit 0 set: dark module
  };
  std::string out;
  out.reserve(static_cast<std::size_t>((size + 1) / 2) * (static_cast<std::size_t>(size) * 3 + 16));
  for (int y = 0; y < size; y += 2) {
    out.append(kColours);
    for (int x = 0; x < size; ++x) {
      const bool top = light(x, y);
      const bool bottom = y + 1 < size ? light(x, y + 1) : false;
      out.append(top && bottom ? kFull : top ? kUpper : bottom ? kLower : std::string_view(" "));
    }
    out.append(kReset);
    out.push_back('\n');
  }
  return out;
}

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) != 0; }

}  // namespace tumar::cli
