// core/error_ids.hpp's catalog: a front end, a log or a translation keys on
// an error's `key`, so no two ids may share one. (Order and fields are
// checked at compile time in the header; this pairwise check is here
// because at compile time it would exceed clang's constexpr step limit.)

#include <gtest/gtest.h>

#include <set>
#include <string_view>

#include "core/error_ids.hpp"

namespace tumar::core {
namespace {

TEST(ErrorCatalog, EveryKeyIsUnique) {
  std::set<std::string_view> seen;
  for (const ErrorSpec& spec : kErrorCatalog) {
    EXPECT_TRUE(seen.insert(spec.key).second) << "two ids share the key " << spec.key;
  }
  EXPECT_EQ(seen.size(), kErrorCatalog.size());
}

}  // namespace
}  // namespace tumar::core
