#include "text_encoding.h"

#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/utf8.h>

#include <memory>

#include "errors.h"
#include "utf8.h"

namespace izdeu {

namespace {

std::string convert_to_utf8(std::string_view bytes, const char* encoding) {
    UErrorCode status = U_ZERO_ERROR;
    std::string out(bytes.size() * 3 + 16, '\0');
    int32_t n = ucnv_convert("UTF-8", encoding, out.data(), static_cast<int32_t>(out.size()),
                             bytes.data(), static_cast<int32_t>(bytes.size()), &status);
    if (U_FAILURE(status)) {
        throw ArticleError(std::string("cannot convert from ") + encoding + ": " +
                           u_errorName(status));
    }
    out.resize(static_cast<size_t>(n));
    if (out.substr(0, 3) == "\xEF\xBB\xBF") out.erase(0, 3);
    return out;
}

// NUL bytes in the first few KB mean binary, unless they are UTF-16's high bytes.
bool looks_binary(std::string_view bytes) {
    std::string_view head = bytes.substr(0, 8192);
    size_t nul = 0, control = 0;
    for (unsigned char c : head) {
        if (c == 0) ++nul;
        else if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1B) ++control;
    }
    return nul > 0 || control * 20 > head.size();
}

bool looks_utf16(std::string_view bytes, bool& little_endian) {
    if (bytes.size() >= 2) {
        auto b0 = static_cast<unsigned char>(bytes[0]), b1 = static_cast<unsigned char>(bytes[1]);
        if (b0 == 0xFF && b1 == 0xFE) return little_endian = true;
        if (b0 == 0xFE && b1 == 0xFF) {
            little_endian = false;
            return true;
        }
    }
    // Without a BOM: text in UTF-16 has a NUL in every other byte for ASCII, or a regular
    // high byte (0x04 for Cyrillic) at one parity.
    std::string_view head = bytes.substr(0, 4096);
    if (head.size() < 4 || head.size() % 2 != 0) return false;
    size_t even_zero = 0, odd_zero = 0, even_04 = 0, odd_04 = 0;
    for (size_t i = 0; i < head.size(); ++i) {
        auto c = static_cast<unsigned char>(head[i]);
        if (i % 2 == 0) {
            even_zero += c == 0;
            even_04 += c == 0x04;
        } else {
            odd_zero += c == 0;
            odd_04 += c == 0x04;
        }
    }
    size_t pairs = head.size() / 2;
    if ((odd_zero + odd_04) * 10 >= pairs * 7 && even_zero == 0) return little_endian = true;
    if ((even_zero + even_04) * 10 >= pairs * 7 && odd_zero == 0) {
        little_endian = false;
        return true;
    }
    return false;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
    const auto n = static_cast<int32_t>(bytes.size());
    int32_t i = 0;
    while (i < n) {
        UChar32 c = next_code_point(bytes, i);
        if (c < 0) return false;
    }
    return true;
}

DecodedText decode_text(std::string_view bytes) {
    DecodedText result;
    bool little_endian = true;
    if (looks_utf16(bytes, little_endian)) {
        result.encoding = little_endian ? "UTF-16LE" : "UTF-16BE";
        result.text = convert_to_utf8(bytes, result.encoding.c_str());
        result.converted = true;
        return result;
    }
    if (looks_binary(bytes)) throw ArticleError("binary file, not text");
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    if (is_valid_utf8(bytes)) {
        result.text = std::string(bytes);
        result.encoding = "UTF-8";
        return result;
    }
    // Not UTF-8: ask ICU, but choose only among the 8-bit Cyrillic encodings we expect; others
    // (and a detector that is unsure) fall back to windows-1251, the commonest in such archives.
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UCharsetDetector, decltype(&ucsdet_close)> detector(ucsdet_open(&status),
                                                                        ucsdet_close);
    std::string best;
    if (U_SUCCESS(status)) {
        ucsdet_setText(detector.get(), bytes.data(),
                       static_cast<int32_t>(std::min<size_t>(bytes.size(), 1 << 16)), &status);
        int32_t found = 0;
        const UCharsetMatch** matches = ucsdet_detectAll(detector.get(), &found, &status);
        for (int32_t k = 0; U_SUCCESS(status) && k < found; ++k) {
            std::string name = ucsdet_getName(matches[k], &status);
            if (name == "windows-1251" || name == "KOI8-R" || name == "ISO-8859-5" ||
                name == "IBM866") {
                best = name;
                break;
            }
        }
    }
    if (best.empty()) {
        // Many invalid sequences and no Cyrillic verdict: likely invalid UTF-8 text; keep it as
        // UTF-8 and let the analyzer replace and count the bad bytes.
        size_t high = 0;
        for (unsigned char c : bytes) high += c >= 0x80;
        if (high * 4 < bytes.size() / 8) {
            result.text = std::string(bytes);
            result.encoding = "UTF-8 (with invalid bytes)";
            return result;
        }
        best = "windows-1251";
    }
    result.encoding = best;
    result.text = convert_to_utf8(bytes, best.c_str());
    result.converted = true;
    return result;
}

}  // namespace izdeu
