#pragma once
// What izdeu-watch prints: a digest for people (text), JSON lines for programs, and a mail
// message for `sendmail -t` (the text digest, quoted-printable, with encoded headers).
// Presentation only: the hits, their snippets and their order come from the query library.

#include <iosfwd>
#include <string>
#include <vector>

#include "watch_runner.h"

namespace izdeu::watch {

enum class WatchFormat { Text, Json, Mail };

struct MailHeaders {
    std::vector<std::string> to;  ///< at least one
    std::string from;             ///< empty: the mail system's default sender
    std::int64_t now = 0;         ///< the Date header
    std::string message_id;       ///< "<...@host>"
};

/// Whether the reports have anything to print (a new article in some watch).
bool has_news(const std::vector<WatchReport>& reports);

/// The digest: watches with new articles, grouped, newest first, with snippets.
void print_text(const std::vector<WatchReport>& reports, std::ostream& out);
/// One JSON object a line: {"type":"hit","watch":...} per article, then {"type":"watch",...}
/// per watch with its counts.
void print_json(const std::vector<WatchReport>& reports, std::ostream& out);
/// An RFC 5322 message whose body is the text digest.
void print_mail(const std::vector<WatchReport>& reports, const MailHeaders& headers, std::ostream& out);

}  // namespace izdeu::watch
