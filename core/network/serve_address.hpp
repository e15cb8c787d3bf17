#pragma once
// Where this profile's node last listened (`tumar serve`), so an invite can
// tell a newcomer where to connect. A setting row, written by serve.

#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/store/database.hpp"

namespace tumar::network {

core::Result<void> record_serve_address(store::Database& db, const std::string& address);
core::Result<std::optional<std::string>> serve_address(store::Database& db);

}  // namespace tumar::network
