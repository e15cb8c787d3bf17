#include "core/network/serve_address.hpp"

#include "core/store/bind.hpp"

namespace tumar::network {

core::Result<void> record_serve_address(store::Database& db, const std::string& address) {
  return store::execute(db,
                        "INSERT INTO setting (name, value) VALUES ('serve_address', ?1) "
                        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                        address);
}

core::Result<std::optional<std::string>> serve_address(store::Database& db) {
  TUMAR_TRY_ASSIGN(st, db.prepare("SELECT value FROM setting WHERE name = 'serve_address'"));
  TUMAR_TRY_ASSIGN(row, st.step());
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>(st.column_text(0));
}

}  // namespace tumar::network
