#include "cli/passphrase_input.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "cli/front_end_error.hpp"

namespace tumar::cli {
namespace {

// Reads up to the first newline (or EOF) into protected memory, byte by byte
// from a raw fd so no stdio buffer keeps a copy.
core::Result<crypto::SecretBuffer> read_line(int fd, const char* source) {
  crypto::SecretBuffer buf(kMaxPassphraseBytes + 1);
  std::size_t n = 0;
  for (;;) {
    std::uint8_t c = 0;
    ssize_t r = ::read(fd, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return cli::fail(core::Errc::kInvalidArgument, std::string("Could not read the passphrase from ") + source + ".");
    if (r == 0 || c == '\n') break;
    if (n == kMaxPassphraseBytes) {
      return cli::fail(core::Errc::kInvalidArgument, "The passphrase is longer than 1024 bytes.");
    }
    buf.data()[n++] = c;
    crypto::wipe({&c, 1});
  }
  if (n > 0 && buf.data()[n - 1] == '\r') --n;
  buf.truncate(n);
  if (n == 0) return cli::fail(core::Errc::kInvalidArgument, std::string("The passphrase from ") + source + " is empty.");
  return buf;
}

std::size_t utf8_chars(const crypto::SecretBuffer& s) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((s.data()[i] & 0xc0) != 0x80) ++chars;
  }
  return chars;
}

}  // namespace

core::Result<crypto::SecretBuffer> read_passphrase_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return cli::fail(core::Errc::kInvalidArgument,
                     "Cannot open the passphrase file " + path + ": " + std::strerror(errno) + ".");
  }
  auto r = read_line(fd, "the passphrase file");
  ::close(fd);
  return r;
}

core::Result<crypto::SecretBuffer> prompt_passphrase(const char* prompt, const char* file_flag) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return cli::fail(core::Errc::kInvalidArgument,
                     std::string("No terminal to ask for the passphrase; pass it with ") + file_flag + " FILE.");
  }
  termios old{};
  bool have_termios = ::tcgetattr(fd, &old) == 0;
  if (have_termios) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  (void)!::write(fd, prompt, std::strlen(prompt));
  auto r = read_line(fd, "the terminal");
  if (have_termios) ::tcsetattr(fd, TCSAFLUSH, &old);
  ::close(fd);
  return r;
}

core::Result<crypto::SecretBuffer> existing_passphrase(const std::optional<std::string>& file,
                                                       const char* file_flag) {
  if (file) return read_passphrase_file(*file);
  return prompt_passphrase("Passphrase: ", file_flag);
}

core::Result<crypto::SecretBuffer> new_passphrase(const std::optional<std::string>& file, const char* what,
                                                  const char* file_flag) {
  core::Result<crypto::SecretBuffer> pass = file ? read_passphrase_file(*file) : [&] {
    std::string p1 = std::string("New ") + what + ": ";
    return prompt_passphrase(p1.c_str(), file_flag);
  }();
  if (!pass) return pass;
  if (utf8_chars(*pass) < kMinPassphraseChars) {
    return cli::fail(core::Errc::kInvalidArgument,
                     std::string("The ") + what + " is too short: use at least 8 characters, ideally several words.");
  }
  if (!file) {
    std::string p2 = std::string("Repeat the ") + what + ": ";
    auto again = prompt_passphrase(p2.c_str(), file_flag);
    if (!again) return again;
    if (!crypto::constant_time_equal(pass->span(), again->span())) {
      return cli::fail(core::Errc::kInvalidArgument, "The two entries differ; nothing was changed.");
    }
  }
  return pass;
}

}  // namespace tumar::cli
