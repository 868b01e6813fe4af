#pragma once
// UTF-8 stepping over ICU's macros, which trip -Wconversion inside their own expansion.

#include <unicode/utf8.h>

#include <cstdint>
#include <string>
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

/// The code points of s (invalid bytes skipped, as for_each_code_point does).
inline std::u32string decode_utf32(std::string_view s) {
    std::u32string out;
    for_each_code_point(s, [&](char32_t c) {
        out += c;
        return true;
    });
    return out;
}

/// Appends code point c as UTF-8; a value that is no Unicode scalar (a surrogate, or above
/// U+10FFFF) appends nothing.
inline void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        if (c >= 0xD800 && c <= 0xDFFF) return;
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c <= 0x10FFFF) {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

}  // namespace izdeu
