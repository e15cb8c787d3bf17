#include "cli/urgent_banner.hpp"

#include <cstdio>
#include <map>

#include "cli/dates.hpp"
#include "cli/network_session.hpp"
#include "cli/text_format.hpp"
#include "core/log/log.hpp"
#include "core/network/directory.hpp"
#include "core/network/library.hpp"
#include "core/network/network_store.hpp"

namespace tumar::cli {
namespace {

// More than this many at once: the rest are counted, not shown.
constexpr std::size_t kMaxShown = 5;

}  // namespace

void print_urgent_banner(profile::Profile& profile, bool json_output) {
  if (json_output) return;
  network::Library library(profile.database());
  auto urgent = library.unread_urgent(wall_clock_ms());
  if (!urgent) {
    if (log::enabled(log::Level::kDebug)) log::debug(concat({"urgent banner skipped: ", urgent.error().describe()}));
    return;
  }
  if (urgent->empty()) return;
  network::Directory directory(profile.database());
  network::NetworkStore store(profile.database());
  std::string out;
  for (std::size_t i = 0; i < urgent->size() && i < kMaxShown; ++i) {
    const auto& b = (*urgent)[i];
    auto name = member_display_name(directory, b.network, b.author);
    auto net = store.network(b.network);
    std::string where = net && *net ? network_label(**net) : id_prefix(b.network);
    // One line each, whatever its length: easy to spot, and to grep.
    out.append(concat({"URGENT from ", name ? std::string_view(*name) : "a lead", " (", where, "): ", one_line(b.text),
                       " — run `tumar broadcast list` to mark as read\n"}));
  }
  if (urgent->size() > kMaxShown) {
    out.append(concat({"...and ", std::to_string(urgent->size() - kMaxShown),
                       " more urgent broadcasts: run `tumar broadcast list`\n"}));
  }
  std::fwrite(out.data(), 1, out.size(), stderr);
}

}  // namespace tumar::cli
