#pragma once
// Typed errors of the izdeu library. Library code throws these; the CLIs catch them in run() and
// map each type to a documented exit code. Xapian::Error does not derive from std::exception, so
// the boundary catches it separately.

#include <stdexcept>
#include <string>

namespace izdeu {

/// Bad command-line usage or option value (exit 2).
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The database is missing, unreadable, corrupt, or made by an incompatible analyzer (exit 3).
struct DatabaseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Another process holds the write lock for longer than the lock timeout (exit 75).
struct LockedError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// One input article could not be read or parsed; the run goes on without it.
struct ArticleError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace izdeu
