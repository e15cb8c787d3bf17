#pragma once
// The torrc tumar writes for its own tor child (docs/PROTOCOL.md, "The tor
// driver"). Sans-I/O: text in, text out; net/tor/ writes the file.
//
// tumar sets every option that decides where tor listens, where it keeps
// its state and who may control it: a control socket with SAFECOOKIE's
// cookie file, a SOCKS listener on a Unix socket only (with ExtendedErrors,
// so onion failures arrive as their own codes), no TCP port at all, and
// __OwningControllerProcess so that tor exits when tumar does. The user may
// add lines (bridges, ClientTransportPlugin, a test network's DirAuthority
// lines); check_extra_torrc() refuses any of those that could override
// tumar's options, before tor is started.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace tumar::tor {

struct TorrcOptions {
  std::string data_directory;  // tor's DataDirectory (0700, inside the profile)
  std::string control_socket;  // ControlSocket: the control connection, a Unix socket
  std::string socks_socket;    // SocksPort unix:...: the dialer's proxy, a Unix socket
  std::string cookie_file;     // CookieAuthFile, read for SAFECOOKIE
  std::uint32_t owning_pid = 0;  // __OwningControllerProcess: tumar's own pid
  std::optional<std::string> client_onion_auth_dir;  // ClientOnionAuthDir, if keys are kept there
  std::vector<std::string> extra_lines;              // from check_extra_torrc()
};

// The user's torrc lines (a --torrc / TUMAR_TORRC file, bridge lines),
// checked: the directives to append, without blank lines and comments.
// kTorTorrcLineUnsafe{line} for a NUL, CR or other control character (tab
// aside) or a trailing backslash (tor would join the next line to it);
// kTorTorrcOptionReserved{line, option} for an option tumar sets itself, a
// hidden "__" option, %include, or any abbreviation tor would read as one
// of those (tor accepts a prefix of an option's name). Lines are numbered
// from 1 as in the file.
[[nodiscard]] core::Result<std::vector<std::string>> check_extra_torrc(std::string_view text);

// The whole torrc. kTorTorrcPathUnsafe{argument} for a path that is not
// absolute or holds a character tor's parser or tumar's control commands
// would read differently (space, quote, backslash, comma, '#', controls);
// each extra line is checked again (misuse-free for lines from above).
[[nodiscard]] core::Result<std::string> write_torrc(const TorrcOptions& options);

}  // namespace tumar::tor
