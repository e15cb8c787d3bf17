#pragma once
// A fresh directory under $TMPDIR (or /tmp) removed with everything in it when
// the test ends, so tests never touch a real profile.

#include <filesystem>
#include <string>

namespace tumar::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace tumar::test
