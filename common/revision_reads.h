#pragma once
// Reading a Xapian database that an indexer commits to meanwhile.
//
// A reader keeps the revision it opened. Glass lets the writer reuse that revision's blocks
// once two newer ones are committed, and a read then fails in one of three ways: Xapian
// notices the newer block (DatabaseModifiedError), it finds a block of the wrong kind
// (DatabaseCorruptError: "Expected block N to be level L"), or it follows a pointer out of a
// block rewritten under it (a plain DatabaseError: "EOF reading block N"). All three mean "the
// revision you read is gone", and a reopen answers from the latest one; each was seen in
// tests/reliability_test.py.

#include <chrono>
#include <string>
#include <thread>
#include <type_traits>

#include <xapian.h>

namespace izdeu {

/// True for the errors a read of a discarded revision raises (above). Opening, lock and other
/// errors are not retried.
inline bool revision_was_discarded(const Xapian::DatabaseError& e) {
    const std::string type = e.get_type();
    return type == "DatabaseModifiedError" || type == "DatabaseCorruptError" || type == "DatabaseError";
}

/// True when Xapian itself says the revision was discarded, which only a commit does (the
/// other two errors can also mean real damage).
inline bool discarded_by_a_commit(const Xapian::DatabaseError& e) {
    return std::string(e.get_type()) == "DatabaseModifiedError";  // Xapian::Error is not polymorphic
}

/// Runs `read`; when it fails as a read of a discarded revision does, calls `reopen` and runs
/// it again, five times more; while Xapian says the revision was discarded (only commits do
/// that), for at least a second. A read as slow as two commits of an indexer committing every
/// few articles loses every race it starts at a random moment (a phrase query in izdeu-serve
/// lost six tries in a row to one committing every 10 articles), so after the quick tries each
/// one starts just after a commit, when it has the longest time before the second one next:
/// when `reopen` returns whether it moved (Xapian's reopen() does), it is polled for up to
/// 50 ms until it does. A real corruption or I/O error persists through the retries and is
/// reported. A reopen that itself meets further commits (it reads the new revision's roots)
/// counts as an attempt too.
template <typename Reopen, typename Read>
auto read_reopening(Reopen&& reopen, Read&& read) -> decltype(read()) {
    constexpr int kQuickAttempts = 6;
    constexpr auto kPatience = std::chrono::seconds(1);
    constexpr auto kLongestWaitForACommit = std::chrono::milliseconds(50);
    const auto started = std::chrono::steady_clock::now();
    for (int attempt = 0;; ++attempt) {
        try {
            if (attempt > 0) reopen();
            if constexpr (std::is_same_v<decltype(reopen()), bool>) {
                if (attempt >= kQuickAttempts) {
                    // No commit within the wait: the writer is quiet, and the read can win now.
                    const auto until = std::chrono::steady_clock::now() + kLongestWaitForACommit;
                    while (!reopen() && std::chrono::steady_clock::now() < until)
                        std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
            }
            return read();
        } catch (const Xapian::DatabaseError& e) {
            if (!revision_was_discarded(e)) throw;
            if (attempt + 1 >= kQuickAttempts &&
                (!discarded_by_a_commit(e) || std::chrono::steady_clock::now() - started >= kPatience))
                throw;
        }
    }
}

}  // namespace izdeu
