#pragma once
// What --version prints: the project version (CMake's project(VERSION)) and the versions of the
// libraries the analyzer fingerprint records, so a user can tell which izdeu wrote an index.

#include <string>
#include <string_view>

namespace izdeu {

/// The project version, e.g. "0.1.0".
std::string_view project_version();

/// "izdeu-query 0.1.0 (Xapian 1.4.22, ICU 72.1, Unicode 15.0)", with a newline.
std::string version_line(std::string_view program);

}  // namespace izdeu
