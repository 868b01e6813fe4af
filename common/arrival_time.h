#pragma once
// When an article arrived in the index and when it last changed, as value-slot strings
// (schema.h: kSlotIndexedAt, kSlotChangedAt): microseconds since the Unix epoch written as 17
// decimal digits, so string order is time order and Xapian's value ranges compare them directly.
// izdeu-index writes them; izdeu-watch compares them with its high-water marks.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace izdeu::arrival {

inline constexpr std::size_t kDigits = 17;

/// The slot string for a time (microseconds since the epoch, not negative).
std::string encode(std::int64_t microseconds);
/// The time at the start of a slot value, or nothing when the value does not start with one.
std::optional<std::int64_t> decode(std::string_view value);
/// "2024-06-01 12:00 UTC", for people.
std::string readable_utc(std::int64_t microseconds);
/// The system clock, in microseconds since the epoch.
std::int64_t now_microseconds();

}  // namespace izdeu::arrival
