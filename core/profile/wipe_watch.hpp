#pragma once
// Lets a long-running process (tumar serve) notice that its profile was
// wiped, so it zeroes its keys and exits (the node polls every 250 ms).
//
// wiped() is true when the key file is missing, or the database file is
// missing, or the database is a different inode than when armed. The
// database's identity is what is watched because `passphrase change`
// replaces the key file by rename (a new inode) and must not count; a
// missing key file counts because panic wipe removes it first. A file that
// cannot be inspected at all also counts: when in doubt, stop.

#include <sys/types.h>

#include "core/error.hpp"
#include "core/profile/profile_paths.hpp"

namespace tumar::profile {

class WipeWatch {
 public:
  // Records the database's (st_dev, st_ino). No database -> kNoProfile.
  [[nodiscard]] static core::Result<WipeWatch> arm(const ProfilePaths& paths);

  [[nodiscard]] bool wiped() const;

 private:
  WipeWatch(ProfilePaths paths, dev_t dev, ino_t ino) : paths_(std::move(paths)), dev_(dev), ino_(ino) {}
  ProfilePaths paths_;
  dev_t dev_;
  ino_t ino_;
};

}  // namespace tumar::profile
