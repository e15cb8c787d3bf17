#pragma once
// MEMBER on the command line (member remove, msg send, msg list --with):
// an exact display name (ignoring ASCII case) or at least 8 hex digits of
// the identity key. Matched with care, since the wrong person would be
// removed or written to: several matches is an error listing them all.

#include <string>
#include <vector>

#include "core/network/directory.hpp"

namespace tumar::cli {

// "Bota  key 09e467f72d05576a": a member as a sentence names them.
std::string describe(const network::DirectoryEntry& e);

// `verb` completes "give more digits of the key of the one to ...".
core::Result<network::DirectoryEntry> find_member(std::vector<network::DirectoryEntry> entries, const std::string& text,
                                                  const std::string& net_label, const std::string& net_flag,
                                                  const std::string& verb);

}  // namespace tumar::cli
