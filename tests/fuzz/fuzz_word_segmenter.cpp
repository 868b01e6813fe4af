// libFuzzer target: the word segmenter's ASCII path against ICU. The input is read as UTF-8
// (invalid bytes become U+FFFD, as the analyzer's decoder makes them); the two segmentations
// must be the same, segment for segment.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <unicode/unistr.h>

#include "word_segmenter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static izdeu::WordSegmenter segmenter;  // one per process: the fuzzer runs one thread
    const icu::UnicodeString text =
        icu::UnicodeString::fromUTF8(icu::StringPiece(reinterpret_cast<const char*>(data), static_cast<int32_t>(size)));
    const std::u16string_view units(text.getBuffer(), static_cast<std::size_t>(text.length()));
    static std::vector<izdeu::WordSegment> fast, icu;
    segmenter.segment(units, fast);
    segmenter.segment_with_icu(units, icu);
    if (fast.size() != icu.size()) std::abort();
    for (std::size_t i = 0; i < fast.size(); ++i) {
        if (fast[i].begin != icu[i].begin || fast[i].end != icu[i].end) std::abort();
    }
    return 0;
}
