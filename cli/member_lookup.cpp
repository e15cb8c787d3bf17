#include "cli/member_lookup.hpp"

#include "cli/front_end_error.hpp"
#include "cli/network_session.hpp"
#include "cli/text_format.hpp"
#include "core/encoding/hex.hpp"

namespace tumar::cli {
namespace {

// Fewer key digits than this are taken as a name only: "beef" or "Dada"
// must not pick whoever's key happens to start that way.
constexpr std::size_t kMinKeyDigits = 8;

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool key_prefix_of(std::string_view lower_text, const identity::IdentityKey& key) {
  if (lower_text.size() < kMinKeyDigits || lower_text.size() > 64 ||
      lower_text.find_first_not_of("0123456789abcdef") != std::string_view::npos) {
    return false;
  }
  return encoding::to_hex(key).rfind(lower_text, 0) == 0;
}

}  // namespace

std::string describe(const network::DirectoryEntry& e) {
  const std::string name =
      e.profile && !e.profile->display_name.empty() ? one_line(e.profile->display_name) : std::string("(no profile)");
  return concat({name, "  key ", encoding::to_hex(e.member.identity.identity_key).substr(0, kKeyPrefixChars)});
}

core::Result<network::DirectoryEntry> find_member(std::vector<network::DirectoryEntry> entries, const std::string& text,
                                                  const std::string& net_label, const std::string& net_flag,
                                                  const std::string& verb) {
  const std::string lower = ascii_lower(text);
  std::vector<network::DirectoryEntry> current, removed;
  for (auto& e : entries) {
    const bool by_name = e.profile && ascii_lower(e.profile->display_name) == lower;
    if (!by_name && !key_prefix_of(lower, e.member.identity.identity_key)) continue;
    (e.member.removed() ? removed : current).push_back(std::move(e));
  }
  if (current.size() == 1) return std::move(current.front());
  if (current.empty() && !removed.empty()) {
    return cli::fail(core::Errc::kInvalidArgument,
                     concat({describe(removed.front()), " was already removed from \"", net_label, "\"."}));
  }
  if (current.empty()) {
    return cli::fail(core::Errc::kInvalidArgument,
                     concat({"Nobody called \"", one_line(text), "\" is a member of \"", net_label,
                              "\". Give a display name exactly as `tumar members --network ", net_flag,
                              "` shows it, or at least 8 digits of the member's key."}));
  }
  std::string list;
  for (const auto& e : current) list.append(concat({"\n  ", describe(e)}));
  return cli::fail(core::Errc::kInvalidArgument,
                   concat({"\"", one_line(text), "\" matches ", std::to_string(current.size()), " members of \"",
                            net_label, "\"; give more digits of the key of the one to " + verb + ":", list}));
}


}  // namespace tumar::cli
