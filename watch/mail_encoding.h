#pragma once
// What a mail message needs to carry UTF-8 text (RFC 5322 with MIME: RFC 2045 and RFC 2047).

#include <cstdint>
#include <string>
#include <string_view>

namespace izdeu::watch {

/// A header's text as it may appear in a header: itself when it is printable ASCII, else
/// RFC 2047 encoded-words ("=?UTF-8?B?...?="), each at most 75 characters and cut between
/// characters, folded onto continuation lines. `used` is how much of the first line the header's
/// name already takes ("Subject: " is 9), so that no line passes 76 characters.
std::string encode_header_text(std::string_view text, std::size_t used = 0);

/// An address ("Name <user@host>" or "user@host") with its display name encoded when it is not
/// ASCII. Throws UsageError for control characters or a non-ASCII address part.
std::string encode_address(std::string_view address);

/// A body in quoted-printable (RFC 2045 §6.7): lines at most 76 characters, soft line breaks,
/// '=', bytes above 0x7E and spaces at line ends encoded. Lines end with LF (sendmail adds CR).
std::string quoted_printable(std::string_view text);

/// An RFC 5322 date in UTC: "Tue, 04 Jun 2024 12:00:00 +0000".
std::string rfc5322_date(std::int64_t microseconds);

}  // namespace izdeu::watch
