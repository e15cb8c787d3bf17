#pragma once
// A QR code for the terminal, so a phone can scan an invite off the lead's
// screen (`tumar invite create`). Drawn with Unicode half blocks, two module
// rows per text line, with the 4-module quiet zone the standard asks for,
// and with explicit colours (white on black, light modules as the glyphs)
// so the code is dark-on-light whatever the terminal's theme.
//
// The result shows `text` to anyone who can see the screen or the
// scrollback: for an invite, that is the secret. Print it only to a
// terminal (stdout_is_terminal), never to a log or a file.
//
// Letter case: QR codes store upper-case letters, digits and "-" more
// compactly than lower case, so for a case-insensitive text such as an
// invite code, passing its upper-case form gives a smaller, easier-to-scan
// code.

#include <optional>
#include <string>
#include <string_view>

namespace tumar::cli {

// The code as lines ending in "\n", or nullopt if `text` cannot be encoded
// (empty, contains a NUL, or too long for a QR code).
std::optional<std::string> terminal_qr(std::string_view text);

// isatty(stdout).
bool stdout_is_terminal();

}  // namespace tumar::cli
