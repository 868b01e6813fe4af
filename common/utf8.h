#pragma once
// UTF-8 stepping over ICU's macros, which trip -Wconversion inside their own expansion.

#include <unicode/utf8.h>

#include <cstdint>
#include <string_view>

namespace izdeu {

/// Decodes the code point at i and advances i; returns a negative value for an invalid sequence.
inline std::int32_t next_code_point(std::string_view s, std::int32_t& i) {
    const auto n = static_cast<std::int32_t>(s.size());
    UChar32 c;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
    U8_NEXT(s.data(), i, n, c);
#pragma GCC diagnostic pop
    return c;
}

/// Calls visit(code point) for each well-formed code point of s, skipping invalid sequences,
/// until visit returns false.
template <typename Visit>
void for_each_code_point(std::string_view s, Visit&& visit) {
    std::int32_t i = 0;
    const auto n = static_cast<std::int32_t>(s.size());
    while (i < n) {
        const std::int32_t c = next_code_point(s, i);
        if (c >= 0 && !visit(static_cast<char32_t>(c))) return;
    }
}

}  // namespace izdeu
