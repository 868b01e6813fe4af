#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class BreakIterator;
U_NAMESPACE_END

namespace izdeu {

/// A word of a text: [begin, end) in UTF-16 units.
struct WordSegment {
    std::uint32_t begin, end;
};

/// Finds the words (runs with letters or digits) of a UTF-16 text by ICU's root word-break
/// rules (Unicode's UAX #29), the segmentation the analyzer has always used. A run of ASCII
/// between ASCII white space, most of English text, is segmented here by the same rules
/// without ICU, whose break iterator was half of the analyzer's time; the rest goes to ICU.
/// White space is a word boundary on both sides under those rules, so each part is segmented
/// as in the whole. tests/analyzer_test.cpp compares the two on random texts.
class WordSegmenter {
  public:
    WordSegmenter();
    ~WordSegmenter();
    WordSegmenter(const WordSegmenter&) = delete;
    WordSegmenter& operator=(const WordSegmenter&) = delete;

    /// Replaces `out` with the words of `text`.
    void segment(std::u16string_view text, std::vector<WordSegment>& out);
    /// The same, by ICU alone: the reference.
    void segment_with_icu(std::u16string_view text, std::vector<WordSegment>& out);

  private:
    void icu_words(std::u16string_view text, std::uint32_t begin, std::uint32_t end, std::vector<WordSegment>& out);

    std::unique_ptr<icu::BreakIterator> breaker_;
};

}  // namespace izdeu
