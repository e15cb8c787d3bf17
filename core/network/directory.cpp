#include "core/network/directory.hpp"

#include <algorithm>

#include "core/error_ids.hpp"
#include "core/store/bind.hpp"

namespace tumar::network {
namespace {

using store::column_array;
using store::execute;
using store::prepare_bound;

core::Error corrupt() {
  return core::make_error<core::ErrorId::kNetworkStoredDamaged>(core::Errc::kCorrupt, "member_row");
}

// A unit separator cannot appear in a list item (check_text refuses control
// characters), so joining is lossless.
constexpr char kSep = '\x1f';

constexpr const char* kMemberColumns =
    "SELECT m.identity_key, m.noise_key, m.binding_signature, m.role, m.admitted_epoch, m.admission_id, "
    "m.admitted_at, m.removed_epoch, m.removed_at, m.removal_id, m.removed_seq";

core::Result<MemberRecord> read_member(const store::Statement& st) {
  MemberRecord m;
  if (!column_array(st, 0, m.identity.identity_key) || !column_array(st, 1, m.identity.noise_key) ||
      !column_array(st, 2, m.identity.binding_signature) || !column_array(st, 5, m.admission_id)) {
    return tl::unexpected(corrupt());
  }
  m.role = st.column_text(3) == "lead" ? Role::kLead : Role::kMember;
  m.admitted_epoch = static_cast<std::uint64_t>(st.column_int64(4));
  m.admitted_at_ms = static_cast<std::uint64_t>(st.column_int64(6));
  if (!st.column_is_null(7)) {
    m.removed_epoch = static_cast<std::uint64_t>(st.column_int64(7));
    m.removed_at_ms = static_cast<std::uint64_t>(st.column_int64(8));
    ObjectId r{};
    if (!column_array(st, 9, r)) return tl::unexpected(corrupt());
    m.removal_id = r;
    m.removed_seq = static_cast<std::uint64_t>(st.column_int64(10));
  }
  return m;
}

}  // namespace

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += kSep;
    out += items[i];
  }
  return out;
}

std::vector<std::string> split_list(const std::string& joined) {
  std::vector<std::string> out;
  if (joined.empty()) return out;
  std::size_t start = 0;
  while (true) {
    auto pos = joined.find(kSep, start);
    out.push_back(joined.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

core::Result<std::optional<MemberRecord>> Directory::member(const NetworkId& net, const identity::IdentityKey& key) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, std::string(kMemberColumns) + " FROM member m WHERE network_id = ?1 AND identity_key = ?2",
                                     net, key));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<MemberRecord>{};
  TUMAR_TRY_ASSIGN(m, read_member(st));
  return std::optional<MemberRecord>(m);
}

core::Result<std::vector<DirectoryEntry>> Directory::entries(const NetworkId& net) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_,
                                     std::string(kMemberColumns) +
                                         ", p.lamport, p.object_id, p.display_name, p.organisation, p.region, p.languages, "
                                         "p.services, p.contact, p.updated_at, p.addresses, p.onion_client_key FROM member m LEFT JOIN profile p "
                                         "ON p.network_id = m.network_id AND p.identity_key = m.identity_key "
                                         "WHERE m.network_id = ?1 ORDER BY m.admitted_at, m.identity_key",
                                     net));
  std::vector<DirectoryEntry> out;
  while (true) {
    TUMAR_TRY_ASSIGN(row, st.step());
    if (!row) return out;
    TUMAR_TRY_ASSIGN(m, read_member(st));
    DirectoryEntry e{m, std::nullopt};
    if (!st.column_is_null(11)) {
      ProfileRecord p;
      p.lamport = static_cast<std::uint64_t>(st.column_int64(11));
      if (!column_array(st, 12, p.object_id)) return tl::unexpected(corrupt());
      p.display_name = st.column_text(13);
      p.organisation = st.column_text(14);
      p.region = st.column_text(15);
      p.languages = split_list(st.column_text(16));
      p.services = split_list(st.column_text(17));
      p.contact = st.column_text(18);
      p.updated_at_ms = static_cast<std::uint64_t>(st.column_int64(19));
      p.addresses = split_list(st.column_text(20));
      if (!st.column_is_null(21)) {
        std::array<std::uint8_t, 32> k{};
        if (!column_array(st, 21, k)) return tl::unexpected(corrupt());
        p.onion_client_key = k;
      }
      e.profile = std::move(p);
    }
    out.push_back(std::move(e));
  }
}

core::Result<std::vector<NetworkId>> Directory::networks_of(const identity::IdentityKey& key) {
  TUMAR_TRY_ASSIGN(st, prepare_bound(db_, "SELECT network_id FROM member WHERE identity_key = ?1 AND removed_epoch IS NULL", key));
  std::vector<NetworkId> out;
  while (true) {
    TUMAR_TRY_ASSIGN(row, st.step());
    if (!row) return out;
    NetworkId n{};
    if (!column_array(st, 0, n)) return tl::unexpected(corrupt());
    out.push_back(n);
  }
}

core::Result<void> Directory::apply_admission(const NetworkId& net, const MemberRecord& m, std::uint64_t ts) {
  // Several admissions of one person (two leads at once, or a promotion)
  // combine, so the row does not depend on the order they arrived in and
  // only ever grants more: lead if any admission says lead, admitted from
  // the earliest epoch and time any names. An order-dependent row ("the
  // earliest wins") would let a late-arriving, backdated admission demote
  // someone after their objects were accepted, and replicas would differ.
  // The keys and the admission id are the earliest (timestamp, id)'s.
  return execute(db_,
                 "INSERT INTO member (network_id, identity_key, noise_key, binding_signature, role, admitted_epoch, "
                 "admission_id, admitted_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8) "
                 "ON CONFLICT (network_id, identity_key) DO UPDATE SET "
                 "role = CASE WHEN excluded.role = 'lead' OR member.role = 'lead' THEN 'lead' ELSE 'member' END, "
                 "admitted_epoch = min(excluded.admitted_epoch, member.admitted_epoch), "
                 "admitted_at = min(excluded.admitted_at, member.admitted_at), "
                 "noise_key = CASE WHEN (excluded.admitted_at, excluded.admission_id) < "
                 "(member.admitted_at, member.admission_id) THEN excluded.noise_key ELSE member.noise_key END, "
                 "binding_signature = CASE WHEN (excluded.admitted_at, excluded.admission_id) < "
                 "(member.admitted_at, member.admission_id) THEN excluded.binding_signature "
                 "ELSE member.binding_signature END, "
                 "admission_id = CASE WHEN (excluded.admitted_at, excluded.admission_id) < "
                 "(member.admitted_at, member.admission_id) THEN excluded.admission_id ELSE member.admission_id END",
                 net, m.identity.identity_key, m.identity.noise_key, m.identity.binding_signature, role_name(m.role),
                 m.admitted_epoch, m.admission_id, ts);
}

core::Result<void> Directory::apply_removal(const NetworkId& net, const identity::IdentityKey& key,
                                            std::uint64_t epoch, std::uint64_t ts, const ObjectId& removal_id,
                                            std::uint64_t last_seq) {
  // Several removals of one member combine the same way, towards the
  // stricter: the earliest epoch and the earliest time any of them names.
  // The rule "nothing after the removal" is then the same whatever order
  // the removals arrived in (with "the earliest removal wins", a removal in
  // an earlier epoch but stamped later would be ignored by some replicas).
  // What counts of the member's own objects is the smallest last seq.
  return execute(db_,
                 "UPDATE member SET removed_epoch = min(coalesce(removed_epoch, ?3), ?3), "
                 "removed_at = min(coalesce(removed_at, ?4), ?4), "
                 "removal_id = CASE WHEN removed_at IS NULL OR (?4, ?5) < (removed_at, removal_id) THEN ?5 "
                 "ELSE removal_id END, "
                 "removed_seq = min(coalesce(removed_seq, ?6), ?6) "
                 "WHERE network_id = ?1 AND identity_key = ?2",
                 net, key, epoch, ts, removal_id, last_seq);
}

core::Result<void> Directory::forget_member(const NetworkId& net, const identity::IdentityKey& key) {
  return execute(db_, "DELETE FROM member WHERE network_id = ?1 AND identity_key = ?2", net, key);
}

core::Result<void> Directory::apply_profile(const NetworkId& net, const identity::IdentityKey& key,
                                            const ProfileRecord& p) {
  return execute(db_,
                 "INSERT INTO profile (network_id, identity_key, lamport, object_id, display_name, organisation, "
                 "region, languages, services, contact, updated_at, addresses, onion_client_key) "
                 "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) "
                 "ON CONFLICT (network_id, identity_key) DO UPDATE SET lamport = excluded.lamport, "
                 "object_id = excluded.object_id, display_name = excluded.display_name, "
                 "organisation = excluded.organisation, region = excluded.region, languages = excluded.languages, "
                 "services = excluded.services, contact = excluded.contact, updated_at = excluded.updated_at, "
                 "addresses = excluded.addresses, onion_client_key = excluded.onion_client_key "
                 "WHERE (excluded.lamport, excluded.object_id) > (profile.lamport, profile.object_id)",
                 net, key, p.lamport, p.object_id, p.display_name, p.organisation, p.region, join_list(p.languages),
                 join_list(p.services), p.contact, p.updated_at_ms, join_list(p.addresses), p.onion_client_key);
}

core::Result<void> Directory::drop_profile(const NetworkId& net, const identity::IdentityKey& key) {
  return execute(db_, "DELETE FROM profile WHERE network_id = ?1 AND identity_key = ?2", net, key);
}

}  // namespace tumar::network
