#include "cli/error_advice.hpp"

#include <array>
#include <string_view>

#include "cli/error_text.hpp"

namespace tumar::cli {
namespace {

// Phrases by which a message already tells the user what to do.
bool gives_a_next_step(std::string_view m) {
  constexpr std::array<std::string_view, 10> kHints = {"try again", "Try again", "tumar init", "check its",
                                                       "check that", "Check that", "restore",  "Restore",
                                                       "run `",      "Run `"};
  for (auto h : kHints) {
    if (m.find(h) != std::string_view::npos) return true;
  }
  return false;
}

std::string_view next_step(core::Errc code) {
  switch (code) {
    case core::Errc::kWrongPassphrase:
      return "Nothing was changed. Check the keyboard layout and Caps Lock, then try again.";
    case core::Errc::kTampered:
    case core::Errc::kCorrupt:
      // A seized and returned laptop is the case this warns about: the
      // files may have been altered to attack whoever opens them next.
      return "If this computer was out of your hands, treat the profile as compromised. Otherwise restore the "
             "profile directory from a backup, or make a new profile in another directory (`tumar --home DIR "
             "init`) and ask a lead for a new invite: the other members still hold your networks' notes and "
             "broadcasts.";
    case core::Errc::kStorage:
      return "Check that the disk has free space and that the profile directory is yours and writable, then try "
             "again.";
    case core::Errc::kProfileWiped:
      return "To use tumar again, make a new profile with `tumar init` and ask a lead for a new invite.";
    default:
      return {};
  }
}

}  // namespace

std::string user_message(const core::Error& error) {
  std::string out = error_text(error);
  const std::string_view step = next_step(error.code());
  if (step.empty() || gives_a_next_step(out)) return out;
  if (!out.empty() && out.back() != '.' && out.back() != '?' && out.back() != '!') out += '.';
  out.append(" ").append(step);
  return out;
}

}  // namespace tumar::cli
