#pragma once
// Numeric command-line options of both tools, read from their text so that every bad value
// (a negative count, a word, an out-of-range number) gets one message that states the range.
// Reading them as unsigned types directly let "-1" wrap around to a huge number.

#include <cstdint>
#include <string>

namespace izdeu {

/// A whole number in [min, max]. Throws UsageError("--limit takes a whole number from 0 to ...").
std::uint64_t parse_whole_number(const std::string& option, const std::string& text, std::uint64_t min,
                                 std::uint64_t max);

/// A decimal number in [min, max]. Throws UsageError naming the option and the range.
double parse_decimal(const std::string& option, const std::string& text, double min, double max);

}  // namespace izdeu
