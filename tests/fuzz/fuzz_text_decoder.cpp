// libFuzzer target: encoding detection and conversion. A converted text must be valid UTF-8
// (text kept as "UTF-8 (with invalid bytes)" is not converted: the analyzer replaces those).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "errors.h"
#include "text_encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        izdeu::DecodedText decoded = izdeu::decode_text(bytes);
        if (decoded.converted && !izdeu::is_valid_utf8(decoded.text)) std::abort();
    } catch (const izdeu::ArticleError&) {
    }
    return 0;
}
