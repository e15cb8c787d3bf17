#include "cli/commands/note_output.hpp"

#include "cli/dates.hpp"
#include "cli/json_writer.hpp"
#include "cli/text_format.hpp"
#include "core/encoding/hex.hpp"
#include "core/network/object_limits.hpp"

namespace tumar::cli {
namespace {

std::optional<std::string> stale_words(const network::NoteRecord& n, std::uint32_t today) {
  const auto reason = network::stale_reason(n, today);
  if (!reason) return std::nullopt;
  switch (*reason) {
    case network::Staleness::kPastValidUntil: return "past its valid-until date";
    case network::Staleness::kNeverVerified: return "never verified";
    case network::Staleness::kNotVerified:
      static_assert(network::kStaleAfterDays == 90, "the words name the number of days");
      return "not verified for 90 days";
  }
  return std::nullopt;
}

std::string stale_line(const network::NoteRecord& n, std::uint32_t today) {
  auto reason = stale_words(n, today);
  if (!reason) return {};
  return concat({"    STALE: ", *reason, " — check it before you rely on it\n"});
}

std::optional<std::string> date_or_null(std::uint32_t day) {
  if (day == 0) return std::nullopt;
  return format_date(day);
}

}  // namespace

core::Result<std::string> note_summary(NetworkSession& s, const network::NoteRecord& n, std::uint32_t today) {
  TUMAR_TRY_ASSIGN(net, s.label(n.network));
  std::string details = net;
  if (!n.region.empty()) details.append(concat({" · ", one_line(n.region)}));
  if (!n.tags.empty()) details.append(concat({" · ", list_text(n.tags)}));
  details.append(n.verified_on ? concat({" · verified ", format_date(n.verified_on)}) : " · never verified");
  if (n.valid_until) details.append(concat({" · valid until ", format_date(n.valid_until)}));
  std::string out = wrap(concat({id_prefix(n.root), "  ", n.title}), 0);
  out.append(wrap(details, 4));
  out.append(stale_line(n, today));
  return out;
}

core::Result<std::string> note_detail(NetworkSession& s, const network::NoteRecord& n, std::uint32_t today) {
  TUMAR_TRY_ASSIGN(net, s.label(n.network));
  TUMAR_TRY_ASSIGN(author, s.member_name(n.network, n.author));
  std::string out = wrap(n.title, 0);
  auto field = [&out](std::string_view label, std::string_view value) {
    if (!value.empty()) out.append(labelled(label, value, 2));
  };
  out.append(concat({"  id:          ", encoding::to_hex(n.root), "\n"}));  // 80 columns: never cut
  field("network:     ", net);
  field("region:      ", one_line(n.region));
  field("contact:     ", one_line(n.contact));
  field("tags:        ", list_text(n.tags));
  field("verified on: ", n.verified_on ? format_date(n.verified_on) : std::string("never"));
  field("valid until: ", n.valid_until ? format_date(n.valid_until) : std::string("no end date"));
  field("written by:  ", concat({author, ", ", format_time(n.created_at_ms)}));
  if (n.revision != n.root) {
    TUMAR_TRY_ASSIGN(editor, s.member_name(n.network, n.editor));
    field("last edited: ", concat({editor, ", ", format_time(n.updated_at_ms)}));
  }
  if (auto stale = stale_line(n, today); !stale.empty()) out.append(stale.substr(2));
  if (!n.body.empty()) {
    out.push_back('\n');
    out.append(wrap(n.body, 2));
  }
  return out;
}

core::Result<std::string> note_json(NetworkSession& s, const network::NoteRecord& n, std::uint32_t today) {
  TUMAR_TRY_ASSIGN(net, s.replica().store().network(n.network));
  TUMAR_TRY_ASSIGN(author, s.member_name(n.network, n.author));
  TUMAR_TRY_ASSIGN(editor, s.member_name(n.network, n.editor));
  auto stale = stale_words(n, today);
  JsonObject o;
  o.add("id", encoding::to_hex(n.root));
  o.add("network", encoding::to_hex(n.network));
  o.add("network_name", net ? std::optional<std::string>(net->name) : std::nullopt);
  o.add("title", n.title).add("body", n.body).add("tags", n.tags).add("region", n.region).add("contact", n.contact);
  o.add("verified_on", date_or_null(n.verified_on)).add("valid_until", date_or_null(n.valid_until));
  o.add("stale", stale.has_value()).add("stale_reason", stale);
  o.add("author", encoding::to_hex(n.author)).add("author_name", author).add("created_at_ms", n.created_at_ms);
  o.add("revision", encoding::to_hex(n.revision)).add("editor", encoding::to_hex(n.editor));
  o.add("editor_name", editor).add("updated_at_ms", n.updated_at_ms);
  return o.str();
}

}  // namespace tumar::cli
