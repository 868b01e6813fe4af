#pragma once
// Turns the bytes of an input file into UTF-8 text. UTF-8 (with or without BOM) is expected;
// windows-1251, KOI8-R and UTF-16, which Russian and Kazakh archives really use, are detected
// with ICU's charset detector and converted. Binary data is refused.

#include <string>
#include <string_view>

namespace izdeu {

struct DecodedText {
    std::string text;      ///< UTF-8, BOM removed
    std::string encoding;  ///< "UTF-8", "windows-1251", "KOI8-R", "UTF-16LE", ...
    bool converted = false;
};

/// Throws ArticleError for binary data or an undetectable encoding.
DecodedText decode_text(std::string_view bytes);

/// True when the bytes are well-formed UTF-8.
bool is_valid_utf8(std::string_view bytes);

}  // namespace izdeu
