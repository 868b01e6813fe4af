#include "word_segmenter.h"

#include <stdexcept>
#include <string>

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/ubrk.h>
#include <unicode/utext.h>

namespace izdeu {

namespace {

bool is_ascii_space(char16_t u) {
    return u == u' ' || (u >= u'\t' && u <= u'\r');
}

/// The word-break classes of UAX #29 that ASCII characters have (ICU's root rules).
enum class Kind : std::uint8_t {
    Other,
    Letter,    // ALetter: A-Z a-z, and @ in ICU's root rules (an e-mail address is one word)
    Digit,     // Numeric
    MidBoth,   // MidNumLet and Single_Quote: . '  (inside words and numbers)
    MidNum,    // , ;  (inside numbers)
    Connector  // ExtendNumLet: _
};

constexpr Kind kind_of(char16_t u) {
    if ((u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || u == u'@') return Kind::Letter;
    if (u >= u'0' && u <= u'9') return Kind::Digit;
    if (u == u'.' || u == u'\'') return Kind::MidBoth;
    if (u == u',' || u == u';') return Kind::MidNum;
    if (u == u'_') return Kind::Connector;
    return Kind::Other;  // ':' included: ICU's root rules take it out of MidLetter
}

/// Whether UAX #29 keeps text[i - 1] and text[i] in one segment (rules WB5 to WB13b; the
/// others concern characters that are not ASCII or are white space).
bool joined(const char16_t* text, std::uint32_t begin, std::uint32_t end, std::uint32_t i) {
    const Kind before = kind_of(text[i - 1]), at = kind_of(text[i]);
    const Kind before2 = i >= begin + 2 ? kind_of(text[i - 2]) : Kind::Other;
    const Kind after = i + 1 < end ? kind_of(text[i + 1]) : Kind::Other;
    const bool letter_or_digit_before = before == Kind::Letter || before == Kind::Digit;
    if (letter_or_digit_before && (at == Kind::Letter || at == Kind::Digit)) return true;       // WB5, WB8-10
    if (before == Kind::Letter && at == Kind::MidBoth && after == Kind::Letter) return true;    // WB6
    if (before2 == Kind::Letter && before == Kind::MidBoth && at == Kind::Letter) return true;  // WB7
    if (before2 == Kind::Digit && (before == Kind::MidBoth || before == Kind::MidNum) && at == Kind::Digit)
        return true;  // WB11
    if (before == Kind::Digit && (at == Kind::MidBoth || at == Kind::MidNum) && after == Kind::Digit)
        return true;                                                                                  // WB12
    if ((letter_or_digit_before || before == Kind::Connector) && at == Kind::Connector) return true;  // WB13a
    if (before == Kind::Connector && (at == Kind::Letter || at == Kind::Digit)) return true;          // WB13b
    return false;
}

/// The segments of an ASCII run without white space, keeping those ICU tags as words: with a
/// letter or digit, or two or more connectors (ICU's rule 13a tags "__" as a word).
void ascii_words(const char16_t* text, std::uint32_t begin, std::uint32_t end, std::vector<WordSegment>& out) {
    std::uint32_t start = begin;
    for (std::uint32_t i = begin + 1; i <= end; ++i) {
        if (i < end && joined(text, begin, end, i)) continue;
        bool word = i - start >= 2;  // a joined pair has a letter, a digit or two connectors
        if (!word) {
            const Kind k = kind_of(text[start]);
            word = k == Kind::Letter || k == Kind::Digit;
        }
        if (word) out.push_back({start, i});
        start = i;
    }
}

}  // namespace

WordSegmenter::WordSegmenter() {
    UErrorCode status = U_ZERO_ERROR;
    // The root locale, never the process locale: cron runs with LANG=C.
    breaker_.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !breaker_) {
        throw std::runtime_error(std::string("ICU word break iterator: ") + u_errorName(status));
    }
}

WordSegmenter::~WordSegmenter() = default;

void WordSegmenter::icu_words(std::u16string_view text, std::uint32_t begin, std::uint32_t end,
                              std::vector<WordSegment>& out) {
    if (begin >= end) return;
    UErrorCode status = U_ZERO_ERROR;
    UText text16 = UTEXT_INITIALIZER;  // on the stack: no allocation per call
    UText* ut = utext_openUChars(&text16, text.data() + begin, static_cast<int64_t>(end - begin), &status);
    breaker_->setText(ut, status);
    for (int32_t b = breaker_->first(), e = breaker_->next(); e != icu::BreakIterator::DONE;
         b = e, e = breaker_->next()) {
        if (breaker_->getRuleStatus() >= UBRK_WORD_NONE_LIMIT) {
            out.push_back({begin + static_cast<std::uint32_t>(b), begin + static_cast<std::uint32_t>(e)});
        }
    }
    utext_close(ut);
}

void WordSegmenter::segment_with_icu(std::u16string_view text, std::vector<WordSegment>& out) {
    out.clear();
    icu_words(text, 0, static_cast<std::uint32_t>(text.size()), out);
}

void WordSegmenter::segment(std::u16string_view text, std::vector<WordSegment>& out) {
    out.clear();
    const char16_t* units = text.data();
    const auto n = static_cast<std::uint32_t>(text.size());
    // Text that is not ASCII is left to ICU in stretches from white space to white space, as
    // long as its runs keep having a character above ASCII (one call per stretch, not per run).
    std::uint32_t icu_from = n;  // start of the pending stretch for ICU, n if none
    std::uint32_t i = 0;
    while (i < n) {
        if (is_ascii_space(units[i])) {
            ++i;
            continue;
        }
        std::uint32_t j = i;
        bool ascii = true;
        while (j < n && !is_ascii_space(units[j])) {
            ascii = ascii && units[j] < 0x80;
            ++j;
        }
        if (ascii) {
            if (icu_from < n) icu_words(text, icu_from, i, out);
            icu_from = n;
            ascii_words(units, i, j, out);
        } else if (icu_from == n) {
            icu_from = i;
        }
        i = j;
    }
    if (icu_from < n) icu_words(text, icu_from, n, out);
}

}  // namespace izdeu
